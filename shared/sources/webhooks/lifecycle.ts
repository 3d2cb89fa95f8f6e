import { createHash } from "node:crypto";
import type { ChangeAttributes, ChangeKind, UserChange } from "../../model/change.ts";
import { type LeaverState, type MappingContext, mapRecord, readLeaver } from "../mapping/evaluate.ts";
import type { EventAction, Mapping } from "../mapping/spec.ts";
import type { HrEvent } from "./events.ts";
import type { ScheduleSlot } from "./ports.ts";

/** What one delivery asks for: changes to queue now, changes held until they take effect, pending ones to drop. */
export interface ChangePlan {
  now: UserChange[];
  scheduled: { change: UserChange; at: Date }[];
  cancel: ScheduleSlot[];
  /** Why an event (or part of it) produced nothing, for the log. */
  notes: string[];
}

/**
 * A change id derived from the event, so a re-delivered event yields the same ids and merges idempotently;
 * `role` tells apart the changes one event yields.
 */
export function changeId(source: string, eventKey: string, person: string, role: string): string {
  const digest = createHash("sha256").update([source, eventKey, person, role].join("\u0000")).digest("hex");
  return `wh-${digest.slice(0, 40)}`;
}

export interface LeaverDecision {
  attributes: ChangeAttributes;
  /** Deactivate now, ordered at this instant. */
  deactivateAt?: number;
  /** The leaving date lies ahead: hold the leaver until this instant. */
  holdUntil?: number;
  /** A leaving date was removed or the person came back: drop a held leaver. */
  cancelHeld: boolean;
}

/**
 * How an event's leaving date acts. A future date holds a leaver until it takes effect; a removed date (or
 * a rehire) withdraws the held one; a past date does nothing by itself, because records keep the previous
 * employment's date after a rehire: the record's own status (mapped to `active`, e.g. with `dateToActive`)
 * tells whether the person is gone. Only an explicit termination deactivates now. `active` is left to the
 * lifecycle for terminations and rehires, so two changes of one event never disagree about it.
 */
export function decideLeaver(
  action: Exclude<EventAction, "ignore" | "delete" | "refresh">,
  mapped: ChangeAttributes,
  leaver: LeaverState,
  at: number,
  now: number,
): LeaverDecision {
  const attributes = { ...mapped };
  const cancelHeld = action === "rehire" || leaver.state === "cleared";
  if (action === "hire" && attributes.active === undefined) attributes.active = true;
  if (action === "rehire" || action === "terminate") delete attributes.active;
  const effective = leaver.state === "set" ? leaver.effective : action === "terminate" ? at : undefined;
  if (effective === undefined) return { attributes, cancelHeld };
  if (effective > now) return { attributes, holdUntil: effective, cancelHeld };
  if (action !== "terminate") return { attributes, cancelHeld };
  return { attributes, deactivateAt: Math.max(effective, at), cancelHeld };
}

/**
 * The change held for a leaving date, keyed by its effective time so every notice of the same date is one
 * change. Full events hold a `deactivate`; thin ones a `refresh`, which re-reads the record when it fires.
 */
export function heldLeaver(
  source: string,
  person: string,
  effective: number,
  kind: "deactivate" | "refresh",
): UserChange {
  return {
    id: changeId(source, `leaver@${effective}`, person, kind),
    source,
    person,
    at: new Date(effective).toISOString(),
    kind,
    attributes: {},
  };
}

export interface PlanOptions {
  source: string;
  mapping: Mapping;
  context: MappingContext;
  /** Whether the source can resolve thin (refresh) events: it has an HR API configured. */
  canRefresh: boolean;
}

/** Turns HR events into canonical changes: hire → create, update → patch, terminate → deactivate on time… */
export function planChanges(events: readonly HrEvent[], options: PlanOptions): ChangePlan {
  const plan: ChangePlan = { now: [], scheduled: [], cancel: [], notes: [] };
  for (const event of events) planEvent(event, options, plan);
  return plan;
}

function planEvent(event: HrEvent, options: PlanOptions, plan: ChangePlan) {
  const { source } = options;
  const change = (
    role: string,
    kind: ChangeKind,
    at: number,
    attributes: ChangeAttributes = {},
  ): UserChange => ({
    id: changeId(source, event.eventKey, event.person, role),
    source,
    person: event.person,
    at: new Date(at).toISOString(),
    kind,
    attributes,
  });
  const label = `${event.type ?? "event"} for ${event.person}`;
  switch (event.action) {
    case "ignore":
      plan.notes.push(`${label}: the source's mapping ignores this event type`);
      return;
    case "delete":
      plan.now.push(change("delete", "delete", event.at));
      return;
    case "refresh":
      if (options.canRefresh) plan.now.push(change("refresh", "refresh", event.at));
      else plan.notes.push(`${label}: the event carries ids only and the source has no HR API configured`);
      return;
  }
  const planned = plan.now.length + plan.scheduled.length;
  const mapped = mapRecord(event.record, options.mapping, options.context);
  for (const problem of mapped.problems) plan.notes.push(`${label}: ${problem}`);
  const leaver = readLeaver(event.record, options.mapping, options.context);
  const decision = decideLeaver(event.action, mapped.attributes, leaver, event.at, options.context.now);
  const slot: ScheduleSlot = { source, person: event.person, kind: "deactivate" };
  if (decision.cancelHeld) plan.cancel.push(slot);
  if (event.action === "rehire") plan.now.push(change("reactivate", "reactivate", event.at));
  if (Object.keys(decision.attributes).length > 0)
    plan.now.push(change("upsert", "upsert", event.at, decision.attributes));
  if (decision.deactivateAt !== undefined)
    plan.now.push(change("deactivate", "deactivate", decision.deactivateAt));
  if (decision.holdUntil !== undefined)
    plan.scheduled.push({
      change: heldLeaver(source, event.person, decision.holdUntil, "deactivate"),
      at: new Date(decision.holdUntil),
    });
  if (plan.now.length + plan.scheduled.length === planned && !decision.cancelHeld)
    plan.notes.push(`${label}: no mapped attribute in the event`);
}
