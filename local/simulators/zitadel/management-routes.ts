import { failedPrecondition } from "./errors.ts";
import { assertVerifiableHash } from "./hash-verifiers.ts";
import { objectDetails, renderV1User } from "./render.ts";
import { ok, type Route, type RouteContext, route } from "./routes.ts";
import { parseBody, v1 } from "./schemas.ts";
import { listUsers } from "./search.ts";
import { profileOf, type SimUser } from "./user-store.ts";

const base = "/management/v1/users";

/** The user addressed by the path, within the call's organisation (x-zitadel-orgid). */
const userOf = (context: RouteContext): SimUser =>
  context.store.get(context.params[0] as string, context.orgId);
const details = (user: SimUser) => ok({ details: objectDetails(user) });

/** ManagementService user endpoints (proto/zitadel/management.proto, base path /management/v1). */
export const managementRoutes: Route[] = [
  route("POST", `${base}/human/_import`, (context) => {
    const body = parseBody(v1.importHumanUser, context.body, "ImportHumanUserRequest");
    if (body.hashedPassword) assertVerifiableHash(body.hashedPassword.value, context.hashVerifiers);
    const passwordless = body.requestPasswordlessRegistration === true;
    const user = context.store.create(
      {
        orgId: context.orgId,
        userName: body.userName,
        profile: profileOf(body.profile.firstName, body.profile.lastName, body.profile),
        email: { value: body.email.email, verified: body.email.isEmailVerified === true },
        ...(body.phone
          ? { phone: { value: body.phone.phone, verified: body.phone.isPhoneVerified === true } }
          : {}),
        hasPassword: Boolean(body.password || body.hashedPassword?.value),
        passwordChangeRequired: body.passwordChangeRequired === true,
        passwordless,
        metadata: [],
        // ImportHumanUser mails an initialisation link unless the e-mail is verified and a password set.
        ...(!passwordless && !(body.email.isEmailVerified && (body.password || body.hashedPassword))
          ? { mail: "initialisation" as const }
          : {}),
      },
      context.now,
    );
    return ok({
      userId: user.userId,
      details: objectDetails(user),
      ...(passwordless
        ? {
            passwordlessRegistration: {
              link: `${context.issuer}/ui/login/login/passwordless/init?userID=${user.userId}`,
              lifetime: "3600s",
              expiration: "3600s",
            },
          }
        : {}),
    });
  }),
  route("POST", `${base}/_search`, (context) => {
    const body = parseBody(v1.listUsers, context.body, "ListUsersRequest");
    const inOrg = context.store.all().filter((user) => user.orgId === context.orgId);
    const { total, result } = listUsers(inOrg, body);
    return ok({
      details: { totalResult: String(total), viewTimestamp: new Date(context.now).toISOString() },
      result: result.map(renderV1User),
    });
  }),
  route("GET", `${base}/:id`, (context) => ok({ user: renderV1User(userOf(context)) })),
  route("PUT", `${base}/:id/username`, (context) => {
    const body = parseBody(v1.updateUserName, context.body, "UpdateUserNameRequest");
    const user = userOf(context);
    context.store.changeUserName(user, body.userName, context.now);
    return details(user);
  }),
  // Every field is replaced: proto3 strings left out are empty, so nick name, language and gender reset.
  route("PUT", `${base}/:id/profile`, (context) => {
    const body = parseBody(v1.updateHumanProfile, context.body, "UpdateHumanProfileRequest");
    const user = userOf(context);
    context.store.changeProfile(user, profileOf(body.firstName, body.lastName, body), context.now, true);
    return details(user);
  }),
  route("PUT", `${base}/:id/email`, (context) => {
    const body = parseBody(v1.updateHumanEmail, context.body, "UpdateHumanEmailRequest");
    const user = userOf(context);
    context.store.changeEmail(
      user,
      { value: body.email, verified: body.isEmailVerified === true },
      context.now,
      true,
    );
    return details(user);
  }),
  route("PUT", `${base}/:id/phone`, (context) => {
    const body = parseBody(v1.updateHumanPhone, context.body, "UpdateHumanPhoneRequest");
    const user = userOf(context);
    context.store.changePhone(
      user,
      { value: body.phone, verified: body.isPhoneVerified === true },
      context.now,
      true,
    );
    return details(user);
  }),
  route("DELETE", `${base}/:id/phone`, (context) => {
    const user = userOf(context);
    context.store.changePhone(user, undefined, context.now, true);
    return details(user);
  }),
  ...(["deactivate", "reactivate", "lock", "unlock"] as const).map((verb) =>
    route("POST", `${base}/:id/_${verb}`, (context) => {
      parseBody(v1.empty, context.body, `${verb[0]?.toUpperCase()}${verb.slice(1)}UserRequest`);
      const user = userOf(context);
      if (verb === "deactivate") context.store.deactivate(user, context.now, "v1");
      else context.store[verb](user, context.now);
      return details(user);
    }),
  ),
  route("DELETE", `${base}/:id`, (context) => {
    const user = userOf(context);
    context.store.remove(user);
    return ok({ details: { ...objectDetails(user), changeDate: new Date(context.now).toISOString() } });
  }),
  route("POST", `${base}/:id/metadata/_bulk`, (context) => {
    const body = parseBody(v1.bulkSetUserMetadata, context.body, "BulkSetUserMetadataRequest");
    const user = userOf(context);
    context.store.setMetadata(user, body.metadata, context.now);
    return details(user);
  }),
  route("DELETE", `${base}/:id/metadata/_bulk`, (context) => {
    const body = parseBody(v1.bulkRemoveUserMetadata, context.body, "BulkRemoveUserMetadataRequest");
    if (body.keys.length === 0) throw failedPrecondition("META-9mm2d", "No metadata given");
    const user = userOf(context);
    context.store.removeMetadata(user, body.keys, context.now);
    return details(user);
  }),
  route("POST", `${base}/:id/metadata/:key`, (context) => {
    const body = parseBody(v1.setUserMetadata, context.body, "SetUserMetadataRequest");
    const user = userOf(context);
    context.store.setMetadata(user, [{ key: context.params[1] as string, value: body.value }], context.now);
    return ok({ id: user.userId, details: objectDetails(user) });
  }),
  route("DELETE", `${base}/:id/metadata/:key`, (context) => {
    const user = userOf(context);
    context.store.removeMetadata(user, [context.params[1] as string], context.now);
    return details(user);
  }),
];
