import { describe, expect, it } from "vitest";
import {
  findInstanceWide,
  managementApi,
  type RequestConfig,
  userServiceApi,
} from "../../../shared/providers/zitadel/requests.ts";
import type { ZitadelView } from "../../../shared/providers/zitadel/user-view.ts";

const view: ZitadelView = {
  userName: "ann",
  profile: { firstName: "Ann", lastName: "Example", displayName: "Ann E." },
  email: { email: "ann@example.com", verified: true },
  phone: { phone: "+41790000000", verified: false },
  metadata: { department: "R&D" },
  active: true,
};
const config: RequestConfig = {
  orgId: "org-1",
  passwordChangeRequired: true,
  requestPasswordlessRegistration: false,
  verificationEmail: "off",
};
const noChange = { setMetadata: {}, removeMetadata: [] };

describe("ZITADEL requests: management API (v1)", () => {
  it("imports a human user (ImportHumanUserRequest)", () => {
    expect(managementApi.create(view, { hash: "$2y$12$x" }, config)).toEqual({
      method: "POST",
      path: "/management/v1/users/human/_import",
      json: {
        userName: "ann",
        profile: { firstName: "Ann", lastName: "Example", displayName: "Ann E." },
        email: { email: "ann@example.com", isEmailVerified: true },
        phone: { phone: "+41790000000", isPhoneVerified: false },
        hashedPassword: { value: "$2y$12$x" },
        passwordChangeRequired: true,
      },
    });
    const { phone: _, ...noPhone } = view;
    expect(
      managementApi.create(noPhone, undefined, { ...config, requestPasswordlessRegistration: true }).json,
    ).toEqual({
      userName: "ann",
      profile: view.profile,
      email: { email: "ann@example.com", isEmailVerified: true },
      requestPasswordlessRegistration: true,
    });
    expect(managementApi.create(view, { password: "pw" }, config).json).toMatchObject({
      password: "pw",
      passwordChangeRequired: true,
    });
    expect(managementApi.createsMetadata).toBe(false);
  });

  it("updates each changed part at its own endpoint, username first", () => {
    expect(
      managementApi.update(
        "u/1",
        {
          ...noChange,
          userName: "ann.e",
          profile: view.profile,
          email: { email: "new@example.com", verified: false },
          phone: { phone: "+41790000001", verified: true },
        },
        config,
      ),
    ).toEqual([
      { method: "PUT", path: "/management/v1/users/u%2F1/username", json: { userName: "ann.e" } },
      {
        method: "PUT",
        path: "/management/v1/users/u%2F1/profile",
        json: { firstName: "Ann", lastName: "Example", displayName: "Ann E." },
      },
      {
        method: "PUT",
        path: "/management/v1/users/u%2F1/email",
        json: { email: "new@example.com", isEmailVerified: false },
      },
      {
        method: "PUT",
        path: "/management/v1/users/u%2F1/phone",
        json: { phone: "+41790000001", isPhoneVerified: true },
      },
    ]);
    expect(managementApi.update("1", { ...noChange, phone: null }, config)).toEqual([
      { method: "DELETE", path: "/management/v1/users/1/phone", absentIsDone: true },
    ]);
    expect(managementApi.update("1", noChange, config)).toEqual([]);
  });

  it("changes status, deletes, finds by username and reads a user", () => {
    expect(managementApi.status("1", "deactivate")).toEqual({
      method: "POST",
      path: "/management/v1/users/1/_deactivate",
      json: {},
    });
    expect(managementApi.status("1", "unlock").path).toBe("/management/v1/users/1/_unlock");
    expect(managementApi.remove("1")).toEqual({ method: "DELETE", path: "/management/v1/users/1" });
    expect(managementApi.find({ userName: "Ann" }, config)).toEqual({
      method: "POST",
      path: "/management/v1/users/_search",
      json: {
        query: { limit: 2 },
        queries: [{ userNameQuery: { userName: "Ann", method: "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE" } }],
      },
    });
    expect(managementApi.get("1")).toEqual({ method: "GET", path: "/management/v1/users/1" });
  });
});

