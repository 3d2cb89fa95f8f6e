/**
 * Reading the timestamps and dates HR systems send, and turning a local date and time in an IANA time zone
 * into an instant, with nothing but Intl (no time-zone library in the bundle).
 */

/**
 * An event timestamp as epoch ms. Accepts unix seconds or ms (number or digits), ISO 8601 with `Z`,
 * `+hh:mm` or `+hhmm` (BambooHR: `2026-01-31T18:42:00+0000`), and ISO without a zone, read as UTC
 * (HiBob: `2025-01-08T13:06:26.915906`). Undefined when unreadable.
 */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? fromEpoch(value) : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d{9,13}$/.test(text)) return fromEpoch(Number(text));
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text,
  );
  if (!match) return undefined;
  const fraction = (match[3] ?? "").slice(0, 3).padEnd(3, "0");
  const zone = normaliseOffset(match[4] ?? "Z");
  const parsed = Date.parse(`${match[1]}T${withSeconds(match[2] ?? "")}.${fraction}${zone}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

// Seconds until the year 5138 are below 1e11; anything larger is already milliseconds.
const fromEpoch = (value: number) => (Math.abs(value) < 1e11 ? value * 1000 : value);
const withSeconds = (time: string) => (time.length === 5 ? `${time}:00` : time);
const normaliseOffset = (zone: string) =>
  zone.toUpperCase() === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;

export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let cached = formatters.get(zone);
  if (!cached) {
    cached = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, cached);
  }
  return cached;
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffset(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - (instant - (instant % 1000));
}

/**
 * The instant a wall-clock time in `zone` denotes, disambiguated as Temporal's "compatible" mode does:
 * a time repeated by a DST change is its first occurrence, a time skipped by one is read with the offset
 * before the jump (so it lands just after the jump, never before).
 */
export function zonedTimeToInstant(wall: WallTime, zone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const before = zoneOffset(asUtc - halfDay, zone);
  const after = zoneOffset(asUtc + halfDay, zone);
  const valid = [asUtc - before, asUtc - after].filter(
    (instant) => asUtc - instant === zoneOffset(instant, zone),
  );
  return valid.length > 0 ? Math.min(...valid) : asUtc - before;
}

const halfDay = 12 * 3_600_000;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * When a date-only leaving date takes effect: "end-of-day" (after the whole day), "start-of-day", or a fixed
 * local time "HH:MM" (validated with the configuration).
 */
export type DateOnlyAt = string;

/**
 * The instant an employee's leaving date (and optional time) takes effect in their time zone.
 * `date` may be `YYYY-MM-DD`, a local date-time without zone (read in `zone`), or an absolute timestamp.
 * Returns undefined for an empty or unreadable date (BambooHR sends `0000-00-00` for "none").
 */
export function effectiveInstant(
  date: unknown,
  time: unknown,
  zone: string,
  dateOnlyAt: DateOnlyAt,
): number | undefined {
  if (typeof date !== "string") return undefined;
  const text = date.trim();
  const parts =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text,
    );
  if (!parts || Number(parts[1]) === 0) return undefined;
  if (parts[7]) return parseInstant(text);
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const clock = readClock(parts[4] ? `${parts[4]}:${parts[5]}:${parts[6] ?? "00"}` : time);
  if (clock) return zonedTimeToInstant({ year, month, day, ...clock }, zone);
  if (dateOnlyAt === "end-of-day") {
    // The leaving date is the last day employed: access ends when that day ends, i.e. 00:00 the next day.
    const next = new Date(Date.UTC(year, month - 1, day + 1));
    const wall = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
    return zonedTimeToInstant({ ...wall, hour: 0, minute: 0, second: 0 }, zone);
  }
  const fixed = dateOnlyAt === "start-of-day" ? { hour: 0, minute: 0, second: 0 } : readClock(dateOnlyAt);
  return zonedTimeToInstant({ year, month, day, ...(fixed ?? { hour: 0, minute: 0, second: 0 }) }, zone);
}

function readClock(value: unknown): { hour: number; minute: number; second: number } | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return undefined;
  const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  return hour < 24 && minute < 60 && second < 60 ? { hour, minute, second } : undefined;
}
