import type { WebhookSourceConfig } from "../../config/webhooks.ts";
import { bambooHrMapping } from "../bamboohr/preset.ts";
import { hiBobMapping } from "../hibob/preset.ts";
import type { Mapping } from "../mapping/spec.ts";
import { personioMapping } from "../personio/preset.ts";
import type { HmacScheme, SignatureScheme } from "./signature.ts";

const standardWebhooks: HmacScheme = {
  kind: "hmac",
  algorithm: "sha256",
  signatureHeader: "webhook-signature",
  encoding: "base64",
  prefix: "v1,",
  separator: " ",
  signedContent: "{id}.{timestamp}.{body}",
  timestampHeader: "webhook-timestamp",
  idHeader: "webhook-id",
  keyFormat: "whsec",
};

/** How a source's deliveries are signed, as each vendor documents it. */
export function signatureScheme(source: WebhookSourceConfig): SignatureScheme {
  switch (source.type) {
    case "bamboohr":
      return {
        kind: "hmac",
        algorithm: "sha256",
        signatureHeader: "x-bamboohr-signature",
        encoding: "hex",
        prefix: "",
        signedContent: "{body}{timestamp}",
        timestampHeader: "x-bamboohr-timestamp",
        keyFormat: "utf8",
      };
    case "hibob":
      return {
        kind: "hmac",
        algorithm: "sha512",
        signatureHeader: "bob-signature",
        encoding: "base64",
        prefix: "",
        signedContent: "{body}",
        keyFormat: "utf8",
      };
    case "personio":
      return { kind: "token", header: source.tokenHeader.toLowerCase() };
    case "standard-webhooks":
      return standardWebhooks;
    case "generic-hmac": {
      const { signature } = source;
      return {
        kind: "hmac",
        algorithm: signature.algorithm,
        signatureHeader: signature.header.toLowerCase(),
        encoding: signature.encoding,
        prefix: signature.prefix,
        signedContent: signature.signedContent,
        ...(signature.timestampHeader ? { timestampHeader: signature.timestampHeader.toLowerCase() } : {}),
        ...(signature.idHeader ? { idHeader: signature.idHeader.toLowerCase() } : {}),
        keyFormat: "utf8",
      };
    }
  }
}

const presets: Record<WebhookSourceConfig["type"], Mapping | undefined> = {
  bamboohr: bambooHrMapping,
  hibob: hiBobMapping,
  personio: personioMapping,
  "standard-webhooks": undefined,
  "generic-hmac": undefined,
};

const cache = new WeakMap<WebhookSourceConfig, Mapping>();

/** The source's vendor preset with the configured entries laid over it (null removes a preset entry). */
export function effectiveMapping(source: WebhookSourceConfig): Mapping {
  const cached = cache.get(source);
  if (cached) return cached;
  const preset = presets[source.type];
  const own = source.mapping;
  const mapping: Mapping = preset
    ? {
        events: own.events ?? preset.events,
        attributes: { ...preset.attributes, ...own.attributes },
        customAttributes: { ...preset.customAttributes, ...own.customAttributes },
        leaver: own.leaver === undefined ? preset.leaver : own.leaver,
      }
    : own;
  cache.set(source, mapping);
  return mapping;
}

/** Whether thin events of this source can be resolved: it reads employees from an HR API. */
export const hasHrApi = (source: WebhookSourceConfig): boolean =>
  (source.type === "bamboohr" || source.type === "hibob" || source.type === "personio") &&
  source.api !== undefined;
