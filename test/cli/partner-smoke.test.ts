// partner:smoke against the local simulators (in-process, real HTTP): the round
// trip each partner allows, printed field by field, and the refusal to run
// against a production environment unless told so (app/cli/partner-smoke.ts).
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "~/cli/main";
import { connectors } from "~/connectors/registry";
import { createKeyring } from "~/security/secrets.server";
import { savePartnerConfig } from "~/sync/partner-config.server";
import { REVERB_SIM_DEFAULTS, startReverbSimulator, type ReverbSimulator } from "../simulators/reverb";
import { REVERSIO_SIM_KEYS, startReversioSimulator, type ReversioSimulator } from "../simulators/reversio";
import { startTestfreaksSimulator, TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID, type TestfreaksSimulator } from "../simulators/testfreaks";
import { createTestDb, type TestDb } from "../support/db";

const SHOP = "smoke-test.myshopify.com";
let store: TestDb;
let out: string[];
let err: string[];
let io: CliIo;
let reverb: ReverbSimulator;
let reversio: ReversioSimulator;
let testfreaks: TestfreaksSimulator;

beforeEach(async () => {
  store = await createTestDb();
  [reverb, reversio, testfreaks] = await Promise.all([startReverbSimulator(), startReversioSimulator(), startTestfreaksSimulator()]);
  out = [];
  err = [];
  const ENCRYPTION_KEY = randomBytes(32).toString("base64");
  io = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ENCRYPTION_KEY, REVERB_API_URL: reverb.url, REVERSIO_API_URL: reversio.apiUrl, TESTFREAKS_API_URL: testfreaks.url },
  };
  const keyring = createKeyring(ENCRYPTION_KEY);
  const saved = await Promise.all([
    savePartnerConfig(store.db, keyring, SHOP, connectors.reverb, { ...REVERB_SIM_DEFAULTS }),
    savePartnerConfig(store.db, keyring, SHOP, connectors.reversio, { ...REVERSIO_SIM_KEYS, environment: "sandbox" }),
    savePartnerConfig(store.db, keyring, SHOP, connectors.testfreaks, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID }),
  ]);
  expect(saved.every((s) => s.ok)).toBe(true);
});
afterEach(async () => {
  if (process.env.SHOW_SMOKE) console.log([...err, ...out].join("\n"));
  await Promise.all([reverb.close(), reversio.close(), testfreaks.close()]);
  await store.close();
});

const smoke = (...args: string[]) => runCli(["partner:smoke", SHOP, ...args], io, store.db);
const printed = () => out.join("\n");
/** The simulator at an address that reaches it but is marked neither local nor test. */
const unmarked = (url: string) => url.replace("127.0.0.1", "[::ffff:127.0.0.1]");

