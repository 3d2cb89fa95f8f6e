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
import {
  type ErrorStyle,
  type GrpcCode,
  grpcCodes,
  type Language,
  languageOf,
  renderError,
  ZitadelApiError,
} from "./errors.ts";
import type { HashVerifier } from "./hash-verifiers.ts";
import { managementRoutes } from "./management-routes.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { renderSimUser } from "./render.ts";
import { type ServiceAccountKey, TokenIssuer } from "./token-issuer.ts";
import { userServiceRoutes } from "./user-service-routes.ts";
import { UserStore } from "./user-store.ts";

export interface ZitadelSimulatorOptions {
  /** 0 (the default) picks a free port; the local runtime uses 4020. */
  port?: number;
  host?: string;
  /** The caller's own organisation: users are created here unless a call names another. */
  orgId: string;
  /** Further organisations of the instance (a call may name them in `x-zitadel-orgid` or the body). */
  otherOrgIds?: string[];
  /** Usernames unique per organisation (domain policy userLoginMustBeDomain); ZITADEL's default: per instance. */
  orgScopedUserNames?: boolean;
  /** The instance's default language for error messages, when a call sends no Accept-Language (default en). */
  language?: Language;
  /** The personal access token the simulator accepts. */
  pat: string;
  /** A service user's key accepted for JWT profile grants at /oauth/v2/token. */
  serviceAccount?: ServiceAccountKey;
  /** Lifetime of issued access tokens (ZITADEL's default: 12 h). */
  tokenLifetimeSeconds?: number;
  /** Requests per second before 429 (ZITADEL Cloud: about 50, the default); false turns the limit off. */
  requestsPerSecond?: number | false;
  /** grpc-gateway bodies (`code` a number, the default) or Connect bodies (`code` a name). */
  errorStyle?: ErrorStyle;
  /** Hash encodings imports may use (ZITADEL enables only bcrypt by default). */
  hashVerifiers?: HashVerifier[];
  /** Time for tokens, rate limits, latency and timestamps. */
  clock?: Clock;
  /** Seeds the fault draws, so a run with faults can be replayed. */
  seed?: number;
}

/**
 * Switchable misbehaviour. `outage` answers every call, the token endpoint included, 503 UNAVAILABLE
 * without taking effect, until switched off: ZITADEL down for a while.
 */
export type ZitadelFaults = Faults & { outage: boolean };

/** A request as received, with the `x-zitadel-orgid` header when sent. */
export type RecordedRequest = SimRecordedRequest & { orgId?: string };

export type SimulatedUser = ReturnType<typeof renderSimUser>;

export interface ZitadelSimulator {
  url: string;
  port: number;
  /** Every user as the v2 API shows it, with its organisation and decoded metadata. */
  users(): SimulatedUser[];
  requests(): RecordedRequest[];
  /** Requests being answered right now, and the most there ever were at once. */
  stats(): { inFlight: number; maxInFlight: number };
  /** Replaces the fault settings (unset ones off) and restarts the seeded draws. */
  setFaults(faults: Partial<ZitadelFaults>): void;
  /** Accepts `pat` instead of the personal access token accepted so far. */
  setPat(pat: string): void;
  /** Refuses every access token issued so far. */
  revokeAccessTokens(): void;
  /** Forgets users, requests, statistics, rate-limit state, issued tokens and faults. */
  reset(): void;
  close(): Promise<void>;
}

const noZitadelFaults: ZitadelFaults = { ...noFaults, outage: false };

const faultsSchema = z.strictObject({ ...faultsShape, outage: z.optional(z.boolean()) });

const tokenPath = "/oauth/v2/token";
const routes = [...managementRoutes, ...userServiceRoutes];

/**
 * A ZITADEL instance on loopback, following its API definitions (proto/zitadel/management.proto,
 * proto/zitadel/user/v2/user_service.proto; see ../shared/research/zitadel.md): personal access tokens
 * and JWT profile grants, the management (v1) and user service (v2) user endpoints with ZITADEL's state
 * rules and error bodies, a per-second rate limit with Retry-After, and switchable faults. `/_sim/*` is
 * its test surface (users, requests, stats, reset, faults), unauthenticated.
 */
