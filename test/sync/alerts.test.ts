// Alerts: the merchant hears about a partner refusing the credentials, or
// failing again and again, without opening the app: a banner on every admin
// page while the incident is open, and an email to the shop's contact address
// (a real SMTP server here; what it received is read back and checked).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { querySyncLog } from "~/admin/sync-log.server";
import { linkReverbOrder, markReverbOrderHandled } from "~/connectors/reverb/order-page.server";
import { reverbConnector } from "~/connectors/reverb";
import { testfreaksConnector } from "~/connectors/testfreaks";
import { silentLogger } from "~/logger";
import { openAlerts, raiseAlert, raiseWaitingAlerts, sendAlertEmails, setAlertEmails, type AlertMailDeps } from "~/sync/alerts.server";
import { pausePartner, savePartnerConfig } from "~/sync/partner-config.server";
import type { Worker } from "~/sync/worker.server";
import { loadFixture } from "../fixtures/shopify";
import { REVERB_SIM_DEFAULTS, startReverbSimulator, type ReverbSimulator } from "../simulators/reverb";
import { TESTFREAKS_SIM_API_KEY, TESTFREAKS_SIM_CLIENT_ID } from "../simulators/testfreaks";
import { fakeClock, TEST_SECRET } from "../support/harness";
import { SMTP_PASSWORD, startSmtpSink, type SmtpSink } from "../support/smtp";
import { SHOP, startClockedPipeline, type Pipeline } from "./fixtures";

const HOUR = 3_600_000;
const ORDERS = ["orders-create.discount-code-cad", "orders-updated.tracking-delivered-usd", "orders-create.gbp-presentment"];

let smtp: SmtpSink;
let reverb: ReverbSimulator;
let p: Pipeline;
let worker: Worker;
const clock = fakeClock();

beforeEach(async () => {
  smtp = await startSmtpSink();
  reverb = await startReverbSimulator();
  ({ p, worker } = await startClockedPipeline(clock, {
    env: { SMTP_URL: smtp.url, ALERT_EMAIL_FROM: "Partner Sync <alerts@partner-sync.example>", ALERT_FAILURE_THRESHOLD: "3", REVERB_API_URL: reverb.url },
  }));
});
afterEach(async () => {
  await worker.stop();
  await p.close();
  await smtp.close();
  await reverb.close();
});

const mailDeps = (): AlertMailDeps => ({ db: p.h.ctx.db, env: p.h.ctx.runner.env, logger: p.h.ctx.logger, shopContact: p.h.ctx.runner.shopContact! });
const sendEmails = () => sendAlertEmails(mailDeps(), clock.now());
/** Runs what is due, a few seconds apart: the lane's token bucket (on the test's clock) lets about two requests go at once. */
const runDueSpread = async () => {
  for (let i = 0; i < 3; i++) {
    await worker.runDue();
    clock.advance(2_000);
  }
};
const placeOrders = async (names = ORDERS) => {
  for (const name of names) expect((await p.send("orders/create", loadFixture(name))).status).toBe(200);
};

/** Nothing an alert email carries may be a secret or a customer's personal data (the fixtures' buyer is Jane Doe at example.com). */
function expectNoSecretsOrPersonalData(raw: string) {
  for (const secret of [TESTFREAKS_SIM_API_KEY, REVERB_SIM_DEFAULTS.consumerKey, REVERB_SIM_DEFAULTS.consumerSecret, TEST_SECRET, SMTP_PASSWORD, p.h.ctx.env.ENCRYPTION_KEY]) {
    expect(raw).not.toContain(secret);
  }
  // Whole words: "does" is not the buyer's name.
  expect(raw).not.toMatch(/\b(jane|doe)\b|5555550100|447700900000|example (street|way)|examplestrasse/i);
  // The only addresses are the sender's and the shop's own.
  const addresses = new Set(raw.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? []);
  expect([...addresses].filter((a) => a !== "owner@example.com" && a !== "alerts@partner-sync.example" && !a.endsWith("@partner-sync.example"))).toEqual([]);
}

