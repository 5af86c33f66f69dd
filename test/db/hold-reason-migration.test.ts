import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createClient } from "@libsql/client";
import pg from "pg";
import { holdMessage } from "~/sync/hold-reason";
import { startTestPostgres, type TestPostgres } from "../support/postgres";

// The hold_reason migration gives rows held before it (their reason only a sentence in
// lastError / pausedReason) the matching SyncJob.holdReason / PartnerConfig.holdReason, so
// that an upgrade strands no held job: a reinstall, the merchant's switch, saved
// credentials or a token exchange still finds what it releases. The rows are written with
// the sentences holdMessage builds (those of the releases before the column), on both
// providers, between the migration before and the migration itself.

const ROOT = path.resolve(import.meta.dirname, "../..");
const MIGRATION = "hold_reason";

function migrations(dir: string): { before: string[]; hold: string } {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const at = names.findIndex((name) => name.endsWith(`_${MIGRATION}`));
  if (at < 0) throw new Error(`no ${MIGRATION} migration in ${dir}`);
  const sql = (name: string) => readFileSync(path.join(dir, name, "migration.sql"), "utf8");
  return { before: names.slice(0, at).map(sql), hold: sql(names[at]!) };
}

const CREDENTIALS = holdMessage("credentials_refused", "TestFreaks", "TestFreaks answered 401: Invalid API key.");
const REDACTED = "[redacted on the customer's request]";
const q = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Shops: a (partners held for credentials and by the merchant), gone (uninstalled), refused (Shopify refused its token). */
const SEED = `
INSERT INTO "Shop" ("shop", "updatedAt", "uninstalledAt", "accessRefusedAt") VALUES
  ('a.myshopify.com', CURRENT_TIMESTAMP, NULL, NULL),
  ('gone.myshopify.com', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, NULL),
  ('refused.myshopify.com', CURRENT_TIMESTAMP, NULL, CURRENT_TIMESTAMP);
INSERT INTO "PartnerConfig" ("id", "shop", "partner", "enabled", "settings", "secrets", "pausedReason", "updatedAt") VALUES
  ('c1', 'a.myshopify.com', 'testfreaks', true, '{}', 'x', ${q(CREDENTIALS)}, CURRENT_TIMESTAMP),
  ('c2', 'a.myshopify.com', 'reverb', false, '{}', 'x', NULL, CURRENT_TIMESTAMP),
  ('c3', 'a.myshopify.com', 'reversio', true, '{}', 'x', NULL, CURRENT_TIMESTAMP),
  ('c4', 'gone.myshopify.com', 'testfreaks', true, '{}', 'x', ${q(holdMessage("uninstalled", "TestFreaks"))}, CURRENT_TIMESTAMP),
  ('c5', 'refused.myshopify.com', 'testfreaks', true, '{}', 'x', NULL, CURRENT_TIMESTAMP);
INSERT INTO "SyncJob" ("id", "shop", "orderId", "partner", "status", "lastError", "createState", "updatedAt") VALUES
  ('credentials', 'a.myshopify.com', '1', 'testfreaks', 'paused', ${q(CREDENTIALS)}, NULL, CURRENT_TIMESTAMP),
  ('merchant', 'a.myshopify.com', '1', 'reverb', 'paused', ${q(holdMessage("merchant_pause", "Reverb"))}, NULL, CURRENT_TIMESTAMP),
  ('uninstalled', 'gone.myshopify.com', '1', 'testfreaks', 'paused', ${q(holdMessage("uninstalled", "TestFreaks"))}, NULL, CURRENT_TIMESTAMP),
  ('shopify', 'refused.myshopify.com', '1', 'testfreaks', 'paused', ${q(holdMessage("waiting_for_shopify", "TestFreaks"))}, NULL, CURRENT_TIMESTAMP),
  ('create', 'a.myshopify.com', '2', 'reverb', 'paused', 'Order #1002 was sent to Reverb and its answer was never stored.', 'sending', CURRENT_TIMESTAMP),
  ('redacted-uninstalled', 'gone.myshopify.com', '2', 'testfreaks', 'paused', ${q(REDACTED)}, NULL, CURRENT_TIMESTAMP),
  ('redacted-credentials', 'a.myshopify.com', '3', 'testfreaks', 'paused', ${q(REDACTED)}, NULL, CURRENT_TIMESTAMP),
  ('redacted-merchant', 'a.myshopify.com', '3', 'reverb', 'paused', ${q(REDACTED)}, NULL, CURRENT_TIMESTAMP),
  ('redacted-shopify', 'refused.myshopify.com', '2', 'testfreaks', 'paused', ${q(REDACTED)}, NULL, CURRENT_TIMESTAMP),
  ('rate-limited', 'a.myshopify.com', '4', 'reversio', 'retrying', 'Revers.io answered 429', NULL, CURRENT_TIMESTAMP),
  ('retrying', 'a.myshopify.com', '5', 'reversio', 'retrying', 'Revers.io answered 503', NULL, CURRENT_TIMESTAMP),
  ('synced', 'a.myshopify.com', '6', 'reversio', 'synced', NULL, NULL, CURRENT_TIMESTAMP),
  ('failed', 'a.myshopify.com', '7', 'reversio', 'failed', ${q(CREDENTIALS)}, NULL, CURRENT_TIMESTAMP);
INSERT INTO "SyncAttempt" ("id", "shop", "jobId", "startedAt", "durationMs", "outcome") VALUES
  ('a1', 'a.myshopify.com', 'rate-limited', '2026-11-30T10:00:00.000Z', 5, 'retry'),
  ('a2', 'a.myshopify.com', 'rate-limited', '2026-11-30T10:01:00.000Z', 5, 'rate_limited'),
  ('a3', 'a.myshopify.com', 'retrying', '2026-11-30T10:00:00.000Z', 5, 'rate_limited'),
  ('a4', 'a.myshopify.com', 'retrying', '2026-11-30T10:01:00.000Z', 5, 'retry');
`;

