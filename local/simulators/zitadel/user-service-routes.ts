import { grpcCodes, invalidArgument, ZitadelApiError } from "./errors.ts";
import { assertVerifiableHash } from "./hash-verifiers.ts";
import { objectDetails, renderV2User } from "./render.ts";
import { ok, type Route, type RouteContext, route } from "./routes.ts";
import { parseBody, v2 } from "./schemas.ts";
import { listUsers } from "./search.ts";
import { profileOf, type SimUser } from "./user-store.ts";

const userOf = (context: RouteContext): SimUser => context.store.get(context.params[0] as string);
const details = (user: SimUser) => ok({ details: objectDetails(user) });
const contact = (value: string, verification: { isVerified?: boolean | undefined }) => ({
  value,
  verified: verification.isVerified === true,
});
/** An unverified address gets a verification code by mail unless the caller asked for it back (returnCode). */
const mailsCode = (email: { isVerified?: boolean | undefined; returnCode?: object | undefined }) =>
  email.isVerified !== true && email.returnCode === undefined;

/** zitadel.user.v2.UserService endpoints (proto/zitadel/user/v2/user_service.proto). */
export const userServiceRoutes: Route[] = [
  route("POST", "/v2/users/human", (context) => {
    const body = parseBody(v2.addHumanUser, context.body, "AddHumanUserRequest");
    if (body.password && body.hashedPassword)
      throw invalidArgument("", "invalid AddHumanUserRequest: password and hashedPassword are one of");
    if (body.hashedPassword) assertVerifiableHash(body.hashedPassword.hash, context.hashVerifiers);
    const orgId = body.organization?.orgId ?? context.orgId;
    if (!context.orgIds.includes(orgId))
      throw new ZitadelApiError(grpcCodes.permissionDenied, "AUTHZ-HKJD33", "No matching permissions found");
    const user = context.store.create(
      {
        ...(body.userId ? { userId: body.userId } : {}),
        orgId,
        // ZITADEL uses the e-mail when no username is given.
        userName: body.username ?? body.email.email,
        profile: profileOf(body.profile.givenName, body.profile.familyName, body.profile),
        email: contact(body.email.email, body.email),
        ...(body.phone?.phone ? { phone: contact(body.phone.phone, body.phone) } : {}),
        hasPassword: Boolean(body.password || body.hashedPassword),
        passwordChangeRequired: (body.password ?? body.hashedPassword)?.changeRequired === true,
        passwordless: false,
        metadata: body.metadata ?? [],
        ...(mailsCode(body.email) ? { mail: "emailVerification" as const } : {}),
      },
      context.now,
    );
    return { status: 201, json: { userId: user.userId, details: objectDetails(user) } };
  }),
  route("POST", "/v2/users", (context) => {
    const body = parseBody(v2.listUsers, context.body, "ListUsersRequest");
    const { total, result } = listUsers(context.store.all(), body);
    return ok({
      details: { totalResult: String(total), timestamp: new Date(context.now).toISOString() },
      result: result.map(renderV2User),
    });
  }),
  route("GET", "/v2/users/:id", (context) => {
    const user = userOf(context);
    return ok({ details: objectDetails(user), user: renderV2User(user) });
  }),
  // Each part given replaces that part; parts left out stay. Unlike v1, an unchanged part is no error.
  route("PUT", "/v2/users/human/:id", (context) => {
    const body = parseBody(v2.updateHumanUser, context.body, "UpdateHumanUserRequest");
    const { store, now } = context;
    const user = userOf(context);
    if (body.username !== undefined && body.username !== user.userName)
      store.changeUserName(user, body.username, now);
    if (body.profile) {
      const { givenName, familyName, ...optional } = body.profile;
      const given = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
      store.changeProfile(
        user,
        { ...user.profile, ...given, firstName: givenName, lastName: familyName },
        now,
        false,
      );
    }
    if (body.email && body.email.email !== user.email.value) {
      store.changeEmail(user, contact(body.email.email, body.email), now, false);
      if (mailsCode(body.email)) store.sendMail(user, "emailVerification");
    } else if (body.email?.isVerified)
      store.changeEmail(user, contact(body.email.email, body.email), now, false);
    // An empty number is ignored, not a removal (ChangeHuman.Validate and changeUserPhone in
    // internal/command/user_v2_human.go): only RemovePhone removes a phone.
    if (body.phone?.phone) store.changePhone(user, contact(body.phone.phone, body.phone), now, false);
    return details(user);
  }),
  route("DELETE", "/v2/users/:id/phone", (context) => {
    const user = userOf(context);
    context.store.removePhone(user, context.now);
    return details(user);
  }),
  // SetUserMetadata: sets the keys given, leaves the others.
  route("POST", "/v2/users/:id/metadata", (context) => {
    const body = parseBody(v2.setUserMetadata, context.body, "SetUserMetadataRequest");
    const user = userOf(context);
    context.store.setMetadata(user, body.metadata, context.now);
    return ok({ setDate: new Date(context.now).toISOString() });
  }),
  // DeleteUserMetadata: all or nothing, like BulkRemoveUserMetadata behind it (META-2nnds).
  route("DELETE", "/v2/users/:id/metadata", (context) => {
    const body = parseBody(v2.deleteUserMetadata, context.body, "DeleteUserMetadataRequest");
    const user = userOf(context);
    context.store.removeMetadata(user, body.keys, context.now);
    return ok({ deletionDate: new Date(context.now).toISOString() });
  }),
  ...(["deactivate", "reactivate", "lock", "unlock"] as const).map((verb) =>
    route("POST", `/v2/users/:id/${verb}`, (context) => {
      parseBody(v2.empty, context.body, `${verb[0]?.toUpperCase()}${verb.slice(1)}UserRequest`);
      const user = userOf(context);
      if (verb === "deactivate") context.store.deactivate(user, context.now, "v2");
      else context.store[verb](user, context.now);
      return details(user);
    }),
  ),
  route("DELETE", "/v2/users/:id", (context) => {
    const user = userOf(context);
    context.store.remove(user);
    return details(user);
  }),
];
