import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  atExpression,
  EventBridgeChangeScheduler,
  scheduleName,
} from "../../shared/aws/eventbridge-change-scheduler.ts";
import { scheduledChangesFor } from "../../shared/aws/eventbridge-scheduled-changes.ts";
import type { UserChange } from "../../shared/model/change.ts";

interface Received {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * Speaks the EventBridge Scheduler REST-JSON protocol for the operations the adapters use: create, update
 * and delete (the scheduler), list (two per page) and get (the operator's lookup).
 */
class SchedulerEndpoint {
  readonly received: Received[] = [];
  readonly schedules = new Map<string, unknown>();
  #server: Server | undefined;
  url = "";

  async start() {
    const server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      const url = new URL(request.url ?? "/", "http://endpoint");
      const name = decodeURIComponent(url.pathname.replace(/^\/schedules\//, ""));
      this.received.push({
        method: request.method ?? "",
        path: url.pathname,
        query: url.search,
        headers: request.headers,
        body: text ? JSON.parse(text) : undefined,
      });
      const reply = (status: number, body: object, errorType?: string) =>
        response
          .writeHead(status, {
            "content-type": "application/json",
            ...(errorType ? { "x-amzn-errortype": errorType } : {}),
          })
          .end(JSON.stringify(body));
      const arn = { ScheduleArn: `arn:aws:scheduler:eu-central-1:123456789012:schedule/default/${name}` };
      if (request.method === "POST") {
        if (this.schedules.has(name))
          return reply(409, { Message: "Schedule already exists." }, "ConflictException");
        this.schedules.set(name, JSON.parse(text));
        return reply(200, arn);
      }
      if (request.method === "PUT") {
        if (!this.schedules.has(name))
          return reply(404, { Message: "Schedule not found." }, "ResourceNotFoundException");
        this.schedules.set(name, JSON.parse(text));
        return reply(200, arn);
      }
      if (request.method === "DELETE") {
        if (!this.schedules.delete(name))
          return reply(404, { Message: "Schedule not found." }, "ResourceNotFoundException");
        return reply(200, {});
      }
      if (request.method === "GET" && url.pathname === "/schedules") {
        const names = [...this.schedules.keys()]
          .filter((key) => key.startsWith(url.searchParams.get("NamePrefix") ?? ""))
          .sort();
        const from = Number(url.searchParams.get("NextToken") ?? 0);
        const page = names.slice(from, from + 2);
        const next = from + 2 < names.length ? { NextToken: String(from + 2) } : {};
        return reply(200, { Schedules: page.map((key) => ({ Name: key, GroupName: "idp-sync" })), ...next });
      }
      if (request.method === "GET") {
        const stored = this.schedules.get(name) as Record<string, unknown> | undefined;
        if (!stored) return reply(404, { Message: "Schedule not found." }, "ResourceNotFoundException");
        const { ClientToken: _token, ...schedule } = stored;
        return reply(200, { ...schedule, Name: name, ...arn });
      }
      reply(400, { Message: "unexpected" }, "ValidationException");
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  stop() {
    return new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

const endpoint = new SchedulerEndpoint();
let scheduler: EventBridgeChangeScheduler;
let client: SchedulerClient;
const queueArn = "arn:aws:sqs:eu-central-1:123456789012:idp-sync-changes";
const roleArn = "arn:aws:iam::123456789012:role/idp-sync-scheduler";

beforeAll(async () => {
  await endpoint.start();
  client = new SchedulerClient({
    region: "eu-central-1",
    endpoint: endpoint.url,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  scheduler = new EventBridgeChangeScheduler({ client, queueArn, roleArn, groupName: "idp-sync" });
});
afterAll(() => endpoint.stop());
beforeEach(() => {
  endpoint.received.length = 0;
  endpoint.schedules.clear();
});

const leaver: UserChange = {
  id: "wh-abc",
  source: "acme-hr",
  person: "E-1001",
  at: "2026-03-31T22:00:00.000Z",
  kind: "deactivate",
  attributes: {},
};

describe("EventBridgeChangeScheduler", () => {
  it("creates a one-time schedule in UTC that sends the change to the queue and deletes itself", async () => {
    await scheduler.schedule(leaver, new Date(leaver.at));
    const name = scheduleName({ source: "acme-hr", person: "E-1001", kind: "deactivate" });
    expect(name).toMatch(/^idp-sync-deactivate-[0-9a-f]{40}$/);
    expect(endpoint.received).toEqual([
      expect.objectContaining({
        method: "POST",
        path: `/schedules/${name}`,
        body: {
          GroupName: "idp-sync",
          ScheduleExpression: "at(2026-03-31T22:00:00)",
          ScheduleExpressionTimezone: "UTC",
          FlexibleTimeWindow: { Mode: "OFF" },
          Target: { Arn: queueArn, RoleArn: roleArn, Input: JSON.stringify(leaver) },
          ActionAfterCompletion: "DELETE",
          Description: "idp-sync deactivate for a person of acme-hr",
          ClientToken: expect.any(String),
        },
      }),
    ]);
    expect(endpoint.received[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d+\/eu-central-1\/scheduler\/aws4_request/,
    );
  });

  it("updates the schedule when the same person's leaver is scheduled again (the date moved)", async () => {
    await scheduler.schedule(leaver, new Date(leaver.at));
    const moved = { ...leaver, id: "wh-def", at: "2026-04-30T22:00:00.000Z" };
    await scheduler.schedule(moved, new Date(moved.at));
    expect(endpoint.received.map((request) => request.method)).toEqual(["POST", "POST", "PUT"]);
    expect(endpoint.received[2]?.body).toMatchObject({ ScheduleExpression: "at(2026-04-30T22:00:00)" });
    expect(endpoint.schedules.size).toBe(1);
  });

  it("deletes on cancel, and treats an already gone schedule as cancelled", async () => {
    await scheduler.schedule(leaver, new Date(leaver.at));
    await scheduler.cancel({ source: "acme-hr", person: "E-1001", kind: "deactivate" });
    await scheduler.cancel({ source: "acme-hr", person: "E-1001", kind: "deactivate" });
    const deletes = endpoint.received.slice(1);
    expect(deletes.map((request) => request.method)).toEqual(["DELETE", "DELETE"]);
    for (const request of deletes)
      expect(new URLSearchParams(request.query).get("groupName")).toBe("idp-sync");
    expect(endpoint.schedules.size).toBe(0);
  });

  it("finds a person's pending changes for npm run status, across pages, by reading each schedule", async () => {
    const other = { ...leaver, id: "wh-x", person: "E-2002" };
    const check = { ...leaver, id: "delete-check", source: "leaver-policy:descope", kind: "upsert" as const };
    await scheduler.schedule(leaver, new Date(leaver.at));
    await scheduler.schedule(other, new Date(other.at));
    await scheduler.schedule(check, new Date("2026-09-30T00:00:00.000Z"));

    expect(await scheduledChangesFor(client, "idp-sync", "E-1001")).toEqual([
      { source: "acme-hr", person: "E-1001", kind: "deactivate", at: "2026-03-31T22:00:00Z" },
      { source: "leaver-policy:descope", person: "E-1001", kind: "upsert", at: "2026-09-30T00:00:00Z" },
    ]);
    expect(await scheduledChangesFor(client, "idp-sync", "E-9999")).toEqual([]);
    const lists = endpoint.received.filter(
      (request) => request.method === "GET" && request.path === "/schedules",
    );
    expect(new URLSearchParams(lists[0]?.query).get("ScheduleGroup")).toBe("idp-sync");
    expect(new URLSearchParams(lists[0]?.query).get("NamePrefix")).toBe("idp-sync-");
  });

  it("rounds a time with milliseconds up, never down", () => {
    expect(atExpression(new Date("2026-03-31T21:59:59.001Z"))).toBe("at(2026-03-31T22:00:00)");
    expect(atExpression(new Date("2026-03-31T22:00:00.000Z"))).toBe("at(2026-03-31T22:00:00)");
  });
});
