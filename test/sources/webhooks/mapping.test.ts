import { describe, expect, it } from "vitest";
import { evaluate, mapRecord, readLeaver } from "../../../shared/sources/mapping/evaluate.ts";
import {
  effectiveInstant,
  parseInstant,
  zonedTimeToInstant,
} from "../../../shared/sources/mapping/instants.ts";
import { parseJsonPath, select } from "../../../shared/sources/mapping/json-path.ts";
import { mappingSchema, valueSpecSchema } from "../../../shared/sources/mapping/spec.ts";
import { parsePayload } from "../../../shared/sources/webhooks/payload.ts";

const now = Date.UTC(2026, 2, 20, 9, 0, 0);
const context = { now, timing: { timeZone: "UTC", dateOnlyAt: "end-of-day" } };
const iso = (instant: number | undefined) =>
  instant === undefined ? undefined : new Date(instant).toISOString();

describe("JSONPath subset", () => {
  const document = {
    data: { employeeId: "67890", changedFields: ["firstName", "lastName"] },
    "First Name": "Bryony",
    custom: [
      { id: "location", value: "Berlin" },
      { id: "cost", value: 42 },
    ],
  };
  it.each([
    ["$.data.employeeId", "67890"],
    ["data.employeeId", "67890"],
    ["$['First Name']", "Bryony"],
    ['$["First Name"]', "Bryony"],
    ["$.data.changedFields[1]", "lastName"],
    ["$.data.changedFields[-1]", "lastName"],
    ["$.data.changedFields[*]", ["firstName", "lastName"]],
    ["$.custom[?(@.id == 'location')].value", ["Berlin"]],
    ["$.custom[?(@.id != 'location')].value", [42]],
    ["$.missing.deeper", undefined],
    ["$.custom[*].nothing", []],
  ])("%s", (path, expected) => {
    expect(select(document, parseJsonPath(path))).toEqual(expected);
  });

  it("rejects what it does not support, at configuration time", () => {
    expect(() => parseJsonPath("$..name")).toThrow();
    expect(() => parseJsonPath("$.a[1:2]")).toThrow();
    expect(valueSpecSchema.safeParse("$.a[?(@.x > 1)]").success).toBe(false);
  });
});

describe("value specs and transforms", () => {
  const record = {
    first: "  Ann ",
    last: "Lee",
    groups: "eng, ops",
    status: "Inactive",
    empty: "",
    id: 1001,
  };
  const run = (spec: unknown) => evaluate(valueSpecSchema.parse(spec), record, context);

  it.each([
    [{ path: "$.first", transforms: ["trim", "lower"] }, "ann"],
    [{ path: ["$.nickname", "$.last"] }, "Lee"],
    [{ template: "{$.last}, {$.first}", transforms: ["trim"] }, "Lee,   Ann"],
    [{ template: "{$.last} {$.nickname}" }, undefined],
    [{ path: "$.groups", transforms: [{ split: "," }, "trim", "upper"] }, ["ENG", "OPS"]],
    [{ path: "$.groups", transforms: [{ split: "," }, "trim", { join: "|" }] }, "eng|ops"],
    [{ path: "$.status", transforms: [{ lookup: { Active: true, Inactive: false } }] }, false],
    [{ path: "$.status", transforms: [{ lookup: { Active: "a" } }] }, "Inactive"],
    [{ path: "$.status", transforms: [{ lookup: { Active: "a" }, default: null }] }, null],
    [{ path: "$.id", transforms: ["string"] }, "1001"],
    [{ value: "constant" }, "constant"],
    ["$.empty", null],
    ["$.absent", undefined],
  ])("%j → %j", (spec, expected) => {
    expect(run(spec)).toEqual(expected);
  });

  it("dateToActive: a leaving date ahead is still active, one passed is not, none is active", () => {
    const active = (date: string | null) =>
      evaluate(valueSpecSchema.parse({ path: "$.d", transforms: ["dateToActive"] }), { d: date }, context);
    expect(active("2026-03-20")).toBe(true); // ends at 2026-03-21T00:00Z
    expect(active("2026-03-19")).toBe(false);
    expect(active(null)).toBe(true);
    expect(active("0000-00-00")).toBe(true);
  });
});

