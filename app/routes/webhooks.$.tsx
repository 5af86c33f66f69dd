import type { ActionFunctionArgs } from "@remix-run/node";
import { appContext } from "~/context.server";
import { handleWebhook } from "~/sync/webhook.server";

// /webhooks/<topic> for every topic in shopify.app.toml (orders/create, customers/redact, ...):
// the topic comes from the signed X-Shopify-Topic header, not from the path.
export const action = ({ request }: ActionFunctionArgs) => {
  const ctx = appContext();
  return handleWebhook(request, { ...ctx, maxBodyBytes: ctx.env.WEBHOOK_MAX_BYTES });
};
