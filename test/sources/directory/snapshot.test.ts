import { describe, expect, it } from "vitest";
import { TransportError } from "../../../shared/http/request.ts";
import type { UserChange } from "../../../shared/model/change.ts";
import {
  type DirectoryPage,
  DirectoryReadError,
  type DirectoryReader,
} from "../../../shared/sources/directory/reader.ts";
import { readSnapshot } from "../../../shared/sources/directory/snapshot.ts";
import { fetchedAt, RecordingClock } from "./helpers.ts";

const person = (id: string): UserChange => ({
  id: `rc-${id}`,
  source: "scripted",
  person: id,
  at: fetchedAt,
  kind: "upsert",
  attributes: { active: true },
});

/** A reader answering from a script: per cursor, the answers of successive reads (a page or an error). */
function scripted(script: Record<string, (DirectoryPage | Error)[]>): DirectoryReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    source: "scripted",
    reads,
    async readPage(cursor) {
      const key = cursor ?? "start";
      reads.push(key);
      const answer = script[key]?.shift();
      if (answer === undefined) throw new Error(`no script for ${key}`);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const busy = (seconds: number) =>
  new DirectoryReadError("answered 429", { retryable: true, retryAfterSeconds: seconds });

describe("readSnapshot", () => {
  it("retries a page that got no answer, with a growing backoff", async () => {
    const reader = scripted({
      start: [new TransportError("reset"), new TransportError("reset"), { changes: [person("a")] }],
    });
    const clock = new RecordingClock(0);
    const snapshot = await readSnapshot(reader, { fetchedAt, clock });
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(snapshot).toMatchObject({ complete: true, pages: 1, changes: [person("a")] });
  });

  it("does not retry an error that says trying again cannot help", async () => {
    const reader = scripted({ start: [new Error("bug"), { changes: [] }] });
    const snapshot = await readSnapshot(reader, { fetchedAt, clock: new RecordingClock(0) });
    expect(reader.reads).toEqual(["start"]);
    expect(snapshot).toMatchObject({ complete: false, failure: "the first page failed: bug" });
  });

  it("stops, resumable, rather than wait past the deadline or longer than the longest Retry-After", async () => {
    const script = () => scripted({ start: [{ changes: [person("a")], next: "p2" }], p2: [busy(30)] });
    const clock = new RecordingClock(0);
    const pastDeadline = await readSnapshot(script(), { fetchedAt, clock, deadline: 20_000 });
    expect(clock.sleeps).toEqual([]);
    expect(pastDeadline).toMatchObject({ complete: false, pages: 1, resumeCursor: "p2" });
    expect(pastDeadline.failure).toBe(
      'the page at cursor "p2" failed: answered 429; waiting 30000 ms to try again would pass the deadline',
    );
    const retry = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterSeconds: 10 };
    const tooLong = await readSnapshot(script(), { fetchedAt, clock, retry });
    expect(tooLong).toMatchObject({ complete: false, resumeCursor: "p2", changes: [person("a")] });
    expect(tooLong.failure).toBe(
      'the page at cursor "p2" failed: answered 429 (Retry-After 30 s is longer than we wait)',
    );
  });

  it("reads nothing when the deadline has passed, and says where to start again", async () => {
    const reader = scripted({});
    const snapshot = await readSnapshot(reader, {
      fetchedAt,
      cursor: "p7",
      clock: new RecordingClock(5),
      deadline: 5,
    });
    expect(reader.reads).toEqual([]);
    expect(snapshot).toMatchObject({ complete: false, pages: 0, resumeCursor: "p7", changes: [] });
  });

  it("stops a source that hands out a cursor a second time, without a cursor to loop on", async () => {
    const reader = scripted({
      start: [{ changes: [person("a")], next: "p2" }],
      p2: [{ changes: [person("b")], next: "p2" }],
    });
    const snapshot = await readSnapshot(reader, { fetchedAt });
    expect(snapshot).toMatchObject({
      complete: false,
      pages: 2,
      failure: 'the source answered cursor "p2" a second time',
    });
    expect(snapshot.resumeCursor).toBeUndefined();
  });

  it("collects held leavers and problems of every page, stamps the fetch time it is given", async () => {
    const held = { change: { ...person("b"), kind: "deactivate" as const }, at: "2026-04-01T00:00:00.000Z" };
    const reader = scripted({
      start: [{ changes: [person("a")], problems: ["person a: title: too long"], next: "p2" }],
      p2: [{ changes: [person("b")], held: [held] }],
    });
    const snapshot = await readSnapshot(reader, { fetchedAt });
    expect(snapshot).toEqual({
      source: "scripted",
      fetchedAt,
      complete: true,
      changes: [person("a"), person("b")],
      held: [held],
      problems: ["person a: title: too long"],
      pages: 2,
    });
  });
});
