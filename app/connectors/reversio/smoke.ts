// Revers.io's round trip for partner:smoke (app/cli/partner-smoke.ts): a token and the model
// types, an unknown order asked for, then (sandbox only: an import is final) a test model
// and a test order imported and read back.
import { at, expectKind, expectValue, kind, SMOKE_EMAIL, SMOKE_SKU, SMOKE_TITLE, type PartnerSmoke, type SmokeRun } from "../smoke-kit";
import type { ClientDeps } from "../types";
import { memoryPartnerCache } from "~/sync/partner-cache.server";
import { createReversioClient } from "./client";
import { resolveModelIds } from "./models";
import type { ReversioConfig, ReversioImportOrderRequest } from "./schema";
import { jwtExpiryMs } from "./token";

async function reversioRoundTrip(run: SmokeRun, deps: ClientDeps, config: ReversioConfig, stamp: string, production: boolean) {
  const cache = memoryPartnerCache(deps.now);
  const client = createReversioClient(deps, config, cache);
  const modelTypes = await run.step("Token, then the model types (GET /token, GET /catalog/modelTypes)", async (f) => {
    const types = await client.listModelTypes();
    for (const token of run.calls("GET", "/token")) {
      f.add(token.status < 300 ? "✓" : "~", `token (secret as ${token.secretInQuery ? "?secret= query" : "Ocp-Apim-Secret-Value header"}): HTTP ${token.status}${token.status < 300 ? " ✓" : " ~"}`);
    }
    const jwt = at(run.last("GET", "/token")?.body, "value");
    expectKind(f, "token value", jwt, "string", { needed: true });
    const expiry = typeof jwt === "string" ? jwtExpiryMs(jwt) : null;
    if (expiry === null) f.add("~", "token exp: unreadable ~ (the app then assumes one hour)");
    else f.add("✓", `token exp: in ${Math.round((expiry - deps.now().getTime()) / 60_000)} min ✓`);
    const value = at(run.last("GET", "/catalog/modelTypes")?.body, "value");
    f.add(Array.isArray(value) ? "✓" : "✗", `model types (value): ${kind(value)}`);
    f.add(types.length > 0 ? "✓" : "~", `model types the app read: ${types.length}`);
    return types;
  });
  if (!modelTypes) return;
  const reference = `PS-SMOKE-${stamp}`;
  await run.step(`Ask for the unknown order ${reference} (GET /orders/{reference}/status)`, async (f) => {
    const status = await client.getOrderStatus(reference);
    const answer = run.last("GET", "/orders/");
    f.add(
      status === null ? "✓" : "✗",
      `not found: HTTP ${answer?.status}${at(answer?.body, "isNotFound") === true ? ", isNotFound: true" : ""} ${status === null ? "✓" : "✗ (the app took it for a known order)"}`,
    );
  });
  if (production) {
    run.skipped("Import a test order", "an imported order is final at Revers.io (no update or cancel call): against production the check stays read-only");
    return;
  }
  const modelTypeId = config.modelTypeId ?? modelTypes[0]?.id;
  if (!modelTypeId) return run.skipped("Import a test order", "the catalog lists no model type to create the test model with");
  const modelIds = await run.step(`Find or create the test model ${SMOKE_SKU} (GET /catalog/models/bySku, PUT /catalog/brands, PUT /catalog/models)`, async (f) => {
    const planned = [{ orderLineReference: "smoke-1", price: { amount: 0, currency: "EUR" as const }, sku: SMOKE_SKU, brandName: "Partner Sync smoke test", label: SMOKE_TITLE, photoUrl: null }];
    const ids = await resolveModelIds(client, planned, { ...config, createMissingModels: true, modelTypeId }, cache);
    expectKind(f, "model id", ids.get(SMOKE_SKU), "string", { needed: true });
    return ids;
  });
  if (!modelIds) return;
  const body: ReversioImportOrderRequest = {
    orderReference: reference,
    civility: "NotSet",
    customerFirstName: "Partner Sync",
    customerLastName: "Smoke test",
    customerMail: SMOKE_EMAIL,
    purchaseDateUtc: deps.now().toISOString(),
    products: [{ modelId: modelIds.get(SMOKE_SKU)!, price: { amount: 0, currency: "EUR" }, orderLineReference: "smoke-1" }],
    shippingPrice: { amount: 0, currency: "EUR" },
    salesChannel: config.salesChannel,
    ...(config.storePurchasedAt ? { storePurchasedAt: config.storePurchasedAt } : {}),
  };
  const imported = await run.step(`Import the test order ${reference} (PUT /orders)`, async (f) => {
    const { orderId } = await client.importOrder(body);
    const answer = run.last("PUT", "/orders")?.body;
    expectKind(f, "value (the order's id)", at(answer, "value"), "string", { needed: true });
    const failure = at(answer, "failure");
    f.add(failure === true ? "✗" : "✓", `failure: ${kind(failure)}${failure === undefined ? "" : ` ${String(failure)}`}`);
    return orderId;
  });
  if (!imported) return;
  await run.step(`Read the test order back (GET /orders/${reference}/status)`, async (f) => {
    const status = await client.getOrderStatus(reference);
    if (!status) f.add("✗", "the app found no order under the reference it imported ✗");
    const value = at(run.last("GET", "/orders/")?.body, "value");
    expectValue(f, "orderReference", at(value, "orderReference"), reference);
    expectKind(f, "orderLines", at(value, "orderLines"), "one-element array");
    expectValue(f, "orderId", at(value, "orderId"), imported, false, "the import answered");
  });
}

export const reversioSmoke: PartnerSmoke<ReversioConfig> = {
  sandboxHint: (variable) => `choose the sandbox environment in the shop's Revers.io settings (or set ${variable})`,
  productionNote: "Read-only there: a token and two reads, no import (an imported order is final).",
  orderName: (stamp) => `PS-SMOKE-${stamp}`,
  roundTrip: reversioRoundTrip,
};