describe("partner:smoke against a test environment", () => {
  it("Reverb: finds or creates the test customer, creates, updates and reads back a test order, and prints each field beside what the app assumes", async () => {
    expect(await smoke("reverb")).toBe(0);

    const text = printed();
    expect(text).toMatch(/^1\. Find the test customer .*: GET \/customers\/[^ ]+ → \d+$/m);
    expect(text).toMatch(/^3\. Create the test order PS-SMOKE-\d{14} \(POST \/orders\): POST \/orders → 200$/m);
    expect(text).toContain("   order id field: order_uuid ✓ (assumed)");
    expect(text).toContain('   coupon_used (set by the update): "PARTNER-SYNC-SMOKE" ✓ (as sent)');
    expect(text).toContain("   subtotal: string ✓");
    expect(text).toContain("   referral_records: ");
    expect(text).toMatch(/^Result: Reverb answered as the app assumes/m);
    // What Reverb holds: a test customer and one order without amount or referral, updated once.
    const orders = [...reverb.state.orders.values()];
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ subtotal: "0.00", referral_records: [], updates: 1, coupon_used: "PARTNER-SYNC-SMOKE" });
    expect(reverb.state.findCustomerByEmail(REVERB_SIM_DEFAULTS.websiteUuid, "partner-sync-smoke@example.com")).toBeDefined();
    // Never a secret in what it prints.
    expect(text + err.join("\n")).not.toContain(REVERB_SIM_DEFAULTS.consumerSecret);

    // A second run finds the customer made by the first.
    out = [];
    expect(await smoke("reverb")).toBe(0);
    expect(printed()).toContain("customer uuid field: data.customer.uuid: string ✓");
    expect(reverb.state.customers.size).toBe(1);
  });

  it("Reverb answering the order's id as `uuid`, and amounts as numbers: each printed as a difference the app copes with", async () => {
    reverb.options.orderAnswer = "uuid";
    expect(await smoke("reverb")).toBe(0);
    expect(printed()).toContain("   order id field: uuid ~ (assumed order_uuid, a string)");

    out = [];
    reverb.options.orderAnswer = "numbers";
    expect(await smoke("reverb")).toBe(0);
    expect(printed()).toMatch(/^ {3}subtotal: number ~ \(assumed string; the app reads this too\)$/m);
    expect(printed()).toContain("   order id field: order_uuid, a number ~ (assumed order_uuid, a string)");
  });

  it("Reverb accepting the order with an empty body: the app cannot read its id, says what it would do, exits 1", async () => {
    reverb.options.orderAnswer = "empty";

    expect(await smoke("reverb")).toBe(1);

    expect(printed()).toContain("   order id field: none ✗ (assumed order_uuid)");
    expect(printed()).toContain("   the app could not read the order's id: the job would wait for the merchant (never a second POST) ✗");
    expect(reverb.state.orders.size).toBe(1);
  });

  it("TestFreaks: upserts a test order that invites no one, then reads it back", async () => {
    expect(await smoke("testfreaks")).toBe(0);

    const text = printed();
    expect(text).toMatch(/^1\. Upsert the test order partner-sync-smoke-\d{14} \(POST \/orders\): POST \/orders → 200$/m);
    expect(text).toContain("   items[0].reviewable: false ✓ (as sent)");
    expect(text).toMatch(/^2\. Read the test order back .*: GET \/orders\/partner-sync-smoke-\d{14} → 200$/m);
    const [order] = testfreaks.state.orders;
    expect(order?.items.map((i) => [i.id, i.reviewable, i.delivery_date])).toEqual([["PARTNER-SYNC-SMOKE", false, null]]);
  });

  it("TestFreaks refusing the order: prints the partner's own message and exits 1", async () => {
    testfreaks.knobs.failNext = { count: 1, status: 200, body: { errors: ["items[0]: unknown field properties"] } };

    expect(await smoke("testfreaks")).toBe(1);

    expect(printed()).toContain("the app's client failed: TestFreaks answered 200: items[0]: unknown field properties ✗");
    expect(printed()).toMatch(/^Result: ✗ above: a call to TestFreaks failed, or it answered something the app cannot use\.$/m);
  });

  it("Revers.io taking the secret only as ?secret=: both token calls printed, the one that worked marked, never the secret", async () => {
    reversio.setSecretForms(["query"]);

    expect(await smoke("reversio")).toBe(0);

    expect(printed()).toMatch(/token \(secret as Ocp-Apim-Secret-Value header\): HTTP 40\d ~/);
    expect(printed()).toContain("token (secret as ?secret= query): HTTP 200 ✓");
    expect(printed() + err.join("\n")).not.toContain(REVERSIO_SIM_KEYS.secretValue);
  });

  it("Revers.io: a token, a read, then a test import read back", async () => {
    expect(await smoke("reversio")).toBe(0);

    const text = printed();
    expect(text).toContain("token (secret as Ocp-Apim-Secret-Value header): HTTP 200 ✓");
    expect(text).toMatch(/token exp: in \d+ min ✓/);
    expect(text).toMatch(/^2\. Ask for the unknown order PS-SMOKE-\d{14} .*→ 404$/m);
    expect(text).toMatch(/orderReference: "PS-SMOKE-\d{14}" ✓ \(as sent\)/);
    expect(reversio.state.orders.map((o) => o.orderReference)).toEqual([expect.stringMatching(/^PS-SMOKE-\d{14}$/)]);
    // The token never appears, nor the secret.
    expect(text).not.toContain(REVERSIO_SIM_KEYS.secretValue);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});

describe("partner:smoke refuses production", () => {
  it("refuses the partner's production URL (the app's default) and calls nothing", async () => {
    io.env = { ENCRYPTION_KEY: io.env.ENCRYPTION_KEY };

    expect(await smoke("reverb")).toBe(1);
    expect(await smoke("testfreaks")).toBe(1);

    expect(err[0]).toBe("Refused: https://reverbapi.trackstreet.com/api/v1 is not a test environment (the partner's production API).");
    expect(err.join("\n")).toMatch(/To run against this URL anyway, add --production\./);
    expect(err.join("\n")).toContain("Refused: https://api.testfreaks.com/v1 is not a test environment");
    expect(out).toHaveLength(0);
  });

  it("refuses Revers.io's production environment chosen in the settings", async () => {
    const keyring = createKeyring(io.env.ENCRYPTION_KEY!);
    await savePartnerConfig(store.db, keyring, SHOP, connectors.reversio, { ...REVERSIO_SIM_KEYS, environment: "production" });
    io.env = { ENCRYPTION_KEY: io.env.ENCRYPTION_KEY };

    expect(await smoke("reversio")).toBe(1);
    expect(err[0]).toBe("Refused: https://customer-api.revers.io/api/v1 is not a test environment (the partner's production API).");
    expect(err[1]).toMatch(/choose the sandbox environment in the shop's Revers.io settings/);
  });

  it("refuses a URL not marked as a test environment, and runs against it with --production after a warning", async () => {
    io.env = { ...io.env, TESTFREAKS_API_URL: unmarked(testfreaks.url) };

    expect(await smoke("testfreaks")).toBe(1);
    expect(err[0]).toMatch(/is not a test environment \(its host is not marked as a sandbox or test environment\)/);
    expect(testfreaks.log).toHaveLength(0);

    err = [];
    expect(await smoke("testfreaks", "--production")).toBe(0);
    expect(err[0]).toMatch(/^WARNING: --production: .* is treated as TestFreaks's production API/);
    expect(printed()).toMatch(/\(PRODUCTION\)$/m);
    expect(testfreaks.state.orders).toHaveLength(1);
  });

  it("with --production, Revers.io stays read-only: an imported order cannot be taken back", async () => {
    io.env = { ...io.env, REVERSIO_API_URL: unmarked(reversio.apiUrl) };

    expect(await smoke("reversio", "--production")).toBe(0);

    expect(printed()).toMatch(/^3\. Import a test order\n {3}not run: an imported order is final at Revers\.io/m);
    expect(reversio.state.orders).toHaveLength(0);
  });
});
