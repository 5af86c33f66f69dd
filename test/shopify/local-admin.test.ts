import { afterEach, describe, expect, it } from "vitest";
import { installLocalAdminFetch, localAdminFetch } from "~/shopify/local-admin.server";
import { startShopifyAdminStandIn, type ShopifyAdminStandIn } from "../simulators/shopify-admin";
import { LOCAL_SHOP, localUnauthenticatedAdmin } from "./local-shopify-app";

interface SeenCall {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
}

/** A fetch that records what it was asked and answers 200 "{}". */
function recordingFetch() {
  const calls: SeenCall[] = [];
  const fetchFunction: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    calls.push({ url: request.url, method: request.method, headers: request.headers, body: request.body ? await request.text() : null });
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  };
  return { calls, fetchFunction };
}

describe("localAdminFetch", () => {
  it("sends a shop's Admin API call to the local base, path, query, method, headers and body kept", async () => {
    const { calls, fetchFunction } = recordingFetch();
    const routed = localAdminFetch("http://127.0.0.1:4555", fetchFunction);

    await routed("https://demo-shop.myshopify.com/admin/api/2026-01/graphql.json?debug=1", {
      method: "POST",
      headers: { "X-Shopify-Access-Token": "shpat_x", "Content-Type": "application/json" },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe("http://127.0.0.1:4555/admin/api/2026-01/graphql.json?debug=1");
    expect(call?.method).toBe("POST");
    expect(call?.headers.get("x-shopify-access-token")).toBe("shpat_x");
    expect(call?.headers.get("x-forwarded-host")).toBe("demo-shop.myshopify.com");
    expect(call?.body).toBe('{"query":"{ shop { name } }"}');
  });

  it("keeps a path prefix of the local base and accepts Request and URL inputs", async () => {
    const { calls, fetchFunction } = recordingFetch();
    const routed = localAdminFetch("http://localhost:9000/shopify/", fetchFunction);

    await routed(new Request("https://a-shop.myshopify.com/admin/api/2026-10/graphql.json", { method: "POST", body: "{}", headers: { "x-shopify-access-token": "t" } }));
    await routed(new URL("https://b-shop.myshopify.com/admin/oauth/access_token"));

    expect(calls.map((call) => call.url)).toEqual(["http://localhost:9000/shopify/admin/api/2026-10/graphql.json", "http://localhost:9000/shopify/admin/oauth/access_token"]);
    expect(calls[0]?.headers.get("x-shopify-access-token")).toBe("t");
    expect(calls[0]?.headers.get("x-forwarded-host")).toBe("a-shop.myshopify.com");
    expect(calls[0]?.body).toBe("{}");
  });

  it("leaves every URL that is not a shop's myshopify.com host alone", async () => {
    const { calls, fetchFunction } = recordingFetch();
    const routed = localAdminFetch("http://127.0.0.1:4555", fetchFunction);

    await routed("https://api.reverb.example/v1/orders", { method: "POST", body: "{}" });
    await routed("https://myshopify.com.evil.example/admin/api/2026-01/graphql.json");
    await routed("https://shop.example.com/products/x");

    expect(calls.map((call) => call.url)).toEqual(["https://api.reverb.example/v1/orders", "https://myshopify.com.evil.example/admin/api/2026-01/graphql.json", "https://shop.example.com/products/x"]);
    expect(calls.every((call) => !call.headers.has("x-forwarded-host"))).toBe(true);
  });
});

describe("installLocalAdminFetch", () => {
  it("installs nothing when SHOPIFY_LOCAL_ADMIN_URL is unset or blank", () => {
    const installed: (typeof fetch)[] = [];
    expect(installLocalAdminFetch({}, (f) => installed.push(f))).toBeNull();
    expect(installLocalAdminFetch({ SHOPIFY_LOCAL_ADMIN_URL: "  " }, (f) => installed.push(f))).toBeNull();
    expect(installed).toHaveLength(0);
  });

  it("installs a routing fetch when SHOPIFY_LOCAL_ADMIN_URL is set", async () => {
    const { calls, fetchFunction } = recordingFetch();
    const installed: (typeof fetch)[] = [];

    const url = installLocalAdminFetch({ SHOPIFY_LOCAL_ADMIN_URL: "http://127.0.0.1:4777" }, (f) => installed.push(f), fetchFunction);
    await installed[0]?.("https://x.myshopify.com/admin/api/2026-01/graphql.json", { method: "POST", body: "{}" });

    expect(url).toBe("http://127.0.0.1:4777");
    expect(calls.map((call) => call.url)).toEqual(["http://127.0.0.1:4777/admin/api/2026-01/graphql.json"]);
  });
});

describe("the app's Shopify client in local mode", () => {
  let standIn: ShopifyAdminStandIn | undefined;
  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
  });

  it("given SHOPIFY_LOCAL_ADMIN_URL installed after shopifyApp, unauthenticated.admin(shop).graphql reaches the stand-in", async () => {
    standIn = await startShopifyAdminStandIn({ shop: { name: "Local Demo", currencyCode: "EUR", myshopifyDomain: LOCAL_SHOP } });
    const admin = await localUnauthenticatedAdmin(standIn.url);

    const response = await admin.graphql(`#graphql
      query { shop { name currencyCode myshopifyDomain } }`);

    expect(await response.json()).toMatchObject({ data: { shop: { name: "Local Demo", currencyCode: "EUR", myshopifyDomain: LOCAL_SHOP } } });
    expect(standIn.log).toHaveLength(1);
    expect(standIn.log[0]).toMatchObject({ method: "POST", path: "/admin/api/2026-01/graphql.json", status: 200 });
  });
});
