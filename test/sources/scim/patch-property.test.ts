import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coreUser, enterpriseUser, patch, scimHarness } from "./harness.ts";

/**
 * Property: any sequence of valid PATCH requests sent through idp-sync (parse → apply to the stored user →
 * diff → change → intake merge → read back) leaves the user a client reads exactly where a straightforward
 * reference implementation of RFC 7644 §3.5.2 puts it, over the attributes idp-sync represents.
 */

type Field =
  | "userName"
  | "displayName"
  | "title"
  | "givenName"
  | "middleName"
  | "familyName"
  | "employeeNumber"
  | "costCenter"
  | "department"
  | "manager"
  | "email";
type Model = Partial<Record<Field, string>> & { active: boolean };

interface GeneratedOp {
  operation: Record<string, unknown>;
  apply: (model: Model) => void;
}

const text = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,11}$/);
const opName = (op: "add" | "replace" | "remove") =>
  fc.constantFrom(op, op[0]?.toUpperCase() + op.slice(1), op.toUpperCase());
const setOp = fc.constantFrom<"add" | "replace">("add", "replace").chain(opName);

/** A path in one of the spellings clients use, for a field that is a plain string. */
const simple: [Field, string[]][] = [
  ["displayName", ["displayName", "DisplayName", `${coreUser}:displayName`]],
  ["title", ["title", "TITLE"]],
  ["givenName", ["name.givenName", "NAME.GivenName", `${coreUser}:name.givenName`]],
  ["middleName", ["name.middleName"]],
  ["familyName", ["name.familyName", "name.FAMILYNAME"]],
  ["employeeNumber", [`${enterpriseUser}:employeeNumber`, "employeeNumber"]],
  ["costCenter", [`${enterpriseUser}:costCenter`]],
  ["department", [`${enterpriseUser}:department`, "Department"]],
];

const simpleSet: fc.Arbitrary<GeneratedOp> = fc
  .tuple(fc.constantFrom(...simple), fc.nat(), setOp, text)
  .map(([[field, paths], pick, op, value]) => ({
    operation: { op, path: paths[pick % paths.length], value },
    apply: (model) => {
      model[field] = value;
    },
  }));

const simpleRemove: fc.Arbitrary<GeneratedOp> = fc
  .tuple(fc.constantFrom(...simple), fc.nat(), opName("remove"))
  .map(([[field, paths], pick, op]) => ({
    operation: { op, path: paths[pick % paths.length] },
    apply: (model) => {
      delete model[field];
    },
  }));

const userName: fc.Arbitrary<GeneratedOp> = fc.tuple(setOp, text).map(([op, value]) => ({
  operation: { op, path: "userName", value },
  apply: (model) => {
    model.userName = value;
  },
}));

/** Okta's booleans, and Entra's "True"/"False" strings. */
const active: fc.Arbitrary<GeneratedOp> = fc
  .tuple(setOp, fc.boolean(), fc.boolean(), fc.boolean())
  .map(([op, value, asString, pathless]) => {
    const sent = asString ? (value ? "True" : "False") : value;
    return {
      operation: pathless ? { op, value: { active: sent } } : { op, path: "active", value: sent },
      apply: (model) => {
        model.active = value;
      },
    };
  });

/** `name` as a complex value: the sub-attributes given replace, the others stay (§3.5.2.1 and .3). */
const name: fc.Arbitrary<GeneratedOp> = fc
  .tuple(setOp, fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }))
  .filter(([, given, family]) => given !== undefined || family !== undefined)
  .map(([op, givenName, familyName]) => ({
    operation: {
      op,
      path: "name",
      value: { ...(givenName ? { givenName } : {}), ...(familyName ? { familyName } : {}) },
    },
    apply: (model) => {
      if (givenName) model.givenName = givenName;
      if (familyName) model.familyName = familyName;
    },
  }));

const removeName: fc.Arbitrary<GeneratedOp> = opName("remove").map((op) => ({
  operation: { op, path: "name" },
  apply: (model) => {
    delete model.givenName;
    delete model.middleName;
    delete model.familyName;
  },
}));

