import { describe, expect, it } from "vitest";
import { toZitadelPassword } from "../../../shared/providers/zitadel/password.ts";
import { diffViews, toZitadelView, type ZitadelView } from "../../../shared/providers/zitadel/user-view.ts";

const noKeys = { metadataKeys: {} };

const ann = {
  loginId: "ann",
  email: "ann@example.com",
  emailVerified: true,
  phone: "+41790000000",
  givenName: "Ann",
  familyName: "Example",
  displayName: "Ann E.",
  title: "CTO",
  department: "R&D",
  manager: "p-42",
  customAttributes: { shoeSize: 42, remote: true, langs: ["de", "en"], badge: "B-7", empty: "" },
};

const viewOf = (user: object, config = noKeys): ZitadelView => {
  const result = toZitadelView(user, config);
  if ("rejected" in result) throw new Error(result.rejected);
  return result.view;
};

describe("ZITADEL mapping: canonical user → ZITADEL user", () => {
  it("maps loginId, names, e-mail, phone and status; custom attributes become metadata text", () => {
    expect(viewOf(ann)).toEqual({
      userName: "ann",
      profile: { firstName: "Ann", lastName: "Example", displayName: "Ann E." },
      email: { email: "ann@example.com", verified: true },
      phone: { phone: "+41790000000", verified: false },
      metadata: { shoeSize: "42", remote: "true", langs: '["de","en"]', badge: "B-7" },
      active: true,
    });
  });

  it("puts title, department, employee number, cost centre and manager under their configured keys, which win", () => {
    const view = viewOf(ann, { metadataKeys: { department: "dept", manager: "badge", costCenter: "cc" } });
    expect(view.metadata).toEqual({
      shoeSize: "42",
      remote: "true",
      langs: '["de","en"]',
      badge: "p-42",
      dept: "R&D",
    });
  });

  it("takes missing names from a display name of two or more words, and builds a display name from the names", () => {
    expect(viewOf({ loginId: "a", email: "a@x.io", displayName: "Mary Ann van Dyke" }).profile).toEqual({
      firstName: "Mary Ann van",
      lastName: "Dyke",
      displayName: "Mary Ann van Dyke",
    });
    expect(
      viewOf({ loginId: "a", email: "a@x.io", givenName: "Ann", displayName: "Ann Example" }).profile,
    ).toEqual({
      firstName: "Ann",
      lastName: "Example",
      displayName: "Ann Example",
    });
    expect(
      viewOf({ loginId: "a", email: "a@x.io", givenName: "Ann", familyName: "Example" }).profile.displayName,
    ).toBe("Ann Example");
  });

  it("rejects users ZITADEL cannot hold, saying what is missing", () => {
    expect(toZitadelView({ email: "a@x.io", givenName: "A", familyName: "B" }, noKeys)).toEqual({
      rejected: "ZITADEL requires a username: this user has no loginId",
    });
    expect(toZitadelView({ loginId: "a", givenName: "A", familyName: "B" }, noKeys)).toEqual({
      rejected: "ZITADEL requires an e-mail address: this user has none",
    });
    expect(toZitadelView({ loginId: "a", email: "a@x.io", displayName: "Cher" }, noKeys)).toEqual({
      rejected: expect.stringContaining("ZITADEL requires a first and a last name"),
    });
  });

  it("marks deactivated users inactive", () => {
    expect(viewOf({ ...ann, active: false }).active).toBe(false);
  });
});

describe("ZITADEL mapping: what changed", () => {
  const before = viewOf(ann);

  it("lists only the parts that differ, with metadata keys to set and to remove", () => {
    const after = viewOf({
      ...ann,
      familyName: "Other",
      phone: undefined,
      customAttributes: { shoeSize: 43, badge: "B-7" },
      active: false,
    });
    expect(diffViews(before, after)).toEqual({
      profile: { firstName: "Ann", lastName: "Other", displayName: "Ann E." },
      phone: null,
      setMetadata: { shoeSize: "43" },
      removeMetadata: ["remote", "langs"],
      active: false,
    });
    expect(diffViews(before, before)).toEqual({ setMetadata: {}, removeMetadata: [] });
  });

  it("sends a verification as an e-mail change, never an un-verification ZITADEL cannot make", () => {
    const after = viewOf({ ...ann, emailVerified: false, phone: "+41790000001", loginId: "ann.e" });
    const change = diffViews(before, after);
    expect(change).toMatchObject({ userName: "ann.e", phone: { phone: "+41790000001", verified: false } });
    expect(change.email).toBeUndefined();
    expect(diffViews(after, before).email).toEqual({ email: "ann@example.com", verified: true });
  });

  it("sends everything and removes nothing when ZITADEL's state is unknown", () => {
    expect(diffViews(undefined, before)).toEqual({
      userName: "ann",
      profile: before.profile,
      email: before.email,
      phone: before.phone,
      setMetadata: before.metadata,
      removeMetadata: [],
      active: true,
    });
  });
});

describe("ZITADEL mapping: import passwords", () => {
  it("passes plain passwords and bcrypt hashes; a hash wins over a password", () => {
    expect(toZitadelPassword(undefined)).toBeUndefined();
    expect(toZitadelPassword({ password: "pw" })).toEqual({ password: "pw" });
    const bcrypt = "$2y$12$hXUrnqdq1RIIYZ2HPytIIe5lXdIvbhqrTvdPsSF7o.jFh817Z6lwm";
    expect(toZitadelPassword({ password: "pw", hashedPassword: { bcrypt: { hash: bcrypt } } })).toEqual({
      hash: bcrypt,
    });
  });

  it("encodes pbkdf2 in passlib's Modular Crypt Format and md5 as a plain hex digest", () => {
    const pbkdf2 = {
      hash: "f8rCk1pAy6DGDm3yEhFv+iNbJzPDYWZY0zZp3RTrQnI=",
      salt: "N2bsnbNWqnVuzXkvZcw5Jw==",
      iterations: 29000,
    };
    expect(toZitadelPassword({ hashedPassword: { pbkdf2: { ...pbkdf2, type: "sha256" } } })).toEqual({
      hash: "$pbkdf2-sha256$29000$N2bsnbNWqnVuzXkvZcw5Jw$f8rCk1pAy6DGDm3yEhFv.iNbJzPDYWZY0zZp3RTrQnI",
    });
    expect(toZitadelPassword({ hashedPassword: { pbkdf2: { ...pbkdf2, type: "sha1" } } })).toMatchObject({
      hash: expect.stringMatching(/^\$pbkdf2\$29000\$/),
    });
    expect(
      toZitadelPassword({ hashedPassword: { md5: { hash: "5F4DCC3B5AA765D61D8327DEB882CF99" } } }),
    ).toEqual({
      hash: "5f4dcc3b5aa765d61d8327deb882cf99",
    });
  });

  it("rejects hash forms ZITADEL cannot verify", () => {
    expect(toZitadelPassword({ hashedPassword: { django: { hash: "pbkdf2_sha256$1$s$h" } } })).toEqual({
      rejected:
        "ZITADEL cannot import django password hashes: it takes bcrypt, pbkdf2 and plain md5 in Modular Crypt Format",
    });
    expect(
      toZitadelPassword({
        hashedPassword: {
          argon2: { hash: "aGFzaA==", salt: "c2FsdA==", iterations: 3, memory: 65536, threads: 4 },
        },
      }),
    ).toMatchObject({ rejected: expect.stringContaining("argon2") });
  });
});
