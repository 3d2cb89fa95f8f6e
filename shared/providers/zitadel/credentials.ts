import * as z from "zod/mini";
import "../../model/schema-messages.ts";

/** What authenticates idp-sync's service user at ZITADEL. Never logged, never part of an error. */
export type ZitadelCredentials =
  | { kind: "pat"; token: string }
  | { kind: "serviceAccount"; userId: string; keyId: string; privateKeyPem: string };

const secretSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("pat"), token: z.string().check(z.minLength(1)) }),
  // The JSON key file ZITADEL offers for download on a service user's "Keys" page.
  z.looseObject({
    type: z.literal("serviceaccount"),
    keyId: z.string().check(z.minLength(1)),
    key: z.string().check(z.includes("PRIVATE KEY")),
    userId: z.string().check(z.minLength(1)),
  }),
]);

/**
 * Reads the secret: a bare personal access token, or JSON naming its type. Errors name the secret and
 * what is wrong with its shape, never any part of its value.
 */
export function parseZitadelSecret(value: string, secretName: string): ZitadelCredentials {
  const trimmed = value.trim();
  if (!trimmed.startsWith("{")) {
    if (!trimmed || /\s/.test(trimmed))
      throw new Error(`secret "${secretName}" is not a ZITADEL personal access token`);
    return { kind: "pat", token: trimmed };
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new Error(`secret "${secretName}" starts like JSON but is not valid JSON`);
  }
  const parsed = secretSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `secret "${secretName}" is neither {"type":"pat","token"} nor a ZITADEL service-account key ` +
        `{"type":"serviceaccount","keyId","key","userId"} (problem at: ${parsed.error.issues
          .map((issue) => issue.path.join(".") || "type")
          .join(", ")})`,
    );
  const secret = parsed.data;
  return secret.type === "pat"
    ? { kind: "pat", token: secret.token }
    : { kind: "serviceAccount", userId: secret.userId, keyId: secret.keyId, privateKeyPem: secret.key };
}
