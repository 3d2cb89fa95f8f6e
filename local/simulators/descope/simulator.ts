import type { IncomingMessage } from "node:http";
import * as z from "zod/mini";
import "../../../shared/model/schema-messages.ts";
import { type Clock, systemClock } from "../../../shared/http/token-bucket.ts";
import { FaultSwitch, type Faults, faultsShape, noFaults } from "../faults.ts";
import {
  parseJson,
  type Reply,
  recordHeader,
  type RecordedRequest as SimRecordedRequest,
  startSimServer,
  tooManyRequests,
} from "../sim-server.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { searchUsers } from "./search-route.ts";
import { isRecord, readUserInput, type UserInput } from "./user-input.ts";
import {
  type DescopeUserObject,
  errorCodes,
  type PatchIgnored,
  renderFailedUser,
  UserError,
  UserStore,
} from "./user-store.ts";

export interface DescopeSimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  projectId: string;
  managementKey: string;
  /** Users per batch create / patch; a bigger batch is refused with 400 E011003 (Descope publishes none). */
  maxBatchSize?: number;
  /** Requests per 60 s per path (Descope's documented defaults when omitted); false turns limits off. */
  rateLimits?: { createPerMinute: number; otherPerMinute: number } | false;
  /** Removals patch leaves undone (Descope documents neither way); none by default. */
  patchIgnores?: PatchIgnored[];
  /** Time for rate limits, latency and `createdTime`. */
  clock?: Clock;
  /** Seeds the fault draws, so a run with faults can be replayed. */
  seed?: number;
}

/** A request as received, with the `x-descope-license` header when sent. */
export type RecordedRequest = SimRecordedRequest & { license?: string };

export interface DescopeSimulator {
  url: string;
  port: number;
  /** Every user, as Descope's management API returns it. */
  users(): DescopeUserObject[];
  requests(): RecordedRequest[];
  /** Replaces the fault settings (unset ones off) and restarts the seeded draws. */
  setFaults(faults: Partial<Faults>): void;
  /** Forgets users, requests, rate-limit state and faults. */
  reset(): void;
  close(): Promise<void>;
}

type Route = (body: Record<string, unknown>, query: URLSearchParams) => unknown;

const descriptions: Record<string, string> = {
  [errorCodes.badRequest]: "Bad request",
  [errorCodes.validation]: "Request is invalid",
  [errorCodes.userNotFound]: "User not found",
  [errorCodes.userAlreadyExists]: "User already exists",
  [errorCodes.rateLimited]: "Rate limit exceeded",
};

const createPaths = new Set(["/v1/mgmt/user/create", "/v1/mgmt/user/create/batch"]);
const licensePath = "/v1/mgmt/license";

const faultsSchema = z.strictObject(faultsShape);

/**
 * A Descope management API on loopback, following the documented behaviour (../shared/research/descope.md):
 * bearer `<ProjectId>:<ManagementKey>`, the license handshake, batch endpoints with per-user failures,
 * presence-based patch, full-overwrite update, per-path rate limits with Retry-After, and switchable
 * faults. `/_sim/*` is its test surface (users, requests, stats, reset, faults), unauthenticated.
 */
