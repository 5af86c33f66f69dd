// TestFreaks (docs/partners/testfreaks.md): what the app shows and knows of the partner besides its code.
// Client-safe: the admin's pages, the logger and the masker read it (app/connectors/partners.ts).
import type { PartnerMeta } from "../partner-meta";

export const testfreaksMeta: PartnerMeta<"testfreaks"> = {
  id: "testfreaks",
  name: "TestFreaks",
  purpose: "Review collection: customers are invited to review what was delivered.",
  listedAs: "TestFreaks (reviews)",
  // The docs ask clients to follow their rate limiting (429 with Retry-After) when sending
  // many orders, without a number. One POST per order: 2 a second.
  rate: { perSec: 2, burst: 2 },
  urlVariable: "TESTFREAKS_API_URL",
  defaultBaseUrl: "https://api.testfreaks.com/v1",
  fields: [
    {
      key: "apiKey",
      label: "API key",
      kind: "secret",
      section: "credentials",
      helpText: "Your TestFreaks secret API key, from your TestFreaks account.",
    },
    {
      key: "clientId",
      label: "Client id",
      kind: "text",
      section: "credentials",
      placeholder: "example.com",
      helpText: "The identifier of your TestFreaks client configuration.",
    },
    {
      key: "itemIdSource",
      label: "Identify products by",
      kind: "select",
      section: "settings",
      defaultValue: "sku",
      options: [
        { value: "sku", label: "SKU" },
        { value: "variant_id", label: "Shopify variant id" },
      ],
      helpText: "Must match the product ids of your TestFreaks product feed.",
    },
    {
      key: "orderIdSource",
      label: "Order number sent",
      kind: "select",
      section: "settings",
      defaultValue: "name",
      options: [
        { value: "name", label: "Order name (#1001)" },
        { value: "id", label: "Shopify order id" },
      ],
    },
  ],
};
