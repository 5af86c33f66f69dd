import type { PrismaClient } from "@prisma/client";
import { parseJsonLossless } from "~/orders/json";
import type { Logger } from "~/logger";
import type { ShopifyApp } from "~/shopify.server";
import { customersRedactSchema, dataRequestSchema, handleUninstall, recordDataRequest, redactCustomer, redactShop, scopesUpdateSchema, updateGrantedScopes } from "./compliance.server";
import { validateDelivery } from "./ingest.server";
import type { Inbox } from "./inbox.server";
import { normalizeTopic } from "./topics";
import { checkWebhookSignature } from "./webhook-signature";

export interface WebhookDeps {
  db: PrismaClient;
  /** The app's secret signs every webhook (SHOPIFY_API_SECRET). */
  shopify: { api: { config: Pick<ShopifyApp["api"]["config"], "apiSecretKey"> } };
  logger: Logger;
  /** Bodies larger than this are refused with 413 before they are read whole (WEBHOOK_MAX_BYTES). */
  maxBodyBytes?: number;
  /** Where order and fulfillment deliveries are appended before the answer. */
  inbox: Pick<Inbox, "append" | "drain" | "drainSoon">;
  /** Tests only: merge the inbox before answering, so the answer means "jobs queued". */
  mergeBeforeAnswer?: boolean;
}

/** One webhook request as the handler reads it, whatever server received it. */
export interface WebhookInput {
  method: string;
  /** A header by its lower-case name. */
  header(name: string): string | undefined;
  /** The raw body, or null when it was larger than the limit (and not read whole). */
  body: Buffer | null;
}

