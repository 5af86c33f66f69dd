// Reverb's round trip for partner:smoke (app/cli/partner-smoke.ts): find or create the test
// customer, create a test order with no amount and no referral, update it, read it back.
import { at, expectKind, expectValue, kind, single, SMOKE_EMAIL, SMOKE_SKU, SMOKE_TITLE, type Findings, type PartnerSmoke, type SmokeRun } from "../smoke-kit";
import type { ClientDeps } from "../types";
import { createReverbClient } from "./client";
import type { ReverbConfig } from "./schema";

/** Which field carries Reverb's order id: `order_uuid`, a string, is what the app assumes (docs/partners/reverb.md); it reads `uuid`, `id` and numbers too. */
function expectOrderId(f: Findings, order: unknown, needed: boolean) {
  const field = ["order_uuid", "uuid", "id"].find((k) => at(order, k) !== undefined && at(order, k) !== null);
  const value = field ? at(order, field) : undefined;
  if (field === "order_uuid" && typeof value === "string") return f.add("✓", "order id field: order_uuid ✓ (assumed)");
  if (field) return f.add("~", `order id field: ${field}${typeof value === "string" ? "" : `, a ${kind(value)}`} ~ (assumed order_uuid, a string)`);
  f.add(needed ? "✗" : "~", `order id field: none ${needed ? "✗" : "~"} (assumed order_uuid)`);
}

async function reverbRoundTrip(run: SmokeRun, deps: ClientDeps, config: ReverbConfig, stamp: string) {
  const client = createReverbClient(deps, config);
  const customer = await run.step("Find the test customer (GET /customers/{website}/{email})", async (f) => {
    const found = await client.findCustomer(SMOKE_EMAIL);
    if (!found) f.add("✓", "customer: not there yet (the app then creates it) ✓");
    else expectKind(f, "customer uuid field: data.customer.uuid", found.uuid, "string", { needed: true });
    return found?.uuid ?? null;
  });
  if (customer === undefined) return;
  const customerUuid =
    customer ??
    (await run.step("Create the test customer (POST /customers)", async (f) => {
      const uuid = await client.createCustomer({ website_uuid: config.websiteUuid, email: SMOKE_EMAIL, first_name: "Partner Sync", last_name: "Smoke test", customer_id: "partner-sync-smoke" });
      const answer = run.last("POST", "/customers")?.body;
      expectKind(f, "response.code", at(answer, "response", "code"), "string", { alsoRead: ["number"] });
      expectKind(f, "customer uuid field: data.customer.uuid", at(answer, "response", "data", "customer", "uuid"), "string", { needed: true });
      return uuid;
    }));
  if (!customerUuid) return;

  const orderNumber = `PS-SMOKE-${stamp}`;
  const item = { product_id: SMOKE_SKU, price: "0.00", quantity: "1", product_title: SMOKE_TITLE, product_url: "https://example.com/partner-sync-smoke" };
  // No amount and no referral record: a test order that can earn no one a commission.
  const order = { website_uuid: config.websiteUuid, customer_uuid: customerUuid, order_number: orderNumber, subtotal: "0.00", order_items: [item] };
  const orderUuid = await run.step(`Create the test order ${orderNumber} (POST /orders)`, async (f) => {
    const created: { orderUuid: string | null } = await client.createOrder(order);
    const answer = run.last("POST", "/orders")?.body;
    expectKind(f, "response.code", at(answer, "response", "code"), "string", { alsoRead: ["number"] });
    const data = at(answer, "response", "data", "order");
    expectKind(f, "data.order", data, "object", { alsoRead: ["one-element array"] });
    expectOrderId(f, single(data), true);
    for (const key of ["subtotal", "order_number", "customer_uuid"] as const) {
      if (at(single(data), key) !== undefined) expectValue(f, key, at(single(data), key), order[key]);
    }
    if (!created.orderUuid) f.add("✗", "the app could not read the order's id: the job would wait for the merchant (never a second POST)");
    else f.add("✓", `the app read the order's id: ${created.orderUuid} ✓`);
    return created.orderUuid ?? undefined;
  });
  if (!orderUuid) return;

  const updated = { ...item, product_title: `${SMOKE_TITLE} (updated)` };
  await run.step("Update the test order (PUT /orders/{order_uuid})", async (f) => {
    await client.updateOrder(orderUuid, { subtotal: "0.00", order_items: [updated], coupon_used: "PARTNER-SYNC-SMOKE" });
    expectKind(f, "response.code", at(run.last("PUT", "/orders/")?.body, "response", "code"), "string", { alsoRead: ["number"] });
  });
  await run.step("Read the test order back (GET /orders/{order_uuid})", async (f) => {
    const read = await client.getOrder(orderUuid);
    const data = single(at(run.last("GET", "/orders/")?.body, "response", "data", "order"));
    if (!read) f.add("✗", "the app found no order under the id Reverb gave ✗");
    expectOrderId(f, data, false);
    expectValue(f, "order_number", at(data, "order_number"), orderNumber);
    expectKind(f, "subtotal", at(data, "subtotal"), "string", { alsoRead: ["number"] });
    expectValue(f, "subtotal", at(data, "subtotal"), "0.00");
    expectValue(f, "customer_uuid", at(data, "customer_uuid"), customerUuid);
    expectValue(f, "coupon_used (set by the update)", at(data, "coupon_used"), "PARTNER-SYNC-SMOKE", true);
    const items = at(data, "order_items") ?? at(data, "items");
    expectKind(f, "order_items", items, "one-element array", { needed: true });
    const first = single(items);
    expectValue(f, "order_items[0].product_title (set by the update)", at(first, "product_title"), updated.product_title, true);
    expectKind(f, "order_items[0].price", at(first, "price"), "string", { alsoRead: ["number"] });
    expectKind(f, "order_items[0].quantity", at(first, "quantity"), "string", { alsoRead: ["number"] });
    const referrals = at(data, "referral_records");
    // None were sent: records appearing here would mean Reverb makes some up (or keeps old ones).
    if (referrals === undefined || referrals === null || (Array.isArray(referrals) && referrals.length === 0)) f.add("✓", `referral_records: ${kind(referrals)} ✓ (none sent)`);
    else f.add("✗", `referral_records: ${kind(referrals)} ✗ (none sent)`);
  });
}

export const reverbSmoke: PartnerSmoke<ReverbConfig> = {
  sandboxHint: (variable) => `set ${variable} to the test environment TrackStreet gave you`,
  productionNote: "A test customer and order (no amount, no referral) are created in the merchant's live Reverb account; the API cannot remove them.",
  orderName: (stamp) => `PS-SMOKE-${stamp}`,
  roundTrip: (run, deps, config, stamp) => reverbRoundTrip(run, deps, config, stamp),
};
