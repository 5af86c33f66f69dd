// TestFreaks' round trip for partner:smoke (app/cli/partner-smoke.ts): upsert a test order
// that is not reviewable and has no delivery date (no invitation goes out), read it back.
import { at, expectKind, expectValue, kind, single, SMOKE_EMAIL, SMOKE_SKU, SMOKE_TITLE, type Findings, type PartnerSmoke, type SmokeRun } from "../smoke-kit";
import type { ClientDeps } from "../types";
import { createTestfreaksClient } from "./client";
import type { TestfreaksConfig } from "./schema";

async function testfreaksRoundTrip(run: SmokeRun, deps: ClientDeps, config: TestfreaksConfig, stamp: string) {
  const client = createTestfreaksClient(deps, config);
  const orderId = `partner-sync-smoke-${stamp}`;
  // Not reviewable and no delivery date: TestFreaks sends no invitation for it.
  const item = { id: SMOKE_SKU, reviewable: false, name: SMOKE_TITLE, properties: { Size: "M" } };
  const request = { order: { id: orderId, customer: { id: "partner-sync-smoke", name: "Partner Sync smoke test", email: SMOKE_EMAIL }, items: [item] } };
  const checkOrder = (f: Findings, data: unknown) => {
    expectValue(f, "id", at(data, "id"), orderId, true);
    expectValue(f, "customer.id", at(data, "customer", "id"), request.order.customer.id);
    expectValue(f, "customer.email", at(data, "customer", "email"), SMOKE_EMAIL);
    const items = at(data, "items");
    expectKind(f, "items", items, "one-element array");
    expectValue(f, "items[0].id", at(single(items), "id"), SMOKE_SKU);
    expectValue(f, "items[0].reviewable", at(single(items), "reviewable"), false, true);
    expectValue(f, "items[0].properties.Size", at(single(items), "properties", "Size"), "M");
  };
  const upserted = await run.step(`Upsert the test order ${orderId} (POST /orders)`, async (f) => {
    await client.upsertOrder(request);
    const answer = run.last("POST", "/orders")?.body;
    expectKind(f, "data", at(answer, "data"), "one-element array", { alsoRead: ["object"], needed: true });
    const errors = at(answer, "errors");
    f.add(errors === undefined || errors === null || (Array.isArray(errors) && errors.length === 0) ? "✓" : "✗", `errors: ${kind(errors)}`);
    checkOrder(f, single(at(answer, "data")));
    return true;
  });
  if (!upserted) return;
  await run.step("Read the test order back (GET /orders/{id})", async (f) => {
    const read = await client.getOrder(orderId);
    if (!read) f.add("✗", "the app found no order under that id ✗");
    const answer = run.last("GET", "/orders/")?.body;
    expectKind(f, "data", at(answer, "data"), "object", { alsoRead: ["one-element array"], needed: true });
    checkOrder(f, single(at(answer, "data")));
  });
}

export const testfreaksSmoke: PartnerSmoke<TestfreaksConfig> = {
  sandboxHint: (variable) => `set ${variable} to the test environment TestFreaks gave you`,
  productionNote: "A test order (not reviewable, no delivery date) is created in the merchant's live TestFreaks account; the API cannot remove it.",
  orderName: (stamp) => `partner-sync-smoke-${stamp}`,
  roundTrip: (run, deps, config, stamp) => testfreaksRoundTrip(run, deps, config, stamp),
};
