import { LocalSecrets } from "../../../local/local-secrets.ts";
import { type Config, parseConfig } from "../../../shared/config/schema.ts";
import type { WebhookSourceInput } from "../../../shared/config/webhooks.ts";
import type { Clock } from "../../../shared/http/token-bucket.ts";
import { hrDirectoryReader } from "../../../shared/sources/directory/hr-readers.ts";
import type { DirectoryReader } from "../../../shared/sources/directory/reader.ts";

/** A clock whose sleeps return at once and are recorded, so a test asserts how long a read would wait. */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  #now: number;
  constructor(start: number) {
    this.#now = start;
  }
  now = () => this.#now;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.#now += ms;
  };
  advance(ms: number) {
    this.#now += ms;
  }
}

export const fetchedAt = "2026-03-20T09:00:00.000Z";

export const configWith = (extra: Partial<Record<"webhooks" | "fileSources", unknown[]>>): Config =>
  parseConfig({
    scim: { tokenSecretName: "t" },
    providers: [{ type: "descope", secretName: "d" }],
    ...extra,
  });

/** The directory reader of one webhook source, configured as an operator would. */
export function readerOf(source: WebhookSourceInput, secrets: Record<string, string>): DirectoryReader {
  const [parsed] = configWith({ webhooks: [source] }).webhooks;
  const reader = parsed && hrDirectoryReader(parsed, { secrets: new LocalSecrets(secrets) });
  if (!reader) throw new Error(`source ${source.name} has no directory reader`);
  return reader;
}

/** What a test usually asserts of a change: who, what, and with which attributes. */
export const brief = (changes: readonly { person: string; kind: string; attributes: object }[]) =>
  changes.map(({ person, kind, attributes }) => ({ person, kind, attributes }));
