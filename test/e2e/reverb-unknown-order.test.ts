// The order page in the browser for an order Reverb accepted without saying its id
// (docs/partners/reverb.md "One order is one Reverb order"): the job waits for the
// merchant, who links it by the id from Reverb's dashboard, or marks it handled. A
// banner on every page says the order waits until then.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_START_TIMEOUT_MS, E2E_TEST_TIMEOUT_MS, expectText, startE2E, type E2E } from "./harness";
import { settled, setUpPartners, shopifySends } from "./orders-given";

const SHOP_LINK = "reverb-link.myshopify.com";
const SHOP_HANDLED = "reverb-handled.myshopify.com";
const ORDER_1001 = "5492763623680";

describe("an order Reverb accepted without its id, in the browser", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ name: "reverb-unknown-order" });
    await setUpPartners(e2e, SHOP_LINK, ["reverb"]);
    await setUpPartners(e2e, SHOP_HANDLED, ["reverb"]);
    // Reverb creates the orders but answers their POST with an empty 200.
    e2e.standIns.reverb.options.orderAnswer = "empty";
  }, E2E_START_TIMEOUT_MS);
  afterAll(() => e2e?.close());

  it(
    "the page says so and links the order by the id pasted from Reverb, checked with Reverb first; the job then syncs without a second POST",
    async () => {
      await shopifySends(e2e, SHOP_LINK, "orders/create", "orders-create.discount-code-cad");
      const [job] = await settled(e2e, SHOP_LINK);
      expect([job!.status, job!.createState]).toEqual(["paused", "accepted_without_id"]);
      const uuid = [...e2e.standIns.reverb.state.orders.values()].find((order) => order.order_number === "#1001")!.order_uuid;

      const page = await e2e.openEmbedded(`/app/orders/${ORDER_1001}`, { shop: SHOP_LINK });
      const text = await expectText(page, "Reverb accepted order #1001 but did not say its id");
      expect(text).toContain("Is this order in Reverb?");
      await e2e.screenshot(page, "order-reverb-unknown-id");

      await page.getByLabel("The order's id in Reverb").fill("00000000-0000-4000-8000-000000000000");
      await page.getByRole("button", { name: "Look it up and link it" }).click();
      await expectText(page, "Reverb has no order 00000000-0000-4000-8000-000000000000");

      await page.getByLabel("The order's id in Reverb").fill(uuid);
      await page.getByRole("button", { name: "Look it up and link it" }).click();
      await page.waitForFunction(() => !document.body.innerText.includes("Is this order in Reverb?"), undefined, { timeout: 15_000 });
      await settled(e2e, SHOP_LINK);
      await page.reload();
      const linked = await expectText(page, uuid);
      expect(linked).not.toContain("Is this order in Reverb?");
      const after = await e2e.db.syncJob.findFirstOrThrow({ where: { shop: SHOP_LINK, orderId: ORDER_1001, partner: "reverb" } });
      expect([after.status, after.remoteId, after.createState]).toEqual(["synced", uuid, null]);
      const posts = e2e.standIns.reverb.log.filter((entry) => entry.method === "POST" && entry.path === "/orders" && (entry.body as { order_number?: string }).order_number === "#1001");
      expect(posts).toHaveLength(1);
    },
    E2E_TEST_TIMEOUT_MS,
  );

  it(
    "mark it handled: the order is skipped with that reason and never posted again; the banner saying it waits goes",
    async () => {
      await shopifySends(e2e, SHOP_HANDLED, "orders/create", "orders-create.discount-code-cad");
      await settled(e2e, SHOP_HANDLED);

      const page = await e2e.openEmbedded(`/app/orders/${ORDER_1001}`, { shop: SHOP_HANDLED });
      await expectText(page, "Is this order in Reverb?");
      await expectText(page, "1 order waits for you in Reverb");
      await page.getByRole("button", { name: "Mark it handled (the app sends nothing to Reverb for it)" }).click();
      await page.waitForFunction(() => !document.body.innerText.includes("Is this order in Reverb?"), undefined, { timeout: 15_000 });
      await page.waitForFunction(() => !document.body.innerText.includes("1 order waits for you in Reverb"), undefined, { timeout: 15_000 });
      expect(await e2e.db.alert.findFirstOrThrow({ where: { shop: SHOP_HANDLED, kind: "waiting_for_merchant" } })).toMatchObject({ resolvedBy: "orders_settled", openKey: null });
      const text = await expectText(page, "You marked Order #1001 as handled in Reverb");
      expect(text).toContain("Skipped");
      await e2e.screenshot(page, "order-reverb-handled");

      const job = await e2e.db.syncJob.findFirstOrThrow({ where: { shop: SHOP_HANDLED, orderId: ORDER_1001, partner: "reverb" } });
      expect([job.status, job.createState, job.remoteId]).toEqual(["skipped", "handled", null]);
    },
    E2E_TEST_TIMEOUT_MS,
  );
});
