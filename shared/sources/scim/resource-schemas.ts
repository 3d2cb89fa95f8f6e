import type { KeepableScimAttribute, ScimSourceConfig } from "../../config/scim.ts";
import { ScimError } from "./errors.ts";

export const coreUserSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
export const enterpriseUserSchemaUrn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const groupSchemaUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";

/** An attribute as RFC 7643 §7 describes it; /Schemas publishes these objects as they are. */
export interface AttributeDefinition {
  name: string;
  type: "string" | "boolean" | "dateTime" | "reference" | "complex";
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: "readOnly" | "readWrite" | "immutable" | "writeOnly";
  returned: "always" | "never" | "default" | "request";
  uniqueness: "none" | "server" | "global";
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

/** A resource type as one source supports it: the core schema and its extensions, all in one place. */
export interface ResourceSchema {
  name: "User" | "Group";
  endpoint: "/Users" | "/Groups";
  description: string;
  core: SchemaDefinition;
  extensions: SchemaDefinition[];
}

const attribute = (
  name: string,
  description: string,
  options: Partial<Omit<AttributeDefinition, "name" | "description">> = {},
): AttributeDefinition => ({
  name,
  type: "string",
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...options,
});

const complex = (
  name: string,
  description: string,
  subAttributes: AttributeDefinition[],
  multiValued = false,
) => attribute(name, description, { type: "complex", multiValued, subAttributes });

const keptOne = "Several may be sent; one is kept: the primary, else the work one, else the first.";

/** A multi-valued attribute of which idp-sync keeps one value, returned as the primary of its type. */
const singleKept = (name: string, description: string, types: string[], valueType: "string" | "reference") =>
  complex(
    name,
    `${description} ${keptOne}`,
    [
      attribute(
        "value",
        description,
        valueType === "reference" ? { type: "reference", referenceTypes: ["external"] } : {},
      ),
      attribute("type", "A label indicating the attribute's function.", { canonicalValues: types }),
      attribute("primary", "Whether this is the preferred value.", { type: "boolean" }),
    ],
    true,
  );

/** id, externalId and meta: every resource has them, /Schemas does not list them (RFC 7643 §3.1). */
const commonAttributes: AttributeDefinition[] = [
  attribute("id", "The service provider's identifier of the resource.", {
    caseExact: true,
    mutability: "readOnly",
    returned: "always",
    uniqueness: "server",
  }),
  attribute("externalId", "The provisioning client's identifier of the resource.", { caseExact: true }),
  attribute("meta", "Resource metadata.", {
    type: "complex",
    mutability: "readOnly",
    subAttributes: [
      attribute("resourceType", "The resource type.", { mutability: "readOnly", caseExact: true }),
      attribute("created", "When the resource was first written.", {
        type: "dateTime",
        mutability: "readOnly",
      }),
      attribute("lastModified", "When the resource was last written.", {
        type: "dateTime",
        mutability: "readOnly",
      }),
      attribute("location", "The URI of the resource.", {
        type: "reference",
        referenceTypes: ["uri"],
        mutability: "readOnly",
        caseExact: true,
      }),
    ],
  }),
];

/** Where each keepable attribute lives, and how /Schemas describes it once a source keeps it. */
const keepable: Record<
  KeepableScimAttribute,
  { extension?: true; parent?: "name"; definition: AttributeDefinition }
> = {
  nickName: { definition: attribute("nickName", "The casual way to address the user.") },
  profileUrl: {
    definition: attribute("profileUrl", "A URI of the user's online profile.", {
      type: "reference",
      referenceTypes: ["external"],
    }),
  },
  userType: { definition: attribute("userType", "The relationship between organization and user.") },
  preferredLanguage: { definition: attribute("preferredLanguage", "The user's preferred language.") },
  locale: { definition: attribute("locale", "The user's default location.") },
  timezone: { definition: attribute("timezone", "The user's time zone (IANA).") },
  "name.formatted": { parent: "name", definition: attribute("formatted", "The full name, formatted.") },
  "name.honorificPrefix": { parent: "name", definition: attribute("honorificPrefix", "E.g. Ms.") },
  "name.honorificSuffix": { parent: "name", definition: attribute("honorificSuffix", "E.g. III.") },
  organization: { extension: true, definition: attribute("organization", "The user's organization.") },
  division: { extension: true, definition: attribute("division", "The user's division.") },
};

/** The User resource type exactly as `source` supports it: /Schemas, filters and PATCH all read this. */
export function userResourceSchema(source: ScimSourceConfig): ResourceSchema {
  const kept = Object.keys(source.customAttributes) as KeepableScimAttribute[];
  const extra = (where: (entry: (typeof keepable)[KeepableScimAttribute]) => boolean) =>
    kept.filter((name) => where(keepable[name])).map((name) => keepable[name].definition);
  const ownsRoles = source.groupMappings.length === 0;
  const core: AttributeDefinition[] = [
    attribute("userName", "Unique identifier of the user, typically used to sign in.", {
      required: true,
      uniqueness: "server",
    }),
    complex("name", "The components of the user's name.", [
      attribute("givenName", "Given (first) name."),
      attribute("middleName", "Middle name(s)."),
      attribute("familyName", "Family (last) name."),
      ...extra((entry) => entry.parent === "name"),
    ]),
    attribute("displayName", "The name of the user, suitable for display."),
    attribute("title", "The user's title, e.g. Vice President."),
    ...extra((entry) => !entry.extension && !entry.parent),
    attribute("active", "Whether the user can sign in; false deactivates, true reactivates.", {
      type: "boolean",
    }),
    attribute("password", "Used once, to import the account when it is created; never returned.", {
      mutability: "writeOnly",
      returned: "never",
      caseExact: true,
    }),
    singleKept("emails", "E-mail address.", ["work", "home", "other"], "string"),
    singleKept(
      "phoneNumbers",
      "Phone number.",
      ["work", "home", "mobile", "fax", "pager", "other"],
      "string",
    ),
    singleKept("photos", "URL of a photo of the user.", ["photo", "thumbnail"], "reference"),
    ...(ownsRoles
      ? [complex("roles", "Role names granted to the user.", [attribute("value", "The role name.")], true)]
      : []),
  ];
  const enterprise: AttributeDefinition[] = [
    attribute("employeeNumber", "Identifier assigned by the organization."),
    attribute("costCenter", "Name of a cost center."),
    ...extra((entry) => entry.extension === true),
    attribute("department", "Name of a department."),
    complex("manager", "The user's manager.", [
      attribute("value", "The id of the manager's User resource.", { caseExact: true }),
      attribute("$ref", "The URI of the manager's User resource.", {
        type: "reference",
        referenceTypes: ["User"],
        caseExact: true,
      }),
    ]),
  ];
  return {
    name: "User",
    endpoint: "/Users",
    description: "User Account",
    core: { id: coreUserSchemaUrn, name: "User", description: "User Account", attributes: core },
    extensions: [
      {
        id: enterpriseUserSchemaUrn,
        name: "EnterpriseUser",
        description: "Enterprise User",
        attributes: enterprise,
      },
    ],
  };
}

export const groupResourceSchema: ResourceSchema = {
  name: "Group",
  endpoint: "/Groups",
  description: "Group",
  core: {
    id: groupSchemaUrn,
    name: "Group",
    description: "Group",
    attributes: [
      attribute("displayName", "A human-readable name for the group.", { required: true }),
      complex(
        "members",
        "A list of members of the group; membership of mapped groups grants roles.",
        [
          attribute("value", "The id of the member's resource.", {
            caseExact: true,
            mutability: "immutable",
          }),
          attribute("$ref", "The URI of the member's resource.", {
            type: "reference",
            referenceTypes: ["User", "Group"],
            caseExact: true,
            mutability: "immutable",
          }),
          attribute("type", "The member's resource type.", {
            canonicalValues: ["User", "Group"],
            mutability: "immutable",
          }),
          attribute("display", "The member's display name."),
        ],
        true,
      ),
    ],
  },
  extensions: [],
};

/** Where a keepable attribute sits in a User resource: [container URN or undefined for core, name, sub?]. */
export function keepableLocation(name: KeepableScimAttribute): { extension?: string; path: string[] } {
  const entry = keepable[name];
  if (entry.extension) return { extension: enterpriseUserSchemaUrn, path: [entry.definition.name] };
  return { path: entry.parent ? [entry.parent, entry.definition.name] : [entry.definition.name] };
}

/** An attribute path resolved against a resource schema; `definition` is absent for attributes it lacks. */
export interface AttributeLocation {
  /** The extension URN the attribute sits under; undefined for core and common attributes. */
  extension?: string;
  name: string;
  definition?: AttributeDefinition;
  sub?: string;
  subDefinition?: AttributeDefinition;
}

const lower = (text: string) => text.toLowerCase();
export const findDefinition = (definitions: readonly AttributeDefinition[] | undefined, name: string) =>
  definitions?.find((definition) => lower(definition.name) === lower(name));

/** URNs compared as Entra writes them too: case-insensitively, and blind to a missing ":" or "." (…2.0User). */
export const sameUrn = (a: string, b: string) =>
  lower(a).replace(/[:.]/g, "") === lower(b).replace(/[:.]/g, "");

/**
 * Resolves `[URN:]attribute[.sub]` (RFC 7644 §3.10), case-insensitively. Entra also writes `URN.attribute`.
 * An unqualified name is looked up in the core schema, the common attributes, then the extensions (Entra
 * sends `manager` unqualified).
 */
export function resolveAttribute(schema: ResourceSchema, text: string): AttributeLocation {
  const all = [schema.core, ...schema.extensions];
  const qualified = all.find((entry) => {
    const prefix = lower(text).slice(0, entry.id.length + 1);
    return prefix === `${lower(entry.id)}:` || prefix === `${lower(entry.id)}.`;
  });
  let rest = text;
  let extension: string | undefined;
  let definitions: AttributeDefinition[] | undefined;
  if (qualified) {
    rest = text.slice(qualified.id.length + 1);
    extension = qualified === schema.core ? undefined : qualified.id;
    definitions =
      qualified === schema.core ? [...schema.core.attributes, ...commonAttributes] : qualified.attributes;
  } else if (/^urn:/i.test(text)) {
    // A schema this source does not know: the attribute follows the last colon.
    const colon = text.lastIndexOf(":");
    extension = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const parts = rest.split(".");
  const [name, sub] = parts;
  if (parts.length > 2 || !name || sub === "" || !/^[A-Za-z$][\w$-]*$/.test(name))
    throw new ScimError(400, `"${text}" is not an attribute path`, "invalidPath");
  if (sub !== undefined && !/^[A-Za-z$][\w$-]*$/.test(sub))
    throw new ScimError(400, `"${text}" is not an attribute path`, "invalidPath");

  let definition: AttributeDefinition | undefined;
  if (definitions) definition = findDefinition(definitions, name);
  else if (extension === undefined) {
    definition = findDefinition([...schema.core.attributes, ...commonAttributes], name);
    if (!definition) {
      const owner = schema.extensions.find((entry) => findDefinition(entry.attributes, name));
      if (owner) {
        extension = owner.id;
        definition = findDefinition(owner.attributes, name);
      }
    }
  }
  const subDefinition = sub === undefined ? undefined : findDefinition(definition?.subAttributes, sub);
  return {
    ...(extension === undefined ? {} : { extension }),
    name: definition?.name ?? name,
    ...(definition ? { definition } : {}),
    ...(sub === undefined ? {} : { sub: subDefinition?.name ?? sub }),
    ...(subDefinition ? { subDefinition } : {}),
  };
}

/** The definition of a resource's top-level key (core, common), and the extension whose URN the key is. */
export function topLevelDefinition(schema: ResourceSchema, key: string): AttributeDefinition | undefined {
  return findDefinition([...schema.core.attributes, ...commonAttributes], key);
}

export const extensionForKey = (schema: ResourceSchema, key: string) =>
  schema.extensions.find((entry) => sameUrn(entry.id, key));
