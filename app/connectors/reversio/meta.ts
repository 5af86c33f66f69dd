// Revers.io (docs/partners/reversio.md): what the app shows and knows of the partner besides its code.
// Client-safe: the admin's pages, the logger and the masker read it (app/connectors/partners.ts).
import type { PartnerMeta } from "../partner-meta";

export const reversioMeta: PartnerMeta<"reversio"> = {
  id: "reversio",
  name: "Revers.io",
  purpose: "Returns management: customers can open a return for what they bought.",
  listedAs: "Revers.io (returns)",
  // No limit published; the API sits behind a subscription-key gateway that throttles per
  // subscription, shared by every shop using our key. A job is a token fetch, a few model
  // lookups and the import: a burst of 4 lets one job through at once, the sustained rate stays low.
  rate: { perSec: 2, burst: 4 },
  urlVariable: "REVERSIO_API_URL",
  defaultBaseUrl: "https://customer-api.revers.io/api/v1",
  fields: [
    {
      key: "subscriptionKey",
      label: "Subscription key",
      kind: "secret",
      section: "credentials",
      helpText: "Revers.io portal → API → your subscription.",
    },
    {
      key: "secretValue",
      label: "Secret value",
      kind: "secret",
      section: "credentials",
    },
    {
      key: "environment",
      label: "Environment",
      kind: "select",
      section: "credentials",
      defaultValue: "production",
      options: [
        { value: "production", label: "Production" },
        { value: "sandbox", label: "Sandbox (demo-customer-api.revers.io)" },
      ],
    },
    {
      key: "salesChannel",
      label: "Sales channel",
      kind: "text",
      section: "settings",
      optional: true,
      defaultValue: "Shopify",
      helpText: "The sales channel name orders are recorded under in Revers.io. Empty means Shopify.",
    },
    {
      key: "storePurchasedAt",
      label: "Store (optional)",
      kind: "text",
      section: "settings",
      optional: true,
      monospace: true,
      helpText: "The Revers.io store id (a UUID) the orders are recorded as bought at. Leave empty if you have one store.",
    },
    {
      key: "importTrigger",
      label: "Send an order",
      kind: "select",
      section: "settings",
      defaultValue: "fulfilled",
      options: [
        { value: "fulfilled", label: "When it is fulfilled" },
        { value: "created", label: "As soon as it is placed" },
      ],
      helpText: "Revers.io keeps an order as first sent: it has no update call.",
    },
    {
      key: "createMissingModels",
      label: "Create a Revers.io model for a SKU the catalog does not have",
      kind: "checkbox",
      section: "settings",
      defaultValue: false,
      helpText: "Otherwise an order with an unknown SKU is skipped until you map the SKU below.",
    },
    {
      key: "modelTypeId",
      label: "Model type for created models",
      kind: "text",
      section: "settings",
      optional: true,
      monospace: true,
      helpText: "A Revers.io model type id (UUID). Needed only when models are created.",
    },
  ],
};
