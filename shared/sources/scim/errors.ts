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
