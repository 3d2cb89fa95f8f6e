import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { lambdaContext } from "../../local/api-gateway-server.ts";
import { withOperatorEndpoint } from "../../local/operator-endpoint.ts";
import { operatorHarness } from "./harness.ts";

const event = (sourceIp: string, path = "/_ops/guard") =>
  ({
    rawPath: path,
    body: Buffer.from('{"action":"list"}').toString("base64"),
    isBase64Encoded: true,
    requestContext: { http: { method: "POST", sourceIp } },
  }) as unknown as APIGatewayProxyEventV2;

describe("the local operator endpoint", () => {
  const ops = operatorHarness();
  const handler = withOperatorEndpoint(async () => ({ statusCode: 299 }), ops.deps);

  it.each(["127.0.0.1", "::1", "::ffff:127.0.0.1"])("serves the loopback peer %s", async (ip) => {
    const answer = await handler(event(ip), lambdaContext("ingest"));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? "")).toEqual({ result: { holding: [], held: [] } });
  });

  it.each(["10.0.0.7", "192.168.1.20", "::ffff:10.0.0.7", "fe80::1"])("refuses the peer %s", async (ip) => {
    const answer = await handler(event(ip), lambdaContext("ingest"));
    expect(answer.statusCode).toBe(403);
  });

  it("hands every other path to ingest", async () => {
    expect((await handler(event("10.0.0.7", "/scim/v2/Users"), lambdaContext("ingest"))).statusCode).toBe(
      299,
    );
  });
});
