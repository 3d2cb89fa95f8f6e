/** One member of a SCIM group: the id of a User resource (a person key), as the client wrote it. */
export interface ScimGroupMember {
  value: string;
  display?: string;
}

/** A group as one SCIM source holds it. Groups are the client's, per source; only their membership grants roles. */
export interface ScimGroup {
  /** The SCIM source (its configured name) the group belongs to. */
  source: string;
  /** Assigned by idp-sync when the group is created; immutable. */
  id: string;
  displayName: string;
  externalId?: string;
  members: ScimGroupMember[];
  /** ISO 8601 times of the first and the last write. */
  created: string;
  lastModified: string;
  /** The version read (0 for a new group); `put` writes version + 1. */
  version: number;
}

/** What listing answers: every group of a source without its members. */
export type ScimGroupSummary = Omit<ScimGroup, "members">;

/**
 * Keeps the SCIM groups of every source; writes are conditional on the version read, as for person records.
 * Listing must reflect every completed write at once (filters by displayName, and the groups a person is in,
 * are answered from it), so an adapter must not list from an eventually consistent index.
 */
export interface ScimGroupStore {
  /** Every group of `source`, without members, ordered by id. */
  list(source: string): Promise<ScimGroupSummary[]>;
  /** The groups asked for that exist, with their members. */
  get(source: string, ids: readonly string[]): Promise<Map<string, ScimGroup>>;
  /** Writes `group` as version + 1; resolves false, writing nothing, when someone else wrote it in between. */
  put(group: ScimGroup): Promise<boolean>;
  /** Removes a group (a no-op when it is gone already). */
  delete(source: string, id: string): Promise<void>;
}
