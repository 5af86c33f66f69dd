// The merchant's clock: days and midnights in the shop's time zone (Shopify's
// shop { ianaTimezone }, kept by app/shopify/shop-zone.server.ts). Pure, and all
// zone arithmetic goes through Intl: no offset is written by hand, so a day of
// 23 or 25 hours (a daylight saving change) is counted as the zone has it.

/** The zone a page or a job counts in; `known` is false when the shop's zone could not be read and UTC stands in. */
export interface ShopClock {
  /** An IANA zone name, e.g. "America/New_York"; "UTC" when not known. */
  timeZone: string;
  known: boolean;
}

/** The stand-in when the shop's zone is not known (yet): UTC, and the pages say so. */
export const UTC_CLOCK: ShopClock = { timeZone: "UTC", known: false };

/** True for a zone name Intl knows (Shopify's ianaTimezone is one; anything else is not trusted). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const PARTS = new Map<string, Intl.DateTimeFormat>();

function partsIn(date: Date, timeZone: string): Record<"year" | "month" | "day" | "hour" | "minute" | "second", number> {
  let format = PARTS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    PARTS.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The day (YYYY-MM-DD) the instant falls on in the zone: 2026-03-10T07:30Z is 2026-03-09 in Los Angeles. */
export function dayIn(date: Date, timeZone: string): string {
  const p = partsIn(date, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The calendar day `days` after (or before) a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** True for a YYYY-MM-DD that is a real calendar day. */
export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && addDays(text, 0) === text;
}

/** How far the zone's wall clock is ahead of UTC at the instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const p = partsIn(new Date(instant), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a day starts in the zone: midnight there, or, where the clocks skip
 * midnight (a daylight saving change at 00:00), the first instant the day has.
 */
export function startOfDayIn(day: string, timeZone: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, date);
  // The offset at midnight is the one at (midnight - offset): two rounds find it on either side of a change.
  let at = wall - offsetAt(wall, timeZone);
  at = wall - offsetAt(at, timeZone);
  // Midnight skipped: the guess landed on the day before; the day starts when its clocks do.
  for (let step = 0; step < 8 && dayIn(new Date(at), timeZone) < day; step++) at += 15 * 60_000;
  return new Date(at);
}

/** The instants [start, end) of a day in the zone (end is the next day's start: 23, 24 or 25 hours later). */
export function dayBoundsIn(day: string, timeZone: string): { start: Date; end: Date } {
  return { start: startOfDayIn(day, timeZone), end: startOfDayIn(addDays(day, 1), timeZone) };
}
