import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import type { ScimGroup, ScimGroupStore, ScimGroupSummary } from "../sources/scim/group-store.ts";
import { batchGetItems, type Item } from "./dynamodb-reads.ts";
import { stateTable } from "./state-table.ts";

const directoryAttempts = 8;

/**
 * SCIM groups in the person-records table (see state-table.ts), so no other table is needed:
 * - one item per group, key `scimgroup#<source>#<id>`, holding `version` and the group as JSON in `group`;
 * - one directory item per source, key `scimgroups#<source>`, holding every group's summary (no members)
 *   in `groups`, so listing is one consistent read rather than a scan or an eventually consistent index.
 * Neither carries `record` or `loginId`, so the state store's reads, listing and loginId index pass them by.
 * A group is written first and its directory entry after; a failure in between is repaired by the client's
 * retry, which writes the directory entry from the group as stored.
 */
export class DynamoDbScimGroupStore implements ScimGroupStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;

  constructor(options: { client: DynamoDBClient; tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async list(source: string): Promise<ScimGroupSummary[]> {
    const { summaries } = await this.#readDirectory(source);
    return [...summaries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async get(source: string, ids: readonly string[]): Promise<Map<string, ScimGroup>> {
    const found = new Map<string, ScimGroup>();
    const keys = ids.map((id) => groupKey(source, id));
    for (const item of await batchGetItems(this.#client, this.#tableName, keys)) {
      const group = parse<ScimGroup>(item.group?.S);
      if (group) found.set(group.id, { ...group, version: Number(item.version?.N ?? group.version) });
    }
    return found;
  }

  async put(group: ScimGroup): Promise<boolean> {
    const version = group.version + 1;
    const stored: ScimGroup = { ...group, version };
    const written = await this.#conditionalPut(groupKey(group.source, group.id), group.version, {
      version: { N: String(version) },
      group: { S: JSON.stringify(stored) },
    });
    if (!written) return false;
    const { members: _members, ...summary } = stored;
    await this.#updateDirectory(group.source, (summaries) => [
      ...summaries.filter((entry) => entry.id !== group.id),
      summary,
    ]);
    return true;
  }

  async delete(source: string, id: string): Promise<void> {
    await this.#updateDirectory(source, (summaries) => summaries.filter((entry) => entry.id !== id));
    await this.#client.send(
      new DeleteItemCommand({
        TableName: this.#tableName,
        Key: { [stateTable.partitionKey]: { S: groupKey(source, id) } },
      }),
    );
  }

  async #readDirectory(source: string): Promise<{ summaries: ScimGroupSummary[]; version: number }> {
    const output = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: { [stateTable.partitionKey]: { S: directoryKey(source) } },
        ConsistentRead: true,
      }),
    );
    const item = output.Item;
    return {
      summaries: parse<ScimGroupSummary[]>(item?.groups?.S) ?? [],
      version: Number(item?.version?.N ?? 0),
    };
  }

  async #updateDirectory(source: string, edit: (summaries: ScimGroupSummary[]) => ScimGroupSummary[]) {
    for (let attempt = 0; attempt < directoryAttempts; attempt += 1) {
      const { summaries, version } = await this.#readDirectory(source);
      const written = await this.#conditionalPut(directoryKey(source), version, {
        version: { N: String(version + 1) },
        groups: { S: JSON.stringify(edit(summaries)) },
      });
      if (written) return;
    }
    throw new Error(`the SCIM group directory of source "${source}" stayed contended`);
  }

  /** Puts the item at version + 1 if it is still at `version` (0: if it does not exist). */
  async #conditionalPut(key: string, version: number, attributes: Item): Promise<boolean> {
    const condition: Pick<
      PutItemCommandInput,
      "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
    > =
      version === 0
        ? {
            ConditionExpression: "attribute_not_exists(#key)",
            ExpressionAttributeNames: { "#key": stateTable.partitionKey },
          }
        : {
            ConditionExpression: "#version = :expected",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":expected": { N: String(version) } },
          };
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#tableName,
          Item: { [stateTable.partitionKey]: { S: key }, ...attributes },
          ...condition,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

export const groupKey = (source: string, id: string) => `${stateTable.scimGroupPrefix}${source}#${id}`;
export const directoryKey = (source: string) => `${stateTable.scimGroupDirectoryPrefix}${source}`;

function parse<T>(json: string | undefined): T | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}
