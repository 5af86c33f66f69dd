// keys:rotate while the app keeps serving: a merchant's save during the run is
// never overwritten, and a row no key opens is reported, not fatal (app/cli/rotate-keys.ts).
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@prisma/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "~/cli/main";
import { connectors } from "~/connectors/registry";
import { createKeyring, type Keyring } from "~/security/secrets.server";
import { loadPartnerConfig, savePartnerConfig } from "~/sync/partner-config.server";
import { createTestDb, type TestDb } from "../support/db";

const SHOP_A = "alpha-shop.myshopify.com";
const SHOP_B = "bravo-shop.myshopify.com";
const key = () => randomBytes(32).toString("base64");

let store: TestDb;
let out: string[];
let err: string[];
let oldKey: string;
let newKey: string;
let oldKeyring: Keyring;

beforeEach(async () => {
  store = await createTestDb();
  out = [];
  err = [];
  oldKey = key();
  newKey = key();
  oldKeyring = createKeyring(oldKey);
});
afterEach(async () => store.close());

const io = (): CliIo => ({ out: (l) => out.push(l), err: (l) => err.push(l), env: { ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_PREVIOUS: oldKey } });
const saveTestfreaks = (db: PrismaClient, keyring: Keyring, shop: string, apiKey: string) => savePartnerConfig(db, keyring, shop, connectors.testfreaks, { apiKey, clientId: "shop.example.com" });
const apiKeyOf = async (shop: string) => ((await loadPartnerConfig(store.db, createKeyring(newKey), shop, connectors.testfreaks))!.config as { apiKey: string }).apiKey;

describe("keys:rotate", () => {
  it("never overwrites credentials a merchant saves while it runs: the row is read again and rotated with the new ones", async () => {
    await saveTestfreaks(store.db, oldKeyring, SHOP_A, "sk_live_before");
    // The web process (still on the old key) saves the merchant's new key right after the rotation read the row.
    let saved = false;
    const racing = store.db.$extends({
      query: {
        partnerConfig: {
          async $allOperations({ args, query }) {
            const result = await query(args);
            const rows = Array.isArray(result) ? result : [result];
            if (!saved && rows.some((r) => r && typeof r === "object" && "secrets" in r)) {
              saved = true;
              expect((await saveTestfreaks(store.db, oldKeyring, SHOP_A, "sk_live_after")).ok).toBe(true);
            }
            return result;
          },
        },
      },
    }) as unknown as PrismaClient;

    expect(await runCli(["keys:rotate"], io(), racing)).toBe(0);

    expect(saved).toBe(true);
    expect(await apiKeyOf(SHOP_A)).toBe("sk_live_after");
    expect(out.at(-1)).toMatch(/^Re-encrypted 1 partner credential set\(s\) with key \w+; 0 already used it\.$/);
  });

  it("goes on past a row no key opens, rotates the others, and names every unreadable one (never its value) with exit code 1", async () => {
    const lostKeyring = createKeyring(key());
    await saveTestfreaks(store.db, lostKeyring, SHOP_A, "sk_live_lost_key");
    await savePartnerConfig(store.db, lostKeyring, SHOP_A, connectors.reverb, {
      consumerKey: "ck_secret_a",
      consumerSecret: "cs_secret_a",
      websiteUuid: "6f1c2b9e-4d0a-4c1e-9b7a-2f5e8d3c1a00",
      campaignUuid: "0a9d3e7c-58b1-4f2a-8c6d-1e4b7a9f3c20",
    });
    await saveTestfreaks(store.db, oldKeyring, SHOP_B, "sk_live_bravo");
    const envelopes = (await store.db.partnerConfig.findMany()).map((r) => r.secrets);

    expect(await runCli(["keys:rotate"], io(), store.db)).toBe(1);

    expect(await apiKeyOf(SHOP_B)).toBe("sk_live_bravo");
    expect(out.at(-1)).toMatch(/^Re-encrypted 1 partner credential set/);
    const said = err.join("\n");
    expect(said).toMatch(/^2 partner credential set\(s\) could not be decrypted and were left as they are:$/m);
    expect(said).toMatch(
      new RegExp(`^  ${SHOP_A} reverb: stored reverb credentials for ${SHOP_A} were encrypted with key \\w+, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_PREVIOUS$`, "m"),
    );
    expect(said).toMatch(new RegExp(`^  ${SHOP_A} testfreaks: `, "m"));
    for (const secret of ["sk_live_lost_key", "ck_secret_a", "cs_secret_a", "sk_live_bravo", ...envelopes]) expect(said + out.join("\n")).not.toContain(secret);
    // The unreadable rows are left exactly as they were.
    const left = await store.db.partnerConfig.findMany({ where: { shop: SHOP_A } });
    expect(left.map((r) => r.secrets).sort()).toEqual(envelopes.slice(0, 2).sort());
  });
});
