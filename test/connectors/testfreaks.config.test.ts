// The merchant's TestFreaks settings: what the CLI file and the admin form accept.
import { describe, expect, it } from "vitest";
import { testfreaksConnector } from "~/connectors/testfreaks";

const parse = (input: unknown) => testfreaksConnector.configSchema.safeParse(input);
const messages = (input: unknown) => {
  const result = parse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("TestFreaks settings", () => {
  it("given only the key and client id, then SKU and the order name are the defaults", () => {
    expect(parse({ apiKey: " sk_live_abc ", clientId: "example.com" })).toEqual({
      success: true,
      data: { apiKey: "sk_live_abc", clientId: "example.com", itemIdSource: "sku", orderIdSource: "name" },
    });
  });

  it("given variant ids and Shopify order ids, then both are kept", () => {
    const result = parse({ apiKey: "sk_1", clientId: "shop.example", itemIdSource: "variant_id", orderIdSource: "id" });

    expect(result.data).toMatchObject({ itemIdSource: "variant_id", orderIdSource: "id" });
  });

  it("given nothing, then each missing value is named in words a merchant understands", () => {
    expect(messages({})).toEqual(["apiKey: Enter your TestFreaks API key.", "clientId: Enter your TestFreaks client id."]);
  });

  it("given a key without the sk_ of the documents' one example, then it is accepted: nothing says every key has it", () => {
    expect(parse({ apiKey: "tf_live_3kd92JxQ", clientId: "example.com" }).data?.apiKey).toBe("tf_live_3kd92JxQ");
    expect(parse({ apiKey: "0123456789abcdef0123456789abcdef", clientId: "example.com" }).success).toBe(true);
  });

  it("given a blank client id, then it is explained", () => {
    expect(messages({ apiKey: "pk_123", clientId: "  " })).toEqual(["clientId: Enter your TestFreaks client id (the identifier of your client configuration, e.g. example.com)."]);
  });

  it("given a key with a space inside and an absurdly long client id, then each field says what is certainly wrong", () => {
    expect(messages({ apiKey: "sk_live abc", clientId: "x".repeat(257) })).toEqual([
      "apiKey: A TestFreaks API key has no spaces or line breaks inside: paste the key alone.",
      "clientId: That is longer than any TestFreaks client id (over 256 characters): paste the client id alone.",
    ]);
    expect(messages({ apiKey: `sk_${"a".repeat(300)}`, clientId: "example.com" })).toEqual(["apiKey: That is longer than any TestFreaks API key (over 256 characters): paste the API key alone."]);
  });

  it("given an empty key and a client id with a space, then each gets one message", () => {
    expect(messages({ apiKey: "", clientId: "my shop" })).toEqual(["apiKey: Enter your TestFreaks API key.", "clientId: The TestFreaks client id has no spaces (e.g. example.com)."]);
  });

  it("given an unknown id source, then the choice is explained", () => {
    expect(messages({ apiKey: "sk_1", clientId: "example.com", itemIdSource: "ean", orderIdSource: "number" })).toEqual([
      "itemIdSource: Choose how products are identified at TestFreaks: by SKU or by variant id.",
      "orderIdSource: Choose which order number TestFreaks sees: the order name (#1001) or the Shopify order id.",
    ]);
  });

  it("then the API key is the one secret", () => {
    expect(testfreaksConnector.secretKeys).toEqual(["apiKey"]);
  });

  it("given TESTFREAKS_API_URL, then it overrides the documented host", () => {
    const config = { apiKey: "sk_1", clientId: "example.com", itemIdSource: "sku", orderIdSource: "name" } as const;

    expect(testfreaksConnector.baseUrl(config, {})).toBe("https://api.testfreaks.com/v1");
    expect(testfreaksConnector.baseUrl(config, { TESTFREAKS_API_URL: "http://127.0.0.1:4010" })).toBe("http://127.0.0.1:4010");
  });
});
