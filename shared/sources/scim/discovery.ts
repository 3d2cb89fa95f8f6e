import type { IngestRequest, IngestResponse } from "../../ingest/request.ts";
import type { ScimContext } from "./context.ts";
import { ScimError, scimResponse } from "./errors.ts";
import { listResponseSchemaUrn } from "./list-query.ts";
import type { JsonObject } from "./normalise.ts";
import { type ResourceSchema, type SchemaDefinition, sameUrn } from "./resource-schemas.ts";

export const serviceProviderConfigSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
export const resourceTypeSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
export const schemaSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/** The resource types this source offers: Users always, Groups when a group store is wired. */
const resourceTypes = (context: ScimContext): ResourceSchema[] => [
  context.users,
  ...(context.groups ? [context.groups.schema] : []),
];

/** GET /ServiceProviderConfig (RFC 7643 §5): exactly what this source supports. */
export function serviceProviderConfig(context: ScimContext): JsonObject {
  return {
    schemas: [serviceProviderConfigSchemaUrn],
    patch: { supported: true },
    bulk: {
      supported: true,
      maxOperations: context.bulk.maxOperations,
      maxPayloadSize: context.bulk.maxPayloadSize,
    },
    filter: { supported: true, maxResults: context.source.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "The source's long-lived bearer token, sent as Authorization: Bearer <token>",
        specUri: "https://www.rfc-editor.org/rfc/rfc6750",
        primary: true,
      },
    ],
    meta: {
      resourceType: "ServiceProviderConfig",
      location: `${context.baseUrl}/ServiceProviderConfig`,
    },
  };
}

function resourceType(schema: ResourceSchema, context: ScimContext): JsonObject {
  return {
    schemas: [resourceTypeSchemaUrn],
    id: schema.name,
    name: schema.name,
    endpoint: schema.endpoint,
    description: schema.description,
    schema: schema.core.id,
    ...(schema.extensions.length > 0
      ? {
          schemaExtensions: schema.extensions.map((extension) => ({ schema: extension.id, required: false })),
        }
      : {}),
    meta: { resourceType: "ResourceType", location: `${context.baseUrl}/ResourceTypes/${schema.name}` },
  };
}

function schemaResource(schema: SchemaDefinition, context: ScimContext): JsonObject {
  return {
    schemas: [schemaSchemaUrn],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: "Schema", location: `${context.baseUrl}/Schemas/${schema.id}` },
  };
}

const listOf = (resources: JsonObject[]) => ({
  schemas: [listResponseSchemaUrn],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

/**
 * GET /ServiceProviderConfig, /ResourceTypes[/{name}], /Schemas[/{urn}]. A filter on them is refused with
 * 403, as RFC 7644 §4 asks, so that no client believes it was applied.
 */
export function discover(
  kind: "ServiceProviderConfig" | "ResourceTypes" | "Schemas",
  id: string | undefined,
  request: IngestRequest,
  context: ScimContext,
): IngestResponse {
  if (request.method !== "GET") throw new ScimError(405, `${request.method} is not supported on /${kind}`);
  if (request.query.has("filter")) throw new ScimError(403, `/${kind} does not support filtering`);
  if (kind === "ServiceProviderConfig") {
    if (id !== undefined) throw new ScimError(404, `no resource at /ServiceProviderConfig/${id}`);
    return scimResponse(200, serviceProviderConfig(context));
  }
  if (kind === "ResourceTypes") {
    const types = resourceTypes(context);
    if (id === undefined) return scimResponse(200, listOf(types.map((type) => resourceType(type, context))));
    const found = types.find((type) => type.name.toLowerCase() === id.toLowerCase());
    if (!found) throw new ScimError(404, `no resource type "${id}"`);
    return scimResponse(200, resourceType(found, context));
  }
  const schemas = resourceTypes(context).flatMap((type) => [type.core, ...type.extensions]);
  if (id === undefined)
    return scimResponse(200, listOf(schemas.map((schema) => schemaResource(schema, context))));
  const found = schemas.find((schema) => sameUrn(schema.id, id));
  if (!found) throw new ScimError(404, `no schema "${id}"`);
  return scimResponse(200, schemaResource(found, context));
}
