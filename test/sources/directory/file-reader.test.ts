import { describe, expect, it } from "vitest";
import type { FileSourceInput } from "../../../shared/config/file-sources.ts";
import { fileDirectory } from "../../../shared/sources/directory/file-reader.ts";
import { readSnapshot } from "../../../shared/sources/directory/snapshot.ts";
import { brief, configWith, fetchedAt } from "./helpers.ts";

const csvSource: FileSourceInput = {
  name: "acme-hr",
  format: "csv",
  person: "$['Employee ID']",
  mapping: {
    attributes: {
      loginId: { path: "$['Work Email']", transforms: ["trim", "lower"] },
      email: "$['Work Email']",
      givenName: "$['First Name']",
      familyName: "$['Last Name']",
      title: "$.Title",
      active: { path: "$.Status", transforms: [{ lookup: { active: true, terminated: false } }] },
    },
    leaver: { date: "$['Termination Date']" },
  },
  leavers: { timeZone: "Europe/Berlin" },
  pageSize: 2,
};

const header = "Employee ID,Work Email,First Name,Last Name,Title,Status,Termination Date";
const csv = (...rows: string[]) => [header, ...rows].join("\r\n");
const ann = 'E-1,ann.lee@acme.example,Ann,Lee,"Engineer, Platform",active,';
const bo = 'E-2,bo.chen@acme.example,Bo,Chen,"Head of ""Ops""",terminated,2026-02-27';
const cy = "E-3,cy.diaz@acme.example,Cy,Diaz,Engineer,active,2026-04-30";

function read(source: FileSourceInput, content: string) {
  const [parsed] = configWith({ fileSources: [source] }).fileSources;
  if (!parsed) throw new Error("no file source");
  return readSnapshot(fileDirectory(parsed, content), { fetchedAt });
}

describe("file import: CSV", () => {
  it("maps every row, quoted commas and quotes included, page by page", async () => {
    const pages: number[] = [];
    const [parsed] = configWith({ fileSources: [csvSource] }).fileSources;
    const reader = fileDirectory(parsed as NonNullable<typeof parsed>, csv(ann, bo, cy));
    const snapshot = await readSnapshot(reader, { fetchedAt, onPage: ({ people }) => pages.push(people) });

    expect(pages).toEqual([2, 3]);
    expect(snapshot).toMatchObject({ source: "acme-hr", complete: true, pages: 2, problems: [] });
    expect(brief(snapshot.changes)).toEqual([
      {
        person: "E-1",
        kind: "upsert",
        attributes: {
          loginId: "ann.lee@acme.example",
          email: "ann.lee@acme.example",
          givenName: "Ann",
          familyName: "Lee",
          title: "Engineer, Platform",
          active: true,
        },
      },
      { person: "E-2", kind: "deactivate", attributes: {} },
      { person: "E-3", kind: "upsert", attributes: expect.objectContaining({ title: "Engineer" }) },
    ]);
    expect(snapshot.held?.map(({ change, at }) => [change.person, at])).toEqual([
      ["E-3", "2026-04-30T22:00:00.000Z"],
    ]);
    expect((await reader.readPage("2", fetchedAt)).changes.map((change) => change.person)).toEqual(["E-3"]);
  });

  it("keeps doubled quotes inside a quoted value", async () => {
    const snapshot = await read(csvSource, csv(bo));
    expect(snapshot.complete).toBe(true);
    expect(snapshot.changes).toHaveLength(1);
    const again = await read({ ...csvSource, mapping: { attributes: { title: "$.Title" } } }, csv(bo));
    expect(again.changes[0]?.attributes).toEqual({ title: 'Head of "Ops"', active: true });
  });

  it("stops at a row without a person id, naming it, and keeps the pages before it", async () => {
    const snapshot = await read(csvSource, csv(ann, bo, ",nobody@acme.example,No,Body,,active,"));
    expect(snapshot).toMatchObject({ complete: false, pages: 1, resumeCursor: "2" });
    expect(snapshot.changes.map((change) => change.person)).toEqual(["E-1", "E-2"]);
    expect(snapshot.failure).toBe('the page at cursor "2" failed: acme-hr: line 4 has no usable person id');
  });

  it("refuses a value that does not fit its attribute (an unknown status), naming the row", async () => {
    const snapshot = await read(csvSource, csv(ann, "E-9,nine@acme.example,Nine,Nein,,retired,"));
    expect(snapshot.complete).toBe(false);
    expect(snapshot.changes).toEqual([]);
    expect(snapshot.failure).toMatch(/^the first page failed: acme-hr: line 3: active: .+/);
  });

  it("refuses a row with the wrong number of fields, a person on two rows, and a broken quote", async () => {
    const short = await read(csvSource, csv(ann, "E-2,bo.chen@acme.example,Bo,Chen,Ops,active"));
    expect(short.failure).toBe("the first page failed: acme-hr: line 3: 6 fields, the header has 7");
    const twice = await read(csvSource, csv(ann, bo, ann));
    expect(twice.failure).toBe("the first page failed: acme-hr: line 4: person E-1 is also on line 2");
    const broken = await read(csvSource, csv(ann, 'E-2,bo@acme.example,Bo,Chen,"Ops,active,'));
    expect(broken.failure).toBe("the first page failed: acme-hr: line 3: a quoted field is never closed");
    for (const snapshot of [short, twice, broken])
      expect(snapshot).toMatchObject({ complete: false, changes: [] });
  });

  it("refuses an empty file rather than reading it as nobody", async () => {
    const snapshot = await read(csvSource, "");
    expect(snapshot.failure).toBe(
      "the first page failed: acme-hr: the file is empty: the first row must name the columns",
    );
  });

  it("refuses a header with a nameless or repeated column", async () => {
    const nameless = await read(csvSource, "Employee ID,,Status\r\nE-1,x,active");
    expect(nameless.failure).toBe("the first page failed: acme-hr: line 1: column 2 has no name");
    const repeated = await read(csvSource, "Employee ID,Status,Status\r\nE-1,x,active");
    expect(repeated.failure).toBe('the first page failed: acme-hr: line 1: column "Status" twice');
  });
});

