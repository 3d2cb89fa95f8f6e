import type { ScimSourceConfig } from "../../config/scim.ts";
import type { IngestRequest, IngestResponse } from "../../ingest/request.ts";
import type { Log } from "../../ports/common.ts";
import type { PersonIntake } from "../../ports/person-intake.ts";
import type { ScimGroupStore } from "./group-store.ts";
import type { ResourceSchema } from "./resource-schemas.ts";

/** Everything one SCIM request is answered with: the source it came from and the adapters. */
export interface ScimContext {
  source: ScimSourceConfig;
  users: ResourceSchema;
  /** Absent when no group store is wired: /Groups then answers 501 and discovery leaves groups out. */
  groups?: { schema: ResourceSchema; store: ScimGroupStore };
  /** The bulk limits advertised and enforced (maxPayloadSize never above the ingest body limit). */
  bulk: { maxOperations: number; maxPayloadSize: number };
  /** The base URL the client used, e.g. https://host/scim/v2 or https://host/scim/okta/v2. */
  baseUrl: string;
  /** When the request arrived (epoch ms). */
  receivedAt: number;
  persons: PersonIntake;
  newChangeId: () => string;
  log: Log;
}

/** Answers one request relative to the base URL (`/Users/42`); Bulk runs each of its operations through it. */
export type ScimDispatch = (
  request: IngestRequest,
  path: string,
  context: ScimContext,
) => Promise<IngestResponse>;
