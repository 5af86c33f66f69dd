// A stand-in for the Shopify admin running a 2026-07 UI extension, without a
// browser. What the admin gives the extension's script (a worker) is rebuilt here
// in its own global scope (node:vm):
//
// - a DOM: @remote-dom/core's polyfill, the minimal DOM Remote DOM provides for
//   workers, with `document.body` connected to the host as the root of the tree;
// - the Polaris elements the target offers (s-admin-action, s-button, ...) defined
//   as remote elements, each with the properties and events its class declares in
//   @shopify/ui-extensions (build/ts/surfaces/admin/components/*.d.ts): an element
//   the target does not offer stays an unknown element, which the host reports;
// - the `shopify` global: the target's API (data.selected, close, i18n, ...) and
//   `extend(target, render)`, which the bundle's entry calls for each target of
//   shopify.extension.toml (Shopify CLI's entry for api_version 2025-10 or later);
//   and `fetch`, the only network the extension sees.
//
// The admin renders what arrives in a RemoteReceiver (the host side of Remote
// DOM); the tests read that tree: element names, their properties and attributes
// (`slot`), text, and the event listeners the host calls when a merchant clicks.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { build } from "esbuild";
import { RemoteReceiver, type RemoteReceiverElement, type RemoteReceiverNode, type RemoteReceiverRoot } from "@remote-dom/core/receivers";

const require = createRequire(import.meta.url);

/** One element a target offers, as its class in @shopify/ui-extensions declares it. */
export interface OfferedElement {
  tag: string;
  properties: string[];
  events: string[];
}

/**
 * The elements an admin target offers: the components its type file
 * (`@shopify/ui-extensions/<target>`, the module Shopify CLI's generated
 * shopify.d.ts points at) imports, each read for its tag name and its element
 * class's members (`accessor tone`, `heading: string`, `accessor onclick`, ...).
 */
export function offeredElements(target: string): OfferedElement[] {
  const targetTypes = require.resolve(`@shopify/ui-extensions/${target}`);
  const componentFiles = [...readFileSync(targetTypes, "utf8").matchAll(/^import "(\.\.\/components\/[^"]+\.d\.ts)";$/gm)].map((m) => path.resolve(path.dirname(targetTypes), m[1]!));
  if (componentFiles.length === 0) throw new Error(`${targetTypes} imports no components: has @shopify/ui-extensions changed how a target lists them?`);
  return componentFiles.map((file) => {
    const source = readFileSync(file, "utf8");
    const tag = /^declare const tagName\w* = '(s-[a-z-]+)';$/m.exec(source)?.[1];
    const className = /\[tagName\]: (\w+);/.exec(source)?.[1];
    if (!tag || !className) throw new Error(`${file}: no tag name or element class found`);
    const members = classMembers(source, className);
    return {
      tag,
      properties: members.filter((m) => !/^on[a-z]/.test(m)),
      events: members.filter((m) => /^on[a-z]/.test(m)).map((m) => m.slice(2)),
    };
  });
}

/** The instance fields of `declare class name` and of the classes it extends in the same file. */
function classMembers(source: string, className: string, seen = new Set<string>()): string[] {
  if (seen.has(className)) return [];
  seen.add(className);
  const head = new RegExp(`^declare (?:abstract )?class ${className}\\b([^{;]*)\\{$`, "m").exec(source);
  if (!head) return [];
  const body = source.slice(head.index + head[0].length, source.indexOf("\n}", head.index));
  const own = [...body.matchAll(/^ {2}(?:accessor\s+)?([a-zA-Z]\w*)\??:/gm)].map((m) => m[1]!);
  const base = /extends\s+(\w+)/.exec(head[1]!)?.[1];
  return [...new Set([...own, ...(base ? classMembers(source, base, seen) : [])])];
}

let sandboxRuntime: Promise<string> | undefined;

/**
 * The script the host runs in the sandbox before the extension: Remote DOM's
 * polyfill and element classes, bundled for the sandbox's own global scope.
 */
