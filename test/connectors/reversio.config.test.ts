// The Revers.io settings as the admin form and the CLI file parse them.
import { describe, expect, it } from "vitest";
import { reversioConnector } from "~/connectors/reversio";
import { fieldErrors } from "~/validation";

describe("Revers.io settings", () => {
  it("given only the two keys, then the documented defaults apply", () => {
    const config = reversioConnector.configSchema.parse({ subscriptionKey: "key", secretValue: "secret" });

    expect(config).toEqual({
      subscriptionKey: "key",
      secretValue: "secret",
      environment: "production",
      salesChannel: "Shopify",
      importTrigger: "fulfilled",
      createMissingModels: false,
    });
  });

  it("given a storePurchasedAt or modelTypeId that is not a uuid, then the settings are refused naming the field", () => {
    const result = reversioConnector.configSchema.safeParse({ subscriptionKey: "key", secretValue: "secret", storePurchasedAt: "main store", modelTypeId: "shoes" });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["storePurchasedAt", "modelTypeId"]);
  });

  it("given a blank secret, then the settings are refused", () => {
    expect(reversioConnector.configSchema.safeParse({ subscriptionKey: "key", secretValue: "   " }).success).toBe(false);
  });

  it("given keys of any shape (no prefix, no fixed length, punctuation), then they are accepted: the documents show none", () => {
    const config = reversioConnector.configSchema.parse({ subscriptionKey: " e885c314c095438494986a51e5d6048a ", secretValue: "kueteuhy/CkV+WDV=NJp" });

    expect([config.subscriptionKey, config.secretValue]).toEqual(["e885c314c095438494986a51e5d6048a", "kueteuhy/CkV+WDV=NJp"]);
  });

  it("given what is certainly wrong (a space inside a key, a secret of 300 characters, a 250-character channel), then each field says why", () => {
    const result = reversioConnector.configSchema.safeParse({ subscriptionKey: "e885c314 c095438", secretValue: "s".repeat(300), salesChannel: "S".repeat(250) });

    expect(fieldErrors(result.error!)).toEqual({
      subscriptionKey: "A Revers.io subscription key has no spaces or line breaks inside: paste the subscription key alone.",
      secretValue: "That is longer than any Revers.io secret value (over 256 characters): paste the secret value alone.",
      salesChannel: "Keep the sales channel name under 200 characters: it is a name, e.g. Shopify.",
    });
  });

  it("given ids pasted with spaces around them, then they are kept without the spaces", () => {
    const id = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b";
    const config = reversioConnector.configSchema.parse({ subscriptionKey: "key", secretValue: "secret", storePurchasedAt: ` ${id}\n`, modelTypeId: ` ${id.toUpperCase()} ` });

    expect([config.storePurchasedAt, config.modelTypeId]).toEqual([id, id.toUpperCase()]);
  });

  it("marks the subscription key and the secret value as secrets", () => {
    expect(reversioConnector.secretKeys).toEqual(["subscriptionKey", "secretValue"]);
  });
});
