import { createHmac } from "node:crypto";
import { LocalSecrets } from "../../../local/local-secrets.ts";
import { MemoryChangeScheduler } from "../../../local/memory-change-scheduler.ts";
import { MemoryQueue } from "../../../local/memory-queue.ts";
import { MemoryReplayGuard } from "../../../local/memory-replay-guard.ts";
import { MemoryStateStore } from "../../../local/memory-state-store.ts";
import { parseConfig } from "../../../shared/config/schema.ts";
import type { WebhookSourceInput } from "../../../shared/config/webhooks.ts";
import type { IngestRequest } from "../../../shared/ingest/request.ts";
import { routeIngestRequest } from "../../../shared/ingest/router.ts";
import type { UserChange } from "../../../shared/model/change.ts";
import type { Log } from "../../../shared/sync/ports.ts";

export const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** A log that keeps its lines, to assert that something was said (and why). */
export class RecordingLog implements Log {
  readonly lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  debug(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: "debug", message, extra: Object.assign({}, ...extra) });
  }
  info(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: "info", message, extra: Object.assign({}, ...extra) });
  }
  warn(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: "warn", message, extra: Object.assign({}, ...extra) });
  }
  error(message: string, ...extra: Record<string, unknown>[]) {
    this.lines.push({ level: "error", message, extra: Object.assign({}, ...extra) });
  }
}

/** Time that moves only when a test says so. */
export class TestClock {
  #now: number;
  constructor(start: number) {
    this.#now = start;
  }
  now = () => this.#now;
  sleep = async () => {};
  set(at: number) {
    this.#now = at;
  }
  advance(ms: number) {
    this.#now += ms;
  }
}

export const hmac = (
  algorithm: string,
  key: string | Buffer,
  content: string | Buffer,
  encoding: "hex" | "base64",
) => createHmac(algorithm, key).update(content).digest(encoding);

export interface WebhookHarness {
  clock: TestClock;
  queue: MemoryQueue;
  scheduler: MemoryChangeScheduler;
  replayGuard: MemoryReplayGuard;
  secrets: LocalSecrets;
  log: RecordingLog;
  post(
    source: string,
    body: string | Buffer,
    headers?: Record<string, string>,
  ): ReturnType<typeof routeIngestRequest>;
  /** Takes the changes queued so far. */
  queued(): UserChange[];
}

/** The ingest router with in-memory adapters and the given webhook sources. */
export function webhookHarness(
  webhooks: WebhookSourceInput[],
  secrets: Record<string, string>,
  start = Date.UTC(2026, 2, 20, 9, 0, 0),
  extra: object = {},
): WebhookHarness {
  const clock = new TestClock(start);
  const queue = new MemoryQueue({ maxReceiveCount: 5, visibilityTimeoutMs: 60_000 }, clock.now);
  const scheduler = new MemoryChangeScheduler(queue, clock);
  const replayGuard = new MemoryReplayGuard(clock);
  const localSecrets = new LocalSecrets(secrets);
  const log = new RecordingLog();
  const config = parseConfig({
    scim: { tokenSecretName: "scim-token" },
    providers: [{ type: "descope", secretName: "descope-key" }],
    webhooks,
    ...extra,
  });
  const deps = {
    config,
    queue,
    secrets: localSecrets,
    store: new MemoryStateStore(),
    log,
    scheduler,
    replayGuard,
  };
  const post = (source: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const request: IngestRequest = {
      method: "POST",
      path: `/webhooks/${source}`,
      headers: { "content-type": "application/json", ...lowerCase(headers) },
      query: new URLSearchParams(),
      rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"),
      receivedAt: clock.now(),
    };
    return routeIngestRequest(request, deps);
  };
  const queued = () => {
    const messages = queue.receive(1000);
    queue.delete(messages.map((message) => message.messageId));
    return messages.map((message) => JSON.parse(message.body) as UserChange);
  };
  return { clock, queue, scheduler, replayGuard, secrets: localSecrets, log, post, queued };
}

const lowerCase = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
