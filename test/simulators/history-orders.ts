// A store's history for the Admin API stand-in (POST /_local/orders): orders
// derived from the project's fixture orders, each with its own id, name and
// dates, for the backfill tests, the demo and the backfill bench.
import { LosslessNumber, parse, stringify } from "lossless-json";
import { loadFixture } from "../fixtures/shopify";

/** The fixtures the history is made from: a CAD order with a discount code (every partner takes it) and a delivered USD order. */
export const HISTORY_FIXTURES = ["orders-create.discount-code-cad", "orders-updated.tracking-delivered-usd"] as const;

export interface HistoryOptions {
  /** The first order's creation; the others follow `spacingMs` apart. */
  from: Date;
  spacingMs?: number;
  /** Order ids from here on (kept far from the fixtures' own). */
  firstId?: bigint;
  /** Order names "#<prefix><n>". */
  namePrefix?: string;
  fixtures?: readonly string[];
}

/** `count` webhook bodies (raw JSON text, ids exact), created in order, each updated a minute after its creation. */
export function historyOrders(count: number, options: HistoryOptions): string[] {
  const fixtures = (options.fixtures ?? HISTORY_FIXTURES).map((name) => parse(loadFixture(name)) as Record<string, unknown>);
  const spacing = options.spacingMs ?? 60_000;
  const firstId = options.firstId ?? 7_000_000_000_000n;
  const prefix = options.namePrefix ?? "H";
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const order = { ...fixtures[i % fixtures.length]! };
    const id = String(firstId + BigInt(i));
    // Whole seconds, as Shopify writes them (its Admin API answers the same instant).
    const created = new Date(Math.floor((options.from.getTime() + i * spacing) / 1000) * 1000);
    order.id = new LosslessNumber(id);
    order.admin_graphql_api_id = `gid://shopify/Order/${id}`;
    order.name = `#${prefix}${1001 + i}`;
    order.order_number = new LosslessNumber(String(1001 + i));
    order.created_at = shopifyTime(created);
    order.processed_at = shopifyTime(created);
    order.updated_at = shopifyTime(new Date(created.getTime() + 60_000));
    bodies.push(stringify(order)!);
  }
  return bodies;
}

const shopifyTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Posts bodies to the stand-in's /_local/orders in batches. */
export async function postHistory(adminUrl: string, bodies: string[], batch = 1000): Promise<void> {
  for (let i = 0; i < bodies.length; i += batch) {
    const post = () => fetch(`${adminUrl}/_local/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: `{"orders":[${bodies.slice(i, i + batch).join(",")}]}` });
    // A kept-alive connection the stand-in closed while the next batch was being made (its idle
    // timeout is 5 s) fails at once: sent again on a new one (holding an order twice holds it once).
    const response = await post().catch((error: unknown) => ((error as { cause?: { code?: string } }).cause?.code === "ECONNRESET" ? post() : Promise.reject(error)));
    if (!response.ok) throw new Error(`the stand-in refused the orders: ${response.status} ${await response.text()}`);
  }
}
