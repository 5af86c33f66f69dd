// Dates as the admin prints them: in the shop's time zone (app/time-zone.ts), with
// the zone named. Formatted on the server with the zone the loader read, so the
// page the server renders and the page React hydrates agree.
import type { ShopClock } from "~/time-zone";

const DATE_TIMES = new Map<string, { dateTime: Intl.DateTimeFormat; zoneName: Intl.DateTimeFormat }>();

function formatsFor(timeZone: string) {
  let formats = DATE_TIMES.get(timeZone);
  if (!formats) {
    formats = {
      dateTime: new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }),
      // en-US's short names: the abbreviation where the zone has a common one (EST, PST, UTC), else the offset (GMT+1).
      zoneName: new Intl.DateTimeFormat("en-US", { timeZoneName: "short", timeZone }),
    };
    DATE_TIMES.set(timeZone, formats);
  }
  return formats;
}

/**
 * What the admin says about a partner's rate limit: its hold ("Rate limited by TestFreaks
 * until 23 Nov 2026, 10:05 EST") and the lane's lowered rate; null when neither applies.
 */
export function rateLimitNotice(partnerName: string, holdUntil: Date | null, loweredRate: number | null, timeZone = "UTC"): string | null {
  const parts: string[] = [];
  if (holdUntil) parts.push(`Rate limited by ${partnerName} until ${formatDateTime(holdUntil, timeZone)}.`);
  if (loweredRate !== null) {
    const perSec = Number(loweredRate.toFixed(1));
    const rate = perSec === 1 ? "one request a second" : perSec > 1 ? `${perSec} requests a second` : `one request every ${Math.round(1 / loweredRate)} s`;
    parts.push(`Sending at most ${rate} to ${partnerName} until it stops refusing.`);
  }
  return parts.length > 0 ? parts.join(" ") : null;
}

/** "23 Nov 2026, 10:05 EST": the instant on the zone's clock, with the zone's short name (UTC when the page has no zone). */
export function formatDateTime(date: Date, timeZone = "UTC"): string {
  const formats = formatsFor(timeZone);
  const zoneName = formats.zoneName.formatToParts(date).find((part) => part.type === "timeZoneName")?.value ?? timeZone;
  return `${formats.dateTime.format(date)} ${zoneName}`;
}

const DAY_LABEL = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/** "9 Mar" for the day 2026-03-09 (a day already counted in the shop's zone: no zone arithmetic left). */
export function formatDayLabel(day: string): string {
  return DAY_LABEL.format(new Date(`${day}T00:00:00Z`));
}

/** The sentence under a page's dates: which zone they are in, and why it is UTC when the shop's is not known. */
export function timeZoneNote(clock: ShopClock): string {
  return clock.known ? `Times are in the store's time zone (${clock.timeZone}).` : "Times are in UTC: the store's time zone could not be read from Shopify yet (the app asks again later).";
}