describe("a partner refusing the credentials", () => {
  it("opens one incident: a banner until new credentials are saved, and one email to the shop's contact address", async () => {
    delete p.tf.apiKeys[TESTFREAKS_SIM_API_KEY];
    await placeOrders(ORDERS.slice(0, 2));
    await worker.runDue();

    const banner = await openAlerts(p.h.ctx.db, SHOP, clock.now());
    expect(banner).toMatchObject([
      { partner: "testfreaks", kind: "credentials_refused", title: "TestFreaks refused the saved credentials", actionPath: "/app/partners/testfreaks", dismissible: false },
    ]);

    expect(await sendEmails()).toBe(1);
    expect(await sendEmails()).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to).toEqual(["owner@example.com"]);
    expect(mail!.from).toBe("alerts@partner-sync.example");
    expect(mail!.subject).toBe(`Partner Sync: TestFreaks refused the saved credentials on ${SHOP}`);
    expect(mail!.text).toContain(`https://${SHOP}/admin/apps/test-api-key/app/partners/testfreaks`);
    expectNoSecretsOrPersonalData(mail!.raw);
    // The contact address is kept on the shop: the next email needs no Admin API call.
    expect(await p.h.ctx.db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).toMatchObject({ contactEmail: "owner@example.com" });

    // The merchant saves working credentials: the banner goes.
    p.tf.apiKeys[TESTFREAKS_SIM_API_KEY] = TESTFREAKS_SIM_CLIENT_ID;
    const saved = await savePartnerConfig(p.h.ctx.db, p.h.ctx.keyring, SHOP, testfreaksConnector, { apiKey: TESTFREAKS_SIM_API_KEY, clientId: TESTFREAKS_SIM_CLIENT_ID });
    expect(saved.ok).toBe(true);
    expect(await openAlerts(p.h.ctx.db, SHOP, clock.now())).toEqual([]);
    expect(await p.h.ctx.db.alert.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({ resolvedBy: "credentials_saved", openKey: null });
  });
});

