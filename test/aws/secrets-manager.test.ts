import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SecretsManagerReader } from "../../shared/aws/secrets-manager.ts";
import { awsError, type FakeAws, offlineClientConfig, startFakeAws } from "./fake-aws.ts";

let server: FakeAws | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

/** Secrets Manager on loopback, serving `values` (a Uint8Array is a binary secret); rotate by assigning. */
async function readerWith(values: Record<string, string | Uint8Array>, maxAgeSeconds?: number) {
  server = await startFakeAws(({ target, body }) => {
    if (target !== "secretsmanager.GetSecretValue") return awsError(400, "InvalidRequestException", target);
    const value = values[body.SecretId];
    if (value === undefined)
      return awsError(400, "ResourceNotFoundException", "Secrets Manager can't find it");
    return {
      body: {
        Name: body.SecretId,
        ...(typeof value === "string"
          ? { SecretString: value }
          : { SecretBinary: Buffer.from(value).toString("base64") }),
      },
    };
  });
  const client = new SecretsManagerClient({
    ...offlineClientConfig,
    endpoint: server.endpoint,
    maxAttempts: 1,
  });
  return {
    server,
    reader: new SecretsManagerReader({ client, ...(maxAgeSeconds ? { maxAgeSeconds } : {}) }),
  };
}

describe("SecretsManagerReader", () => {
  it("reads a secret with GetSecretValue and serves it from memory afterwards", async () => {
    const { server, reader } = await readerWith({ "idp-sync/descope": "P123:K456" });

    expect(await reader.read("idp-sync/descope")).toBe("P123:K456");
    expect(await reader.read("idp-sync/descope")).toBe("P123:K456");

    expect(server.requests).toEqual([
      {
        target: "secretsmanager.GetSecretValue",
        contentType: "application/x-amz-json-1.1",
        body: { SecretId: "idp-sync/descope" },
      },
    ]);
  });

  it("reads again when asked for a fresh value, and caches that one", async () => {
    const values = { token: "old" };
    const { server, reader } = await readerWith(values);
    await reader.read("token");
    values.token = "rotated";

    expect(await reader.read("token")).toBe("old");
    expect(await reader.read("token", { fresh: true })).toBe("rotated");
    expect(await reader.read("token")).toBe("rotated");
    expect(server.requests).toHaveLength(2);
  });

  it("reads again once the cached value is older than maxAge (default 300 s)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const values = { token: "old" };
    const { server, reader } = await readerWith(values);
    await reader.read("token");
    values.token = "rotated";

    vi.advanceTimersByTime(299_000);
    expect(await reader.read("token")).toBe("old");
    vi.advanceTimersByTime(2_000);
    expect(await reader.read("token")).toBe("rotated");
    expect(server.requests).toHaveLength(2);
  });

  it("honours a shorter maxAge", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { server, reader } = await readerWith({ token: "t" }, 10);
    await reader.read("token");
    vi.advanceTimersByTime(11_000);
    await reader.read("token");
    expect(server.requests).toHaveLength(2);
  });

  it("refuses a binary secret without revealing its content", async () => {
    const { reader } = await readerWith({ blob: new TextEncoder().encode("s3cr3t-bytes") });

    const failure = reader.read("blob");
    await expect(failure).rejects.toThrow('secret "blob" has no string value');
    await expect(failure).rejects.not.toThrow(/s3cr3t/);
  });

  it("fails with Secrets Manager's reason when the secret cannot be read", async () => {
    const { reader } = await readerWith({});

    await expect(reader.read("missing")).rejects.toThrow("can't find it");
  });
});
