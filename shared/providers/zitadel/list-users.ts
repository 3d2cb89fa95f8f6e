import * as z from "zod/mini";
import "../../model/schema-messages.ts";
import type { ZitadelProviderConfig } from "../../config/zitadel.ts";
import { clientDeps, type ProviderDepsInput } from "../../http/client-deps.ts";
import type { CanonicalUser, ProfileAttribute } from "../../model/user.ts";
import type { ListedUser, ProviderDirectory } from "../../reconcile/ports.ts";
import { sendListingRequest } from "../listing-request.ts";
import { ZitadelClient, type ZitadelSession } from "./client.ts";
import { type FoundUser, toFoundUser } from "./found-user.ts";
import { toZitadelView } from "./user-view.ts";
import { zitadelUserSchema } from "./wire.ts";

export const listUsersPath = "/v2/users";

/** ListUsersResponse (user/v2/user_service.proto): `details.totalResult` is a uint64, so JSON text. */
const listResponseSchema = z.looseObject({
  details: z.optional(
    z.looseObject({ totalResult: z.optional(z.union([z.string().check(z.regex(/^\d+$/)), z.int()])) }),
  ),
  result: z.nullish(z.array(zitadelUserSchema)),
});

/** What a ZITADEL human user holds, in canonical terms (metadata is not listed: it stays as acknowledged). */
export function fromFoundUser({ view }: FoundUser): CanonicalUser {
  const user: Record<string, unknown> = { loginId: view.userName, active: view.active };
  const texts = [
    ["givenName", view.profile.firstName],
    ["familyName", view.profile.lastName],
    ["displayName", view.profile.displayName],
    ["email", view.email.email],
  ] as const;
  for (const [name, value] of texts) if (value) user[name] = value;
  if (view.email.email) user.emailVerified = view.email.verified;
  if (view.phone) {
    user.phone = view.phone.phone;
    user.phoneVerified = view.phone.verified;
  }
  return user as CanonicalUser;
}

const shownAttributes: ProfileAttribute[] = [
  "loginId",
  "givenName",
  "familyName",
  "displayName",
  "email",
  "emailVerified",
  "phone",
  "phoneVerified",
  "active",
];

export interface ZitadelDirectoryOptions {
  /** Users per page (`query.limit`). */
  pageSize: number;
}

/**
 * Every human user of the configured organisation (every one the service user may read without `orgId`),
 * through the v2 `POST /v2/users` page by page: `query {offset, limit, asc}`, oldest first, so users
 * created meanwhile land on the last page. Machine users are skipped, but counted against the total.
 */
export function createZitadelDirectory(
  config: ZitadelProviderConfig,
  deps: ProviderDepsInput,
  { pageSize }: ZitadelDirectoryOptions,
): ProviderDirectory {
  const resolved = clientDeps(deps);
  const client = new ZitadelClient(config, resolved);
  let session: Promise<ZitadelSession> | undefined;
  const queries = config.orgId ? [{ organizationIdQuery: { organizationId: config.orgId } }] : [];
  return {
    provider: config.name,
    leaverPolicy: config.leaverPolicy,
    visibleAttributes: shownAttributes,
    project: (user) => {
      const result = toZitadelView(user, config);
      return "view" in result ? result.view : result;
    },
    readPage: async (cursor) => {
      session ??= client.open();
      const opened = await session;
      const offset = cursor === undefined ? 0 : Number(cursor);
      const json = {
        query: { offset: String(offset), limit: pageSize, asc: true },
        sortingColumn: "USER_FIELD_NAME_CREATION_DATE",
        ...(queries.length > 0 ? { queries } : {}),
      };
      const response = await sendListingRequest(
        () => opened.send({ method: "POST", path: listUsersPath, json }),
        resolved.clock,
      );
      const parsed = listResponseSchema.safeParse(response.json);
      if (!parsed.success) throw new Error(`unexpected ListUsers response: ${z.prettifyError(parsed.error)}`);
      const results = parsed.data.result ?? [];
      const total = Number(parsed.data.details?.totalResult ?? offset + results.length);
      const users = results
        .filter((user) => user.human !== undefined)
        .map(toFoundUser)
        .filter((user): user is FoundUser => user !== undefined)
        .map(
          (user): ListedUser => ({
            userId: user.userId,
            loginIds: [user.userName],
            ...(user.view.email.email ? { email: user.view.email.email } : {}),
            user: fromFoundUser(user),
          }),
        );
      const next = offset + results.length;
      return {
        users,
        total,
        skipped: results.length - users.length,
        ...(next < total && results.length > 0 ? { next: String(next) } : {}),
      };
    },
  };
}
