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
const connect = (code: string, message: string) => ({
  code,
  message,
  details: [{ type: "zitadel.v1.ErrorDetail", value: "e30=", debug: {} }],
});

describe("ZITADEL responses: error bodies", () => {
  it("reads grpc-gateway bodies (numeric code) and Connect bodies (named code) alike", () => {
    expect(readError(answer(404, gateway(5, "User could not be found", "COMMAND-3M9ds")))).toEqual({
      code: "not_found",
      message: "User could not be found (COMMAND-3M9ds)",
    });
    expect(readError(answer(404, connect("not_found", "User could not be found")))).toEqual({
      code: "not_found",
      message: "User could not be found",
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

  it("takes 'not changed' refusals as done: the part already has the value", () => {
    expect(classifyResponse(answer(400, gateway(9, "Email not changed", "COMMAND-2b7fM")))).toEqual({
      result: "done",
    });
    expect(
      classifyResponse(answer(400, connect("failed_precondition", "Errors.User.Profile.NotChanged"))),
    ).toEqual({
      result: "done",
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
