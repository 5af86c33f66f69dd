// Dates as the admin prints them. Formatted on the server, in UTC and with the
// zone named, so the page the server renders and the page React hydrates agree.
const DATE_TIME = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

/** "23 Nov 2026, 10:00 UTC" */
export function formatDateTime(date: Date): string {
  return `${DATE_TIME.format(date)} UTC`;
}
