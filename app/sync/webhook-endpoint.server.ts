// The webhook endpoint as the production server mounts it, ahead of Remix: a
// webhook needs none of Remix's routing, loaders or document rendering, and at
// a busy shop's rate that machinery would cost more than the webhook itself.
// The Remix route (routes/webhooks.$.tsx) stays for `shopify app dev`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { AppContext } from "~/context.server";
import { handleWebhook } from "./webhook.server";

export function webhookEndpoint(ctx: AppContext) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const request = new Request(`http://localhost${req.url ?? "/"}`, {
        method: req.method,
        headers,
        body: req.method === "POST" ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        duplex: "half",
      } as RequestInit);
      const response = await handleWebhook(request, { ...ctx, maxBodyBytes: ctx.env.WEBHOOK_MAX_BYTES });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      ctx.logger.error("webhook endpoint failed", { error: String(error) });
      if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end("Temporarily unable to record the webhook; please retry");
    }
  };
}