const EXPECTED_JOBS = {
  credentials: "credentials_refused",
  merchant: "merchant_pause",
  uninstalled: "uninstalled",
  shopify: "waiting_for_shopify",
  create: "waiting_for_merchant",
  "redacted-uninstalled": "uninstalled",
  "redacted-credentials": "credentials_refused",
  "redacted-merchant": "merchant_pause",
  "redacted-shopify": "waiting_for_shopify",
  "rate-limited": "rate_limit_hold",
  retrying: null,
  synced: null,
  failed: null,
};
const EXPECTED_PARTNERS = { c1: "credentials_refused", c2: null, c3: null, c4: "uninstalled", c5: null };

const byId = (rows: { id: unknown; holdReason: unknown }[]) => Object.fromEntries(rows.map((r) => [String(r.id), r.holdReason ?? null]));

describe("the hold_reason migration gives held rows their reason", () => {
  it("on SQLite", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "partner-sync-hold-"));
    const client = createClient({ url: `file:${path.join(dir, "db.sqlite")}` });
    try {
      const { before, hold } = migrations(path.join(ROOT, "prisma/migrations"));
      for (const sql of before) await client.executeMultiple(sql);
      await client.executeMultiple(SEED);

      await client.executeMultiple(hold);

      const jobs = await client.execute(`SELECT "id", "holdReason" FROM "SyncJob"`);
      const partners = await client.execute(`SELECT "id", "holdReason" FROM "PartnerConfig"`);
      expect(byId(jobs.rows as unknown as { id: unknown; holdReason: unknown }[])).toEqual(EXPECTED_JOBS);
      expect(byId(partners.rows as unknown as { id: unknown; holdReason: unknown }[])).toEqual(EXPECTED_PARTNERS);
    } finally {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  let server: TestPostgres | undefined;
  afterAll(async () => server?.stop());

  it("on Postgres", async () => {
    server = await startTestPostgres();
    const client = new pg.Client({ connectionString: await server.createDatabase("hold_reason") });
    await client.connect();
    try {
      const { before, hold } = migrations(path.join(ROOT, "prisma/postgres/migrations"));
      for (const sql of before) await client.query(sql);
      await client.query(SEED);

      await client.query(hold);

      const jobs = await client.query<{ id: string; holdReason: string | null }>(`SELECT "id", "holdReason" FROM "SyncJob"`);
      const partners = await client.query<{ id: string; holdReason: string | null }>(`SELECT "id", "holdReason" FROM "PartnerConfig"`);
      expect(byId(jobs.rows)).toEqual(EXPECTED_JOBS);
      expect(byId(partners.rows)).toEqual(EXPECTED_PARTNERS);
    } finally {
      await client.end();
    }
  });
});