export async function startDescopeSimulator(options: DescopeSimulatorOptions): Promise<DescopeSimulator> {
  const clock = options.clock ?? systemClock;
  const maxBatchSize = options.maxBatchSize ?? 100;
  const limits = options.rateLimits ?? { createPerMinute: 100, otherPerMinute: 200 };
  const seed = options.seed ?? 1;
  const authorization = `Bearer ${options.projectId}:${options.managementKey}`;
  const store = new UserStore();
  const patchIgnores = options.patchIgnores ?? [];
  const limiter = new RateLimiter(clock);
  const faults = new FaultSwitch({ defaults: noFaults, schema: faultsSchema, seed });
  const nowSeconds = () => Math.floor(clock.now() / 1000);

  const read = (body: Record<string, unknown>): UserInput => {
    const input = readUserInput(body);
    if (typeof input === "string") throw new UserError(errorCodes.validation, input);
    return input;
  };
  const batchOf = (body: Record<string, unknown>): unknown[] => {
    if (!Array.isArray(body.users)) throw new UserError(errorCodes.validation, "users must be a list");
    if (body.users.length > maxBatchSize)
      throw new UserError(errorCodes.validation, `a batch holds at most ${maxBatchSize} users`);
    return body.users;
  };

  const routes: Record<string, Route> = {
    [`GET ${licensePath}`]: () => ({ rateLimitTier: "tier1" }),
    "POST /v1/mgmt/user/create": (body) => ({ user: store.create(read(body), nowSeconds()) }),
    "POST /v1/mgmt/user/create/batch": (body) => {
      const createdUsers: DescopeUserObject[] = [];
      const failedUsers: { failure: string; user: DescopeUserObject | null }[] = [];
      for (const raw of batchOf(body)) {
        const input = readUserInput(raw);
        try {
          if (typeof input === "string") throw new UserError(errorCodes.validation, input);
          createdUsers.push(store.create(input, nowSeconds()));
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          const loginId = isRecord(raw) ? raw.loginId : undefined;
          failedUsers.push({
            failure: error.message,
            user: renderFailedUser(typeof input === "string" ? undefined : input, loginId),
          });
        }
      }
      return { createdUsers, failedUsers, additionalErrors: {} };
    },
    "PATCH /v1/mgmt/user/patch": (body) => ({ user: store.patch(read(body), patchIgnores) }),
    "PATCH /v1/mgmt/user/patch/batch": (body) => {
      const patchedUsers: DescopeUserObject[] = [];
      const failedUsers: { failure: string; user: DescopeUserObject | null }[] = [];
      for (const raw of batchOf(body)) {
        const input = readUserInput(raw);
        try {
          if (typeof input === "string") throw new UserError(errorCodes.validation, input);
          patchedUsers.push(store.patch(input, patchIgnores));
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          // A user that does not exist has nothing to show; one that does is shown as stored.
          failedUsers.push({ failure: error.message, user: loadQuietly(store, raw) });
        }
      }
      return { patchedUsers, failedUsers, additionalErrors: {} };
    },
    "POST /v1/mgmt/user/update": (body) => ({ user: store.overwrite(read(body)) }),
    "POST /v1/mgmt/user/update/status": (body) => ({ user: store.setStatus(read(body)) }),
    "POST /v1/mgmt/user/update/loginid": (body) => ({
      user: store.changeLoginId(read(body), body.newLoginId),
    }),
    "POST /v1/mgmt/user/delete": (body) => {
      store.delete(read(body));
      return {};
    },
    // node-sdk lib/management/user.ts deleteBatch: `{userIds}`, Descope user ids; the answer carries nothing.
    "POST /v1/mgmt/user/delete/batch": (body) => {
      const { userIds } = body;
      if (!Array.isArray(userIds) || !userIds.every((id) => typeof id === "string" && id))
        throw new UserError(errorCodes.validation, "userIds must be a list of user ids");
      store.deleteByIds(userIds);
      return {};
    },
    "POST /v2/mgmt/user/search": (body) => searchUsers(store.all(), body),
    "GET /v1/mgmt/user": (_body, query) => ({
      user: store.load(read({ loginId: query.get("loginId"), userId: query.get("userId") })),
    }),
  };

  const rateLimited = (retryAfterSeconds: number): Reply =>
    tooManyRequests(
      { status: 429, json: errorBody(errorCodes.rateLimited, "too many requests, retry later") },
      retryAfterSeconds,
      faults.current.nonJson429,
    );

  /** Answers a management request, or "hang" when a timeout fault swallows the answer. */
  const answer = async (request: IncomingMessage, url: URL, text: string): Promise<Reply | "hang"> => {
    if (request.headers.authorization !== authorization)
      return {
        status: 401,
        json: errorBody("E000401", "invalid project id or management key", "Unauthorized"),
      };
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route)
      return { status: 404, json: errorBody(errorCodes.badRequest, `no ${request.method} ${url.pathname}`) };
    const fault = faults.draw();
    if (fault === "error")
      return { status: 500, json: errorBody("E000500", "simulated server fault", "Internal server error") };
    if (fault === "rateLimit") return rateLimited(faults.current.retryAfterSeconds);
    if (limits && url.pathname !== licensePath) {
      const limit = createPaths.has(url.pathname) ? limits.createPerMinute : limits.otherPerMinute;
      const wait = limiter.hit(url.pathname, limit);
      if (wait !== undefined) return rateLimited(wait);
    }
    const body = text ? parseJson(text) : {};
    if (!isRecord(body))
      return { status: 400, json: errorBody(errorCodes.badRequest, "body must be a JSON object") };
    let reply: Reply;
    try {
      reply = { status: 200, json: route(body, url.searchParams) };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      reply = { status: 400, json: errorBody(error.code, error.message) };
    }
    return fault === "timeout" ? "hang" : reply;
  };

  const server = await startSimServer({
    listen: options,
    clock,
    faults,
    record: recordHeader("x-descope-license", "license"),
    answer,
    users: () => store.all(),
    reset: () => {
      store.reset();
      limiter.reset();
    },
    internalError: (error) => ({
      status: 500,
      json: errorBody("E000500", String(error), "Internal server error"),
    }),
  });

  return {
    url: server.url,
    port: server.port,
    users: () => store.all(),
    requests: server.requests,
    setFaults: (partial) => faults.set(partial),
    reset: server.reset,
    close: server.close,
  };
}

function errorBody(
  errorCode: string,
  errorMessage: string,
  errorDescription = descriptions[errorCode] ?? "Error",
) {
  return { errorCode, errorDescription, errorMessage };
}

function loadQuietly(store: UserStore, raw: unknown): DescopeUserObject | null {
  if (!isRecord(raw)) return null;
  const key = raw.loginId ?? raw.userId;
  if (typeof key !== "string" || !key) return null;
  try {
    return store.load({ loginId: key });
  } catch {
    return null;
  }
}
