import { createHash } from "node:crypto";

/**
 * The id idp-sync creates a person's ZITADEL user with (v2 AddHumanUser.user_id, 1..200 characters):
 * derived from the person key and the organisation, so a create sent again after its answer was lost
 * finds its own user ("already existing", COMMAND-7yiox1isql) instead of making a second one. Hex keeps it
 * to characters safe in every path; a person deleted at ZITADEL may be created again under the same id.
 */
export function zitadelUserIdFor(person: string, orgId: string | undefined): string {
  const digest = createHash("sha256")
    .update(`${orgId ?? ""}\n${person}`)
    .digest("hex");
  return `idp-sync-${digest.slice(0, 40)}`;
}
