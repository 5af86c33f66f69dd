import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildExtension, EXTENSION_DIR, readTargets, type BuiltExtension } from "../../scripts/build-extension";
import { callRoute, givenTwoShopsWithOrders, ORDER_A, SHOP_A, type Given } from "./given";
import { evaluateBundle, findAll, findOne, renderTarget, textOf, until, type TreeNode } from "./remote-tree";
import { mintSessionToken } from "./session-token";

const TARGET = "admin.order-details.action.render";
/**
 * The components the admin offers an action target: the admin surface's exports.
 * Loaded at run time, not imported: the surface's types declare the sandbox's
 * global `shopify`, which must not meet App Bridge's `window.shopify` in the
 * app's program (the extension has its own tsconfig for that reason).
 */
const ADMIN_SURFACE = "@shopify/ui-extensions/admin";
let ADMIN_COMPONENTS: string[];

let built: BuiltExtension;
let outdir: string;
beforeAll(async () => {
  const surface = (await import(ADMIN_SURFACE)) as Record<string, unknown>;
  ADMIN_COMPONENTS = Object.values(surface).filter((value): value is string => typeof value === "string" && /^[A-Z]/.test(value));
  outdir = mkdtempSync(path.join(tmpdir(), "order-sync-status-"));
  built = await buildExtension({ outdir });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Loads the built bundle and renders the order action for `orderGid`, its fetch going to `fetchImpl`. */
async function openAction(fetchImpl: Fetch, orderGid = `gid://shopify/Order/${ORDER_A}`) {
  const registrations = evaluateBundle(readFileSync(built.outfile, "utf8"), fetchImpl);
  const registration = registrations.find((r) => r.target === TARGET);
  if (!registration) throw new Error(`the bundle registered ${registrations.map((r) => r.target).join(", ") || "nothing"}`);
  let closed = 0;
  const api = {
    extension: { target: TARGET },
    data: { selected: [{ id: orderGid }] },
    close: () => void closed++,
    i18n: { formatDate: (date: Date) => date.toISOString(), formatNumber: String, formatCurrency: String, translate: (key: string) => key },
    auth: { idToken: async () => null },
    intents: {},
    query: async () => ({}),
  };
  const receiver = await renderTarget(registration, api, ADMIN_COMPONENTS);
  return { receiver, closed: () => closed };
}

const press = (root: TreeNode, label: string) => (findOne(root, "Button", label).props!.onPress as () => void)();

describe("the bundle", () => {
  it("registers exactly the target shopify.extension.toml declares, from the module it names", () => {
    expect(readTargets()).toEqual([{ target: TARGET, module: "./src/ActionExtension.tsx" }]);
    expect(built.targets.map((t) => t.target)).toEqual([TARGET]);

    const registered = evaluateBundle(readFileSync(built.outfile, "utf8"), async () => new Response(null, { status: 500 }));
    expect(registered.map((r) => r.target)).toEqual([TARGET]);
  });

  it("typechecks on its own, without Node's types (it runs in Shopify's sandbox, not in Node)", async () => {
    const tsc = path.resolve(import.meta.dirname, "../../node_modules/typescript/bin/tsc");
    const result = await promisify(execFile)(process.execPath, [tsc, "--noEmit", "-p", EXTENSION_DIR]).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe("");
  });
});

describe("the order action against the app's route", () => {
  let given: Given;
  let calls: { method: string; url: string }[];
  beforeEach(async () => {
    given = await givenTwoShopsWithOrders();
    calls = [];
  });
  afterEach(async () => given.close());

  /** fetch as Shopify gives it to an admin extension: relative URLs resolved against the app's URL, the session token added. */
  const shopifyFetch =
    (shop: string): Fetch =>
    async (input, init) => {
      calls.push({ method: init?.method ?? "GET", url: input });
      const url = new URL(input, given.h.ctx.env.SHOPIFY_APP_URL);
      const headers = new Headers(init?.headers);
      headers.set("Authorization", `Bearer ${mintSessionToken(shop)}`);
      headers.set("Origin", "https://extensions.shopifycdn.com");
      return callRoute(new Request(url, { ...init, headers }));
    };

  it("shows each partner's status, error and partner reference for the order", async () => {
    const { receiver } = await openAction(shopifyFetch(SHOP_A));

    const root = await until(receiver, (r) => textOf(r).includes("TestFreaks"), "the partners");
    const action = findAll(root, "AdminAction")[0]!;
    expect(action.props!.title).toBe("Partner sync for #1001");
    expect(action.props!.loading).toBe(false);
    expect(calls).toEqual([{ method: "GET", url: `/api/extension/orders/${ORDER_A}` }]);
    const text = textOf(root);
    expect(text).toMatch(/Reverb Synced .*Partner reference: RV-1001/);
    expect(text).toMatch(/TestFreaks Failed .*Last error: TestFreaks refused the API key \(401\)/);
    expect(findOne(root, "Badge", "Failed").props!.tone).toBe("critical");
    expect(findOne(root, "Badge", "Synced").props!.tone).toBe("success");
  });

  it("resyncs every partner: the jobs are pending again and the action says so", async () => {
    const { receiver } = await openAction(shopifyFetch(SHOP_A));
    const loaded = await until(receiver, (r) => textOf(r).includes("TestFreaks"), "the partners");

    press(loaded, "Resync all partners");

    const root = await until(receiver, (r) => textOf(r).includes("Queued for 2 partners"), "the resync confirmation");
    expect(calls.at(-1)).toEqual({ method: "POST", url: `/api/extension/orders/${ORDER_A}` });
    expect(findAll(root, "Badge").map(textOf)).toEqual(["Waiting to send", "Waiting to send"]);
    const jobs = await given.h.ctx.db.syncJob.findMany({ where: { shop: SHOP_A, orderId: ORDER_A } });
    expect(jobs.map((j) => j.status)).toEqual(["pending", "pending"]);
  });

  it("opened on another shop's order, says the order is unknown and offers no resync", async () => {
    const { receiver } = await openAction(shopifyFetch("shop-b.myshopify.com"));

    const root = await until(receiver, (r) => textOf(r).includes("has not received this order"), "the not-found message");
    expect(textOf(root)).not.toMatch(/RV-1001|refused/);
    expect(findOne(root, "Button", "Resync all partners").props!.disabled).toBe(true);
  });
});

describe("the order action's loading and error states", () => {
  it("shows a loading state until the app answers", async () => {
    let answer: (response: Response) => void = () => {};
    let asked: () => void = () => {};
    const fetched = new Promise<void>((resolve) => (asked = resolve));
    const { receiver } = await openAction(() => {
      asked();
      return new Promise<Response>((resolve) => (answer = resolve));
    });

    await fetched;
    const loading = await until(receiver, (r) => textOf(r).includes("Loading"), "the loading state");
    expect(findAll(loading, "AdminAction")[0]!.props!.loading).toBe(true);
    expect(findOne(loading, "Button", "Resync all partners").props!.disabled).toBe(true);

    answer(Response.json({ orderId: ORDER_A, orderName: "#1001", partners: [] }));
    const root = await until(receiver, (r) => textOf(r).includes("Not queued for any partner"), "the empty state");
    expect(findAll(root, "AdminAction")[0]!.props!.loading).toBe(false);
  });

  it("says in plain words that the app could not be reached, and loads again on Try again", async () => {
    let attempts = 0;
    const { receiver } = await openAction(async () => {
      if (++attempts === 1) throw new TypeError("Failed to fetch");
      return Response.json({ orderId: ORDER_A, orderName: "#1001", partners: [{ partner: "reverb", partnerName: "Reverb", status: "pending", attempts: 0, lastError: null, remoteId: null, updatedAt: new Date().toISOString() }] });
    });

    const failed = await until(receiver, (r) => textOf(r).includes("could not be reached"), "the connection error");
    expect(textOf(failed)).not.toMatch(/TypeError|Failed to fetch/);
    press(failed, "Try again");

    await until(receiver, (r) => textOf(r).includes("Waiting to send"), "the reloaded status");
    expect(attempts).toBe(2);
  });

  it("explains an expired session and a server error without showing what the server sent", async () => {
    const session = await openAction(async () => new Response(null, { status: 401 }));
    await until(session.receiver, (r) => textOf(r).includes("Reload the page"), "the session message");

    const broken = await openAction(async () => new Response("<html>Internal Server Error: PrismaClientKnownRequestError</html>", { status: 500 }));
    const root = await until(broken.receiver, (r) => textOf(r).includes("could not answer just now"), "the server error");
    expect(textOf(root)).not.toMatch(/Prisma|html/);
  });

  it("closes when the merchant presses Close", async () => {
    const opened = await openAction(async () => Response.json({ orderId: ORDER_A, orderName: "#1001", partners: [] }));
    const root = await until(opened.receiver, (r) => textOf(r).includes("Not queued"), "the empty state");

    press(root, "Close");

    expect(opened.closed()).toBe(1);
  });
});
