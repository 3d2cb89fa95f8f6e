/**
 * The person-records table as the DynamoDB adapters read it and the stack creates it. Replay claims of
 * webhook deliveries share the table (keys `replay#…`, see dynamodb-replay-guard.ts), expiring by TTL.
 */
export const stateTable = {
  partitionKey: "person",
  /** Sparse index: only person records whose desired state has a loginId carry the attribute. */
  loginIdIndex: "byLoginId",
  /** The desired loginId, lower-cased, because SCIM compares userName case-insensitively. */
  loginIdAttribute: "loginId",
  timeToLiveAttribute: "expiresAt",
} as const;
