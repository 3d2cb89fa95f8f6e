import type * as z from "zod/mini";
import "../../../shared/model/schema-messages.ts";
import { invalidArgument } from "./errors.ts";
import type { v1, v2 } from "./schemas.ts";
import type { SimUser } from "./user-store.ts";

type ListRequest = z.output<typeof v1.listUsers> | z.output<typeof v2.listUsers>;
type Query = NonNullable<ListRequest["queries"]>[number];

/** zitadel.v1/v2 TextQueryMethod, by number and by name. */
const textMethods = [
  "TEXT_QUERY_METHOD_EQUALS",
  "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE",
  "TEXT_QUERY_METHOD_STARTS_WITH",
  "TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE",
  "TEXT_QUERY_METHOD_CONTAINS",
  "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE",
  "TEXT_QUERY_METHOD_ENDS_WITH",
  "TEXT_QUERY_METHOD_ENDS_WITH_IGNORE_CASE",
];

function matchText(value: string, wanted: string, method: string | number | undefined): boolean {
  const name = typeof method === "number" ? textMethods[method] : (method ?? textMethods[0]);
  if (!name || !textMethods.includes(name)) throw invalidArgument("", `invalid text query method ${method}`);
  const ignoreCase = name.endsWith("_IGNORE_CASE");
  const [a, b] = ignoreCase ? [value.toLowerCase(), wanted.toLowerCase()] : [value, wanted];
  if (name.includes("STARTS_WITH")) return a.startsWith(b);
  if (name.includes("CONTAINS")) return a.includes(b);
  if (name.includes("ENDS_WITH")) return a.endsWith(b);
  return a === b;
}

function matches(user: SimUser, query: Query): boolean {
  if ("userNameQuery" in query)
    return matchText(user.userName, query.userNameQuery.userName, query.userNameQuery.method);
  if ("emailQuery" in query)
    return matchText(user.email.value, query.emailQuery.emailAddress, query.emailQuery.method);
  if ("organizationIdQuery" in query) return user.orgId === query.organizationIdQuery.organizationId;
  return query.inUserIdsQuery.userIds.includes(user.userId);
}

/** ListUsers: every query must hold (ZITADEL ANDs top-level queries); creation order; offset and limit. */
export function listUsers(users: SimUser[], request: ListRequest): { total: number; result: SimUser[] } {
  const hits = users.filter((user) => (request.queries ?? []).every((query) => matches(user, query)));
  const offset = request.query?.offset ?? 0;
  const limit = request.query?.limit || 100;
  return { total: hits.length, result: hits.slice(offset, offset + limit) };
}
