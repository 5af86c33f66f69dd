// What the admin says about a partner's rate limit, on the server: Home's partner
// card (partnerStates) and the partner's settings page (settingsView) name the
// hold's end and the lane's lowered rate while a 429 keeps it down.
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { partnerStates } from "~/admin/dashboard.server";
import { settingsView } from "~/admin/partner-settings.server";
import { connectors } from "~/connectors/registry";
import { silentLogger } from "~/logger";
import { createKeyring } from "~/security/secrets.server";
import { partnerRates } from "~/config.server";
import { policy } from "~/sync/retry-policy";
import { createTestDb, type TestDb } from "../support/db";
import { SHOP_A, seedPartnerConfig } from "./seed";

const NOW = new Date("2026-03-15T12:00:00Z");
// The rates of a deployment that sets none: each partner's meta.ts default.
const rates = partnerRates({});

let store: TestDb;
beforeEach(async () => {
  store = await createTestDb();
});
afterEach(async () => store.close());

const view = (env: Record<string, string | undefined> = {}) =>
  settingsView({ db: store.db, keyring: createKeyring(randomBytes(32).toString("base64")), env, fetch: globalThis.fetch, now: () => NOW, logger: silentLogger }, SHOP_A, connectors.testfreaks);

describe("a partner's rate limit in the admin", () => {
  it("says who holds the orders until when, and the lowered rate, on Home and on the settings page", async () => {
    await seedPartnerConfig(store.db, SHOP_A, "testfreaks", { holdUntil: new Date(NOW.getTime() + 5 * 60_000) });
    await store.db.syncLane.create({ data: { shop: SHOP_A, partner: "testfreaks", loweredRate: 0.5, loweredAt: NOW } });

    const expected = "Rate limited by TestFreaks until 15 Mar 2026, 12:05 UTC. Sending at most one request every 2 s to TestFreaks until it stops refusing.";
    expect((await partnerStates(store.db, SHOP_A, NOW, rates)).get("testfreaks")).toMatchObject({ kind: "active", rateLimit: expected });
    expect((await view()).rateLimit).toBe(expected);
  });

  it("keeps showing a lowered rate after the hold ends, and nothing once the rate has climbed back", async () => {
    await seedPartnerConfig(store.db, SHOP_A, "testfreaks", { holdUntil: new Date(NOW.getTime() - 1000) });
    await store.db.syncLane.create({ data: { shop: SHOP_A, partner: "testfreaks", loweredRate: 1, loweredAt: new Date(NOW.getTime() - 1000) } });
    expect((await view()).rateLimit).toBe("Sending at most one request a second to TestFreaks until it stops refusing.");

    // One quiet period doubles the lowered rate back to the configured 2 a second.
    const later = new Date(NOW.getTime() + policy.rateRecoveryQuietMs);
    expect((await partnerStates(store.db, SHOP_A, later, rates)).get("testfreaks")).toEqual({ kind: "active", holdUntil: null });
  });

  it("says nothing while the partner has not refused us", async () => {
    await seedPartnerConfig(store.db, SHOP_A, "testfreaks");
    expect((await view()).rateLimit).toBeNull();
    expect((await partnerStates(store.db, SHOP_A, NOW, rates)).get("testfreaks")).toEqual({ kind: "active", holdUntil: null });
  });
});
