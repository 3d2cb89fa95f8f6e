import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";

export type PhoneRegion = CountryCode;

export const isPhoneRegion = (region: string): region is PhoneRegion => isSupportedCountry(region);

/**
 * A phone number in E.164 (`+41791234567`), as both providers store it. Numbers written nationally are
 * read in `defaultRegion` (without one they need their `+country` prefix): left to the providers, ZITADEL
 * would read them as Swiss and Descope would refuse them. A number that is no valid number of its region
 * is refused with the reason, never sent.
 */
export function toE164(raw: string, defaultRegion?: PhoneRegion): { phone: string } | { invalid: string } {
  const parsed = parsePhoneNumberFromString(raw, defaultRegion ? { defaultCountry: defaultRegion } : {});
  if (parsed?.isValid()) return { phone: parsed.number };
  const hint = defaultRegion
    ? `not a valid phone number, read in region ${defaultRegion} unless it starts with +country`
    : "not a valid international phone number (+country…; no phoneDefaultRegion is configured)";
  return { invalid: `phone "${raw}" is ${hint}` };
}
