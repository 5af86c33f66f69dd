// Reading the order's id in Reverb's answers (docs/partners/reverb.md "What the pages
// leave open"): pure, input -> output.
import { describe, expect, it } from "vitest";
import { readOrderId } from "~/connectors/reverb/schema";

const UUID = "3f2b8c1e-7d4a-4e6b-9a0c-5d1e2f3a4b5c";
const envelope = (data: unknown) => ({ response: { code: "200", message: "OK", data } });

describe("the order's id in an answer", () => {
  it.each([
    ["order_uuid in data.order (the GET example)", envelope({ order: { order_uuid: UUID } })],
    ["uuid instead", envelope({ order: { uuid: UUID } })],
    ["id instead", envelope({ order: { id: UUID } })],
    ["a one-element array", envelope({ order: [{ order_uuid: UUID }] })],
    ["no envelope", { order: { order_uuid: UUID } }],
    ["data without response", { data: { order: { uuid: UUID } } }],
    ["the order itself", { order_uuid: UUID, subtotal: 23.5 }],
    ["the envelope's data, as the transport hands it on", { order: { order_uuid: ` ${UUID} ` } }],
  ])("is read from %s", (_what, body) => {
    expect(readOrderId(body)).toBe(UUID);
  });

  it("prefers order_uuid over uuid over id", () => {
    expect(readOrderId(envelope({ order: { id: 7, uuid: "u", order_uuid: UUID } }))).toBe(UUID);
    expect(readOrderId(envelope({ order: { id: 7, uuid: "u" } }))).toBe("u");
  });

  it("keeps a whole-number id as its decimal text", () => {
    expect(readOrderId(envelope({ order: { order_uuid: 7001 } }))).toBe("7001");
  });

  it.each([
    ["an empty body", null],
    ["a body that is not an object", "OK"],
    ["an order without any id field", envelope({ order: { order_number: "#1001", customer_uuid: UUID } })],
    ["an empty id", envelope({ order: { order_uuid: "  " } })],
    ["two orders (which one is ours?)", envelope({ order: [{ order_uuid: UUID }, { order_uuid: "other" }] })],
    ["an id JSON could not carry exactly (beyond 2^53)", envelope({ order: { id: 2 ** 53 + 2 } })],
    ["a fractional number", envelope({ order: { id: 12.5 } })],
    ["an envelope with no data", { response: { code: 200, message: "OK" } }],
  ])("is none for %s: the order then waits for the merchant", (_what, body) => {
    expect(readOrderId(body)).toBeNull();
  });
});
