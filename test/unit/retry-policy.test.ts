import { describe, expect, it } from "vitest";
import { backoffDelayMs, boundedWaitMs, classifyFailure, parseRetryAfter, policy } from "~/sync/retry-policy";
import { LOOKUP_THROTTLED_TOO_LONG, rateLimitedTooLongMessage } from "~/sync/run-job.server";

const now = new Date("2026-11-23T10:00:00Z");
const headers = (h: Record<string, string> = {}) => new Headers(h);

describe("classifyFailure (the failure classes)", () => {
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

  it.each([
    ["3", 3000],
    [" 7 ", 7000],
    ["0", 0],
    ["3600", policy.maxRetryAfterMs],
    ["3601", policy.maxRetryAfterMs],
    ["999999999", policy.maxRetryAfterMs],
    ["9".repeat(400), policy.maxRetryAfterMs],
    ["Mon, 23 Nov 2026 10:00:30 GMT", 30_000],
    ["Mon, 23 Nov 2026 09:00:00 GMT", 0],
    ["Fri, 31 Dec 9999 23:59:59 GMT", policy.maxRetryAfterMs],
    ["Infinity", null],
    ["-5", null],
    ["1e9", null],
    ["10s", null],
    ["", null],
    ["   ", null],
    [null, null],
  ] as const)("Retry-After %j is %j ms (bounded, never throws)", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it("keeps a 429's wait within bounds: an absurd value holds the maximum, an unreadable one the default", () => {
    expect(classifyFailure(429, headers({ "retry-after": "999999999" }), now).retryAfterMs).toBe(policy.maxRetryAfterMs);
    expect(classifyFailure(429, headers({ "retry-after": "Infinity" }), now).retryAfterMs).toBe(policy.defaultRateLimitMs);
    expect(classifyFailure(503, headers({ "retry-after": "-1" }), now)).toEqual({ class: "rate_limited", retryAfterMs: policy.defaultRateLimitMs });
  });
});

describe("boundedWaitMs", () => {
  it.each([
    [5000, 5000],
    [-1, 0],
    [Number.POSITIVE_INFINITY, policy.maxRetryAfterMs],
    [Number.NaN, policy.defaultRateLimitMs],
    [undefined, policy.defaultRateLimitMs],
  ])("%s ms waits %s ms", (value, expected) => {
    expect(boundedWaitMs(value)).toBe(expected);
  });

  it("holds at most an hour (README, retry policy), whatever the partner asks", () => {
    expect(parseRetryAfter(String(2 * 3600), now)).toBe(3_600_000);
    expect(parseRetryAfter("Tue, 24 Nov 2026 10:00:00 GMT", now)).toBe(3_600_000);
    expect(boundedWaitMs(5 * 3_600_000)).toBe(3_600_000);
  });

  it("tells the merchant a job refused for 24 h gave up (README, troubleshooting)", () => {
    expect(rateLimitedTooLongMessage("TestFreaks")).toMatch(/^TestFreaks kept rate limiting this shop for more than 24 h without accepting an order: gave up\./);
    expect(LOOKUP_THROTTLED_TOO_LONG).toMatch(/for more than 24 h: gave up\./);
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

describe("partner rates from the environment", () => {
  it("defaults to each partner's meta.ts rate, takes a deployment's, and refuses nonsense at start", async () => {
    const { partnerRates, readEnv } = await import("~/config.server");
    const { reverbMeta } = await import("~/connectors/reverb/meta");
    const { reversioMeta } = await import("~/connectors/reversio/meta");
    expect(partnerRates({}).reverb).toEqual(reverbMeta.rate);
    expect(partnerRates({ TESTFREAKS_RATE_PER_SEC: "0.5", TESTFREAKS_RATE_BURST: "1" }).testfreaks).toEqual({ perSec: 0.5, burst: 1 });
    // The worker never throws on a bad value (readEnv already refused it at start): the default applies.
    expect(partnerRates({ REVERSIO_RATE_PER_SEC: "fast" }).reversio).toEqual(reversioMeta.rate);
    const base = { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "http://127.0.0.1:3000", ENCRYPTION_KEY: "x" };
    expect(readEnv({ ...base, REVERB_RATE_PER_SEC: "3" })).toMatchObject({ REVERB_RATE_PER_SEC: 3, REVERB_RATE_BURST: 3 });
    expect(() => readEnv({ ...base, REVERB_RATE_PER_SEC: "0", TESTFREAKS_RATE_BURST: "1.5" })).toThrow(/REVERB_RATE_PER_SEC must be at least 0.01[\s\S]*TESTFREAKS_RATE_BURST must be a whole number/);
  });

  it("reads a registered partner's rate from its own variables, its meta's rate by default", async () => {
    const { partnerRate } = await import("~/config.server");
    const postcards = { id: "postcards", rate: { perSec: 5, burst: 2 } };
    expect(partnerRate({}, postcards)).toEqual({ perSec: 5, burst: 2 });
    expect(partnerRate({ POSTCARDS_RATE_PER_SEC: "0.5", REVERB_RATE_BURST: "9" }, postcards)).toEqual({ perSec: 0.5, burst: 2 });
  });
});
