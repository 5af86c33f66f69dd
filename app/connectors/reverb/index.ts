// The Reverb connector: plan (pure, map.ts) and push (client.ts), wired the way
// the worker expects (app/connectors/types.ts).
import type { Connector, PushContext, VerifyResult } from "../types";
import { PartnerError, SyncSkipped } from "../errors";
import { createReverbClient, type ReverbClient } from "./client";
import { planReverbOrder, type ReverbPlanRequest } from "./map";
import { reverbConfigSchema, type ReverbConfig, type ReverbCustomerRequest, type ReverbOrderRequest } from "./schema";

export const REVERB_DEFAULT_BASE_URL = "https://reverbapi.trackstreet.com/api/v1";

/** PartnerCache kind for customer (advocate) uuids, keyed by lowercased email (docs/partners/reverb.md: per shop and email). */
const CUSTOMER_CACHE_KIND = "customer";

/** An address that cannot belong to anyone (RFC 2606 `.invalid`): looking it up proves the credentials and changes nothing. */
const VERIFY_PROBE_EMAIL = "connection-check@example.invalid";

export const reverbConnector: Connector<ReverbConfig, ReverbPlanRequest> = {
  id: "reverb",
  displayName: "Reverb",
  configSchema: reverbConfigSchema,
  secretKeys: ["consumerKey", "consumerSecret"],
  baseUrl: (_config, env) => env.REVERB_API_URL ?? REVERB_DEFAULT_BASE_URL,
  plan: planReverbOrder,

  async push(request, ctx) {
    // Reverb has no cancel call and nothing to credit on an order that never
    // stood: one it does not know yet is not created cancelled or emptied.
    if (ctx.remoteId === null && (request.cancelled || request.order.order_items.length === 0)) {
      throw new SyncSkipped(
        request.cancelled
          ? `Order ${request.order.order_number} was cancelled before it reached Reverb: there is nothing to record.`
          : `Every item of order ${request.order.order_number} was refunded before it reached Reverb: there is nothing to record.`,
      );
    }
    const client = createReverbClient(ctx.deps, ctx.config);
    const customer = await ensureCustomer(client, ctx, request.customer);
    const { website_uuid, ...orderFields } = request.order;
    const body: ReverbOrderRequest = { website_uuid, customer_uuid: customer.uuid, ...orderFields };

    try {
      if (ctx.remoteId !== null) {
        // Every later change (edit, refund, cancel) is an update of the order we created (docs/partners/reverb.md).
        const { httpStatus } = await client.updateOrder(ctx.remoteId, body);
        return { remoteId: ctx.remoteId, httpStatus, sent: body };
      }
      if (ctx.previousOutcomeUncertain) {
        // Known risk: the last POST may have been applied without us reading the
        // uuid, and Reverb documents no way to find an order by its number (only
        // GET /orders/{order_uuid}), nor what it does with a repeated order_number.
        // Holding the order back would leave it out of Reverb for good, so we post
        // again and say so in the log for an operator to check for a duplicate.
        ctx.deps.logger.warn("reverb: re-posting an order whose previous attempt had no clear answer; a duplicate is possible", {
          shop: ctx.shop,
          orderNumber: body.order_number,
        });
      }
      const { orderUuid, httpStatus } = await client.createOrder(body);
      return { remoteId: orderUuid, httpStatus, sent: body };
    } catch (error) {
      // A refused order with a remembered advocate may mean the advocate was
      // removed in Reverb: forget it so that the merchant's resync looks it up again.
      if (customer.fromCache && error instanceof PartnerError && error.failureClass === "permanent") {
        await ctx.cache.delete(CUSTOMER_CACHE_KIND, customerCacheKey(request.customer.email));
      }
      throw error;
    }
  },

  async verify(config, deps): Promise<VerifyResult> {
    const client = createReverbClient(deps, config);
    try {
      await client.findCustomer(VERIFY_PROBE_EMAIL);
      return { status: "valid", message: `Reverb accepted the consumer key and secret for website ${config.websiteUuid}.` };
    } catch (error) {
      if (!(error instanceof PartnerError)) return { status: "unreachable", message: error instanceof Error ? error.message : String(error) };
      // A refused key, or a website these keys do not reach: either way the settings are wrong.
      if (error.failureClass === "credentials" || error.failureClass === "permanent") return { status: "invalid_credentials", message: error.message };
      return { status: "unreachable", message: error.message };
    }
  },
};

function customerCacheKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The advocate uuid for the order's email: remembered, else looked up, else
 * created ("create customer record before calling order API function",
 * reverb-orders.txt). Looking up before creating makes a retry after an
 * uncertain creation find the first one instead of making a second.
 */
async function ensureCustomer(
  client: ReverbClient,
  ctx: PushContext<ReverbConfig>,
  customer: ReverbCustomerRequest,
): Promise<{ uuid: string; fromCache: boolean }> {
  const key = customerCacheKey(customer.email);
  const cached = await ctx.cache.get(CUSTOMER_CACHE_KIND, key);
  if (cached) return { uuid: cached, fromCache: true };

  let uuid = (await client.findCustomer(customer.email))?.uuid;
  if (!uuid) {
    try {
      uuid = await client.createCustomer(customer);
    } catch (error) {
      // Another job for the same email may have created the advocate since our lookup.
      if (!(error instanceof PartnerError) || error.failureClass !== "permanent") throw error;
      const createdMeanwhile = await client.findCustomer(customer.email);
      if (!createdMeanwhile) throw error;
      uuid = createdMeanwhile.uuid;
    }
  }
  await ctx.cache.set(CUSTOMER_CACHE_KIND, key, uuid);
  return { uuid, fromCache: false };
}

export { createReverbClient } from "./client";
export type { ReverbClient } from "./client";
export type { ReverbPlanRequest } from "./map";
export type { ReverbConfig } from "./schema";
