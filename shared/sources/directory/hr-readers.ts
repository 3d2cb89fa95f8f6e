import type { WebhookSourceConfig } from "../../config/webhooks.ts";
import { readBambooHrReport } from "../bamboohr/api.ts";
import { searchHiBobPeople } from "../hibob/api.ts";
import { PersonioReader } from "../personio/api.ts";
import { personioDirectory } from "../personio/directory.ts";
import type { HrApiDeps } from "../webhooks/hr-api.ts";
import { effectiveMapping } from "../webhooks/sources.ts";
import { onePageDirectory } from "./hr-read.ts";
import type { RecordMapping } from "./person-change.ts";
import type { DirectoryReader } from "./reader.ts";

/**
 * The full-directory reader of an HR webhook source, through the same API credentials and mapping as its
 * webhooks: BambooHR's custom report, HiBob's people search, Personio's persons list. Undefined for a
 * source without an HR API (a generic webhook source, or BambooHR without `api`): read those from a file.
 */
export function hrDirectoryReader(
  source: WebhookSourceConfig,
  deps: HrApiDeps & { now?: () => number },
): DirectoryReader | undefined {
  const mapping = effectiveMapping(source);
  const records: RecordMapping = { source: source.name, person: "$.id", mapping, timing: source.leavers };
  switch (source.type) {
    case "bamboohr": {
      const { api } = source;
      if (!api) return undefined;
      return onePageDirectory({
        what: "BambooHR custom report",
        listKey: "employees",
        read: () => readBambooHrReport(api, mapping, deps),
        records,
      });
    }
    case "hibob":
      return onePageDirectory({
        what: "HiBob people search",
        listKey: "employees",
        read: () => searchHiBobPeople(source.api, mapping, deps),
        records,
      });
    case "personio":
      return personioDirectory({
        records,
        reader: new PersonioReader(source.api, deps, deps.now),
        pageSize: source.api.directory.pageSize,
        concurrency: source.api.directory.concurrency,
      });
    default:
      return undefined;
  }
}