/** The manager as { value }, as Entra's one-element array, or removed. */
const manager: fc.Arbitrary<GeneratedOp> = fc.oneof(
  fc.tuple(setOp, text, fc.boolean()).map(([op, value, entraForm]) => ({
    operation: entraForm
      ? { op, path: "manager", value: [{ $ref: null, value }] }
      : { op, path: `${enterpriseUser}:manager`, value: { value } },
    apply: (model: Model) => {
      model.manager = value;
    },
  })),
  opName("remove").map((op) => ({
    operation: { op, path: `${enterpriseUser}:manager` },
    apply: (model: Model) => {
      delete model.manager;
    },
  })),
);

/** The work e-mail through a value filter, a whole replacement, or removed. */
const email: fc.Arbitrary<GeneratedOp> = fc.oneof(
  fc.tuple(opName("replace"), text).map(([op, local]) => ({
    operation: { op, path: 'emails[type eq "work"].value', value: `${local}@example.com` },
    apply: (model: Model) => {
      model.email = `${local}@example.com`;
    },
  })),
  fc.tuple(opName("replace"), text).map(([op, local]) => ({
    operation: {
      op,
      path: "emails",
      value: [{ value: `${local}@example.com`, type: "work", primary: true }],
    },
    apply: (model: Model) => {
      model.email = `${local}@example.com`;
    },
  })),
  opName("remove").map((op) => ({
    operation: { op, path: "emails" },
    apply: (model: Model) => {
      delete model.email;
    },
  })),
);

/** Path-less add/replace with Entra's dotted and qualified keys. */
const pathless: fc.Arbitrary<GeneratedOp> = fc
  .tuple(
    setOp,
    fc.option(text, { nil: undefined }),
    fc.option(text, { nil: undefined }),
    fc.option(text, { nil: undefined }),
  )
  .filter(([, a, b, c]) => a !== undefined || b !== undefined || c !== undefined)
  .map(([op, displayName, givenName, department]) => ({
    operation: {
      op,
      value: {
        ...(displayName ? { displayName } : {}),
        ...(givenName ? { "name.givenName": givenName } : {}),
        ...(department ? { [`${enterpriseUser}:department`]: department } : {}),
      },
    },
    apply: (model) => {
      if (displayName) model.displayName = displayName;
      if (givenName) model.givenName = givenName;
      if (department) model.department = department;
    },
  }));

const anyOp = fc.oneof(simpleSet, simpleRemove, userName, active, name, removeName, manager, email, pathless);

/** What a client reads, over the attributes the model covers. */
function view(resource: Record<string, unknown>): Model {
  const nameValue = (resource.name ?? {}) as Record<string, string>;
  const enterprise = (resource[enterpriseUser] ?? {}) as Record<string, unknown>;
  const emails = (resource.emails ?? []) as { value: string }[];
  const model: Model = { active: resource.active as boolean };
  const set = (field: Field, value: unknown) => {
    if (typeof value === "string") model[field] = value;
  };
  set("userName", resource.userName);
  set("displayName", resource.displayName);
  set("title", resource.title);
  set("givenName", nameValue.givenName);
  set("middleName", nameValue.middleName);
  set("familyName", nameValue.familyName);
  set("employeeNumber", enterprise.employeeNumber);
  set("costCenter", enterprise.costCenter);
  set("department", enterprise.department);
  set("manager", (enterprise.manager as { value?: string } | undefined)?.value);
  set("email", emails[0]?.value);
  return model;
}

describe("PATCH through idp-sync agrees with a reference implementation", () => {
  it("for any sequence of valid operations", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ userName: text, givenName: text, title: text }),
        fc.array(fc.array(anyOp, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        async (initial, requests) => {
          const scim = scimHarness();
          const created = await scim.send("POST", "/Users", {
            externalId: "E1",
            userName: initial.userName,
            name: { givenName: initial.givenName },
            title: initial.title,
          });
          expect(created.status).toBe(201);
          const model: Model = { active: true, ...initial };
          for (const operations of requests) {
            scim.advance(1);
            const response = await scim.send(
              "PATCH",
              "/Users/E1",
              patch(...operations.map((op) => op.operation)),
            );
            expect(response.status).toBe(200);
            for (const op of operations) op.apply(model);
            expect(view(response.body)).toEqual(model);
          }
          const read = await scim.send("GET", "/Users/E1");
          expect(view(read.body)).toEqual(model);
          // Nothing the reads show was left unqueued: every accepted change went to the sync worker.
          expect(scim.queue.depth).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
