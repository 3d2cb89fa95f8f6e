import { reservedKeyPrefixes } from "../model/user.ts";

/**
 * The person-records table as the DynamoDB adapters read it and the stack creates it. Other items share it,
 * none carrying a `record` or a `loginId`, so person reads pass them by: replay claims of webhook deliveries
 * (`replay#…`, see dynamodb-replay-guard.ts, expiring by TTL), the deprovisioning guard (`guard#…`,
 * `held#…`, see dynamodb-deprovisioning-holds.ts), the audit trail (`audit#…`, `auditchange#…`, see
 * dynamodb-audit-trail.ts, expiring by TTL), per-provider user counters (`users#…`), and SCIM groups
 * (`scimgroup#<source>#<id>` and one `scimgroups#<source>` directory per source, see
 * dynamodb-scim-group-store.ts), userName claims (`username#<lower-cased userName>`, see
 * dynamodb-state-store.ts), and reconcile snapshots a scheduled run is still reading (`reconcile#…`, see
 * dynamodb-snapshot-store.ts, expiring by TTL). Their prefixes are the model's reserved ones, which no person
 * key may start with.
 */
export const stateTable = {
  partitionKey: "person",
  /** Sparse index: only person records whose desired state has a loginId carry the attribute. */
  loginIdIndex: "byLoginId",
  /** The desired loginId, lower-cased, because SCIM compares userName case-insensitively. */
  loginIdAttribute: "loginId",
  timeToLiveAttribute: "expiresAt",
  /** The providers a person is present at (string set), which the user counters follow. */
  presenceAttribute: "presentAt",
  /** Key prefix of the per-provider user counters (shards of memberships, see users-membership.ts). */
  userCountPrefix: reservedKeyPrefixes.userCount,
  /** Key prefixes of the deprovisioning guard's window and of the leavers it holds. */
  guardPrefix: reservedKeyPrefixes.guard,
  heldPrefix: reservedKeyPrefixes.held,
  /** Key prefixes of the audit trail: a person's entries of one day, and a change's person (both with a TTL). */
  auditPrefix: reservedKeyPrefixes.audit,
  auditChangePrefix: reservedKeyPrefixes.auditChange,
  /** Key prefixes of replay claims, SCIM groups and userName claims. */
  replayPrefix: reservedKeyPrefixes.replay,
  scimGroupPrefix: reservedKeyPrefixes.scimGroup,
  scimGroupDirectoryPrefix: reservedKeyPrefixes.scimGroupDirectory,
  userNamePrefix: reservedKeyPrefixes.userName,
  /** Key prefix of the unfinished reconcile snapshots, one head and its gzip chunks per source. */
  reconcilePrefix: reservedKeyPrefixes.reconcile,
} as const;
