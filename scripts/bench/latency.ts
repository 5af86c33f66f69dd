// Webhook to partner: one new order every 200 ms for 20 s, each timed from the
// moment its webhook is sent to the moment the TestFreaks stand-in receives it
// (both clocks are this process's).
import { orderBody, partnerArrivals, quantile, sendOrder, sleep, waitFor, type Stand } from "./runner";

export const ORDER_EVERY_MS = 200;
export const ORDERS = 100;

export interface LatencyFigures {
  p50: number;
  p99: number;
  sent: number;
  /** Orders that reached the partner within 10 s of the last send. */
  delivered: number;
  /** Webhooks not answered 2xx. */
  refused: number;
}

let nextOrderId = 8_000_000_000_000;

/** One order through, so first-use costs (token exchange, product lookup, connection pools) are not timed. */
export async function warmUp(appUrl: string, shop: string, stand: Stand, name: string, withinMs = 15_000): Promise<boolean> {
  await sendOrder(appUrl, shop, orderBody(nextOrderId++, name));
  return waitFor(() => partnerArrivals(stand).has(name), withinMs);
}

export async function timeOrders(appUrl: string, shop: string, stand: Stand, prefix: string): Promise<LatencyFigures> {
  const sentAt = new Map<string, number>();
  const answers: Promise<boolean>[] = [];
  const start = Date.now();
  for (let i = 0; i < ORDERS; i += 1) {
    // On a fixed schedule, not "200 ms after the previous answer": a slow answer must not slow the arrivals.
    await sleep(Math.max(0, start + i * ORDER_EVERY_MS - Date.now()));
    const name = `${prefix}${i}`;
    const body = orderBody(nextOrderId++, name);
    sentAt.set(name, Date.now());
    answers.push(
      sendOrder(appUrl, shop, body).then(
        (r) => r.ok,
        () => false,
      ),
    );
  }
  const refused = (await Promise.all(answers)).filter((ok) => !ok).length;
  await waitFor(() => [...sentAt.keys()].every((name) => partnerArrivals(stand).has(name)), 10_000, 100);
  const arrivals = partnerArrivals(stand);
  const latencies = [...sentAt].filter(([name]) => arrivals.has(name)).map(([name, at]) => arrivals.get(name)! - at);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), sent: ORDERS, delivered: latencies.length, refused };
}
