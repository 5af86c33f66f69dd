// The Reverb connector: plan (pure, map.ts) and push (client.ts), wired the way
// the worker expects (app/connectors/types.ts).
import type { Connector, PushContext, VerifyResult } from "../types";
import { PartnerError, SyncSkipped } from "../errors";
import { CreateOutcomeUnknown, sendCreateUnrecorded, waitingMessage } from "~/sync/create-once.server";
import { connectorIdentity } from "../partner-meta";
import { createReverbClient, type ReverbClient } from "./client";
import { planReverbOrder, type ReverbPlanRequest } from "./map";
import { reverbMeta } from "./meta";
import { reverbOrderPage } from "./order-page.server";
import { reverbConfigSchema, type ReverbConfig, type ReverbCustomerRequest, type ReverbOrderRequest } from "./schema";
import { reverbSmoke } from "./smoke";

const REVERB_NAME = "Reverb";

/** PartnerCache kind for customer (advocate) uuids, keyed by lowercased email (docs/partners/reverb.md: per shop and email). */
const CUSTOMER_CACHE_KIND = "customer";

/** An address that cannot belong to anyone (RFC 2606 `.invalid`): looking it up proves the credentials and changes nothing. */
const VERIFY_PROBE_EMAIL = "connection-check@example.invalid";

export const reverbConnector: Connector<ReverbConfig, ReverbPlanRequest> = {
  ...connectorIdentity<ReverbConfig>(reverbMeta),
  configSchema: reverbConfigSchema,
  baseUrl: (_config, env) => env[reverbMeta.urlVariable] ?? reverbMeta.defaultBaseUrl,
  plan: planReverbOrder,

  async push(request, ctx) {
    const what = `Order ${request.order.order_number}`;
    const record = ctx.remoteId === null ? (ctx.createRecord ?? null) : null;
    if (record) {
      // The POST went out before and its outcome is unknown, or the merchant marked the
      // order handled: Reverb may hold it, and a second POST is a second order (and a
      // second commission). Only the merchant can settle it (docs/partners/reverb.md).
      if (record.state === "handled") throw new SyncSkipped(waitingMessage(REVERB_NAME, what, record, ctx.timeZone));
      throw new CreateOutcomeUnknown(record.state, waitingMessage(REVERB_NAME, what, record, ctx.timeZone));
    }
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
    const { website_uuid, referral_records, ...orderFields } = request.order;
    const body: ReverbOrderRequest = { website_uuid, customer_uuid: customer.uuid, ...orderFields };

    try {
      if (ctx.remoteId !== null) {
        // Every later change (edit, refund, cancel) is an update of the order we created
        // (docs/partners/reverb.md), without referral_records: they belong to the first POST
        // only, since Reverb may append them and credit the advocate again.
        const { httpStatus } = await client.updateOrder(ctx.remoteId, body);
        return { remoteId: ctx.remoteId, httpStatus, sent: body };
      }
      const created: ReverbOrderRequest = { ...body, ...(referral_records ? { referral_records } : {}) };
      // Sent at most once: the job records that the POST is leaving before it does, and an
      // unknown outcome waits for the merchant instead of posting again (app/sync/create-once.server.ts).
      const sendCreate = ctx.sendCreate ?? sendCreateUnrecorded;
      const { orderUuid, httpStatus, answer } = await sendCreate(REVERB_NAME, what, () => client.createOrder(created));
      if (orderUuid === null) {
        throw new CreateOutcomeUnknown(
          "accepted_without_id",
          `Reverb accepted ${what.toLowerCase()} but did not say its id (${answer}). The app does not post it again, which would create a second order: on this order's page, look it up by its Reverb id, or mark it handled.`,
          httpStatus,
        );
      }
      return { remoteId: orderUuid, httpStatus, sent: created };
    } catch (error) {
      // A refused order with a remembered advocate may mean the advocate was
      // removed in Reverb: forget it so that the merchant's resync looks it up again.
      if (customer.fromCache && error instanceof PartnerError && error.failureClass === "permanent") {
        await ctx.cache.delete(CUSTOMER_CACHE_KIND, customerCacheKey(request.customer.email));
      }
      throw error;
    }
  },

  // A getter: order-page.server.ts imports this connector, so the object is read once both modules are loaded.
  get orderPage() {
    return reverbOrderPage;
  },

  smoke: reverbSmoke,
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
async function ensureCustomer(client: ReverbClient, ctx: PushContext<ReverbConfig>, customer: ReverbCustomerRequest): Promise<{ uuid: string; fromCache: boolean }> {
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
export type { ReverbPlanRequest } from "./map";
export type { ReverbConfig } from "./schema";
