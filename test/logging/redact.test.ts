import { describe, expect, it } from "vitest";
import { redactLogValue } from "../../shared/logging/redact.ts";

const stringify = (value: unknown) => JSON.stringify(value, redactLogValue);

describe("redactLogValue", () => {
  it("replaces secrets by key wherever they are nested", () => {
    expect(stringify({ password: "hunter2", nested: { authorization: "Bearer abc", token: "t" } })).toBe(
      '{"password":"[redacted]","nested":{"authorization":"[redacted]","token":"[redacted]"}}',
    );
  });

  it("keeps only the domain of e-mail addresses and the last digits of phone numbers", () => {
    expect(stringify({ detail: "ann.lee@example.com has +1 (555) 010-0199" })).toBe(
      '{"detail":"***@example.com has ***99"}',
    );
  });

  it("leaves timestamps, epoch milliseconds and short numbers alone", () => {
    const item = { at: "2026-11-22T12:00:00.000Z", epoch: "1763812800000", count: "42" };
    expect(stringify(item)).toBe(JSON.stringify(item));
  });

  it("leaves provider user ids alone: a bare run of 16 or more digits is longer than any E.164 number", () => {
    const item = { userId: "310000000000000001", text: "user 310000000000000001 deactivated" };
    expect(stringify(item)).toBe(JSON.stringify(item));
  });

  it("leaves digit runs inside ids alone: request ids and ARNs stay readable", () => {
    const item = {
      function_request_id: "c534f6cf-1234-4788-a721-cca27b40e91f",
      arn: "arn:aws:sqs:eu-central-1:123456789012:idp-sync-changes",
      phone: "call +49 151 2345 6789 now",
    };
    expect(JSON.parse(stringify(item))).toEqual({ ...item, phone: "call ***89 now" });
  });
});
