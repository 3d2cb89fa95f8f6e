import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../../../shared/http/request.ts";
import { classifyResponse, readError } from "../../../shared/providers/zitadel/responses.ts";

const answer = (status: number, json: unknown, retryAfterSeconds?: number): HttpResponse => ({
  status,
  headers: new Headers(),
  json,
  text: json === undefined ? "<html>busy</html>" : JSON.stringify(json),
  retryAfterSeconds,
});

const gateway = (code: number, message: string, id: string, key = message) => ({
  code,
  message: id ? `${message} (${id})` : message,
  details: [{ "@type": "type.googleapis.com/zitadel.v1.ErrorDetail", id, message: key }],
});
const connect = (code: string, message: string, id = "") => ({
  code,
  message: id ? `${message} (${id})` : message,
  details: [{ type: "zitadel.v1.ErrorDetail", value: "e30=", debug: id ? { id, message } : {} }],
});

describe("ZITADEL responses: error bodies", () => {
  it("reads grpc-gateway bodies (numeric code) and Connect bodies (named code) alike", () => {
    expect(readError(answer(404, gateway(5, "User could not be found", "COMMAND-3M9ds")))).toEqual({
      code: "not_found",
      id: "COMMAND-3M9ds",
      message: "User could not be found (COMMAND-3M9ds)",
    });
    expect(readError(answer(404, connect("not_found", "User could not be found", "QUERY-Dfbg2")))).toEqual({
      code: "not_found",
      id: "QUERY-Dfbg2",
      message: "User could not be found (QUERY-Dfbg2)",
    });
    // Without details, the id still closes the message.
    expect(readError(answer(404, { code: 5, message: "Benutzer nicht gefunden (QUERY-Dfbg2)" }))).toEqual({
      code: "not_found",
      id: "QUERY-Dfbg2",
      message: "Benutzer nicht gefunden (QUERY-Dfbg2)",
    });
  });

  it("keeps a detail that adds something, such as the untranslated key", () => {
    expect(
      readError(
        answer(
          400,
          gateway(9, "User is already deactivated", "COMMAND-5M0sf", "Errors.User.AlreadyInactive"),
        ),
      ),
    ).toEqual({
      code: "failed_precondition",
      id: "COMMAND-5M0sf",
      message: "User is already deactivated (COMMAND-5M0sf): Errors.User.AlreadyInactive",
    });
  });

  it("falls back to the raw text when the body is not ZITADEL's", () => {
    expect(readError(answer(502, undefined))).toEqual({ message: "<html>busy</html>" });
  });
});

describe("ZITADEL responses: classification", () => {
  it("classifies by HTTP status, then by the gRPC code", () => {
    expect(classifyResponse(answer(200, {}))).toEqual({ result: "done" });
    expect(classifyResponse(answer(201, {}))).toEqual({ result: "done" });
    expect(classifyResponse(answer(404, gateway(5, "User could not be found", "X")))).toMatchObject({
      result: "notFound",
    });
    expect(classifyResponse(answer(409, gateway(6, "User already exists", "X")))).toMatchObject({
      result: "exists",
    });
    expect(classifyResponse(answer(400, gateway(3, "invalid ImportHumanUserRequest.UserName", "")))).toEqual({
      result: "rejected",
      reason: "ZITADEL answered HTTP 400 invalid_argument (invalid ImportHumanUserRequest.UserName)",
    });
    expect(
      classifyResponse(answer(403, connect("permission_denied", "No matching permissions found"))),
    ).toMatchObject({
      result: "rejected",
    });
    expect(
      classifyResponse(answer(400, connect("failed_precondition", "User is already deactivated"))),
    ).toMatchObject({
      result: "precondition",
      reason: "ZITADEL answered HTTP 400 failed_precondition (User is already deactivated)",
    });
  });

  it("takes 'not changed' refusals as done by their id, in whatever language the message is", () => {
    for (const id of ["COMMAND-6m9gs", "COMMAND-2M0fs", "COMMAND-2b7fM", "COMMAND-wF94r", "COMMAND-Uch5e"])
      expect(classifyResponse(answer(400, gateway(9, "Wert wurde nicht geändert", id)))).toEqual({
        result: "done",
      });
    expect(
      classifyResponse(
        answer(400, connect("failed_precondition", "Profil wurde nicht geändert", "COMMAND-2M0fs")),
      ),
    ).toEqual({ result: "done" });
    // English words are no evidence: an unknown id is a refusal.
    expect(classifyResponse(answer(400, gateway(9, "Email not changed", "COMMAND-other")))).toMatchObject({
      result: "precondition",
    });
  });

  it("tells a caller-chosen user id in use (FailedPrecondition COMMAND-7yiox1isql) from a taken username", () => {
    expect(
      classifyResponse(answer(400, gateway(9, "Benutzer existiert bereits", "COMMAND-7yiox1isql"))),
    ).toMatchObject({ result: "exists", idTaken: true });
    expect(classifyResponse(answer(409, gateway(6, "User already exists", "V3-DKcYh")))).toEqual({
      result: "exists",
      reason: "ZITADEL answered HTTP 409 already_exists (User already exists (V3-DKcYh))",
    });
  });

  it("retries 429 (with Retry-After, else a second), 401, 408 and 5xx (with a Retry-After when given)", () => {
    expect(classifyResponse(answer(429, gateway(8, "Too many requests", "Q"), 7))).toMatchObject({
      result: "retry",
      retryAfterSeconds: 7,
    });
    expect(classifyResponse(answer(429, undefined))).toMatchObject({ result: "retry", retryAfterSeconds: 1 });
    for (const status of [401, 408, 500, 503, 504])
      expect(classifyResponse(answer(status, undefined))).toEqual({
        result: "retry",
        reason: `ZITADEL answered HTTP ${status} (<html>busy</html>)`,
      });
    expect(classifyResponse(answer(503, gateway(14, "Service unavailable", "X"), 30))).toEqual({
      result: "retry",
      reason: "ZITADEL answered HTTP 503 unavailable (Service unavailable (X))",
      retryAfterSeconds: 30,
    });
  });
});
