import { personKeySchema } from "../../model/user.ts";
import { evaluate, type MappingContext, readPath } from "../mapping/evaluate.ts";
import { parseInstant } from "../mapping/instants.ts";
import { parseJsonPath, selectAll } from "../mapping/json-path.ts";
import type { EventAction, EventFormat, Mapping } from "../mapping/spec.ts";

/** One HR event, read out of a payload with the source's event formats. */
export interface HrEvent {
  action: EventAction;
  type: string | undefined;
  person: string;
  /** Epoch ms: the event's own time when it has a plausible one, else receipt time. */
  at: number;
  /** Stable across re-deliveries of the same event: seeds deterministic change ids. */
  eventKey: string;
  /** The employee fields the mapping reads. */
  record: unknown;
}

export interface ReadEventsOptions {
  context: MappingContext;
  receivedAt: number;
  /** An event time further ahead than this is not trusted (it would win every later merge). */
  maxFutureSkewMs: number;
  /** The delivery's own id or digest, used when the payload names no event id. */
  deliveryKey: string;
}

export interface ReadEvents {
  events: HrEvent[];
  /** Why parts of the payload produced no event. */
  skipped: string[];
}

export function readEvents(payload: unknown, mapping: Mapping, options: ReadEventsOptions): ReadEvents {
  const format = mapping.events?.find(
    (candidate) => !candidate.match || readPath(payload, candidate.match) !== undefined,
  );
  if (!format) return { events: [], skipped: ["the payload matches none of the source's event formats"] };
  const items = format.items ? selectAll(payload, parseJsonPath(format.items)) : [payload];
  const events: HrEvent[] = [];
  const skipped: string[] = [];
  items.forEach((item, index) => {
    const event = readEvent(item, format, options, items.length > 1 ? `#${index}` : "");
    if (typeof event === "string") skipped.push(event);
    else events.push(event);
  });
  if (items.length === 0) skipped.push(`no items at ${format.items}`);
  return { events, skipped };
}

function readEvent(
  item: unknown,
  format: EventFormat,
  options: ReadEventsOptions,
  suffix: string,
): HrEvent | string {
  const { context } = options;
  const typeValue = format.type === undefined ? undefined : evaluate(format.type, item, context);
  const type = typeof typeValue === "string" || typeof typeValue === "number" ? String(typeValue) : undefined;
  const action = (type !== undefined ? format.actions[type] : undefined) ?? format.otherwise;
  const person = scalarText(evaluate(format.person, item, context));
  if (person === undefined || !personKeySchema.safeParse(person).success)
    return `event${suffix} (${type ?? "no type"}) has no usable person id`;
  const at = format.at === undefined ? undefined : parseInstant(evaluate(format.at, item, context));
  const trusted = at !== undefined && at <= options.receivedAt + options.maxFutureSkewMs;
  const id = format.id === undefined ? undefined : scalarText(evaluate(format.id, item, context));
  return {
    action,
    type,
    person,
    at: trusted ? at : options.receivedAt,
    eventKey: id ?? `${options.deliveryKey}${suffix}`,
    record: format.record ? readPath(item, format.record) : item,
  };
}

/** A non-empty, trimmed text of a string or number value. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return text.length > 0 ? text : undefined;
}
