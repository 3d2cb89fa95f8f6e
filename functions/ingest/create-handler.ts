import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { requestFromApiGateway, responseToApiGateway } from "../../shared/ingest/api-gateway.ts";
import { jsonResponse } from "../../shared/ingest/request.ts";
import { type IngestDeps, routeIngestRequest } from "../../shared/ingest/router.ts";

/** The ingest Lambda, given its adapters: the AWS ones in handler.ts, in-memory ones in the local runtime. */
export function createIngestHandler(deps: IngestDeps, logger: Logger) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        return responseToApiGateway(await routeIngestRequest(requestFromApiGateway(event), deps));
      } catch (error) {
        // Only our own dependencies (queue, secrets) can fail here: the client may retry the same request.
        logger.error("ingest failed", { error });
        return responseToApiGateway(jsonResponse(503, { error: "unavailable", detail: "try again later" }));
      }
    });
}
