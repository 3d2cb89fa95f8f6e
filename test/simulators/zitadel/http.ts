import { generateKeyPairSync } from "node:crypto";
import { simulatorCaller } from "../http.ts";

export const orgId = "300000000000000001";
export const pat = "zitadel-personal-access-token-1";
export const authorization = `Bearer ${pat}`;

/** A service user's RSA key pair, in the shapes ZITADEL's key file and its key store hold. */
export function serviceAccountKey(userId = "290000000000000007", keyId = "291000000000000009") {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return {
    userId,
    keyId,
    privateKeyPem,
    publicKeyPem,
    /** The JSON key file ZITADEL offers for download. */
    keyFile: JSON.stringify({ type: "serviceaccount", keyId, key: privateKeyPem, userId }),
  };
}

/** One request to the simulator, authenticated with the PAT unless `headers` says otherwise. */
export const call = simulatorCaller({ authorization });

/** A minimal valid v1 ImportHumanUser body. */
export const importBody = (userName: string, extra: Record<string, unknown> = {}) => ({
  userName,
  profile: { firstName: "Ann", lastName: "Example" },
  email: { email: userName.includes("@") ? userName : `${userName}@example.com`, isEmailVerified: true },
  password: "Secr3t-Passw0rd!",
  ...extra,
});
