import { describe, expect, it } from "vitest";
import { ShopifyError } from "~/connectors/errors";
import { graphqlData, readGraphqlErrors } from "~/shopify/graphql-errors";

const throttledAnswer = (cost: unknown) => ({
  data: null,
  errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
  extensions: { cost },
});

describe("readGraphqlErrors", () => {
  it("is null for an answer without errors, or with an empty list", () => {
    expect(readGraphqlErrors({ data: { shop: {} } })).toBeNull();
    expect(readGraphqlErrors({ data: { shop: {} }, errors: [] })).toBeNull();
  });

  it("names each message once, and the code of an error without one", () => {
    const errors = readGraphqlErrors({
      errors: [{ message: "Access denied for orders field." }, { message: "Access denied for orders field." }, { extensions: { code: "INTERNAL_SERVER_ERROR" } }, {}],
    });

    expect(errors).toEqual({ message: "Access denied for orders field.; INTERNAL_SERVER_ERROR; unnamed error", throttled: false, waitMs: null });
  });

  it("reads THROTTLED with the time the cost bucket needs to hold the query again", () => {
    const errors = readGraphqlErrors(throttledAnswer({ requestedQueryCost: 500, throttleStatus: { currentlyAvailable: 100, restoreRate: 100 } }));

    expect(errors).toMatchObject({ throttled: true, waitMs: 4_000 });
  });

  it("waits at least a second, and says nothing of a wait the answer does not give", () => {
    expect(readGraphqlErrors(throttledAnswer({ requestedQueryCost: 10, throttleStatus: { currentlyAvailable: 9, restoreRate: 100 } }))?.waitMs).toBe(1_000);
    expect(readGraphqlErrors(throttledAnswer(undefined))).toMatchObject({ throttled: true, waitMs: null });
    expect(readGraphqlErrors(throttledAnswer({ requestedQueryCost: 10, throttleStatus: { restoreRate: 0 } }))?.waitMs).toBeNull();
  });

  it("treats an errors field it cannot read as errors, so partial data is never taken", () => {
    expect(readGraphqlErrors({ data: { order: {} }, errors: "boom" })).toMatchObject({ throttled: false });
  });
});

describe("graphqlData", () => {
  it("answers the data of an answer without errors, whatever its extensions hold", () => {
    expect(graphqlData({ data: { orders: { nodes: [] } }, extensions: { cost: { requestedQueryCost: "odd" } } })).toEqual({ orders: { nodes: [] } });
  });

  it("throws rate_limited with the bucket's wait when Shopify throttled the query", () => {
    const call = () => graphqlData(throttledAnswer({ requestedQueryCost: 300, throttleStatus: { currentlyAvailable: 0, restoreRate: 50 } }));

    expect(call).toThrow(ShopifyError);
    expect(call).toThrow(expect.objectContaining({ failureClass: "rate_limited", retryAfterMs: 6_000, message: "Shopify answered: Throttled" }));
  });

  it("throws retryable with Shopify's messages, or 'no data' for an answer without any", () => {
    expect(() => graphqlData({ data: { order: null }, errors: [{ message: "Field 'x' doesn't exist" }] })).toThrow(
      expect.objectContaining({ failureClass: "retryable", message: "Shopify answered: Field 'x' doesn't exist" }),
    );
    expect(() => graphqlData({ data: null })).toThrow(expect.objectContaining({ failureClass: "retryable", message: "Shopify answered: no data" }));
  });
});
