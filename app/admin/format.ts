// Dates as the admin prints them. Formatted on the server, in UTC and with the
// zone named, so the page the server renders and the page React hydrates agree.
const DATE_TIME = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

/**
 * What the admin says about a partner's rate limit: its hold ("Rate limited by TestFreaks
 * until 23 Nov 2026, 10:05 UTC") and the lane's lowered rate; null when neither applies.
 */
export function rateLimitNotice(partnerName: string, holdUntil: Date | null, loweredRate: number | null): string | null {
  const parts: string[] = [];
  if (holdUntil) parts.push(`Rate limited by ${partnerName} until ${formatDateTime(holdUntil)}.`);
  if (loweredRate !== null) {
    const perSec = Number(loweredRate.toFixed(1));
    const rate = perSec === 1 ? "one request a second" : perSec > 1 ? `${perSec} requests a second` : `one request every ${Math.round(1 / loweredRate)} s`;
    parts.push(`Sending at most ${rate} to ${partnerName} until it stops refusing.`);
  }
  return parts.length > 0 ? parts.join(" ") : null;
}

/** "23 Nov 2026, 10:00 UTC" */
export function formatDateTime(date: Date): string {
  return `${DATE_TIME.format(date)} UTC`;
}
