import { createHmac } from "node:crypto";
import { acmeSecret } from "../local/example-webhook-source.ts";
import { startLocalStack } from "../local/local-stack.ts";
import { forEachLimited } from "../shared/http/concurrency.ts";

/**
 * End-to-end leaver latency under a burst: `people` employees exist at both providers; then `burst` signed
 * acme-hr webhooks arrive at once, `leavers` of them terminations effective at once, the rest updates of
 * other employees. For each leaver: from the moment its webhook is sent to the moment the provider
 * simulator received the request that deactivated the user (Descope: a batch patch to `disabled`; ZITADEL:
 * `_deactivate`, or `_lock` for a user still "initial"). Updates change the family name, which both
 * providers receive.
 */
export async function measureLeaverLatency(options: { people: number; burst: number; leavers: number }) {
  const stack = await startLocalStack({
    port: 0,
    descopeSimulatorPort: 0,
    zitadelSimulatorPort: 0,
    scimToken: "bench-scim-token",
    logLevel: "SILENT",
    // ZITADEL has no batch endpoints: at its default 20 requests/s a burst of 10,000 takes minutes; lifted,
    // as in the end-to-end tests. Descope keeps its documented limits.
    simulators: { zitadel: { requestsPerSecond: false } },
    adjustDefault: (config) => ({
      ...config,
      queue: { maxBatchingWindowSeconds: 1 },
      // A tenth of everyone leaving at once is what the deprovisioning guard holds for an operator; the
      // bench measures the pipeline, so the guard is off.
      deprovisioningGuard: { enabled: false },
      providers: config.providers.map((provider) =>
        provider.type === "zitadel" ? { ...provider, requestsPerSecond: 1000, maxConcurrency: 25 } : provider,
      ),
    }),
  });
  const post = (body: string) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac("sha256", acmeSecret).update(`${timestamp}.${body}`).digest("hex");
    return fetch(`${stack.runtime.url}/webhooks/acme-hr`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "X-Acme-Timestamp": timestamp,
        "X-Acme-Signature": `sha256=${signature}`,
      },
      body,
    }).then(async (response) => {
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
    });
  };
  try {
    const hires = Array.from({ length: options.people }, (_, index) =>
      event("employee.hired", index, `hire-${index}`),
    );
    await forEachLimited(hires, 32, post);
    await stack.runtime.settled(15 * 60_000);

    const leavers = Array.from({ length: options.leavers }, (_, index) => index);
    const stayers = options.people - options.leavers;
    const updates = Array.from({ length: options.burst - options.leavers }, (_, n) => {
      const index = options.leavers + (n % stayers);
      return {
        index,
        body: event("employee.updated", index, `update-${n}`, { department: `Dept ${n % 7}` }),
      };
    });
    const terminations = leavers.map((index) => ({
      index,
      body: event("employee.terminated", index, `leave-${index}`, { termination: { date: "2020-01-31" } }),
    }));
    const burst = interleave(updates, terminations);
    const sentAt = new Map<string, number>();
    const started = performance.now();
    await forEachLimited(burst, 64, async ({ index, body }) => {
      if (body.includes("employee.terminated")) sentAt.set(email(index), Date.now());
      await post(body);
    });
    const acceptedSeconds = (performance.now() - started) / 1000;
    await stack.runtime.settled(15 * 60_000);
    const drainedSeconds = (performance.now() - started) / 1000;

    const descopeDone = new Map<string, number>();
    for (const request of stack.descope?.requests() ?? []) {
      if (request.path !== "/v1/mgmt/user/patch/batch" || request.status !== 200) continue;
      for (const user of (request.body as { users: { loginId: string; status?: string }[] }).users)
        if (user.status === "disabled" && !descopeDone.has(user.loginId))
          descopeDone.set(user.loginId, request.at);
    }
    const usernames = new Map((stack.zitadel?.users() ?? []).map((user) => [user.userId, user.username]));
    const zitadelDone = new Map<string, number>();
    for (const request of stack.zitadel?.requests() ?? []) {
      const match = /^\/management\/v1\/users\/(\d+)\/_(deactivate|lock)$/.exec(request.path);
      const username = match ? usernames.get(match[1] as string) : undefined;
      if (username && request.status === 200 && !zitadelDone.has(username))
        zitadelDone.set(username, request.at);
    }
    return {
      people: options.people,
      burst: options.burst,
      leavers: options.leavers,
      acceptedSeconds: round(acceptedSeconds),
      drainedSeconds: round(drainedSeconds),
      descope: latencies(sentAt, descopeDone),
      zitadel: latencies(sentAt, zitadelDone),
    };
  } finally {
    await stack.stop();
  }
}

const email = (index: number) => `employee${index}@acme.example`;

function event(kind: string, index: number, id: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    event_id: id,
    event: kind,
    occurred_at: new Date().toISOString(),
    employee: {
      id: `E-${index}`,
      work_email: email(index),
      first_name: "Given",
      last_name: `Family${index}`,
      department: "Dept 0",
      ...extra,
    },
  });
}

/** Spreads the few among the many, evenly, as leavers arrive within a burst of updates. */
function interleave<T>(many: T[], few: T[]): T[] {
  const every = Math.max(1, Math.floor(many.length / Math.max(1, few.length)));
  const out: T[] = [];
  many.forEach((item, index) => {
    out.push(item);
    if (index % every === every - 1 && few.length > 0) out.push(few.shift() as T);
  });
  return [...out, ...few];
}

function latencies(sentAt: ReadonlyMap<string, number>, doneAt: ReadonlyMap<string, number>) {
  const measured = [...sentAt].flatMap(([login, sent]) => {
    const done = doneAt.get(login);
    return done === undefined ? [] : [done - sent];
  });
  measured.sort((a, b) => a - b);
  const at = (share: number) =>
    measured[Math.min(measured.length - 1, Math.floor(share * measured.length))] ?? NaN;
  return {
    deactivated: measured.length,
    p50Ms: Math.round(at(0.5)),
    p99Ms: Math.round(at(0.99)),
    maxMs: Math.round(measured.at(-1) ?? NaN),
  };
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;
