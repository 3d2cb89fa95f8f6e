import type { SecretReader } from "../shared/sync/ports.ts";

/** Secrets for the local runtime: a name → value map (from a file or the environment), never logged. */
export class LocalSecrets implements SecretReader {
  readonly #values: Map<string, string>;

  constructor(values: Record<string, string>) {
    this.#values = new Map(Object.entries(values));
  }

  async read(name: string): Promise<string> {
    const value = this.#values.get(name);
    if (value === undefined) throw new Error(`local secret "${name}" is not defined`);
    return value;
  }

  /** Rotates a secret, as an operator would in Secrets Manager. */
  set(name: string, value: string): void {
    this.#values.set(name, value);
  }
}