export interface WebhookAnswer {
  status: number;
  body: string;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

const answer = (status: number, body: string): WebhookAnswer => ({ status, body });

/**
 * A webhook from a Remix route or a test's Request: the same handling as the
 * production endpoint (webhook-endpoint.server.ts), answered as a Response.
 */
export async function handleWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  const hasSignature = Boolean(request.headers.get("x-shopify-hmac-sha256"));
  const body = request.method === "POST" && hasSignature ? await readCapped(request, deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) : Buffer.alloc(0);
  const { status, body: text } = await answerWebhook({ method: request.method, header: (name) => request.headers.get(name) ?? undefined, body }, deps);
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * Every webhook Shopify sends: verified (401 on a bad signature), parsed
 * losslessly, recorded durably, then 200. A body we cannot read gets 400 and
 * nothing is stored; a store we cannot write gets 503 so Shopify retries.
 */
export async function answerWebhook(input: WebhookInput, deps: WebhookDeps): Promise<WebhookAnswer> {
  if (input.method !== "POST") return answer(405, "Webhooks are POSTed");
  // Unsigned is refused like badly signed (the library would call it a 400).
  if (!input.header("x-shopify-hmac-sha256")) return answer(401, "Missing webhook signature");
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const raw = input.body;
  if (raw === null) {
    deps.logger.warn("webhook refused: body over the size limit", { shop: input.header("x-shopify-shop-domain"), topic: input.header("x-shopify-topic"), maxBytes });
    return answer(413, `Webhook body is larger than ${maxBytes} bytes (WEBHOOK_MAX_BYTES)`);
  }
  // The signature only: the shop's session is not loaded (nor renewed) on the webhook path.
  const check = checkWebhookSignature(input.header, raw, deps.shopify.api.config.apiSecretKey);
  if (!check.valid) {
    if (check.reason === "invalid_hmac") return answer(401, "Webhook signature does not match");
    return answer(400, `Webhook headers missing: ${check.missingHeaders.join(", ")}`);
  }
  let body: unknown;
  try {
    body = parseJsonLossless(raw.toString("utf8"));
  } catch (error) {
    // Inside the handling, not before it: a signed body the parser cannot take
    // (a duplicate key, nesting that exhausts the stack) must get a 4xx, never a
    // 5xx that Shopify would retry for hours.
    const reason = error instanceof RangeError ? "nested too deeply" : error instanceof Error ? error.message : String(error);
    return answer(400, `Webhook body is not valid JSON: ${reason.slice(0, 200)}`);
  }

  const topic = normalizeTopic(check.topic);
  const shop = check.domain;
  if (!topic) {
    deps.logger.warn("webhook topic not handled", { shop, topic: check.topic });
    return answer(200, "ignored");
  }
  const eventId = check.eventId || check.webhookId;
  // The signature covers the body, not the headers: a destructive topic acts only
  // when the shop its body names is the shop in X-Shopify-Shop-Domain, so a signed
  // body replayed with another shop's header erases or pauses nothing.
  const named = shopNamedInBody(topic, body);
  if (named !== undefined && named !== shop.toLowerCase()) {
    deps.logger.warn("webhook refused: body names another shop", { shop, topic, eventId, bodyShop: named });
    return answer(400, `The ${topic} body names ${named ?? "no shop"}, not ${shop} (X-Shopify-Shop-Domain); nothing was changed`);
  }

  try {
    switch (topic) {
      case "customers/redact": {
        const parsed = customersRedactSchema.safeParse(body);
        if (!parsed.success) return answer(400, `customers/redact body is not as expected: ${parsed.error.issues[0]?.message}`);
        const count = await redactCustomer(deps.db, shop, parsed.data);
        deps.logger.info("customer data redacted", { shop, orders: count });
        return answer(200, "ok");
      }
      case "customers/data_request": {
        const parsed = dataRequestSchema.safeParse(body);
        if (!parsed.success) return answer(400, `customers/data_request body is not as expected: ${parsed.error.issues[0]?.message}`);
        await recordDataRequest(deps.db, shop, parsed.data);
        return answer(200, "ok");
      }
      case "shop/redact":
        await redactShop(deps.db, shop);
        deps.logger.info("shop data erased", { shop });
        return answer(200, "ok");
      case "app/uninstalled": {
        const outcome = await handleUninstall(deps.db, shop, triggeredAt(check));
        deps.logger.info(outcome === "uninstalled" ? "app uninstalled" : "app/uninstalled older than the latest install: ignored", { shop, eventId });
        return answer(200, outcome);
      }
      case "app/scopes_update": {
        const parsed = scopesUpdateSchema.safeParse(body);
        if (!parsed.success) return answer(400, `app/scopes_update body is not as expected: ${parsed.error.issues[0]?.message}`);
        await updateGrantedScopes(deps.db, shop, parsed.data.current);
        deps.logger.info("access scopes updated", { shop, scopes: parsed.data.current.join(",") });
        return answer(200, "ok");
      }
      default: {
        const delivery = validateDelivery(topic, body);
        if (!delivery.ok) {
          deps.logger.warn("webhook refused: malformed body", { shop, topic, eventId, error: delivery.error });
          return answer(400, `The ${topic} body is not a Shopify payload we can read: ${delivery.error}`);
        }
        // One durable write, shared with the deliveries arriving meanwhile (which also
        // checks the shop has the app); the merge into the order and the jobs follow
        // right after the answer (inbox.server.ts).
        const outcome = await deps.inbox.append({ shop, eventId, topic, orderId: delivery.orderId, payload: delivery.payload });
        if (outcome === "not_installed") {
          // A shop that does not have the app (never installed, uninstalled, erased)
          // gets an answer, so Shopify stops, and nothing of its customers is kept.
          deps.logger.warn("webhook for a shop that does not have the app: not stored", { shop, topic, eventId });
          return answer(200, "ignored: the app is not installed on this shop");
        }
        if (deps.mergeBeforeAnswer) await deps.inbox.drain();
        else deps.inbox.drainSoon();
        return answer(200, outcome);
      }
    }
  } catch (error) {
    deps.logger.error("webhook could not be recorded; asking Shopify to retry", { shop, topic, eventId, error: String(error) });
    return answer(503, "Temporarily unable to record the webhook; please retry");
  }
}

/**
 * The shop a destructive webhook's body names (lower case), null when it names
 * none; undefined for the topics that erase or pause nothing.
 */
export function shopNamedInBody(topic: string, body: unknown): string | null | undefined {
  const record = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const field = topic === "app/uninstalled" ? "myshopify_domain" : topic === "shop/redact" || topic === "customers/redact" ? "shop_domain" : null;
  if (field === null) return undefined;
  const value = record[field];
  return typeof value === "string" && value.trim() !== "" ? value.trim().toLowerCase() : null;
}

/** When Shopify says the event happened (X-Shopify-Triggered-At); null when absent or unreadable. */
function triggeredAt(check: { triggeredAt?: string }): Date | null {
  const at = check.triggeredAt ? new Date(check.triggeredAt) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
}

/**
 * The body, or null as soon as it is known to exceed `maxBytes`: by its
 * Content-Length, else while it streams in (nothing past the limit is kept,
 * and the stream is cancelled there).
 */
export async function readCapped(request: Request, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
