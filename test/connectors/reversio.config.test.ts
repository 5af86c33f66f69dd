// The Revers.io settings as the admin form and the CLI file parse them.
import { describe, expect, it } from "vitest";
import { reversioConnector } from "~/connectors/reversio";

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

  it("marks the subscription key and the secret value as secrets", () => {
    expect(reversioConnector.secretKeys).toEqual(["subscriptionKey", "secretValue"]);
  });
});
