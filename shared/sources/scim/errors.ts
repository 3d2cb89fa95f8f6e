import { type IngestResponse, jsonResponse } from "../../ingest/request.ts";

export const scimContentType = "application/scim+json";
export const scimErrorSchemaUrn = "urn:ietf:params:scim:api:messages:2.0:Error";

export type ScimErrorType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive"
  | "tooLarge";

/** An error body as RFC 7644 §3.12 defines it: `status` is a string. */
export function scimError(status: number, detail: string, scimType?: ScimErrorType): IngestResponse {
  return jsonResponse(
    status,
    { schemas: [scimErrorSchemaUrn], status: String(status), ...(scimType ? { scimType } : {}), detail },
    scimContentType,
  );
}

/** Thrown anywhere below the SCIM router; the router turns it into the matching error response. */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimErrorType | undefined;

  constructor(status: number, detail: string, scimType?: ScimErrorType) {
    super(detail);
    this.name = "ScimError";
    this.status = status;
    this.scimType = scimType;
  }

  toResponse(): IngestResponse {
    return scimError(this.status, this.message, this.scimType);
  }
}

export const scimResponse = (status: number, body: unknown): IngestResponse =>
  jsonResponse(status, body, scimContentType);