export async function startZitadelSimulator(options: ZitadelSimulatorOptions): Promise<ZitadelSimulator> {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const errorStyle = options.errorStyle ?? "grpc-gateway";
  const hashVerifiers = options.hashVerifiers ?? ["bcrypt"];
  const store = new UserStore({ orgScopedUserNames: options.orgScopedUserNames === true });
  const orgIds = [options.orgId, ...(options.otherOrgIds ?? [])];
  const issuer = new TokenIssuer({
    pat: options.pat,
    ...(options.serviceAccount ? { serviceAccount: options.serviceAccount } : {}),
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 43_200,
    clock,
  });
  const limit = options.requestsPerSecond ?? 50;
  const limiter = limit === false ? undefined : new RateLimiter(limit, clock);
  const faults = new FaultSwitch<ZitadelFaults>({ defaults: noZitadelFaults, schema: faultsSchema, seed });
  /** The instance URL, known once the server listens: the issuer, and the audience assertions must name. */
  let url = "";

  const failure = (grpc: GrpcCode, id: string, message: string, language?: Language): Reply =>
    renderError(new ZitadelApiError(grpc, id, message), errorStyle, language);
  const rateLimited = (retryAfterSeconds: number, language: Language): Reply =>
    tooManyRequests(
      failure(grpcCodes.resourceExhausted, "QUOTA-vjAy8", "Too many requests", language),
      retryAfterSeconds,
      faults.current.nonJson429,
    );

  /** Answers a call, or "hang" when a timeout fault swallows the answer (after the call took effect). */
  const answer = async (
    request: IncomingMessage,
    { pathname: path }: URL,
    text: string,
  ): Promise<Reply | "hang"> => {
    const acceptLanguage = request.headers["accept-language"];
    const language = languageOf(acceptLanguage, options.language ?? "en");
    if (faults.current.outage) return failure(grpcCodes.unavailable, "SIM-outage", "Service unavailable");
    const isToken = request.method === "POST" && path === tokenPath;
    let params: string[] = [];
    const route = isToken
      ? undefined
      : routes.find((candidate) => {
          const match = candidate.method === request.method ? candidate.pattern.exec(path) : null;
          if (match) params = match.slice(1).map(decodeURIComponent);
          return match !== null;
        });
    if (!isToken && !route) return failure(grpcCodes.notFound, "", "Not Found");
    if (!isToken && !issuer.authorizes(request.headers.authorization))
      return failure(grpcCodes.unauthenticated, "AUTH-7fs1e", "Token is invalid or expired", language);
    const fault = faults.draw();
    if (fault === "error") return failure(grpcCodes.internal, "SIM-fault", "Internal error");
    if (fault === "rateLimit") return rateLimited(faults.current.retryAfterSeconds, language);
    const wait = limiter?.hit();
    if (wait !== undefined) return rateLimited(wait, language);

    let reply: Reply;
    if (isToken) reply = issuer.exchange(new URLSearchParams(text), url);
    else {
      const orgHeader = request.headers["x-zitadel-orgid"];
      if (typeof orgHeader === "string" && !orgIds.includes(orgHeader))
        return failure(grpcCodes.permissionDenied, "AUTHZ-HKJD33", "No matching permissions found", language);
      const body = text ? parseJson(text) : {};
      if (body === undefined) return failure(grpcCodes.invalidArgument, "", "request body is not valid JSON");
      try {
        reply = (route as (typeof routes)[number]).handle({
          store,
          now: clock.now(),
          orgId: typeof orgHeader === "string" ? orgHeader : options.orgId,
          orgIds,
          hashVerifiers,
          issuer: url,
          body,
          params,
        });
      } catch (error) {
        if (!(error instanceof ZitadelApiError)) throw error;
        reply = renderError(error, errorStyle, language);
      }
    }
    return fault === "timeout" ? "hang" : reply;
  };

  const server = await startSimServer({
    listen: options,
    clock,
    faults,
    record: recordHeader("x-zitadel-orgid", "orgId"),
    answer,
    users: () => store.all().map(renderSimUser),
    reset: () => {
      store.reset();
      limiter?.reset();
      issuer.revokeAccessTokens();
    },
    internalError: (error) => failure(grpcCodes.internal, "SIM-bug", String(error)),
  });
  url = server.url;

  return {
    url,
    port: server.port,
    users: () => store.all().map(renderSimUser),
    requests: server.requests,
    stats: server.stats,
    setFaults: (partial) => faults.set(partial),
    setPat: (pat) => issuer.setPat(pat),
    revokeAccessTokens: () => issuer.revokeAccessTokens(),
    reset: server.reset,
    close: server.close,
  };
}
