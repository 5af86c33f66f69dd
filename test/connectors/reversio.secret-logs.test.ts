// The Revers.io secret value never reaches a log line or the sync log (docs/partners/reversio.md
// "Auth"): a Revers.io that takes the secret only as ?secret= puts it in a URL, and
// a gateway that quotes a refused request puts that URL in its answer. The app's
// own pipeline (webhook -> worker -> connector) on a real SQLite store.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reversioConnector } from "~/connectors/reversio";
import { createLogger, redactFields } from "~/logger";
import { maskSensitive } from "~/admin/mask.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import type { Worker } from "~/sync/worker.server";
import { loadFixture } from "../fixtures/shopify";
import { fakeClock } from "../support/harness";
import { SHOP, startClockedPipeline, type Pipeline } from "../sync/fixtures";
import { REVERSIO_SIM_KEYS, startReversioSimulator, type ReversioSimulator } from "../simulators/reversio";

// Characters a URL must encode, so that every spelling of the secret is looked for.
const SECRET = "rio-secret/Value+odd&chars=42%";
const SPELLINGS = [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2)];

let p: Pipeline;
let worker: Worker;
let rio: ReversioSimulator;
let logLines: string[];
const clock = fakeClock();

async function start(options: { secretValue: string }) {
  rio = await startReversioSimulator({ keys: [{ subscriptionKey: REVERSIO_SIM_KEYS.subscriptionKey, secretValue: SECRET }], secretForms: ["query"], echoRequestOnRefusal: true });
  rio.addModel({ sku: "WS6P25" });
  logLines = [];
  ({ p, worker } = await startClockedPipeline(clock, { env: { REVERSIO_API_URL: rio.apiUrl }, context: { logger: createLogger((line) => logLines.push(line)) } }));
  const saved = await savePartnerConfig(p.h.ctx.db, p.h.ctx.keyring, SHOP, reversioConnector, {
    subscriptionKey: REVERSIO_SIM_KEYS.subscriptionKey,
    secretValue: options.secretValue,
    importTrigger: "created",
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
}

/** Everything the app wrote about the shop's Revers.io work: jobs, attempts, remembered values, log lines. */
async function everythingStored(): Promise<string> {
  const db = p.h.ctx.db;
  const jobs = await db.syncJob.findMany({ where: { shop: SHOP, partner: "reversio" } });
  const attempts = await db.syncAttempt.findMany({ where: { shop: SHOP } });
  const cache = await db.partnerCache.findMany({ where: { shop: SHOP } });
  const configs = await db.partnerConfig.findMany({ where: { shop: SHOP } });
  return JSON.stringify({ jobs, attempts, cache, paused: configs.map((c) => c.pausedReason), logLines });
}

function expectNoSecret(text: string) {
  for (const spelling of SPELLINGS) expect(text).not.toContain(spelling);
}

beforeEach(() => {
  logLines = [];
});
afterEach(async () => {
  await worker?.stop();
  await p?.close();
  await rio?.close();
});

describe("the Revers.io secret in a URL", () => {
  it("given a Revers.io that takes the secret only as ?secret=, when an order syncs, then it is imported and no job, attempt, cache entry or log line holds the secret", async () => {
    await start({ secretValue: SECRET });

    await p.send("orders/create", loadFixture("orders-create.gbp-presentment"));
    await worker.runDue();

    const job = await p.h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "reversio" } });
    expect(job.status).toBe("synced");
    expect(rio.state.orders).toHaveLength(1);
    expect(rio.state.tokenRequests.map((r) => [r.carried, r.status])).toEqual([
      ["header", 401],
      ["query", 200],
    ]);
    expect(logLines.some((line) => line.includes('"path":"/token"'))).toBe(true);
    expectNoSecret(await everythingStored());
  });

  it("given a wrong secret and a gateway that quotes the refused URL, when an order syncs, then Revers.io is paused for refused credentials and the secret is in no attempt, reason or log line", async () => {
    const wrong = `${SECRET}-old`;
    await start({ secretValue: wrong });

    await p.send("orders/create", loadFixture("orders-create.gbp-presentment"));
    await worker.runDue();

    const job = await p.h.ctx.db.syncJob.findFirstOrThrow({ where: { shop: SHOP, partner: "reversio" } });
    expect(job.status).toBe("paused");
    expect(job.lastError).toContain("refused the credentials");
    expect(job.lastError).toContain("?secret=[redacted]");
    const stored = await everythingStored();
    expectNoSecret(stored);
    for (const spelling of [wrong, encodeURIComponent(wrong), new URLSearchParams({ s: wrong }).toString().slice(2)]) expect(stored).not.toContain(spelling);
  });
});

describe("the last lines of defence: logger and masker", () => {
  it("given a URL with ?secret= in a log field or message, then the logged line carries [redacted] in its place", () => {
    const lines: string[] = [];
    const logger = createLogger((line) => lines.push(line));

    logger.warn(`GET https://customer-api.revers.io/api/v1/token?secret=${encodeURIComponent(SECRET)} failed`, {
      url: `https://customer-api.revers.io/api/v1/token?secret=${encodeURIComponent(SECRET)}&x=1`,
    });

    expectNoSecret(lines.join("\n"));
    expect(JSON.parse(lines[0]!)).toMatchObject({
      message: "GET https://customer-api.revers.io/api/v1/token?secret=[redacted] failed",
      url: "https://customer-api.revers.io/api/v1/token?secret=[redacted]&x=1",
    });
    expect(redactFields({ note: "see /token?client_secret=abc#top" })).toEqual({ note: "see /token?client_secret=[redacted]#top" });
  });

  it("given a stored request whose text holds a URL with ?secret=, then the order page's masked copy does not show it", () => {
    const masked = JSON.stringify(maskSensitive({ request: `GET /token?secret=${encodeURIComponent(SECRET)}`, note: [`/token?x=1&secret=${SECRET}`] }));

    expectNoSecret(masked);
    expect(masked).toContain("/token?secret=[redacted]");
  });
});
