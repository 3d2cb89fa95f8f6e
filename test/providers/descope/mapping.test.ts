import { describe, expect, it } from "vitest";
import { descopeProviderSchema } from "../../../shared/config/descope.ts";
import {
  diffDescopeProfiles,
  toDescopeAdoptingPatch,
  toDescopeCreateUser,
  toDescopeOverwriteUser,
  toDescopeProfile,
} from "../../../shared/providers/descope/mapping.ts";

const config = (overrides: object = {}) =>
  descopeProviderSchema.parse({ type: "descope", secretName: "descope", ...overrides });

const ann = {
  loginId: "ann@example.com",
  email: "ann@example.com",
  emailVerified: true,
  phone: "+15550100",
  phoneVerified: false,
  displayName: "Ann Example",
  givenName: "Ann",
  middleName: "Q",
  familyName: "Example",
  picture: "https://example.com/ann.png",
  title: "Engineer",
  department: "R&D",
  employeeNumber: "E-7",
  costCenter: "CC-1",
  manager: "hr-42",
  active: true,
  roles: ["admin", "dev"],
  tenants: { "t-b": ["viewer"], "t-a": ["editor", "viewer"] },
  customAttributes: { shoeSize: 42, remote: true, skills: ["ts"] },
};

describe("toDescopeCreateUser", () => {
  it("maps every canonical field to its Descope field, tenants sorted, unmapped HR fields left out", () => {
    expect(toDescopeCreateUser(ann, config())).toEqual({
      loginId: "ann@example.com",
      email: "ann@example.com",
      verifiedEmail: true,
      phone: "+15550100",
      verifiedPhone: false,
      name: "Ann Example",
      givenName: "Ann",
      middleName: "Q",
      familyName: "Example",
      picture: "https://example.com/ann.png",
      roleNames: ["admin", "dev"],
      userTenants: [
        { tenantId: "t-a", roleNames: ["editor", "viewer"] },
        { tenantId: "t-b", roleNames: ["viewer"] },
      ],
      customAttributes: { shoeSize: 42, remote: true, skills: ["ts"] },
    });
  });

  it("puts HR attributes into the custom attributes named for them, which they own", () => {
    const names = {
      title: "jobTitle",
      department: "dept",
      employeeNumber: "empNo",
      costCenter: "cc",
      manager: "mgr",
    };
    const user = { ...ann, customAttributes: { dept: "stale", shoeSize: 42 } };
    expect(toDescopeCreateUser(user, config({ customAttributeNames: names })).customAttributes).toEqual({
      shoeSize: 42,
      jobTitle: "Engineer",
      dept: "R&D",
      empNo: "E-7",
      cc: "CC-1",
      mgr: "hr-42",
    });
    const withoutDepartment = { ...user, department: undefined };
    expect(
      toDescopeProfile(withoutDepartment, config({ customAttributeNames: names })).customAttributes,
    ).not.toHaveProperty("dept");
  });

  it("sends a status only when inactive or configured, so Descope's default `invited` applies otherwise", () => {
    expect(toDescopeCreateUser(ann, config())).not.toHaveProperty("status");
    expect(toDescopeCreateUser({ ...ann, active: false }, config()).status).toBe("disabled");
    expect(toDescopeCreateUser(ann, config({ createStatus: "enabled" })).status).toBe("enabled");
    expect(toDescopeCreateUser({ ...ann, active: false }, config({ createStatus: "enabled" })).status).toBe(
      "disabled",
    );
  });

  it("adds the provider's SSO apps, test flag and additional identifiers", () => {
    const user = toDescopeCreateUser(
      { loginId: "E-7", email: "ann@example.com", phone: "+15550100", employeeNumber: "E-7" },
      config({
        ssoAppIds: ["app"],
        test: true,
        additionalIdentifiersFrom: ["email", "employeeNumber", "phone"],
      }),
    );
    expect(user).toEqual({
      loginId: "E-7",
      email: "ann@example.com",
      phone: "+15550100",
      additionalIdentifiers: ["ann@example.com", "+15550100"],
      ssoAppIds: ["app"],
      test: true,
    });
  });

  it("passes a password or hash through, the hash winning when both came", () => {
    const hashedPassword = { bcrypt: { hash: "$2a$10$x" } };
    expect(toDescopeCreateUser({ loginId: "a" }, config(), { password: "pw" })).toEqual({
      loginId: "a",
      password: "pw",
    });
    expect(toDescopeCreateUser({ loginId: "a" }, config(), { password: "pw", hashedPassword })).toEqual({
      loginId: "a",
      hashedPassword,
    });
  });

  it("leaves empty values out", () => {
    expect(
      toDescopeCreateUser(
        { loginId: "a", email: "", roles: [], tenants: {}, customAttributes: {} },
        config(),
      ),
    ).toEqual({
      loginId: "a",
    });
  });
});

describe("full-user bodies", () => {
  it("overwrite carries every field and the provider constants, but no status or secret", () => {
    expect(
      toDescopeOverwriteUser("U1", { ...ann, phone: undefined }, config({ ssoAppIds: ["app"] })),
    ).toEqual({
      ...toDescopeCreateUser({ ...ann, phone: undefined }, config()),
      loginId: "U1",
      ssoAppIds: ["app"],
    });
  });

  it("an adopting patch carries everything idp-sync knows and the source's status", () => {
    const patch = toDescopeAdoptingPatch(
      { loginId: "a", givenName: "A", active: true },
      config({ ssoAppIds: ["x"] }),
    );
    expect(patch).toEqual({ loginId: "a", givenName: "A", status: "enabled" });
  });
});

describe("diffDescopeProfiles", () => {
  const before = toDescopeProfile(ann, config());

  it("lists only changed fields; lists are cleared with [] and verification flags with false", () => {
    const after = toDescopeProfile(
      { ...ann, givenName: "Anne", roles: undefined, tenants: {}, emailVerified: undefined },
      config(),
    );
    expect(diffDescopeProfiles(before, after)).toEqual({
      fields: { givenName: "Anne", roleNames: [], userTenants: [], verifiedEmail: false },
      needsOverwrite: false,
    });
  });

  it("sends the whole custom attribute map when keys change, and needs an overwrite when one goes", () => {
    const changed = toDescopeProfile(
      { ...ann, customAttributes: { ...ann.customAttributes, shoeSize: 43 } },
      config(),
    );
    expect(diffDescopeProfiles(before, changed)).toEqual({
      fields: { customAttributes: { shoeSize: 43, remote: true, skills: ["ts"] } },
      needsOverwrite: false,
    });
    const removed = toDescopeProfile({ ...ann, customAttributes: { shoeSize: 42, remote: true } }, config());
    expect(diffDescopeProfiles(before, removed).needsOverwrite).toBe(true);
    expect(
      diffDescopeProfiles(before, toDescopeProfile({ ...ann, customAttributes: {} }, config()))
        .needsOverwrite,
    ).toBe(true);
  });

  it("needs an overwrite to remove a text field", () => {
    for (const field of [
      "email",
      "phone",
      "displayName",
      "givenName",
      "middleName",
      "familyName",
      "picture",
    ]) {
      const after = toDescopeProfile({ ...ann, [field]: undefined }, config());
      expect(diffDescopeProfiles(before, after).needsOverwrite).toBe(true);
    }
    expect(diffDescopeProfiles(before, toDescopeProfile({ ...ann, title: undefined }, config()))).toEqual({
      fields: {},
      needsOverwrite: false,
    });
  });
});
