import type { Config } from "../../config/schema.ts";
import type { WebhookSourceConfig } from "../../config/webhooks.ts";
import type { Fetch } from "../../http/request.ts";
import type { Log, SecretReader } from "../../ports/common.ts";
import type { RefreshResolver, RefreshResult } from "../../ports/refresh.ts";
import { readBambooHrEmployee } from "../bamboohr/api.ts";
import { readHiBobEmployee } from "../hibob/api.ts";
import { mapRecord, readLeaver } from "../mapping/evaluate.ts";
import { PersonioReader } from "../personio/api.ts";
import type { HrRead } from "./hr-api.ts";
import { heldLeaver } from "./lifecycle.ts";
import type { ChangeScheduler } from "./ports.ts";
import { effectiveMapping } from "./sources.ts";

export interface RefreshDeps {
  config: Pick<Config, "webhooks">;
  secrets: SecretReader;
  log: Log;
  /** Holds leavers whose leaving date the fetched record shows ahead (required when a source maps one). */
  scheduler?: ChangeScheduler;
  now?: () => number;
  fetch?: Fetch;
}

/**
 * Resolves thin webhook events in the sync step: reads the person's current record from the source's HR
 * API and maps it like a full event, so what is applied is always the latest record. The resolved change
 * keeps the event's id, time and person. A leaving date ahead is held (as a refresh at that instant); when
 * the held refresh fires and the record still shows that date, the person is deactivated then, however
 * late the HR system itself flips their status.
 */
export function createRefreshResolver(deps: RefreshDeps): RefreshResolver {
  const now = deps.now ?? Date.now;
  const personio = new Map<string, PersonioReader>();
  const read = (source: WebhookSourceConfig, person: string): Promise<HrRead> | undefined => {
    const apiDeps = { secrets: deps.secrets, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
    switch (source.type) {
      case "bamboohr":
        return source.api && readBambooHrEmployee(source.api, effectiveMapping(source), person, apiDeps);
      case "hibob":
        return readHiBobEmployee(source.api, effectiveMapping(source), person, apiDeps);
      case "personio": {
        const reader = personio.get(source.name) ?? new PersonioReader(source.api, apiDeps, now);
        personio.set(source.name, reader);
        return reader.readPerson(person);
      }
      default:
        return undefined;
    }
  };

  return async (change): Promise<RefreshResult> => {
    const source = deps.config.webhooks.find((candidate) => candidate.name === change.source);
    const reading = source && read(source, change.person);
    if (!source || !reading) {
      return {
        result: "rejected",
        reason: `source "${change.source}" has no HR API to read the person from`,
      };
    }
    const fetched = await reading;
    if (fetched.result !== "found") return fetched;

    const mapping = effectiveMapping(source);
    const context = { now: now(), timing: source.leavers };
    const mapped = mapRecord(fetched.record, mapping, context);
    if (mapped.problems.length > 0)
      deps.log.warn("HR record fields left unmapped", {
        source: source.name,
        person: change.person,
        problems: mapped.problems,
      });
    const attributes = { ...mapped.attributes };
    const leaver = readLeaver(fetched.record, mapping, context);
    if (leaver.state === "set") {
      // The held refresh re-reads the record when it fires: a withdrawn or moved leaving date no longer
      // matches its id, so it applies the record as it is instead of a stale termination.
      const held = heldLeaver(source.name, change.person, leaver.effective, "refresh");
      if (leaver.effective > context.now) {
        if (!deps.scheduler)
          return { result: "retry", reason: "a leaving date ahead needs the change scheduler" };
        await deps.scheduler.schedule(held, new Date(leaver.effective));
      } else if (change.id === held.id) attributes.active = false;
    }
    return { result: "resolved", change: { ...change, kind: "upsert", attributes } };
  };
}