const jsonSource: FileSourceInput = {
  name: "legacy-hr",
  format: "json",
  records: "$.employees",
  person: { path: "$.id", transforms: ["string"] },
  mapping: {
    attributes: {
      loginId: { path: "$.contact.email", transforms: ["lower"] },
      givenName: "$.name.first",
      department: "$.org.department",
    },
    leaver: { date: "$.leavingDate" },
  },
};

describe("file import: JSON", () => {
  it("reads the records at the configured path; with no status mapped, a past leaving date deactivates", async () => {
    const document = {
      employees: [
        {
          id: 7,
          contact: { email: "Ann@Acme.example" },
          name: { first: "Ann" },
          org: { department: "R&D, EU" },
        },
        { id: 8, contact: { email: "bo@acme.example" }, name: { first: "Bo" }, leavingDate: "2026-03-01" },
        { id: 9, contact: { email: "cy@acme.example" }, name: { first: "Cy" }, leavingDate: "2026-06-30" },
      ],
    };
    const snapshot = await read(jsonSource, JSON.stringify(document));
    expect(snapshot).toMatchObject({ complete: true, pages: 1 });
    expect(brief(snapshot.changes)).toEqual([
      {
        person: "7",
        kind: "upsert",
        attributes: { loginId: "ann@acme.example", givenName: "Ann", department: "R&D, EU", active: true },
      },
      { person: "8", kind: "deactivate", attributes: {} },
      {
        person: "9",
        kind: "upsert",
        attributes: { loginId: "cy@acme.example", givenName: "Cy", active: true },
      },
    ]);
    expect(snapshot.held?.map(({ change }) => change.person)).toEqual(["9"]);
  });

  it("names the record that is not an object, or says the document is not JSON", async () => {
    const notObject = await read(jsonSource, JSON.stringify({ employees: [{ id: 1 }, "E-2"] }));
    expect(notObject.failure).toBe("the first page failed: legacy-hr: record #2 is not an object");
    const noList = await read(jsonSource, JSON.stringify({ staff: [] }));
    expect(noList.failure).toBe("the first page failed: legacy-hr: $.employees is not a list of records");
    const notJson = await read(jsonSource, '{"employees": [');
    expect(notJson.failure).toMatch(/^the first page failed: legacy-hr: not JSON \(.+\)$/);
    const noId = await read(jsonSource, JSON.stringify({ employees: [{ name: { first: "X" } }] }));
    expect(noId.failure).toBe("the first page failed: legacy-hr: record #1 has no usable person id");
  });
});

describe("file source configuration", () => {
  it("refuses two file sources of one name and an event format in their mapping", () => {
    expect(() => configWith({ fileSources: [jsonSource, jsonSource] })).toThrow(
      /file source "legacy-hr" twice/,
    );
    expect(() =>
      configWith({ fileSources: [{ ...jsonSource, mapping: { events: [{ person: "$.id" }] } }] }),
    ).toThrow(/events/);
  });
});