describe("failures passing the threshold within an hour", () => {
  it("open one incident naming only the orders; further failures add nothing; the partner accepting again resolves it", async () => {
    p.tf.knobs.failureRate = 1;
    await placeOrders();
    await runDueSpread();

    const [alert] = await openAlerts(p.h.ctx.db, SHOP, clock.now());
    expect(alert).toMatchObject({ partner: "testfreaks", kind: "failures", title: "TestFreaks is failing", dismissible: true });
    expect(alert!.message).toMatch(/^3 attempts to send orders to TestFreaks failed within an hour/);

    expect(await sendEmails()).toBe(1);
    const [mail] = smtp.received;
    expect(mail!.subject).toBe(`Partner Sync: TestFreaks is failing on ${SHOP}`);
    expect(mail!.text).toContain("Orders affected include #1001, #23301, #29448.");
    expectNoSecretsOrPersonalData(mail!.raw);

    // The retries fail too: still one incident, no second email.
    clock.advance(HOUR);
    await runDueSpread();
    expect(await p.h.ctx.db.alert.count({ where: { shop: SHOP } })).toBe(1);
    expect(await sendEmails()).toBe(0);

    p.tf.knobs.failureRate = 0;
    clock.advance(2 * HOUR);
    await runDueSpread();
    expect(await openAlerts(p.h.ctx.db, SHOP, clock.now())).toEqual([]);
    expect(await p.h.ctx.db.alert.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({ resolvedBy: "partner_accepted" });
  });

  it("below the threshold, nothing is opened", async () => {
    p.tf.knobs.failureRate = 1;
    await placeOrders(ORDERS.slice(0, 2));
    await worker.runDue();
    expect(await openAlerts(p.h.ctx.db, SHOP, clock.now())).toEqual([]);
  });
});

describe("how often the merchant is emailed", () => {
  it("the first incident goes at once; later ones within 24 h wait for one digest; turned off, nothing goes", async () => {
    const { db } = p.h.ctx;
    await pausePartner(db, SHOP, "testfreaks", "TestFreaks refused the credentials: 401 Unauthorized");
    await raiseAlert(db, SHOP, "testfreaks", "credentials_refused", clock.now());
    expect(await sendEmails()).toBe(1);

    clock.advance(HOUR);
    await raiseAlert(db, SHOP, "reverb", "failures", clock.now(), 7);
    clock.advance(HOUR);
    await raiseAlert(db, SHOP, "reversio", "failures", clock.now(), 5);
    expect(await sendEmails()).toBe(0);

    clock.advance(22 * HOUR);
    expect(await sendEmails()).toBe(1);
    expect(smtp.received).toHaveLength(2);
    const digest = smtp.received[1]!;
    expect(digest.subject).toBe(`Partner Sync: 2 problems on ${SHOP}`);
    expect(digest.text).toContain("Reverb is failing");
    expect(digest.text).toContain("7 attempts to send orders to Reverb failed within an hour");
    expect(digest.text).toContain("Revers.io is failing");
    expect(digest.text).not.toContain("TestFreaks");
    expectNoSecretsOrPersonalData(digest.raw);

    // Turned off in the admin: the banner stays, no email goes.
    await setAlertEmails(db, SHOP, false);
    clock.advance(25 * HOUR);
    await raiseAlert(db, SHOP, "testfreaks", "failures", clock.now(), 9);
    expect(await sendEmails()).toBe(0);
    expect((await openAlerts(db, SHOP, clock.now())).map((a) => `${a.partner} ${a.kind}`).sort()).toEqual([
      "reverb failures",
      "reversio failures",
      "testfreaks credentials_refused",
      "testfreaks failures",
    ]);
    await setAlertEmails(db, SHOP, true);
    expect(await sendEmails()).toBe(1);
    expect(smtp.received).toHaveLength(3);
  });

  it("an incident resolved before its email goes is never emailed; one whose email failed is sent at the next pass", async () => {
    const { db } = p.h.ctx;
    await raiseAlert(db, SHOP, "testfreaks", "failures", clock.now(), 5);
    await db.alert.updateMany({ where: { shop: SHOP }, data: { resolvedAt: clock.now(), openKey: null, resolvedBy: "partner_accepted" } });
    expect(await sendEmails()).toBe(0);

    await raiseAlert(db, SHOP, "reverb", "credentials_refused", clock.now());
    await smtp.close();
    expect(await sendEmails()).toBe(0);
    expect(await db.alert.findFirstOrThrow({ where: { shop: SHOP, partner: "reverb" } })).toMatchObject({ emailedAt: null });
    smtp = await startSmtpSink();
    const env = { ...p.h.ctx.runner.env, SMTP_URL: smtp.url };
    expect(await sendAlertEmails({ ...mailDeps(), env }, clock.now())).toBe(1);
    expect(smtp.received.map((m) => m.subject)).toEqual([`Partner Sync: Reverb refused the saved credentials on ${SHOP}`]);
  });

  it("shop/redact erases the shop's incidents and its kept contact address with everything else", async () => {
    await raiseAlert(p.h.ctx.db, SHOP, "testfreaks", "failures", clock.now(), 5);
    expect(await sendEmails()).toBe(1);
    const body = loadFixture("shop-redact.sample").replace("{shop}.myshopify.com", SHOP);
    expect((await p.send("shop/redact", body)).status).toBe(200);
    expect(await p.h.ctx.db.alert.count({ where: { shop: SHOP } })).toBe(0);
    expect(await p.h.ctx.db.shop.findUnique({ where: { shop: SHOP } })).toBeNull();
  });

  it("two workers' passes at once send one email between them", async () => {
    await raiseAlert(p.h.ctx.db, SHOP, "testfreaks", "failures", clock.now(), 5);
    await raiseAlert(p.h.ctx.db, SHOP, "reverb", "failures", clock.now(), 6);
    await Promise.all([sendEmails(), sendEmails()]);
    await sendEmails();
    expect(smtp.received).toHaveLength(1);
    expect(await p.h.ctx.db.alert.count({ where: { shop: SHOP, emailedAt: null } })).toBe(0);
  });

  it("two raises at once open one incident", async () => {
    const opened = await Promise.all([1, 2, 3].map(() => raiseAlert(p.h.ctx.db, SHOP, "reverb", "failures", clock.now(), 5)));
    expect(opened.filter(Boolean)).toHaveLength(1);
  });
});

describe("orders waiting for the merchant (a Reverb create whose outcome is unknown)", () => {
  /** Reverb set up for the shop (TestFreaks not); its answers to POST /orders carry no id, so each order the worker posts waits for the merchant. */
  const givenReverbAcceptsWithoutId = async () => {
    await p.h.ctx.db.partnerConfig.deleteMany({ where: { shop: SHOP, partner: "testfreaks" } });
    const saved = await savePartnerConfig(p.h.ctx.db, p.h.ctx.keyring, SHOP, reverbConnector, { ...REVERB_SIM_DEFAULTS });
    expect(saved.ok).toBe(true);
    reverb.options.orderAnswer = "empty";
  };
  const waitingJobs = () => p.h.ctx.db.syncJob.findMany({ where: { shop: SHOP, partner: "reverb", createState: "accepted_without_id" }, orderBy: { orderId: "asc" } });
  const nameOf = async (orderId: string) => (await p.h.ctx.db.orderSnapshot.findUniqueOrThrow({ where: { shop_orderId: { shop: SHOP, orderId } } })).orderName;
  const readDeps = () => ({ ...p.h.ctx.runner, logger: silentLogger });

  it("opens one incident when jobs start waiting, naming how many and linking to them; the alert pass opens it for a job found waiting without one", async () => {
    await givenReverbAcceptsWithoutId();
    await placeOrders(ORDERS.slice(0, 2));
    await runDueSpread();
    expect(await waitingJobs()).toHaveLength(2);

    const banner = await openAlerts(p.h.ctx.db, SHOP, clock.now());
    expect(banner).toMatchObject([
      {
        partner: "reverb",
        kind: "waiting_for_merchant",
        title: "2 orders wait for you in Reverb",
        actionPath: "/app/log?partner=reverb&waiting=merchant",
        actionLabel: "See the orders waiting",
        dismissible: false,
      },
    ]);
    expect(banner[0]!.message).toContain("The app does not send them again, which could create a second order");
    // The link shows exactly those orders.
    const log = await querySyncLog(p.h.ctx.db, SHOP, { partner: "reverb", waitingForMerchant: true });
    expect(log.rows.map((row) => row.orderId).sort()).toEqual((await waitingJobs()).map((job) => job.orderId));
    // Another order waiting adds none.
    await placeOrders(ORDERS.slice(2));
    await runDueSpread();
    expect(await p.h.ctx.db.alert.count({ where: { shop: SHOP } })).toBe(1);
    expect((await openAlerts(p.h.ctx.db, SHOP, clock.now()))[0]!.title).toBe("3 orders wait for you in Reverb");

    // An incident that went missing (its attempt could not note it): the alert pass opens it again.
    await p.h.ctx.db.alert.deleteMany({ where: { shop: SHOP } });
    expect(await raiseWaitingAlerts(p.h.ctx.db, clock.now())).toBe(1);
    expect(await raiseWaitingAlerts(p.h.ctx.db, clock.now())).toBe(0);
    expect(await openAlerts(p.h.ctx.db, SHOP, clock.now())).toMatchObject([{ kind: "waiting_for_merchant", title: "3 orders wait for you in Reverb" }]);
  });

  it("resolves once no order waits: one linked to its Reverb id, the other marked handled", async () => {
    await givenReverbAcceptsWithoutId();
    await placeOrders(ORDERS.slice(0, 2));
    await runDueSpread();
    const [first, second] = await waitingJobs();
    const uuidOf = async (orderId: string) => reverb.state.ordersNumbered(REVERB_SIM_DEFAULTS.websiteUuid, await nameOf(orderId))[0]!.order_uuid;

    expect(await linkReverbOrder(readDeps(), SHOP, first!.orderId, await uuidOf(first!.orderId))).toMatchObject({ ok: true });
    // One still waits: the banner says so and links its page.
    expect(await openAlerts(p.h.ctx.db, SHOP, clock.now())).toMatchObject([
      { kind: "waiting_for_merchant", title: "1 order waits for you in Reverb", actionPath: `/app/orders/${second!.orderId}`, actionLabel: "Open the order" },
    ]);

    expect(await markReverbOrderHandled(readDeps(), SHOP, second!.orderId)).toMatchObject({ ok: true });
    expect(await p.h.ctx.db.alert.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({ kind: "waiting_for_merchant", resolvedBy: "orders_settled", openKey: null });
    expect(await openAlerts(p.h.ctx.db, SHOP, clock.now())).toEqual([]);
    // The linked order's update goes as a PUT; the handled one is never posted: nothing waits, nothing reopens.
    reverb.options.orderAnswer = "order_uuid";
    clock.advance(60_000);
    await runDueSpread();
    expect(await raiseWaitingAlerts(p.h.ctx.db, clock.now())).toBe(0);
    expect(await p.h.ctx.db.alert.count({ where: { shop: SHOP, resolvedAt: null } })).toBe(0);
  });

  it("emails the order names and where to act: no customer's personal data, no secret, no partner's text", async () => {
    await givenReverbAcceptsWithoutId();
    await placeOrders(ORDERS.slice(0, 2));
    await runDueSpread();

    expect(await sendEmails()).toBe(1);
    expect(await sendEmails()).toBe(0);
    const [mail] = smtp.received;
    expect(mail!.to).toEqual(["owner@example.com"]);
    expect(mail!.subject).toBe(`Partner Sync: 2 orders wait for you in Reverb on ${SHOP}`);
    const names = (await Promise.all((await waitingJobs()).map((job) => nameOf(job.orderId)))).sort();
    expect(mail!.text).toContain(`Orders affected include ${names.join(", ")}.`);
    expect(mail!.text).toContain(`See the orders waiting: https://${SHOP}/admin/apps/test-api-key/app/log?partner=reverb&waiting=merchant`);
    // Read as sent and as decoded (quoted-printable breaks long lines on the wire).
    expectNoSecretsOrPersonalData(mail!.raw);
    expectNoSecretsOrPersonalData(mail!.text);
    // The job's own sentence (Reverb's answer quoted) stays in the app.
    expect(mail!.raw).not.toContain("did not say its id (");
  });
});