describe("ZITADEL requests: user service (v2)", () => {
  it("adds a human user with organisation, metadata and password (AddHumanUserRequest)", () => {
    expect(userServiceApi.create(view, { password: "pw" }, config, "idp-sync-1")).toEqual({
      method: "POST",
      path: "/v2/users/human",
      json: {
        userId: "idp-sync-1",
        username: "ann",
        organization: { orgId: "org-1" },
        profile: { givenName: "Ann", familyName: "Example", displayName: "Ann E." },
        email: { email: "ann@example.com", isVerified: true },
        phone: { phone: "+41790000000" },
        metadata: [{ key: "department", value: Buffer.from("R&D").toString("base64") }],
        password: { password: "pw", changeRequired: true },
      },
    });
    expect(
      userServiceApi.create({ ...view, metadata: {} }, { hash: "$2y$12$x" }, { ...config, orgId: undefined })
        .json,
    ).toEqual({
      username: "ann",
      profile: { givenName: "Ann", familyName: "Example", displayName: "Ann E." },
      email: { email: "ann@example.com", isVerified: true },
      phone: { phone: "+41790000000" },
      hashedPassword: { hash: "$2y$12$x", changeRequired: true },
    });
    expect(userServiceApi.createsMetadata).toBe(true);
    expect(userServiceApi.choosesUserId).toBe(true);
  });

  it("asks for an unverified address's code back unless configured to let ZITADEL mail it", () => {
    const unverified = { ...view, email: { email: "ann@example.com", verified: false } };
    expect(userServiceApi.create(unverified, undefined, config).json).toMatchObject({
      email: { email: "ann@example.com", returnCode: {} },
    });
    const sending = { ...config, verificationEmail: "send" as const };
    expect(userServiceApi.create(unverified, undefined, sending).json).toMatchObject({
      email: { email: "ann@example.com", sendCode: {} },
    });
    expect(userServiceApi.update("1", { ...noChange, email: unverified.email }, sending)).toEqual([
      {
        method: "PUT",
        path: "/v2/users/human/1",
        json: { email: { email: "ann@example.com", sendCode: {} } },
      },
    ]);
  });

  it("updates the changed parts in one UpdateHumanUser request; RemovePhone removes the phone", () => {
    expect(
      userServiceApi.update(
        "1",
        {
          ...noChange,
          userName: "ann.e",
          email: { email: "new@example.com", verified: false },
        },
        config,
      ),
    ).toEqual([
      {
        method: "PUT",
        path: "/v2/users/human/1",
        json: { username: "ann.e", email: { email: "new@example.com", returnCode: {} } },
      },
    ]);
    expect(userServiceApi.update("1", { ...noChange, profile: view.profile, phone: null }, config)).toEqual([
      {
        method: "PUT",
        path: "/v2/users/human/1",
        json: { profile: { givenName: "Ann", familyName: "Example", displayName: "Ann E." } },
      },
      { method: "DELETE", path: "/v2/users/1/phone", json: {} },
    ]);
    expect(userServiceApi.update("1", { ...noChange, setMetadata: { a: "b" } }, config)).toEqual([]);
  });

  it("changes status, deletes, lists by username within the organisation and reads a user", () => {
    expect(userServiceApi.status("1", "reactivate")).toEqual({
      method: "POST",
      path: "/v2/users/1/reactivate",
      json: {},
    });
    expect(userServiceApi.status("1", "lock").path).toBe("/v2/users/1/lock");
    expect(userServiceApi.remove("1")).toEqual({ method: "DELETE", path: "/v2/users/1" });
    expect(userServiceApi.find({ userName: "ann" }, config)).toEqual({
      method: "POST",
      path: "/v2/users",
      json: {
        query: { limit: 2 },
        queries: [
          { userNameQuery: { userName: "ann", method: "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE" } },
          { organizationIdQuery: { organizationId: "org-1" } },
        ],
      },
    });
    expect(userServiceApi.get("1")).toEqual({ method: "GET", path: "/v2/users/1" });
  });
});

describe("ZITADEL requests: metadata", () => {
  const change = { setMetadata: { title: "CTO" }, removeMetadata: ["a", "b/c"] };

  it("v1: removes keys in bulk, falling back to one key at a time, then sets values base64-encoded", () => {
    expect(managementApi.metadata("1", change)).toEqual([
      {
        method: "DELETE",
        path: "/management/v1/users/1/metadata/_bulk",
        json: { keys: ["a", "b/c"] },
        onNotFound: [
          { method: "DELETE", path: "/management/v1/users/1/metadata/a", absentIsDone: true },
          { method: "DELETE", path: "/management/v1/users/1/metadata/b%2Fc", absentIsDone: true },
        ],
      },
      {
        method: "POST",
        path: "/management/v1/users/1/metadata/_bulk",
        json: { metadata: [{ key: "title", value: "Q1RP" }] },
      },
    ]);
    expect(managementApi.metadata("1", noChange)).toEqual([]);
  });

  it("v2: DeleteUserMetadata and SetUserMetadata, not the deprecated v1 bulk endpoints", () => {
    expect(userServiceApi.metadata("1", change)).toEqual([
      {
        method: "DELETE",
        path: "/v2/users/1/metadata",
        json: { keys: ["a", "b/c"] },
        onNotFound: [
          { method: "DELETE", path: "/v2/users/1/metadata", json: { keys: ["a"] }, absentIsDone: true },
          { method: "DELETE", path: "/v2/users/1/metadata", json: { keys: ["b/c"] }, absentIsDone: true },
        ],
      },
      { method: "POST", path: "/v2/users/1/metadata", json: { metadata: [{ key: "title", value: "Q1RP" }] } },
    ]);
  });

  it("looks a username up across every organisation (no organisation query)", () => {
    expect(findInstanceWide("ann")).toEqual({
      method: "POST",
      path: "/v2/users",
      json: {
        query: { limit: 2 },
        queries: [{ userNameQuery: { userName: "ann", method: "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE" } }],
      },
    });
  });
});
