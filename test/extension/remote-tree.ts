// Runs the extension's bundle the way Shopify's admin does, without a browser:
// the script is evaluated in its own global scope whose `shopify.extend` records
// the targets it registers, and a target is rendered into a @remote-ui receiver
// (the host side of the protocol the admin uses), whose tree the tests read.
import vm from "node:vm";
import { createRemoteReceiver, isRemoteReceiverAttachableFragment, KIND_TEXT, type RemoteReceiver } from "@remote-ui/core";

export interface Registration {
  target: string;
  run: (...args: unknown[]) => Promise<unknown>;
}

/** Evaluates the bundle with `fetch` as the only network the extension sees; returns what it registered. */
export function evaluateBundle(code: string, fetchImpl: (input: string, init?: RequestInit) => Promise<Response>): Registration[] {
  const registered: Registration[] = [];
  const sandbox = vm.createContext({
    shopify: { extend: (target: string, run: Registration["run"]) => void registered.push({ target, run }) },
    fetch: fetchImpl,
    console,
    setTimeout,
    clearTimeout,
    queueMicrotask,
  });
  vm.runInContext(code, sandbox, { filename: "order-sync-status.js" });
  return registered;
}

export interface TreeNode {
  kind: number;
  type?: string;
  text?: string;
  props?: Record<string, unknown>;
  children?: TreeNode[];
}

/** Renders a registered target with `api`, allowing only `components` (the admin's list). */
export async function renderTarget(registration: Registration, api: unknown, components: readonly string[]): Promise<RemoteReceiver> {
  const receiver = createRemoteReceiver();
  await registration.run({ channel: receiver.receive, components }, api);
  return receiver;
}

export const rootOf = (receiver: RemoteReceiver) => receiver.attached.root as unknown as TreeNode;

/** A node's children, then the components passed in its props (AdminAction's buttons). */
function childrenOf(node: TreeNode): TreeNode[] {
  const fromProps = Object.values(node.props ?? {}).flatMap((value) => (isRemoteReceiverAttachableFragment(value) ? (value.children as unknown as TreeNode[]) : []));
  return [...(node.children ?? []), ...fromProps];
}

/**
 * What the merchant reads in a node: its `title` (banners, the action's header),
 * then its content. Adjacent texts join as React renders them ("Last error", ": ",
 * "…"); components are separated by a space.
 */
export function textOf(node: TreeNode): string {
  if (node.kind === KIND_TEXT) return node.text ?? "";
  const title = typeof node.props?.title === "string" ? node.props.title : "";
  const content = childrenOf(node)
    .map((child) => (child.kind === KIND_TEXT ? (child.text ?? "") : ` ${textOf(child)} `))
    .join("");
  return `${title} ${content}`.replace(/\s+/g, " ").trim();
}

export function findAll(node: TreeNode, type: string, predicate: (n: TreeNode) => boolean = () => true): TreeNode[] {
  const own = node.type === type && predicate(node) ? [node] : [];
  return [...own, ...childrenOf(node).flatMap((child) => findAll(child, type, predicate))];
}

export function findOne(node: TreeNode, type: string, text: string | RegExp): TreeNode {
  const matches = findAll(node, type, (n) => (typeof text === "string" ? textOf(n) === text : text.test(textOf(n))));
  if (matches.length !== 1) throw new Error(`expected one ${type} "${text}", found ${matches.length} in: ${textOf(node)}`);
  return matches[0]!;
}

/** Waits for the extension to show something (it fetches, then re-renders); fails with what it shows instead. */
export async function until(receiver: RemoteReceiver, predicate: (root: TreeNode) => boolean, what: string): Promise<TreeNode> {
  for (let i = 0; i < 500; i++) {
    const root = rootOf(receiver);
    if (predicate(root)) return root;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the extension never showed ${what}; it shows: ${textOf(rootOf(receiver))}`);
}
