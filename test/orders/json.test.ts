import { describe, expect, it } from "vitest";
import { InvalidJsonError, parseJsonLossless } from "~/orders/json";
import { loadFixture } from "../fixtures/shopify/index";

describe("parseJsonLossless", () => {
  it("keeps an id above 2^53 exact, as its decimal string, where JSON.parse rounds it", () => {
    const text = loadFixture("orders-cancelled.sample.json");

    const body = parseJsonLossless(text) as { id: unknown; customer: { id: unknown } };

    expect(body.id).toBe("820982911946154508");
    expect(body.customer.id).toBe("115310627314723954");
    expect((JSON.parse(text) as { id: number }).id).toBe(820982911946154500);
  });

  it("gives every number inside the safe-integer range, and every fraction, as a JS number", () => {
    const body = parseJsonLossless('{"small": 5095218610315, "rate": 0.0725, "odd": 8.561999799999999, "neg": -3}');

    expect(body).toEqual({ small: 5095218610315, rate: 0.0725, odd: 8.561999799999999, neg: -3 });
  });

  it("treats 2^53 itself as unsafe: a number there cannot be told from a rounded one", () => {
    expect(parseJsonLossless("[9007199254740991, 9007199254740992, -9007199254740993]")).toEqual([9007199254740991, "9007199254740992", "-9007199254740993"]);
  });

  it("finds an unsafe integer wherever a number can stand: at the top, after [, after a comma or a colon across whitespace", () => {
    expect(parseJsonLossless("9007199254740993")).toBe("9007199254740993");
    expect(parseJsonLossless(" -9007199254740993 ")).toBe("-9007199254740993");
    expect(parseJsonLossless('{"ids": [1,\n\t 820982911946154508], "id":\r\n  115310627314723954}')).toEqual({ ids: [1, "820982911946154508"], id: "115310627314723954" });
  });

  it("reads a body whose long digit runs sit only in strings (tracking numbers, tokens) as the lossless parser does", () => {
    const text = loadFixture("orders-updated.tracking-delivered-usd");
    expect(text).toMatch(/"[^"]*\d{16}[^"]*"/);
    expect(parseJsonLossless(text)).toEqual(JSON.parse(text));
    expect(parseJsonLossless(`{"note": "ref: 9007199254740993", "tracking": "9405511298370124989733"}`)).toEqual({ note: "ref: 9007199254740993", tracking: "9405511298370124989733" });
  });

  it("leaves strings, booleans, null and nesting alone", () => {
    expect(parseJsonLossless('{"a":[true,null,"訂單已取消",{"b":"gid://shopify/Order/1"}]}')).toEqual({
      a: [true, null, "訂單已取消", { b: "gid://shopify/Order/1" }],
    });
  });

  it.each([
    ["an empty body", ""],
    ["a cut-off object", '{"id": 1,'],
    ["a trailing comma", '{"id": 1,}'],
    ["form encoding", "id=1&name=x"],
  ])("throws InvalidJsonError naming the position for %s", (_what, text) => {
    expect(() => parseJsonLossless(text)).toThrow(InvalidJsonError);
    expect(() => parseJsonLossless(text)).toThrow(/^invalid JSON: .*position \d+/);
  });
});
