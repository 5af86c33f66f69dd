import { describe, expect, it } from "vitest";
import { backoffDelayMs, classifyFailure, parseRetryAfter, policy } from "~/sync/retry-policy";

const now = new Date("2026-11-23T10:00:00Z");
const headers = (h: Record<string, string> = {}) => new Headers(h);

describe("classifyFailure (PARTNERS.md failure classes)", () => {
  it.each([
    [0, {}, "retryable"],
    [408, {}, "retryable"],
    [500, {}, "retryable"],
    [502, {}, "retryable"],
    [503, {}, "retryable"],
    [503, { "retry-after": "12" }, "rate_limited"],
    [429, {}, "rate_limited"],
    [429, { "retry-after": "7" }, "rate_limited"],
    [401, {}, "credentials"],
    [403, {}, "credentials"],
    [400, {}, "permanent"],
    [404, {}, "permanent"],
    [422, {}, "permanent"],
  ] as const)("HTTP %i %j is %s", (status, h, expected) => {
    expect(classifyFailure(status, headers(h), now).class).toBe(expected);
  });

  it("treats a 200 envelope carrying errors as permanent", () => {
    expect(classifyFailure(200, headers(), now, true).class).toBe("permanent");
  });

  it("takes the wait from Retry-After in seconds or as an HTTP date, else the default", () => {
    expect(classifyFailure(429, headers({ "retry-after": "7" }), now).retryAfterMs).toBe(7000);
    expect(classifyFailure(429, headers({ "retry-after": "Mon, 23 Nov 2026 10:00:30 GMT" }), now).retryAfterMs).toBe(30_000);
    expect(classifyFailure(429, headers(), now).retryAfterMs).toBe(policy.defaultRateLimitMs);
  });
});

describe("parseRetryAfter", () => {
  it("reads fractions up, refuses nonsense", () => {
    expect(parseRetryAfter("1.2", now)).toBe(1200);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe("backoffDelayMs", () => {
  it("doubles from the base delay and caps at the maximum", () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, mid))).toEqual([15_000, 30_000, 60_000, 120_000]);
    expect(backoffDelayMs(30, mid)).toBe(policy.maxDelayMs);
  });

  it("spreads retries by ±20% so failed jobs do not retry in step", () => {
    expect(backoffDelayMs(1, () => 0)).toBe(12_000);
    expect(backoffDelayMs(1, () => 1)).toBe(18_000);
  });
});
