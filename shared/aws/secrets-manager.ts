import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SecretReader } from "../sync/ports.ts";

export interface SecretsManagerReaderOptions {
  /** Defaults to a client for the function's own region. */
  client?: SecretsManagerClient;
  /** How long a value is served from memory before it is read again (default 300 s). */
  maxAgeSeconds?: number;
}

/**
 * Secrets in AWS: read from Secrets Manager and cached in memory for `maxAgeSeconds`, so a warm function
 * does not pay a call per request and a rotated value arrives within that time (or at once when asked
 * `fresh`, after a 401). Values are returned, never logged or put in error messages.
 */
export class SecretsManagerReader implements SecretReader {
  readonly #provider: SecretsProvider;
  readonly #maxAgeSeconds: number;

  constructor(options: SecretsManagerReaderOptions = {}) {
    this.#provider = new SecretsProvider(options.client ? { awsSdkV3Client: options.client } : {});
    this.#maxAgeSeconds = options.maxAgeSeconds ?? 300;
  }

  async read(name: string, options: { fresh?: boolean } = {}): Promise<string> {
    const value = await this.#provider.get(name, {
      maxAge: this.#maxAgeSeconds,
      forceFetch: options.fresh === true,
    });
    if (typeof value !== "string") throw new Error(`secret "${name}" has no string value`);
    return value;
  }
}
