// Retry-After as partners may really send it: only a number of seconds or one of
// the three HTTP-date forms is a wait; anything else waits the default, and no
// value holds a partner past the policy's maximum (app/sync/retry-policy.ts).
import { describe, expect, it } from "vitest";
import { classifyFailure, parseRetryAfter, policy } from "~/sync/retry-policy";

const now = new Date("2026-11-23T10:00:00Z");

describe("Retry-After that is not a number of seconds or an HTTP date", () => {
  it.each(["x 5", "May 2", "Dec 25", "2026-11-23", "Monday", "tomorrow 10:00", "Mon, 23 Nov 2026 99:99:99 GMT", "0x10", "1,5"])(
    "%j is unreadable: the default wait, not a date V8 happens to guess",
    (value) => {
      expect(parseRetryAfter(value, now)).toBeNull();
      expect(classifyFailure(429, new Headers({ "retry-after": value }), now).retryAfterMs).toBe(policy.defaultRateLimitMs);
    },
  );
});

describe("the three HTTP-date forms (RFC 9110)", () => {
  it.each([
    ["IMF-fixdate", "Mon, 23 Nov 2026 10:00:30 GMT", 30_000],
    ["IMF-fixdate, one-digit day", "Mon, 3 Nov 2026 10:00:30 GMT", 0],
    ["RFC 850", "Monday, 23-Nov-26 10:00:30 GMT", 30_000],
    ["asctime (GMT)", "Mon Nov 23 10:00:30 2026", 30_000],
    ["asctime, padded day", "Tue Nov  3 10:00:30 2026", 0],
    ["far past", "Thu, 01 Jan 1970 00:00:00 GMT", 0],
    ["far future", "Fri, 31 Dec 9999 23:59:59 GMT", policy.maxRetryAfterMs],
    ["far future, asctime", "Fri Dec 31 23:59:59 9999", policy.maxRetryAfterMs],
  ])("%s: %j waits %j ms", (_form, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it("bounds seconds in every spelling: huge, fractional, with spaces", () => {
    expect(parseRetryAfter("1" + "0".repeat(30), now)).toBe(policy.maxRetryAfterMs);
    expect(parseRetryAfter(" 0.001 ", now)).toBe(1);
    expect(parseRetryAfter("-0", now)).toBeNull();
  });
});
