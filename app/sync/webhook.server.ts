import type { PrismaClient } from "@prisma/client";
import { parseJsonLossless } from "~/orders/json";
import type { Logger } from "~/logger";
import type { ShopifyApp } from "~/shopify.server";
import { customersRedactSchema, dataRequestSchema, handleUninstall, recordDataRequest, redactCustomer, redactShop } from "./compliance.server";
import { ingestOrderWebhook } from "./ingest.server";
import { normalizeTopic } from "./topics";

export interface WebhookDeps {
  db: PrismaClient;
  shopify: Pick<ShopifyApp, "authenticate">;
  logger: Logger;
}

const text = (status: number, body: string) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

/**
 * Every webhook Shopify sends: verified (401 on a bad signature), parsed
 * losslessly, recorded durably, then 200. A body we cannot read gets 400 and
 * nothing is stored; a store we cannot write gets 503 so Shopify retries.
 */
export async function handleWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  // Unsigned is refused like badly signed (the library would call it a 400).
  if (!request.headers.get("x-shopify-hmac-sha256")) return text(401, "Missing webhook signature");
  const raw = await request.clone().text();
  let hook: Awaited<ReturnType<ShopifyApp["authenticate"]["webhook"]>>;
  try {
    hook = await deps.shopify.authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) return error;
    // The signature was valid (that check runs first) but the body is not JSON.
    if (error instanceof SyntaxError) return text(400, "Webhook body is not valid JSON");
    deps.logger.error("webhook could not be authenticated", { error: String(error) });
    return text(503, "Temporarily unable to accept webhooks");
  }

  const topic = normalizeTopic(hook.topic);
  const shop = hook.shop;
  if (!topic) {
    deps.logger.warn("webhook topic not handled", { shop, topic: hook.topic });
    return text(200, "ignored");
  }
  const eventId = ("eventId" in hook && hook.eventId) || hook.webhookId;
  const body = parseJsonLossless(raw);

  try {
    switch (topic) {
      case "customers/redact": {
        const parsed = customersRedactSchema.safeParse(body);
        if (!parsed.success) return text(400, `customers/redact body is not as expected: ${parsed.error.issues[0]?.message}`);
        const count = await redactCustomer(deps.db, shop, parsed.data);
        deps.logger.info("customer data redacted", { shop, orders: count });
        return text(200, "ok");
      }
      case "customers/data_request": {
        const parsed = dataRequestSchema.safeParse(body);
        if (!parsed.success) return text(400, `customers/data_request body is not as expected: ${parsed.error.issues[0]?.message}`);
        await recordDataRequest(deps.db, shop, parsed.data);
        return text(200, "ok");
      }
      case "shop/redact":
        await redactShop(deps.db, shop);
        deps.logger.info("shop data erased", { shop });
        return text(200, "ok");
      case "app/uninstalled":
        await handleUninstall(deps.db, shop);
        deps.logger.info("app uninstalled", { shop });
        return text(200, "ok");
      default: {
        const result = await ingestOrderWebhook(deps.db, { shop, topic, eventId, body }, deps.logger);
        if (result.outcome === "invalid") {
          deps.logger.warn("webhook refused: malformed body", { shop, topic, eventId, error: result.error });
          return text(400, `The ${topic} body is not a Shopify payload we can read: ${result.error}`);
        }
        deps.logger.info("webhook recorded", { shop, topic, eventId, ...result });
        return text(200, result.outcome);
      }
    }
  } catch (error) {
    deps.logger.error("webhook could not be recorded; asking Shopify to retry", { shop, topic, eventId, error: String(error) });
    return text(503, "Temporarily unable to record the webhook; please retry");
  }
}
