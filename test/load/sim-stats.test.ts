// The simulators' partner-side view that the load proof relies on: per-account
// concurrency and rate, a dropped connection, a 429 with Retry-After.
import { afterEach, expect, it } from "vitest";
import { startSimServer, type SimServer } from "../simulators/server";

let sim: SimServer | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const keyed = (knobs = {}) => startSimServer(() => ({ status: 200, body: { ok: true } }), { knobs, keyOf: (head) => head.query.get("client_id") });

it("counts, per key, the most requests in flight at once and the most within any window", async () => {
  sim = await keyed({ latencyMs: 150 });
  const call = (client: string) => fetch(`${sim!.url}/orders?client_id=${client}`).then((r) => r.status);
  // Two at once for a, one for b; then a third for a after the first two ended.
  expect(await Promise.all([call("a"), call("a"), call("b")])).toEqual([200, 200, 200]);
  expect(await call("a")).toBe(200);
  await fetch(`${sim.url}/orders`); // no key: not counted

  const stats = sim.keyStats(1000);
  expect(stats.get("a")).toEqual({ requests: 3, maxConcurrent: 2, maxInWindow: 3 });
  expect(stats.get("b")).toEqual({ requests: 1, maxConcurrent: 1, maxInWindow: 1 });
  // Within 100 ms only the two sent together fit (the third came after their 150 ms answers).
  expect(sim.keyStats(100).get("a")?.maxInWindow).toBeLessThanOrEqual(2);
  expect(stats.size).toBe(2);
  expect(sim.log.map((r) => r.key ?? "-").sort()).toEqual(["-", "a", "a", "a", "b"]);
});

it("drops a connection without an answer, and ends its in-flight count", async () => {
  sim = await keyed({ dropRate: 1 });
  await expect(fetch(`${sim.url}/orders?client_id=a`)).rejects.toThrow();
  expect(sim.log[0]?.status).toBe(-2);
  sim.knobs.dropRate = 0;
  expect((await fetch(`${sim.url}/orders?client_id=a`)).status).toBe(200);
  expect(sim.keyStats().get("a")?.maxConcurrent).toBe(1);
});

it("answers a share of requests 429 with a Retry-After in the given range", async () => {
  sim = await keyed({ throttle: { share: 1, retryAfterSec: [1, 2] } });
  const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${sim!.url}/orders?client_id=a`)));
  expect(answers.map((r) => r.status)).toEqual(Array(20).fill(429));
  const waits = new Set(answers.map((r) => r.headers.get("retry-after")));
  expect([...waits].every((w) => w === "1" || w === "2")).toBe(true);
});

it("opens its rate-limit window with the first request, not when the server started", async () => {
  // The window's start is what test/sync/rate-limit.test.ts counts from. A window that opened at
  // start-up let a first request late in it and the next window's two pass within one second.
  let clock = 0;
  sim = await startSimServer(() => ({ status: 200, body: { ok: true } }), { now: () => clock, knobs: { rateLimit: { limit: 2, windowMs: 1000, retryAfterSec: 1 } } });
  const call = () => fetch(`${sim!.url}/orders`).then((r) => r.status);
  clock = 900;
  expect([await call(), await call()]).toEqual([200, 200]);
  clock = 1_100;
  expect(await call()).toBe(429);
  clock = 1_900;
  expect(await call()).toBe(200);
});
