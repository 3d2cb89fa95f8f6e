import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../local/local-stack.ts";
import type { ZitadelSimulatorOptions } from "../../local/simulators/zitadel/simulator.ts";
import type { ConfigInput } from "../../shared/config/schema.ts";
import { forEachLimited } from "../../shared/http/concurrency.ts";

export const scimToken = "e2e-scim-token";

/**
 * The local stack on free ports with both simulators, tuned so tests wait milliseconds, not minutes:
 * retries come back after at most half a second and ZITADEL's pacing is lifted (its simulator's limit too).
 */
export function startTestStack(
  adjust: (config: ConfigInput) => ConfigInput = (config) => config,
  zitadel: Partial<ZitadelSimulatorOptions> = {},
  options: Pick<LocalStackOptions, "logLevel" | "onBatchSummary" | "clock"> = {},
) {
  return startLocalStack({
    port: 0,
    descopeSimulatorPort: 0,
    zitadelSimulatorPort: 0,
    scimToken,
    logLevel: "SILENT",
    ...options,
    simulators: { zitadel: { requestsPerSecond: false, ...zitadel } },
    adjustDefault: (config) =>
      adjust({
        ...config,
        // Forty receives of at most half a second ride out the few seconds a test's outage lasts.
        queue: {
          retryBaseSeconds: 0.05,
          retryMaxSeconds: 0.5,
          maxBatchingWindowSeconds: 0,
          maxReceiveCount: 40,
        },
        providers: config.providers.map((provider) =>
          provider.type === "zitadel" ? { ...provider, requestsPerSecond: 1000 } : provider,
        ),
      }),
  });
}

/** Sends a SCIM request to the stack's ingest with the test token. */
export async function scim(stack: LocalStack, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.runtime.url}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${scimToken}`, "content-type": "application/scim+json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export interface PersonInput {
  id: string;
  email: string;
  givenName: string;
  familyName: string;
  title?: string;
  active?: boolean;
}

export function scimUser(person: PersonInput) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    externalId: person.id,
    userName: person.email,
    name: { givenName: person.givenName, familyName: person.familyName },
    emails: [{ value: person.email, type: "work", primary: true }],
    ...(person.title ? { title: person.title } : {}),
    active: person.active ?? true,
  };
}

/** Everything queued has been applied, retried to the end, or dead-lettered. */
export const settled = (stack: LocalStack, timeoutMs = 30_000) => stack.runtime.settled(timeoutMs);

/** Calls `send` with each item, at most `limit` at a time, and answers the results in the items' order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, send: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  await forEachLimited([...items.keys()], limit, async (index) => {
    results[index] = await send(items[index] as T);
  });
  return results;
}