describe("mapping a record", () => {
  const mapping = mappingSchema.parse({
    attributes: {
      loginId: { path: "$.mail", transforms: ["lower"] },
      employeeNumber: "$.number",
      active: "$.enabled",
      roles: "$.role",
      email: "$.badEmail",
    },
    customAttributes: { location: "$.site", tags: "$.tags", nested: "$.object" },
    leaver: { date: "$.leaves", time: "$.leavesAt", timeZone: "$.tz" },
  });

  it("coerces ids and flags, keeps removals, and reports what does not fit", () => {
    const record = {
      mail: "Ann@Example.com",
      number: 1001,
      enabled: "false",
      role: "admin",
      badEmail: ["a", "b"],
      site: "",
      tags: ["x"],
      object: { a: 1 },
    };
    const result = mapRecord(record, mapping, context);
    expect(result.attributes).toEqual({
      loginId: "ann@example.com",
      employeeNumber: "1001",
      active: false,
      roles: ["admin"],
      customAttributes: { location: null, tags: ["x"] },
    });
    expect(result.problems).toEqual([
      expect.stringMatching(/^email: /),
      expect.stringMatching(/^customAttributes.nested/),
    ]);
  });

  it("reads the leaving date in the employee's own time zone", () => {
    const leaver = readLeaver(
      { leaves: "2026-03-31", leavesAt: "17:30", tz: "Asia/Kolkata" },
      mapping,
      context,
    );
    expect(leaver.state === "set" && iso(leaver.effective)).toBe("2026-03-31T12:00:00.000Z");
    expect(readLeaver({ leaves: "", tz: "Asia/Kolkata" }, mapping, context)).toEqual({ state: "cleared" });
    expect(readLeaver({}, mapping, context)).toEqual({ state: "absent" });
  });
});

describe("instants", () => {
  it.each([
    ["2026-01-31T18:42:00+0000", "2026-01-31T18:42:00.000Z"],
    ["2025-01-08T13:06:26.915906", "2025-01-08T13:06:26.915Z"],
    ["2026-03-20T10:00:00+01:00", "2026-03-20T09:00:00.000Z"],
    ["1658248023", "2022-07-19T16:27:03.000Z"],
    [1614265330_000, "2021-02-25T15:02:10.000Z"],
    ["yesterday", undefined],
  ])("parses %j", (value, expected) => {
    expect(iso(parseInstant(value))).toBe(expected);
  });

  it("turns local wall time into an instant across DST changes", () => {
    const berlin = (month: number, day: number, hour: number, minute = 0) =>
      iso(zonedTimeToInstant({ year: 2026, month, day, hour, minute, second: 0 }, "Europe/Berlin"));
    expect(berlin(1, 15, 12)).toBe("2026-01-15T11:00:00.000Z");
    expect(berlin(7, 15, 12)).toBe("2026-07-15T10:00:00.000Z");
    expect(berlin(3, 29, 2, 30)).toBe("2026-03-29T01:30:00.000Z"); // skipped: read with the offset before
    expect(berlin(10, 25, 2, 30)).toBe("2026-10-25T00:30:00.000Z"); // repeated: the first one
  });

  it("ends a date-only leaving date at the end of that day, at its start, or at a fixed local time", () => {
    expect(iso(effectiveInstant("2026-03-31", undefined, "America/New_York", "end-of-day"))).toBe(
      "2026-04-01T04:00:00.000Z",
    );
    expect(iso(effectiveInstant("2026-03-31", undefined, "America/New_York", "start-of-day"))).toBe(
      "2026-03-31T04:00:00.000Z",
    );
    expect(iso(effectiveInstant("2026-03-31", undefined, "America/New_York", "18:00"))).toBe(
      "2026-03-31T22:00:00.000Z",
    );
    expect(iso(effectiveInstant("2026-03-31T09:15", undefined, "Europe/Berlin", "end-of-day"))).toBe(
      "2026-03-31T07:15:00.000Z",
    );
    expect(iso(effectiveInstant("2026-03-31T09:15:00Z", undefined, "Europe/Berlin", "end-of-day"))).toBe(
      "2026-03-31T09:15:00.000Z",
    );
  });
});

describe("payload parsing", () => {
  const parse = (body: string, contentType: string) =>
    parsePayload({
      method: "POST",
      path: "/webhooks/x",
      headers: { "content-type": contentType },
      query: new URLSearchParams(),
      rawBody: Buffer.from(body),
      receivedAt: 0,
    });

  it("reads BambooHR's form post into the JSON shape", () => {
    const form =
      "type=employee.updated&data%5BcompanyId%5D=12345&data%5BemployeeId%5D=67890&data%5BchangedFields%5D%5B0%5D=firstName";
    expect(parse(form, "application/x-www-form-urlencoded")).toEqual({
      ok: true,
      value: {
        type: "employee.updated",
        data: { companyId: "12345", employeeId: "67890", changedFields: ["firstName"] },
      },
    });
  });

  it("reports malformed JSON", () => {
    expect(parse("{nope", "application/json")).toEqual({
      ok: false,
      detail: "the request body is not valid JSON",
    });
  });
});
