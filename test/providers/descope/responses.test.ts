import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../../../shared/http/request.ts";
import { descopeBaseUrl, parseManagementSecret } from "../../../shared/providers/descope/credentials.ts";
import {
  classifyFailure,
  classifyHttpError,
  readBatchResponse,
  readSingleResponse,
} from "../../../shared/providers/descope/responses.ts";

const items = [
  { id: 0, loginId: "a" },
  { id: 1, loginId: "b" },
  { id: 2, loginId: "c" },
];

const answer = (status: number, body: unknown, retryAfterSeconds?: number): HttpResponse => {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status, headers: new Headers(), json, text, retryAfterSeconds };
};

describe("readBatchResponse", () => {
  it("maps created and failed users back to their operations by loginId or user id", () => {
    const results = readBatchResponse(
      {
        createdUsers: [{ loginIds: ["A"], userId: "U1" }],
        failedUsers: [{ failure: "user already exists", user: { loginIds: ["c"] } }],
        additionalErrors: { b: "invalid email format" },
      },
      items,
      "create",
    );
    expect([...results]).toEqual([
      [0, { result: "done", userId: "U1" }],
      [2, { result: "exists", reason: "Descope: user already exists" }],
      [1, { result: "rejected", reason: "Descope: invalid email format" }],
    ]);
    expect(
      readBatchResponse({ patchedUsers: [{ userId: "a", loginIds: ["x"] }] }, items, "patch").get(0),
    ).toEqual({
      result: "done",
      userId: "a",
    });
  });

  it("gives unattributed failures to the remaining operations only when they must all have had them", () => {
    const notFound = { failure: "User not found", user: null };
    const all = readBatchResponse(
      { patchedUsers: [{ loginIds: ["a"] }], failedUsers: [notFound, notFound] },
      items,
      "patch",
    );
    expect(all.get(1)).toEqual({ result: "notFound", reason: "Descope: User not found" });
    expect(all.get(2)).toEqual({ result: "notFound", reason: "Descope: User not found" });

    const mixed = readBatchResponse(
      {
        patchedUsers: [{ loginIds: ["a"] }],
        failedUsers: [notFound, { failure: "invalid phone format", user: null }],
      },
      items,
      "patch",
    );
    expect(mixed.get(1)).toMatchObject({
      result: "retry",
      reason: expect.stringContaining("invalid phone format"),
    });

    const tooFew = readBatchResponse(
      { failedUsers: [notFound], additionalErrors: { general: "oops" } },
      items,
      "patch",
    );
    expect([...tooFew.values()]).toEqual(
      Array(3).fill({
        result: "retry",
        reason: "Descope neither confirmed nor reported this user; User not found; general: oops",
      }),
    );
  });

  it("never marks an operation applied from an unreadable answer or a user of the other kind", () => {
    expect(readBatchResponse("<html>", items, "create").get(0)).toMatchObject({ result: "retry" });
    expect(readBatchResponse({ createdUsers: "x" }, items, "create").get(0)).toMatchObject({
      result: "retry",
    });
    expect(readBatchResponse({ patchedUsers: [{ loginIds: ["a"] }] }, items, "create").get(0)).toMatchObject({
      result: "retry",
    });
  });
});

describe("classifying failures", () => {
  it("reads per-user failure texts by code or phrase", () => {
    expect(classifyFailure("E062107: user already exists").result).toBe("exists");
    expect(classifyFailure("User already exist").result).toBe("exists");
    expect(classifyFailure("E112102").result).toBe("notFound");
    expect(classifyFailure("user not found").result).toBe("notFound");
    expect(classifyFailure("User with this loginId already exists").result).toBe("exists");
    expect(classifyFailure("role not found for user").result).toBe("rejected");
    expect(classifyFailure("tenant already exists").result).toBe("rejected");
    expect(classifyFailure("internal error, try again").result).toBe("retry");
    expect(classifyFailure("invalid email format")).toEqual({
      result: "rejected",
      reason: "Descope: invalid email format",
    });
  });

  it("retries rate limits (also without a JSON body), 5xx and a persistent 401; rejects other 4xx with Descope's words", () => {
    expect(classifyHttpError(answer(429, "<html>Too Many Requests</html>", 12))).toMatchObject({
      result: "retry",
      retryAfterSeconds: 12,
    });
    expect(classifyHttpError(answer(429, { errorCode: "E130429" }))).toMatchObject({ retryAfterSeconds: 60 });
    expect(classifyHttpError(answer(503, "")).result).toBe("retry");
    expect(classifyHttpError(answer(401, { errorCode: "E000401" })).result).toBe("retry");
    expect(
      classifyHttpError(
        answer(400, {
          errorCode: "E011003",
          errorDescription: "Request is invalid",
          errorMessage: "bad email",
        }),
      ),
    ).toEqual({
      result: "rejected",
      reason: "Descope answered HTTP 400 (E011003: Request is invalid: bad email)",
    });
    expect(classifyHttpError(answer(400, { errorCode: "E062107" })).result).toBe("exists");
    expect(classifyHttpError(answer(404, { errorCode: "E112102" })).result).toBe("notFound");
    expect(classifyHttpError(answer(403, "forbidden")).reason).toBe("Descope answered HTTP 403 (forbidden)");
  });

  it("takes any 2xx single-user answer as done, with the user id when given", () => {
    expect(readSingleResponse({ user: { userId: "U9" } })).toEqual({ result: "done", userId: "U9" });
    expect(readSingleResponse({})).toEqual({ result: "done" });
  });
});

describe("credentials", () => {
  it("reads <ProjectId>:<ManagementKey> without repeating a malformed value", () => {
    expect(parseManagementSecret(" P123:K:with:colons\n", "descope")).toEqual({
      projectId: "P123",
      authorization: "Bearer P123:K:with:colons",
    });
    for (const value of ["no-colon-secret", ":key", "project:"]) {
      expect(() => parseManagementSecret(value, "descope")).toThrow(/^secret "descope" is not of the form/);
      expect(() => parseManagementSecret(value, "descope")).not.toThrow(value);
    }
  });

  it("derives the regional API host from a 32-character project id", () => {
    expect(descopeBaseUrl("Peuc12z2SP0AQgrqkHCdD7u5fRJ4lOta")).toBe("https://api.euc1.descope.com");
    expect(descopeBaseUrl("P2abcdefghijklmnopqrstuvwxyz")).toBe("https://api.descope.com");
  });
});
