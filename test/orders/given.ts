// Shared "given" steps for the order-layer tests: real fixture bodies, parsed
// the way the webhook route parses them.
import { parseJsonLossless } from "~/orders/json";
import { extractFulfillment, extractOrderSnapshot } from "~/orders/read-webhook";
import type { OrderSnapshot, SnapshotFulfillment } from "~/orders/snapshot";
import { loadFixture } from "../fixtures/shopify/index";

/** A fixture body as a plain object, parsed losslessly, for tests that alter it before extracting. */
export function fixtureBody(name: string): Record<string, unknown> {
  return parseJsonLossless(loadFixture(name)) as Record<string, unknown>;
}

/** The snapshot of an order fixture; fails the test with the extractor's own error if it does not parse. */
export function snapshotOf(nameOrBody: string | Record<string, unknown>): OrderSnapshot {
  const body = typeof nameOrBody === "string" ? fixtureBody(nameOrBody) : nameOrBody;
  const result = extractOrderSnapshot(body);
  if (!result.ok) throw new Error(`expected the order to parse, got: ${result.error}`);
  return result.snapshot;
}

/** The fulfillment of Shopify's fulfillments/update sample. */
export function sampleFulfillment(): SnapshotFulfillment {
  const result = extractFulfillment(fixtureBody("fulfillments-update.sample.json"));
  if (!result.ok) throw new Error(result.error);
  return result.fulfillment;
}