function sandboxRuntimeScript(): Promise<string> {
  sandboxRuntime ??= build({
    stdin: {
      contents: `
        import "@remote-dom/core/polyfill";
        import { createRemoteElement, connectRemoteNode, setRemoteId } from "@remote-dom/core/elements";
        import { ROOT_ID } from "@remote-dom/core";
        globalThis.__adminHost = {
          define(elements) {
            for (const { tag, properties, events } of elements) {
              customElements.define(tag, createRemoteElement({ properties: Object.fromEntries(properties.map((p) => [p, {}])), events }));
            }
          },
          // What RemoteRootElement.connect() does, for the body the extension renders into.
          connect(connection) {
            setRemoteId(document.body, ROOT_ID);
            connectRemoteNode(document.body, connection);
          },
        };`,
      resolveDir: import.meta.dirname,
      loader: "js",
    },
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    logLevel: "silent",
  }).then((result) => result.outputFiles[0]!.text);
  return sandboxRuntime;
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** The parts of the action target's API (`shopify.*`) the host stand-in provides. */
export interface ActionApi {
  extension: { target: string };
  data: { selected: { id: string }[] };
  close(): void;
  i18n: {
    formatDate(date: Date, options?: Intl.DateTimeFormatOptions): string;
    formatNumber(value: number | bigint): string;
    formatCurrency(value: number | bigint): string;
    translate(key: string): string;
  };
  auth: { idToken(): Promise<string | null> };
  intents: Record<string, unknown>;
  query(): Promise<{ data?: unknown }>;
}

export interface Registration {
  target: string;
  render: (...args: unknown[]) => unknown;
}

export interface LoadedExtension {
  /** What the bundle registered with `shopify.extend`, in order. */
  registrations: Registration[];
  receiver: RemoteReceiver;
  /** Renders `target` into the connected body; resolves once its render function has. */
  render(target: string): Promise<void>;
}

/** Evaluates the bundle in a fresh sandbox with `api` as the `shopify` global and `fetch` as its network. */
export async function loadExtension(code: string, options: { api: ActionApi; fetch: Fetch; elements: OfferedElement[] }): Promise<LoadedExtension> {
  const registrations: Registration[] = [];
  const shopify = {
    ...options.api,
    extend: (target: string, render: Registration["render"]) => void registrations.push({ target, render }),
    // @shopify/ui-extensions/preact hands the host its Signal class.
    setSignals: () => {},
  };
  const sandbox = vm.createContext({ shopify, fetch: options.fetch, console, setTimeout, clearTimeout, queueMicrotask });
  vm.runInContext(await sandboxRuntimeScript(), sandbox, { filename: "admin-sandbox-runtime.js" });
  const host = (sandbox as { __adminHost: { define(elements: OfferedElement[]): void; connect(connection: RemoteReceiver["connection"]): void } }).__adminHost;
  host.define(options.elements);
  const receiver = new RemoteReceiver();
  host.connect(receiver.connection);
  vm.runInContext(code, sandbox, { filename: "order-sync-status.js" });
  return {
    registrations,
    receiver,
    async render(target) {
      const registration = registrations.find((r) => r.target === target);
      if (!registration) throw new Error(`the bundle registered ${registrations.map((r) => r.target).join(", ") || "nothing"}, not ${target}`);
      await registration.render();
    },
  };
}

// Reading the tree the host received.

export type Node = RemoteReceiverNode | RemoteReceiverRoot;
export type Element = RemoteReceiverElement;

const isElement = (node: Node): node is Element => node.type === 1;
const isText = (node: Node): node is Extract<RemoteReceiverNode, { data: string }> => node.type === 3;

/**
 * What the merchant reads in a node: its `heading` (the action's title bar, a
 * banner's title), then its content. Adjacent texts join as Preact renders them
 * ("Last error", ": ", "…"); elements are separated by a space.
 */
export function textOf(node: Node): string {
  if (isText(node)) return node.data;
  if (!("children" in node)) return ""; // a comment
  const heading = isElement(node) && typeof node.properties.heading === "string" ? node.properties.heading : "";
  const content = node.children.map((child) => (isText(child) ? child.data : ` ${textOf(child)} `)).join("");
  return `${heading} ${content}`.replace(/\s+/g, " ").trim();
}

export function findAll(node: Node, tag: string, predicate: (element: Element) => boolean = () => true): Element[] {
  const own = isElement(node) && node.element === tag && predicate(node) ? [node] : [];
  return [...own, ...("children" in node ? node.children.flatMap((child) => findAll(child, tag, predicate)) : [])];
}

export function findOne(node: Node, tag: string, text: string | RegExp): Element {
  const matches = findAll(node, tag, (n) => (typeof text === "string" ? textOf(n) === text : text.test(textOf(n))));
  if (matches.length !== 1) throw new Error(`expected one ${tag} "${text}", found ${matches.length} in: ${textOf(node)}`);
  return matches[0]!;
}

/** Every element name in the tree, once each. */
export function elementNames(node: Node): string[] {
  const names = new Set<string>();
  const visit = (n: Node) => {
    if (isElement(n)) names.add(n.element);
    if ("children" in n) n.children.forEach(visit);
  };
  visit(node);
  return [...names].sort();
}

/**
 * A merchant's click, as the admin delivers it: through the click listener the
 * extension registered on the host's copy of the element. A disabled or loading
 * button takes no click.
 */
export function click(element: Element): void {
  if (element.properties.disabled === true || element.properties.loading === true) throw new Error(`the ${element.element} "${textOf(element)}" is disabled: a merchant cannot click it`);
  const listener = element.eventListeners.click;
  if (typeof listener !== "function") throw new Error(`the ${element.element} "${textOf(element)}" has no click listener`);
  listener();
}

/**
 * Waits for the extension to show something (it fetches, then re-renders); fails
 * with what it shows instead. Every tree read must use only `allowed` elements:
 * the admin renders nothing else.
 */
export async function until(receiver: RemoteReceiver, allowed: readonly string[], predicate: (root: RemoteReceiverRoot) => boolean, what: string): Promise<RemoteReceiverRoot> {
  for (let i = 0; i < 500; i++) {
    const root = receiver.root;
    const foreign = elementNames(root).filter((name) => !allowed.includes(name));
    if (foreign.length > 0) throw new Error(`the extension rendered ${foreign.join(", ")}, which the target does not offer`);
    if (predicate(root)) return root;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the extension never showed ${what}; it shows: ${textOf(receiver.root)}`);
}
