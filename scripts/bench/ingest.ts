// Ingest under load: 64 connections post the same signed order body, each
// request with a fresh X-Shopify-Event-Id (Shopify signs the body, not the
// headers), first to the bare HMAC server, then to the app; afterwards every
// delivery the app answered 2xx is looked up in the store.
import { randomUUID } from "node:crypto";
import autocannon, { type AutocannonOptions } from "autocannon";
import { signWebhook } from "../../test/support/webhooks";
import { ORDER_BODY, SECRET, sleep } from "./runner";

export const CONNECTIONS = 64;
export const DURATION_S = 10;
const WARMUP_S = 2;
const LATE_MS = 2000;

export interface LoadFigures {
  requestsPerSec: number;
  p50: number;
  p99: number;
  /** Answers that took longer than 2 s. */
  late: number;
  non2xx: number;
  /** Connection errors and timeouts (no answer at all). */
  errors: number;
  /** Event ids answered 2xx, warm-up included. */
  answered: string[];
}

/** Warm-up, then DURATION_S seconds of load on `url`'s webhook endpoint for `shop`. */
export async function loadWebhooks(url: string, shop: string): Promise<LoadFigures> {
  const { headers, body } = signWebhook({ topic: "orders/updated", shop, body: ORDER_BODY, secret: SECRET });
  const answered: string[] = [];
  const run = async (duration: number) => {
    const options: AutocannonOptions = {
      url,
      connections: CONNECTIONS,
      duration,
      timeout: 10,
      requests: [
        {
          method: "POST",
          path: "/webhooks/orders/updated",
          headers,
          body,
          // One request in flight per connection: its context holds that request's event id until the answer.
          setupRequest: (request, context) => {
            const eventId = randomUUID();
            (context as { eventId?: string }).eventId = eventId;
            request.headers["x-shopify-event-id"] = eventId;
            return request;
          },
          onResponse: (status, _body, context) => {
            const { eventId } = context as { eventId?: string };
            if (status >= 200 && status < 300 && eventId) answered.push(eventId);
          },
        },
      ],
    };
    const instance = autocannon(options);
    let late = 0;
    instance.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
      if (ms > LATE_MS) late += 1;
    });
    return { result: await instance, late };
  };
  await run(WARMUP_S);
  await sleep(500);
  const { result, late } = await run(DURATION_S);
  return {
    requestsPerSec: (result["2xx"] + result.non2xx) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    late,
    non2xx: result.non2xx,
    errors: result.errors,
    answered,
  };
}
