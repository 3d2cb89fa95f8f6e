import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, simulatorCredentials } from "../../local/local-stack.ts";
import { reconcileDepsFor } from "../../shared/ops/reconcile-deps.ts";
import { type ReconcileResult, runReconcile } from "../../shared/reconcile/run.ts";
import { MemoryLog } from "../providers/doubles.ts";
import { hrChange, pagedReader } from "../reconcile/fixtures.ts";
import { type PersonInput, scim, scimUser, settled, startTestStack } from "./stack.ts";

const person = (id: string, name: string): PersonInput => ({
  id,
  email: `${name.toLowerCase()}@example.com`,
  givenName: name,
  familyName: "Lee",
});
const ann = person("E1", "Ann");
const bo = person("E2", "Bo");
const cy = person("E3", "Cy");
const dee = person("E4", "Dee");
const eve = person("E5", "Eve");
const fay = person("E6", "Fay");

const hrRecord = ({ id, email, givenName, familyName }: PersonInput) =>
  hrChange(id, 0, { loginId: email, email, givenName, familyName, active: true });

let stack: LocalStack;

async function descopeCall(path: string, body: object, method = "POST") {
  const { descopeProjectId, descopeManagementKey } = simulatorCredentials;
  const response = await fetch(`${stack.descope?.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${descopeProjectId}:${descopeManagementKey}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

async function zitadelCall(path: string, method: string, body?: object) {
  const response = await fetch(`${stack.zitadel?.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${simulatorCredentials.zitadelPat}`,
      "content-type": "application/json",
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(response.status).toBeLessThan(300);
}

/** Creates a user straight at both providers, behind idp-sync's back. */
async function createBehindTheBack({ email, givenName, familyName }: PersonInput) {
  await descopeCall("/v1/mgmt/user/create", {
    loginId: email,
    email,
    givenName: `${givenName}-manual`,
    familyName,
  });
  await zitadelCall("/v2/users/human", "POST", {
    username: email,
    organization: { orgId: simulatorCredentials.zitadelOrgId },
    profile: { givenName: `${givenName}-manual`, familyName },
    email: { email, isVerified: true },
  });
}

const zitadelId = async (personKey: string) =>
  (await stack.runtime.store.get([personKey])).get(personKey)?.providers.zitadel?.userId as string;

function reconcile(dryRun: boolean) {
  const deps = reconcileDepsFor(stack.runtime.config, {
    store: stack.runtime.store,
    queue: stack.runtime.queue,
    secrets: stack.runtime.secrets,
    log: new MemoryLog(),
    readersFor: () => [pagedReader("hr", [[ann, bo, dee].map(hrRecord), [eve, fay].map(hrRecord)])],
  });
  return runReconcile(deps, { dryRun });
}

const actionsOf = (result: ReconcileResult) => {
  if (result.status !== "planned") throw new Error("not planned");
  return Object.fromEntries(
    result.plan.providers.map(({ provider, rows, unchanged }) => [
      provider,
      {
        unchanged,
        rows: rows
          .map((row) => [row.action, row.person ?? row.loginId, ...(row.attributes ?? [])].join(" "))
          .sort(),
      },
    ]),
  ) as Record<string, { unchanged: number; rows: string[] }>;
};

describe("reconcile end to end (local runtime, both simulators)", () => {
  beforeAll(async () => {
    stack = await startTestStack();
    for (const input of [ann, bo, cy, dee])
      expect((await scim(stack, "POST", "/Users", scimUser(input))).status).toBe(201);
    await settled(stack);
    // Drift: Ann renamed at both providers by hand.
    await descopeCall("/v1/mgmt/user/patch", { loginId: ann.email, givenName: "Annie" }, "PATCH");
    await zitadelCall(`/v2/users/human/${await zitadelId("E1")}`, "PUT", {
      profile: { givenName: "Annie", familyName: "Lee", displayName: "Ann Lee" },
    });
    // Gone: Bo deleted at both providers by hand.
    await descopeCall("/v1/mgmt/user/delete", { loginId: bo.email });
    await zitadelCall(`/v2/users/${await zitadelId("E2")}`, "DELETE");
    // Eve exists before idp-sync knew her; Zed is nobody's.
    await createBehindTheBack(eve);
    await createBehindTheBack(person("X9", "Zed"));
  });
  afterAll(() => stack?.stop());

  it("previews every action, writes nothing, then applies through the queue and converges", async () => {
    const expected = (drifted: string) => ({
      unchanged: 1,
      rows: [
        "adopt E5 givenName",
        "create E6",
        "leaver E3",
        "orphan zed@example.com",
        "recreate E2",
        `repair E1 ${drifted}`,
      ],
    });
    const before = JSON.stringify(stack.runtime.store.all());
    const preview = await reconcile(true);
    expect(actionsOf(preview)).toEqual({ descope: expected("givenName"), zitadel: expected("givenName") });
    expect(JSON.stringify(stack.runtime.store.all())).toBe(before);

    const applied = await reconcile(false);
    expect(applied).toMatchObject({ applied: { failed: [] } });
    await settled(stack);

    const descopeUsers = stack.descope?.users() ?? [];
    const byLogin = (loginId: string) => descopeUsers.filter((user) => user.loginIds.includes(loginId));
    for (const input of [ann, bo, cy, dee, eve, fay]) expect(byLogin(input.email)).toHaveLength(1);
    expect(byLogin(ann.email)[0]).toMatchObject({ givenName: "Ann" });
    expect(byLogin(eve.email)[0]).toMatchObject({ givenName: "Eve" });
    expect(byLogin(cy.email)[0]).toMatchObject({ status: "disabled" });
    expect(byLogin("zed@example.com")[0]).toMatchObject({ givenName: "Zed-manual", status: "invited" });

    const zitadelUsers = (stack.zitadel?.users() ?? []) as {
      userName?: string;
      username?: string;
      state?: string;
      human?: { profile?: { givenName?: string } };
    }[];
    const zitadelByName = (name: string) =>
      zitadelUsers.filter((user) => (user.username ?? user.userName) === name);
    for (const input of [ann, bo, cy, dee, eve, fay]) expect(zitadelByName(input.email)).toHaveLength(1);
    expect(zitadelByName(ann.email)[0]?.human?.profile?.givenName).toBe("Ann");
    expect(zitadelByName(eve.email)[0]?.human?.profile?.givenName).toBe("Eve");
    // Never signed in (initial): ZITADEL cannot deactivate such a user, so idp-sync locks it.
    expect(zitadelByName(cy.email)[0]?.state).toBe("USER_STATE_LOCKED");
    expect(zitadelByName("zed@example.com")[0]?.human?.profile?.givenName).toBe("Zed-manual");

    const again = actionsOf(await reconcile(true));
    const converged = { unchanged: 6, rows: ["orphan zed@example.com"] };
    expect(again).toEqual({ descope: converged, zitadel: converged });
  });
});
