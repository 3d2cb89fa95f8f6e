import * as z from "zod/mini";
import "../../../shared/model/schema-messages.ts";
import { type DescopeUserObject, errorCodes, UserError } from "./user-store.ts";

/** The fields of a search request the simulator honours (research §1.10); others are refused, not ignored. */
const searchRequestSchema = z.looseObject({
  limit: z.optional(z.int().check(z.nonnegative())),
  page: z.optional(z.int().check(z.nonnegative())),
  offset: z.optional(z.int().check(z.nonnegative())),
  withTestUser: z.optional(z.boolean()),
  testUsersOnly: z.optional(z.boolean()),
});
const honoured = new Set(Object.keys(searchRequestSchema.shape));

/**
 * `POST /v2/mgmt/user/search`: `limit` (default 100 when absent or 0), `page` (0-based), `offset` (takes
 * precedence over page × limit); test users only with `withTestUser`. Creation order. `{users, total}`.
 */
export function searchUsers(users: readonly DescopeUserObject[], body: Record<string, unknown>) {
  const parsed = searchRequestSchema.safeParse(body);
  if (!parsed.success) throw new UserError(errorCodes.validation, z.prettifyError(parsed.error));
  const unsupported = Object.keys(body).filter((key) => !honoured.has(key));
  if (unsupported.length > 0)
    throw new UserError(errorCodes.validation, `the simulator does not filter by ${unsupported.join(", ")}`);
  const { limit: given, page = 0, offset, withTestUser = false, testUsersOnly = false } = parsed.data;
  const limit = given || 100;
  const matching = users.filter((user) => (testUsersOnly ? user.test : withTestUser || !user.test));
  const start = offset ?? page * limit;
  return { users: matching.slice(start, start + limit), total: matching.length };
}
