// The webhook endpoint as the production server mounts it, ahead of Remix: a
// webhook needs none of Remix's routing, loaders or document rendering, nor the
// Fetch API's Request and Response (web streams over the socket cost more than
// checking and storing the webhook itself at a busy shop's rate). The Remix
// route (routes/webhooks.$.tsx) stays for `shopify app dev`; both answer through
// answerWebhook.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppContext } from "~/context.server";
import { answerWebhook, DEFAULT_MAX_BODY_BYTES, type WebhookDeps } from "./webhook.server";

export function webhookEndpoint(ctx: AppContext, overrides: Partial<WebhookDeps> = {}) {
  const deps: WebhookDeps = { ...ctx, maxBodyBytes: ctx.env.WEBHOOK_MAX_BYTES, ...overrides };
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const signed = req.method === "POST" && Boolean(header("x-shopify-hmac-sha256"));
      const body = signed ? await readCappedBody(req, maxBytes) : Buffer.alloc(0);
      const answer = await answerWebhook({ method: req.method ?? "GET", header, body }, deps);
      // A body refused for its size was not read to its end: the connection cannot serve another request.
      res.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8", ...(body === null ? { connection: "close" } : {}) });
      res.end(answer.body);
    } catch (error) {
      ctx.logger.error("webhook endpoint failed", { error: String(error) });
      if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end("Temporarily unable to record the webhook; please retry");
    }
  };
}

/**
 * The request's body, or null as soon as it is known to exceed `maxBytes` (by
 * Content-Length, else while it streams in). Past the limit nothing is kept:
 * the rest is let through unread, so the answer can still be written.
 */
export function readCappedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off("data", onData);
      chunks.length = 0;
      req.resume();
      resolve(null);
    };
    req.on("data", onData);
    req.once("end", () => resolve(size <= maxBytes ? Buffer.concat(chunks, size) : null));
    req.once("error", reject);
  });
}
