import { LocalSecrets } from "../../../local/local-secrets.ts";
import { MemoryQueue } from "../../../local/memory-queue.ts";
import { MemoryScimGroupStore } from "../../../local/memory-scim-group-store.ts";
import { MemoryStateStore } from "../../../local/memory-state-store.ts";
import { type ConfigInput, parseConfig } from "../../../shared/config/schema.ts";
import type { ScimSourceInput } from "../../../shared/config/scim.ts";
import type { IngestRequest, IngestResponse } from "../../../shared/ingest/request.ts";
import { type IngestDeps, routeIngestRequest } from "../../../shared/ingest/router.ts";
import type { UserChange } from "../../../shared/model/change.ts";
import type { Log } from "../../../shared/sync/ports.ts";

export const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
export const token = "scim-test-token";
export const start = Date.UTC(2026, 10, 22, 12, 0, 0);
export const host = "idp-sync.example.com";
export const base = `https://${host}/scim/v2`;

export const coreUser = "urn:ietf:params:scim:schemas:core:2.0:User";
export const enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const groupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const listResponseUrn = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const errorUrn = "urn:ietf:params:scim:api:messages:2.0:Error";

export interface ScimReply {
  status: number;
  headers: Record<string, string>;
  /** The parsed body (undefined when empty). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the response holds
  body: any;
}

export interface SendOptions {
  token?: string | null;
  headers?: Record<string, string>;
  /** A raw body string sent as is (for malformed JSON). */
  raw?: string;
}

export interface ScimHarness {
  store: MemoryStateStore;
  groups: MemoryScimGroupStore;
  queue: MemoryQueue;
  secrets: LocalSecrets;
  deps: IngestDeps;
  /** Moves the request clock (every request arrives at the current time). */
  advance(ms: number): void;
  send(method: string, path: string, body?: unknown, options?: SendOptions): Promise<ScimReply>;
  /** Takes the changes queued since the last call. */
  queued(): UserChange[];
}

/**
 * The ingest router with in-memory adapters (SQS-like queue, state store, group store, secrets). Paths are
 * relative to the SCIM base URL unless they start with /scim or another root (/health).
 */
export function scimHarness(
  scim: ScimSourceInput | ScimSourceInput[] = { tokenSecretName: "scim-token" },
  options: { groups?: boolean; secrets?: Record<string, string>; config?: Partial<ConfigInput> } = {},
): ScimHarness {
  let now = start;
  let changeCount = 0;
  const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 60_000 }, () => now);
  const store = new MemoryStateStore();
  const groups = new MemoryScimGroupStore();
  const secrets = new LocalSecrets(options.secrets ?? { "scim-token": token });
  const config = parseConfig({
    scim,
    providers: [{ type: "descope", secretName: "descope-key" }],
    ...options.config,
  });
  const deps: IngestDeps = {
    config,
    queue,
    secrets,
    store,
    log: silent,
    newChangeId: () => `c${++changeCount}`,
    ...(options.groups === false ? {} : { scimGroups: groups }),
  };
  return {
    store,
    groups,
    queue,
    secrets,
    deps,
    advance(ms) {
      now += ms;
    },
    async send(method, path, body, sendOptions = {}) {
      return reply(await routeIngestRequest(scimRequest(method, path, body, now, sendOptions), deps));
    },
    queued() {
      const messages = queue.receive(10_000);
      queue.delete(messages.map((message) => message.messageId));
      return messages.map((message) => JSON.parse(message.body) as UserChange);
    },
  };
}

/** A request as API Gateway hands it to ingest, arriving at `now`, with the test token unless told. */
export function scimRequest(
  method: string,
  path: string,
  body: unknown,
  now: number,
  options: SendOptions = {},
): IngestRequest {
  const [pathOnly = "", queryText = ""] = path.split("?");
  const presented = options.token === undefined ? token : options.token;
  return {
    method,
    path: pathOnly.startsWith("/scim") || pathOnly === "/health" ? pathOnly : `/scim/v2${pathOnly}`,
    headers: {
      host,
      "content-type": "application/scim+json",
      ...(presented === null ? {} : { authorization: `Bearer ${presented}` }),
      ...options.headers,
    },
    query: new URLSearchParams(queryText),
    rawBody: Buffer.from(options.raw ?? (body === undefined ? "" : JSON.stringify(body))),
    receivedAt: now,
  };
}

export function reply(response: IngestResponse): ScimReply {
  return {
    status: response.status,
    headers: response.headers,
    body: response.body === "" ? undefined : JSON.parse(response.body),
  };
}

/** The SCIM error body RFC 7644 §3.12 prescribes. */
export const scimErrorBody = (status: number, scimType: string | undefined, detail: string) => ({
  schemas: [errorUrn],
  status: String(status),
  ...(scimType === undefined ? {} : { scimType }),
  detail,
});

export const patch = (...operations: unknown[]) => ({ schemas: [patchOp], Operations: operations });
