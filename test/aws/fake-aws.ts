import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the SDK put it on the wire (AWS JSON protocol). */
export interface WireRequest {
  /** `x-amz-target`, e.g. `AmazonSQS.SendMessageBatch`. */
  target: string;
  contentType: string;
  // biome-ignore lint/suspicious/noExplicitAny: assertions read whatever the SDK sent
  body: any;
}

export interface WireReply {
  status?: number;
  body: unknown;
}

export interface FakeAws {
  /** Give it to the SDK client as `endpoint`. */
  endpoint: string;
  requests: WireRequest[];
  close(): Promise<void>;
}

/** The environment SDK clients built from it need to reach loopback fakes: region, dummy keys, endpoints. */
export function offlineAwsEnvironment(endpoints: { dynamodb: string; sqs: string; secretsManager: string }) {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "x",
    AWS_SECRET_ACCESS_KEY: "x",
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
  };
}

/** Credentials and region for SDK clients that talk to a loopback server. */
export const offlineClientConfig = {
  region: "us-east-1",
  credentials: { accessKeyId: "x", secretAccessKey: "x" },
} as const;

/**
 * A loopback HTTP server that speaks the AWS JSON protocol (SQS, Secrets Manager), so the real SDK
 * clients run end to end: serialisation, signing, checksums, error parsing.
 */
export async function startFakeAws(reply: (request: WireRequest) => WireReply): Promise<FakeAws> {
  const requests: WireRequest[] = [];
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request: WireRequest = {
      target: String(incoming.headers["x-amz-target"]),
      contentType: String(incoming.headers["content-type"]),
      body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
    };
    requests.push(request);
    const { status = 200, body } = reply(request);
    response.writeHead(status, { "content-type": request.contentType });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An AWS JSON protocol error body. */
export const awsError = (status: number, type: string, message: string): WireReply => ({
  status,
  body: { __type: type, message },
});
