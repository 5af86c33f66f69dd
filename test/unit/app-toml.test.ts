// shopify.app.toml is what Shopify reads (`shopify app deploy`); the code is what
// answers. Nothing at run time compares them: Shopify delivers the topics the file
// subscribes to and grants the scopes the file asks for. These tests fail when one
// side changes without the other.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "toml";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES } from "~/config.server";
import { API_VERSION } from "~/shopify.server";
import { validateDelivery } from "~/sync/ingest.server";
import { ALL_TOPICS, COMPLIANCE_TOPICS, normalizeTopic, type Topic } from "~/sync/topics";

const root = join(import.meta.dirname, "..", "..");
type Subscription = { topics?: string[]; compliance_topics?: string[]; uri: string };
const toml = parse(readFileSync(join(root, "shopify.app.toml"), "utf8")) as {
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: Subscription[] };
};
const subscriptions = toml.webhooks.subscriptions;
const subscribed = subscriptions.flatMap((s) => [...(s.topics ?? []), ...(s.compliance_topics ?? [])]);
const scopeSet = (list: string) =>
  new Set(
    list
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
const sorted = <T>(values: Iterable<T>) => [...values].sort();

describe("shopify.app.toml's webhooks and the code that answers them", () => {
  it("subscribes to exactly the topics the code knows, each once", () => {
    expect(sorted(subscribed)).toEqual(sorted(new Set(subscribed)));
    expect(sorted(subscribed)).toEqual(sorted(ALL_TOPICS));
    for (const topic of subscribed) expect(normalizeTopic(topic), topic).toBe(topic);
  });

  it("declares the privacy topics as compliance_topics (Shopify refuses them as plain topics)", () => {
    const compliance = subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect(sorted(compliance)).toEqual(sorted(COMPLIANCE_TOPICS));
  });

  it("delivers every topic to /webhooks/<topic>, the splat route that verifies and handles it", () => {
    expect(existsSync(join(root, "app/routes/webhooks.$.tsx"))).toBe(true);
    for (const s of subscriptions) {
      const topics = [...(s.topics ?? []), ...(s.compliance_topics ?? [])];
      expect(topics).toHaveLength(1);
      expect(s.uri).toBe(`/webhooks/${topics[0]}`);
    }
  });

  it("has a handler for every subscribed topic: a case of its own in handleWebhook, or the inbox's validation", () => {
    // handleWebhook's switch takes the topics that erase, record or pause; every other
    // topic falls to validateDelivery, which throws for a topic it does not take.
    const source = readFileSync(join(root, "app/sync/webhook.server.ts"), "utf8");
    const ownCase = new Set([...source.matchAll(/case "([a-z_]+\/[a-z_]+)":/g)].map((m) => m[1]));
    const unhandled = subscribed.filter((topic) => {
      if (ownCase.has(topic)) return false;
      try {
        validateDelivery(topic as Topic, {});
        return false;
      } catch {
        return true;
      }
    });
    expect(unhandled).toEqual([]);
  });

  it("uses the Admin API version the app's clients use", () => {
    expect(toml.webhooks.api_version).toBe(API_VERSION);
  });
});

// ---------------------------------------------------------------------------
// Access scopes: what the GraphQL the code sends, and the topics it subscribes to, need.

/**
 * The access scope Shopify's Admin API requires for each top-level field the app queries; the fields under it are read
 * with it (an order's customer and addresses also need Shopify's approval for protected customer data, which is not a
 * scope). A field missing here fails the test: add it with its scope.
 */
const ROOT_FIELD_SCOPES: Record<string, string | null> = {
  order: "read_orders",
  orders: "read_orders",
  shop: null,
  currentBulkOperation: null,
  bulkOperationRunQuery: null, // needs what its query needs: that query is one of the documents read here
  bulkOperationCancel: null,
};
/** `node`/`nodes` need the scope of the type asked for. */
const NODE_TYPE_SCOPES: Record<string, string | null> = { Product: "read_products", BulkOperation: null };
/** Webhook topics and the scope Shopify requires to subscribe to them. */
const TOPIC_SCOPES: Record<string, string | null> = {
  "orders/": "read_orders",
  "refunds/": "read_orders",
  "fulfillments/": "read_fulfillments",
  "app/": null,
  "customers/": null,
  "shop/": null,
};

/** Every string or template in app/ that is a GraphQL document (`query …`, `mutation …`, or `{ field(…) … }`), interpolations blanked. */
function graphqlDocuments(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  const files = readdirSync(join(root, "app"), { recursive: true, encoding: "utf8" }).filter((f) => /\.tsx?$/.test(f));
  for (const file of files) {
    const path = join(root, "app", file);
    const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      let text: string | null = null;
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
      else if (ts.isTemplateExpression(node)) text = node.head.text + node.templateSpans.map((span) => ` __ ${span.literal.text}`).join("");
      if (text !== null && /^\s*(#graphql\s*)?((query|mutation)\b[^{]*\{|\{\s*[A-Za-z_]\w*\s*[({])/.test(text)) found.push({ file, text });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** The operation's top-level fields, and for `node`/`nodes` the `... on Type` fragments under them. */
function rootFields(document: string): string[] {
  const text = document.replace(/#[^\n]*/g, "").replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const fields: string[] = [];
  let depth = 0;
  let parens = 0;
  let lastRoot = "";
  for (const token of text.matchAll(/\.\.\.\s*on\s+([A-Za-z_]\w*)|[A-Za-z_]\w*|[{}()]/g)) {
    const t = token[0];
    if (t === "(") parens++;
    else if (t === ")") parens--;
    else if (t === "{") depth++;
    else if (t === "}") depth--;
    else if (parens > 0) continue;
    else if (depth === 1 && !token[1]) fields.push((lastRoot = t));
    else if (depth === 2 && token[1] && (lastRoot === "node" || lastRoot === "nodes")) fields.push(`${lastRoot} on ${token[1]}`);
  }
  return fields.filter((f) => f !== "node" && f !== "nodes");
}

function scopeOf(field: string): string | null | undefined {
  const onType = /^nodes? on (\w+)$/.exec(field);
  return onType ? NODE_TYPE_SCOPES[onType[1]!] : ROOT_FIELD_SCOPES[field];
}

describe("shopify.app.toml's access scopes and what the code reads", () => {
  const documents = graphqlDocuments();

  it("finds the app's GraphQL documents (order, products, reconcile, bulk export, shop contact)", () => {
    const fields = new Set(documents.flatMap((d) => rootFields(d.text)));
    for (const expected of ["order", "orders", "nodes on Product", "bulkOperationRunQuery", "shop"]) expect(fields).toContain(expected);
  });

  it("knows the scope of every top-level field the code queries", () => {
    const unknown = documents.flatMap((d) =>
      rootFields(d.text)
        .filter((f) => scopeOf(f) === undefined)
        .map((f) => `${d.file}: ${f}`),
    );
    expect(unknown).toEqual([]);
  });

  it("asks for exactly the scopes the queries and the subscribed topics need", () => {
    const fromQueries = documents.flatMap((d) => rootFields(d.text).map(scopeOf));
    const fromTopics = subscribed.map((topic) => {
      const prefix = Object.keys(TOPIC_SCOPES).find((p) => topic.startsWith(p));
      expect(prefix, `scope of ${topic}`).toBeDefined();
      return TOPIC_SCOPES[prefix!];
    });
    const needed = new Set([...fromQueries, ...fromTopics].filter((s): s is string => typeof s === "string"));
    expect(sorted(scopeSet(toml.access_scopes.scopes))).toEqual(sorted(needed));
  });

  it("matches the SCOPES default the app requests at run time", () => {
    expect(sorted(scopeSet(DEFAULT_SCOPES))).toEqual(sorted(scopeSet(toml.access_scopes.scopes)));
  });
});
