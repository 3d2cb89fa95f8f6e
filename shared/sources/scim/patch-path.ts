import { ScimError } from "./errors.ts";
import { type Filter, parseFilter } from "./filter.ts";
import { type AttributeLocation, type ResourceSchema, resolveAttribute } from "./resource-schemas.ts";

/** A PATCH target (RFC 7644 §3.5.2): `attrPath`, `attrPath[valFilter]` or `attrPath[valFilter].subAttr`. */
export interface PatchPath {
  text: string;
  location: AttributeLocation;
  /** Selects items of a multi-valued attribute. */
  filter?: Filter;
}

const invalidPath = (text: string, why: string) =>
  new ScimError(400, `the path "${text}" is not valid: ${why}`, "invalidPath");

export function parsePatchPath(text: string, schema: ResourceSchema): PatchPath {
  const open = text.indexOf("[");
  if (open < 0) return { text, location: resolvePath(text.trim(), text, schema) };
  const close = text.lastIndexOf("]");
  if (close < open) throw invalidPath(text, 'a "[" is not closed');
  const rest = text.slice(close + 1);
  if (rest !== "" && !/^\.[A-Za-z$][\w$-]*$/.test(rest))
    throw invalidPath(text, `"${rest}" follows the filter`);
  const attribute = text.slice(0, open).trim();
  if (attribute.includes(".") && !/^urn:/i.test(attribute))
    throw invalidPath(text, "a value filter applies to an attribute, not to a sub-attribute");
  let filter: Filter;
  try {
    filter = parseFilter(text.slice(open + 1, close), { inValuePath: true });
  } catch (error) {
    throw error instanceof ScimError ? invalidPath(text, error.message) : error;
  }
  const location = resolvePath(`${attribute}${rest}`, text, schema);
  return { text, location, filter };
}

function resolvePath(attribute: string, text: string, schema: ResourceSchema): AttributeLocation {
  try {
    return resolveAttribute(schema, attribute);
  } catch (error) {
    throw error instanceof ScimError ? invalidPath(text, error.message) : error;
  }
}
