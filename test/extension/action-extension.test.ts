import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BUNDLE_LIMIT_BYTES, BundleTooLargeError, buildExtension, bundleSize, EXTENSION_DIR, readApiVersion, readTargets, type BuiltExtension } from "../../scripts/build-extension";
import { click, findAll, findOne, loadExtension, offeredElements, textOf, until, type ActionApi, type Fetch, type Node } from "./admin-host";
import { callRoute, givenTwoShopsWithOrders, ORDER_A, SHOP_A, type Given } from "./given";
import { mintSessionToken } from "./session-token";

const TARGET = "admin.order-details.action.render";
/** The s-* elements the admin offers this target, from @shopify/ui-extensions' types for it. */
const OFFERED = offeredElements(TARGET);
const ALLOWED = OFFERED.map((element) => element.tag);

let built: BuiltExtension;
let code: string;
let outdir: string;
beforeAll(async () => {
  outdir = mkdtempSync(path.join(tmpdir(), "order-sync-status-"));
  built = await buildExtension({ outdir });
  code = readFileSync(built.outfile, "utf8");
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Loads the built bundle in the admin stand-in and renders the order action for `orderGid`, its fetch going to `fetchImpl`. */
async function openAction(fetchImpl: Fetch, orderGid = `gid://shopify/Order/${ORDER_A}`) {
  let closed = 0;
  const api: ActionApi = {
    extension: { target: TARGET },
    data: { selected: [{ id: orderGid }] },
    close: () => void closed++,
    i18n: { formatDate: (date: Date) => date.toISOString(), formatNumber: String, formatCurrency: String, translate: (key: string) => key },
    auth: { idToken: async () => null },
    intents: {},
    query: async () => ({}),
  };
  const extension = await loadExtension(code, { api, fetch: fetchImpl, elements: OFFERED });
  await extension.render(TARGET);
  return {
    closed: () => closed,
    /** Waits until the action shows what `predicate` looks for (only offered elements, always). */
    until: (predicate: (root: Node) => boolean, what: string) => until(extension.receiver, ALLOWED, predicate, what),
  };
}

const action = (root: Node) => findAll(root, "s-admin-action")[0]!;
const button = (root: Node, label: string) => findOne(root, "s-button", label);

describe("the bundle", () => {
  it("registers exactly the target shopify.extension.toml declares, from the module it names", async () => {
    expect(readTargets()).toEqual([{ target: TARGET, module: "./src/ActionExtension.tsx" }]);
    expect(built.targets.map((t) => t.target)).toEqual([TARGET]);

    const loaded = await loadExtension(code, { api: {} as ActionApi, fetch: async () => new Response(null, { status: 500 }), elements: OFFERED });
    expect(loaded.registrations.map((r) => r.target)).toEqual([TARGET]);
  });

  it("targets the newest admin extension API version the installed @shopify/ui-extensions knows", () => {
    const packageDir = path.dirname(createRequire(import.meta.url).resolve("@shopify/ui-extensions"));
    const versions = /export type ApiVersion = ([^;]+);/.exec(readFileSync(path.join(packageDir, "build/ts/shared.d.ts"), "utf8"))![1]!.match(/\d{4}-\d{2}/g)!;
    expect(readApiVersion()).toBe(versions.sort().at(-1));
  });

  it("is Preact, not React, and fits Shopify's 64 KB compressed limit for a UI extension", () => {
    expect(built.inputs.some((input) => input.includes("node_modules/preact/"))).toBe(true);
    expect(built.inputs.filter((input) => /node_modules\/(react|react-dom|react-reconciler|@remote-ui)\//.test(input))).toEqual([]);

    expect(bundleSize(readFileSync(built.outfile))).toEqual({ rawBytes: built.rawBytes, compressedBytes: built.compressedBytes });
    expect(built.compressedBytes).toBeLessThanOrEqual(BUNDLE_LIMIT_BYTES);
  });

  it("fails the build when the bundle is over the limit", async () => {
    const over = buildExtension({ outdir, limitBytes: built.compressedBytes - 1 });

    await expect(over).rejects.toBeInstanceOf(BundleTooLargeError);
    await expect(over).rejects.toThrow(/order-sync-status\.js is \d+\.\d KB compressed \(\d+\.\d KB minified\), over the \d+\.\d KB limit/);
  });

  it("refuses by default what Shopify refuses: a bundle over 64 KB compressed", async () => {
    // Random text barely compresses: ~96 KB of it stays over the limit, ~32 KB under it.
    const dir = mkdtempSync(path.join(tmpdir(), "too-large-extension-"));
    try {
      const extensionWith = (bytes: number) => {
        mkdirSync(path.join(dir, "src"), { recursive: true });
        writeFileSync(path.join(dir, "shopify.extension.toml"), '[[extensions.targeting]]\nmodule = "./src/Big.ts"\ntarget = "admin.order-details.action.render"\n');
        writeFileSync(path.join(dir, "src/Big.ts"), `export default () => console.log(${JSON.stringify(randomBytes(bytes).toString("base64"))});\n`);
        return { extensionDir: dir, outdir: path.join(dir, "dist") };
      };
      await expect(buildExtension(extensionWith(72 * 1024))).rejects.toThrow(/over the 64\.0 KB limit/);
      expect((await buildExtension(extensionWith(24 * 1024))).compressedBytes).toBeLessThan(64 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names only elements the admin offers the action target", () => {
    expect(ALLOWED).toEqual(expect.arrayContaining(["s-admin-action", "s-button", "s-badge", "s-banner", "s-stack", "s-text", "s-paragraph", "s-divider"]));
    // Every element the code can create, rendered in a test or not.
    const named = [...new Set(code.match(/["'`]s-[a-z]+(?:-[a-z]+)*["'`]/g)?.map((literal) => literal.slice(1, -1)))].sort();
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((tag) => !ALLOWED.includes(tag))).toEqual([]);
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
    const opened = await openAction(shopifyFetch(SHOP_A));

    const root = await opened.until((r) => textOf(r).includes("TestFreaks"), "the partners");
    expect(action(root).properties.heading).toBe("Partner sync for #1001");
    expect(action(root).properties.loading).toBe(false);
    expect(calls).toEqual([{ method: "GET", url: `/api/extension/orders/${ORDER_A}` }]);
    const text = textOf(root);
    expect(text).toMatch(/Reverb Synced .*Partner reference: RV-1001/);
    expect(text).toMatch(/TestFreaks Failed .*Last error: TestFreaks refused the API key \(401\)/);
    expect(findOne(root, "s-badge", "Failed").properties.tone).toBe("critical");
    expect(findOne(root, "s-badge", "Synced").properties.tone).toBe("success");
    // The admin puts the buttons in the action's footer by their slots.
    expect(button(root, "Resync all partners").attributes.slot).toBe("primary-action");
    expect(button(root, "Close").attributes.slot).toBe("secondary-actions");
    expect(button(root, "Resync all partners").properties.disabled).toBe(false);
  });

  it("resyncs every partner: the jobs are pending again and the action says so", async () => {
    const opened = await openAction(shopifyFetch(SHOP_A));
    const loaded = await opened.until((r) => textOf(r).includes("TestFreaks"), "the partners");

    click(button(loaded, "Resync all partners"));

    const root = await opened.until((r) => textOf(r).includes("Queued for 2 partners"), "the resync confirmation");
    expect(calls.at(-1)).toEqual({ method: "POST", url: `/api/extension/orders/${ORDER_A}` });
    expect(findAll(root, "s-badge").map(textOf)).toEqual(["Waiting to send", "Waiting to send"]);
    expect(button(root, "Resync all partners").properties.disabled).toBe(false);
    const jobs = await given.h.ctx.db.syncJob.findMany({ where: { shop: SHOP_A, orderId: ORDER_A } });
    expect(jobs.map((j) => j.status)).toEqual(["pending", "pending"]);
  });

  it("says why a resync was refused and keeps the status it showed", async () => {
    const opened = await openAction(shopifyFetch(SHOP_A));
    const loaded = await opened.until((r) => textOf(r).includes("TestFreaks"), "the partners");
    given.admin.knobs.failNext = { count: 1, status: 503 };

    click(button(loaded, "Resync all partners"));

    const root = await opened.until((r) => textOf(r).includes("The order was not resynced"), "the refusal");
    expect(findOne(root, "s-banner", /not resynced/).properties.tone).toBe("critical");
    expect(textOf(root)).toMatch(/#1001 was not resynced/);
    expect(findAll(root, "s-badge").map(textOf)).toEqual(["Synced", "Failed"]);
    const jobs = await given.h.ctx.db.syncJob.findMany({ where: { shop: SHOP_A, orderId: ORDER_A }, orderBy: { partner: "asc" } });
    expect(jobs.map((j) => j.status)).toEqual(["synced", "failed"]);
  });

  it("opened on another shop's order, says the order is unknown and offers no resync", async () => {
    const opened = await openAction(shopifyFetch("shop-b.myshopify.com"));

    const root = await opened.until((r) => textOf(r).includes("has not received this order"), "the not-found message");
    expect(textOf(root)).not.toMatch(/RV-1001|refused/);
    expect(button(root, "Resync all partners").properties.disabled).toBe(true);
    expect(() => click(button(root, "Resync all partners"))).toThrow(/disabled/);
  });
});

describe("the order action's loading and error states", () => {
  it("shows a loading state until the app answers", async () => {
    let answer: (response: Response) => void = () => {};
    let asked: () => void = () => {};
    const fetched = new Promise<void>((resolve) => (asked = resolve));
    const opened = await openAction(() => {
      asked();
      return new Promise<Response>((resolve) => (answer = resolve));
    });

    await fetched;
    const loading = await opened.until((r) => textOf(r).includes("Loading"), "the loading state");
    expect(action(loading).properties.loading).toBe(true);
    expect(button(loading, "Resync all partners").properties.disabled).toBe(true);

    answer(Response.json({ orderId: ORDER_A, orderName: "#1001", partners: [] }));
    const root = await opened.until((r) => textOf(r).includes("Not queued for any partner"), "the empty state");
    expect(action(root).properties.loading).toBe(false);
  });

  it("says in plain words that the app could not be reached, and loads again on Try again", async () => {
    let attempts = 0;
    const opened = await openAction(async () => {
      if (++attempts === 1) throw new TypeError("Failed to fetch");
      return Response.json({
        orderId: ORDER_A,
        orderName: "#1001",
        partners: [{ partner: "reverb", partnerName: "Reverb", status: "pending", attempts: 0, lastError: null, remoteId: null, updatedAt: new Date().toISOString() }],
      });
    });

    const failed = await opened.until((r) => textOf(r).includes("could not be reached"), "the connection error");
    expect(textOf(failed)).not.toMatch(/TypeError|Failed to fetch/);
    click(button(failed, "Try again"));

    await opened.until((r) => textOf(r).includes("Waiting to send"), "the reloaded status");
    expect(attempts).toBe(2);
  });

  it("explains an expired session and a server error without showing what the server sent", async () => {
    const session = await openAction(async () => new Response(null, { status: 401 }));
    await session.until((r) => textOf(r).includes("Reload the page"), "the session message");

    const broken = await openAction(async () => new Response("<html>Internal Server Error: PrismaClientKnownRequestError</html>", { status: 500 }));
    const root = await broken.until((r) => textOf(r).includes("could not answer just now"), "the server error");
    expect(textOf(root)).not.toMatch(/Prisma|html/);
  });

  it("says so when the admin did not say which order it was opened on, and asks the app nothing", async () => {
    let asked = 0;
    const opened = await openAction(async () => {
      asked++;
      return new Response(null, { status: 500 });
    }, "gid://shopify/DraftOrder/1");

    const root = await opened.until((r) => textOf(r).includes("did not say which order this is"), "the missing-order message");
    expect(findAll(root, "s-button").map(textOf)).toEqual(["Resync all partners", "Close"]);
    expect(button(root, "Resync all partners").properties.disabled).toBe(true);
    expect(asked).toBe(0);
  });

  it("closes when the merchant presses Close", async () => {
    const opened = await openAction(async () => Response.json({ orderId: ORDER_A, orderName: "#1001", partners: [] }));
    const root = await opened.until((r) => textOf(r).includes("Not queued"), "the empty state");

    click(button(root, "Close"));

    expect(opened.closed()).toBe(1);
  });
});
