import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, UsageError, type CliIo } from "~/cli/main";
import { recordDelivery } from "~/sync/inbox.server";
import { installShopLocally } from "~/shopify/install.server";
import { parseJsonLossless } from "~/orders/json";
import { silentLogger } from "~/logger";
import { JOB_STATUS_MEANINGS, JOB_STATUSES } from "~/sync/job-status";
import { loadFixture } from "../fixtures/shopify";
import { createTestDb, type TestDb } from "../support/db";

const SHOP = "cli-test.myshopify.com";
let store: TestDb;
let out: string[];
let err: string[];
let io: CliIo;

beforeEach(async () => {
  store = await createTestDb();
  out = [];
  err = [];
  io = { out: (l) => out.push(l), err: (l) => err.push(l), env: { ENCRYPTION_KEY: randomBytes(32).toString("base64") } };
});
afterEach(async () => store.close());

const cli = (...argv: string[]) => runCli(argv, io, store.db);
const settingsFile = (name: string, value: unknown) => {
  const file = path.join(store.dir, name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
};

describe("operator CLI", () => {
  it("shop:install records an offline session for the shop", async () => {
    expect(await cli("shop:install", SHOP)).toBe(0);
    const session = await store.db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });
    expect([session.shop, session.isOnline]).toEqual([SHOP, false]);
    expect(out.join("\n")).toContain(`Installed ${SHOP}`);
  });

  it("refuses a shop that is not a myshopify domain", async () => {
    await expect(cli("shop:install", "https://evil.example.com")).rejects.toThrow(UsageError);
  });

  it("partner:configure validates, encrypts the secrets, stores and enables", async () => {
    const file = settingsFile("tf.json", { apiKey: "sk_live_abc", clientId: "shop.example.com" });
    expect(await cli("partner:configure", SHOP, "testfreaks", "--file", file)).toBe(0);
    const row = await store.db.partnerConfig.findUniqueOrThrow({ where: { shop_partner: { shop: SHOP, partner: "testfreaks" } } });
    expect(row.enabled).toBe(true);
    expect(row.secrets).not.toContain("sk_live_abc");
    expect(row.settings).not.toContain("sk_live_abc");
    expect(JSON.parse(row.settings)).toMatchObject({ clientId: "shop.example.com", itemIdSource: "sku" });
  });

  it("given an invalid file, names each bad field, exits 1 and stores nothing", async () => {
    const file = settingsFile("reverb.json", { consumerKey: "", websiteUuid: "not a uuid" });
    expect(await cli("partner:configure", SHOP, "reverb", "--file", file)).toBe(1);
    const message = err.join("\n");
    expect(message).toMatch(/nothing was stored/);
    for (const field of ["consumerKey", "consumerSecret", "websiteUuid", "campaignUuid"]) expect(message).toMatch(new RegExp(`^  ${field}: `, "m"));
    expect(await store.db.partnerConfig.count()).toBe(0);
  });

  it("given a file that is not JSON, says so and stores nothing", async () => {
    const file = settingsFile("broken.json", "{ apiKey: ");
    expect(await cli("partner:configure", SHOP, "testfreaks", "--file", file)).toBe(1);
    expect(err.join("\n")).toMatch(/Cannot read .*broken\.json/);
    expect(await store.db.partnerConfig.count()).toBe(0);
  });

  it("sync:status lists one row per order and partner, as JSON with --json; sync:resync sets them pending", async () => {
    await cli("partner:configure", SHOP, "testfreaks", "--file", settingsFile("tf.json", { apiKey: "sk_live_abc", clientId: "c" }));
    // A delivery is kept only for a shop that has the app, as on the webhook path.
    await installShopLocally(store.db, SHOP);
    const body = parseJsonLossless(loadFixture("orders-create.discount-code-cad"));
    await recordDelivery(store.db, { shop: SHOP, topic: "orders/create", eventId: "e1", body }, silentLogger);
    await store.db.syncJob.updateMany({ data: { status: "failed", attempts: 3, lastError: "TestFreaks answered 400: bad" } });

    out = [];
    expect(await cli("sync:status", SHOP, "--json")).toBe(0);
    const rows = JSON.parse(out.join("\n")) as Record<string, unknown>[];
    expect(rows).toEqual([
      { orderId: "5492763623680", orderName: "#1001", partner: "testfreaks", status: "failed", attempts: 3, lastError: "TestFreaks answered 400: bad", remoteId: null, updatedAt: expect.any(String) },
    ]);

    out = [];
    expect(await cli("sync:status", SHOP)).toBe(0);
    expect(out[0]!.split("\n")[0]).toMatch(/^orderId\s+orderName\s+partner\s+status\s+attempts\s+lastError\s+remoteId\s+updatedAt$/);

    expect(await cli("sync:resync", SHOP, "5492763623680", "--partner", "testfreaks")).toBe(0);
    expect((await store.db.syncJob.findFirstOrThrow()).status).toBe("pending");
  });

  it("sync:requeue re-queues the stored copy of the order, with --force sending it even if unchanged; sync:resync is the same command", async () => {
    await cli("partner:configure", SHOP, "testfreaks", "--file", settingsFile("tf.json", { apiKey: "sk_live_abc", clientId: "c" }));
    await installShopLocally(store.db, SHOP);
    await recordDelivery(store.db, { shop: SHOP, topic: "orders/create", eventId: "e1", body: parseJsonLossless(loadFixture("orders-create.discount-code-cad")) }, silentLogger);
    await store.db.syncJob.updateMany({ data: { status: "synced", lastSentHash: "accepted-before" } });

    expect(await cli("sync:requeue", SHOP, "5492763623680", "--force")).toBe(0);
    expect(out.at(-1)).toBe("Order 5492763623680: 1 job(s) pending again.");
    expect(await store.db.syncJob.findFirstOrThrow()).toMatchObject({ status: "pending", lastSentHash: null });

    await store.db.syncJob.updateMany({ data: { status: "failed" } });
    expect(await cli("sync:resync", SHOP, "5492763623680")).toBe(0);
    expect((await store.db.syncJob.findFirstOrThrow()).status).toBe("pending");
    expect(await cli("sync:requeue", SHOP, "123")).toBe(1);
    expect(err.join("\n")).toMatch(/Order 123 is not known for cli-test.myshopify.com/);
  });

  it("help names the two resyncs apart and says what each job status means", async () => {
    expect(await cli("help")).toBe(0);
    const help = out.join("\n");
    expect(help).toMatch(/^ {2}sync:requeue <shop> <orderId> .* re-queue the stored copy \(also sync:resync\)$/m);
    for (const status of JOB_STATUSES) expect(help).toContain(`  ${status.padEnd(9)} ${JOB_STATUS_MEANINGS[status].meaning}\n`);
  });

  it("sync:resync of an order the store does not know exits 1 with the reason", async () => {
    expect(await cli("sync:resync", SHOP, "123")).toBe(1);
    expect(err.join("\n")).toMatch(/Order 123 is not known for cli-test.myshopify.com/);
  });

  it("keys:rotate re-encrypts stored credentials with the new key, which alone then decrypts them", async () => {
    const oldKey = io.env.ENCRYPTION_KEY!;
    await cli("partner:configure", SHOP, "testfreaks", "--file", settingsFile("tf.json", { apiKey: "sk_live_abc", clientId: "c" }));
    const before = (await store.db.partnerConfig.findFirstOrThrow()).secrets;

    io.env = { ENCRYPTION_KEY: randomBytes(32).toString("base64"), ENCRYPTION_KEYS_PREVIOUS: oldKey };
    expect(await cli("keys:rotate")).toBe(0);
    expect(out.at(-1)).toMatch(/Re-encrypted 1 partner credential set/);
    const after = (await store.db.partnerConfig.findFirstOrThrow()).secrets;
    expect(after).not.toBe(before);

    // Without the old key the rotated value still reads: status shows nothing broke.
    io.env = { ENCRYPTION_KEY: io.env.ENCRYPTION_KEY };
    const { loadPartnerConfig } = await import("~/sync/partner-config.server");
    const { createKeyring } = await import("~/security/secrets.server");
    const { connectors } = await import("~/connectors/registry");
    const loaded = await loadPartnerConfig(store.db, createKeyring(io.env.ENCRYPTION_KEY!), SHOP, connectors.testfreaks);
    expect((loaded!.config as { apiKey: string }).apiKey).toBe("sk_live_abc");
  });
});
