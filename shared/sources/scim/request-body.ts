import type { IngestRequest } from "../../ingest/request.ts";
import { ScimError } from "./errors.ts";

/** The request body as JSON; a body that is not JSON is refused with invalidSyntax. */
export function readJsonBody(request: Pick<IngestRequest, "rawBody">): unknown {
  try {
    return JSON.parse(request.rawBody.toString("utf8"));
  } catch {
    throw new ScimError(400, "the request body is not valid JSON", "invalidSyntax");
  }
}
