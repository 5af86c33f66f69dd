// The Admin API stand-in's store history (test/simulators/shopify-history.ts):
// orders given from outside, the paged orders connection, bulk operations.
import { afterEach, describe, expect, it } from "vitest";
import { startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { historyOrders } from "../simulators/history-orders";
import { loadFixture } from "../fixtures/shopify";

let standIn: ShopifyAdminStandIn;
afterEach(async () => standIn?.close());

const localOrders = async (body: string) => {
  const response = await fetch(`${standIn.url}/_local/orders`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
  const response = await fetch(`${standIn.url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": "shpat_test" },
    body: JSON.stringify({ query, variables }),
  });
  // GraphQL answers read loosely: each test names the fields it expects.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
};
const PAGE =
  "query($first: Int!, $after: String, $query: String!) { orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) { nodes { id updatedAt } pageInfo { hasNextPage endCursor } } }";
const RUN = "mutation($query: String!) { bulkOperationRunQuery(query: $query, groupObjects: true) { bulkOperation { id status } userErrors { message code } } }";

describe("the stand-in's store history", () => {
  it("holds an order posted in the webhook's shape, or a list of them, ids exact; a newer updated_at replaces an order", async () => {
    standIn = await startShopifyAdminStandIn();
    expect(await localOrders(loadFixture("orders-updated.tracking-delivered-usd"))).toEqual({ status: 200, body: { held: 1, loaded: 1 } });
    const [first, second] = historyOrders(2, { from: new Date("2026-03-01T00:00:00Z") });
    expect((await localOrders(`{"orders":[${first},${second}]}`)).body).toEqual({ held: 3, loaded: 2 });
    expect(standIn.orders.get("2628173987889")?.name).toBe("#23301");

    await localOrders(first!.replace(/"updated_at":"[^"]*"/, '"updated_at":"2026-03-02T00:00:00Z"'));
    expect(standIn.orders.get("7000000000000")?.updatedAt).toBe("2026-03-02T00:00:00Z");
    expect((await localOrders("{not json")).status).toBe(400);
  });

  it("pages the orders connection by updated_at from a bound, with cursors", async () => {
    standIn = await startShopifyAdminStandIn();
    await localOrders(`{"orders":[${historyOrders(5, { from: new Date("2026-03-01T00:00:00Z"), spacingMs: 3_600_000 }).join(",")}]}`);
    const query = "updated_at:>='2026-03-01T01:00:00Z'";

    const one = await graphql(PAGE, { first: 3, query });
    const two = await graphql(PAGE, { first: 3, after: one.data!.orders.pageInfo.endCursor, query });

    expect(one.data!.orders.nodes.map((n: { id: string }) => n.id)).toEqual(["gid://shopify/Order/7000000000001", "gid://shopify/Order/7000000000002", "gid://shopify/Order/7000000000003"]);
    expect(one.data!.orders.pageInfo.hasNextPage).toBe(true);
    expect(two.data!.orders.nodes.map((n: { id: string }) => n.id)).toEqual(["gid://shopify/Order/7000000000004"]);
    expect(two.data!.orders.pageInfo.hasNextPage).toBe(false);
    expect((await graphql(PAGE, { first: 251, query })).errors?.[0]?.message).toBe("first must be between 1 and 250");
  });

  it("runs one bulk query at a time per shop: CREATED, then COMPLETED with a url and counts; cancel stops one", async () => {
    standIn = await startShopifyAdminStandIn();
    await localOrders(`{"orders":[${historyOrders(3, { from: new Date("2026-03-01T00:00:00Z") }).join(",")}]}`);
    standIn.history.knobs.holdBulk = true;

    const started = await graphql(RUN, { query: "{ orders { edges { node { id } } } }" });
    const id = started.data!.bulkOperationRunQuery.bulkOperation.id as string;
    expect(started.data!.bulkOperationRunQuery.bulkOperation.status).toBe("CREATED");
    const busy = await graphql(RUN, { query: "{ orders { edges { node { id } } } }" });
    expect(busy.data!.bulkOperationRunQuery.userErrors[0]).toMatchObject({ code: "OPERATION_IN_PROGRESS", message: expect.stringContaining(id) });
    expect((await graphql("{ currentBulkOperation(type: QUERY) { id status } }")).data!.currentBulkOperation).toMatchObject({ id, status: "CREATED" });

    const cancelled = await graphql("mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { message } } }", { id });
    expect(cancelled.data!.bulkOperationCancel.bulkOperation.status).toBe("CANCELED");

    standIn.history.knobs.holdBulk = false;
    const again = await graphql(RUN, { query: "{ orders { edges { node { id } } } }" });
    const next = again.data!.bulkOperationRunQuery.bulkOperation.id as string;
    let state: Record<string, unknown> = {};
    for (let i = 0; i < 200 && state.status !== "COMPLETED"; i++) {
      state = (await graphql("query($id: ID!) { node(id: $id) { ... on BulkOperation { id status objectCount rootObjectCount url } } }", { id: next })).data!.node;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(state).toMatchObject({ status: "COMPLETED", rootObjectCount: "3", url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/bulk\/\d+\.jsonl$/) });
    const lines = (await (await fetch(state.url as string)).text()).trim().split("\n");
    expect(String(lines.length)).toBe(state.objectCount);
  });
});
