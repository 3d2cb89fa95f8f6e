import type { Reply } from "../sim-server.ts";
import type { HashVerifier } from "./hash-verifiers.ts";
import type { UserStore } from "./user-store.ts";

export interface RouteContext {
  store: UserStore;
  now: number;
  /** The organisation of the call: `x-zitadel-orgid` when sent, else the caller's own organisation. */
  orgId: string;
  /** Every organisation of the instance. */
  orgIds: readonly string[];
  hashVerifiers: readonly HashVerifier[];
  /** The instance URL (links in answers). */
  issuer: string;
  body: unknown;
  /** Path parameters, decoded, in order. */
  params: string[];
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle(context: RouteContext): Reply;
}

/** A route for `path`, where `:name` segments are parameters. */
export function route(method: string, path: string, handle: (context: RouteContext) => Reply): Route {
  const source = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "([^/]+)" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return { method, pattern: new RegExp(`^${source}$`), handle };
}

export const ok = (json: unknown): Reply => ({ status: 200, json });
