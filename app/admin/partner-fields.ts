// The settings form of each partner: one entry per key of the partner's zod
// config schema (app/connectors/*/schema.ts), with the words the merchant reads.
// Client-safe: the page renders from it; the server parses the form with it and
// validates with the schema itself (a test pins that the keys and the secret
// flags match the connectors).
import type { PartnerId } from "~/connectors/types";

interface FieldBase {
  key: string;
  label: string;
  helpText?: string;
  /** "credentials" fields are what Test connection checks; "settings" shape what is sent. */
  section: "credentials" | "settings";
}

export type FieldSpec =
  | (FieldBase & { kind: "secret" })
  /** `optional`: an empty field means "not set" (the schema's default or nothing), not an empty string. */
  | (FieldBase & { kind: "text"; placeholder?: string; optional?: boolean; defaultValue?: string; monospace?: boolean })
  | (FieldBase & { kind: "select"; options: { value: string; label: string }[]; defaultValue: string })
  | (FieldBase & { kind: "checkbox"; defaultValue: boolean });

export const PARTNER_FIELDS: Record<PartnerId, readonly FieldSpec[]> = {
  reverb: [
    { key: "consumerKey", label: "Consumer key", kind: "secret", section: "credentials", helpText: "Reverb admin → Website settings → API." },
    { key: "consumerSecret", label: "Consumer secret", kind: "secret", section: "credentials" },
    {
      key: "websiteUuid",
      label: "Website UUID",
      kind: "text",
      section: "credentials",
      monospace: true,
      placeholder: "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
      helpText: "Reverb admin → Website settings.",
    },
    {
      key: "campaignUuid",
      label: "Campaign UUID",
      kind: "text",
      section: "settings",
      monospace: true,
      placeholder: "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
      helpText: "The campaign a referral found on an order is credited to (Reverb admin → Campaigns).",
    },
    {
      key: "referrerEmailAttribute",
      label: "Referrer email note attribute",
      kind: "text",
      section: "settings",
      optional: true,
      defaultValue: "reverb_referrer_email",
      monospace: true,
      helpText: "The order note attribute your storefront fills with the referrer's email. Empty means reverb_referrer_email.",
    },
    {
      key: "referrerLevelAttribute",
      label: "Referral level note attribute",
      kind: "text",
      section: "settings",
      optional: true,
      defaultValue: "reverb_level",
      monospace: true,
      helpText: "For multi-level programs: the note attribute holding the referral level. Empty means reverb_level.",
    },
    {
      key: "subtotalIncludesTax",
      label: "Send prices and subtotal with tax included",
      kind: "checkbox",
      section: "settings",
      defaultValue: false,
      helpText:
        "Reverb's subtotal is before discounts and taxes, so where your prices include tax the app takes it out. Turn this on only if your Reverb programme computes commissions on tax-inclusive amounts.",
    },
  ],
  reversio: [
    { key: "subscriptionKey", label: "Subscription key", kind: "secret", section: "credentials", helpText: "Revers.io portal → API → your subscription." },
    { key: "secretValue", label: "Secret value", kind: "secret", section: "credentials" },
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
  testfreaks: [
    { key: "apiKey", label: "API key", kind: "secret", section: "credentials", helpText: "Your TestFreaks secret API key, from your TestFreaks account." },
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

export const secretFields = (partner: PartnerId) => PARTNER_FIELDS[partner].filter((f) => f.kind === "secret").map((f) => f.key);

/** The form's values as the merchant sees them: every non-secret field, secrets always empty. */
export type FormValues = Record<string, string | boolean>;

export function defaultValues(partner: PartnerId): FormValues {
  const values: FormValues = {};
  for (const field of PARTNER_FIELDS[partner]) {
    if (field.kind === "secret") values[field.key] = "";
    else if (field.kind === "checkbox") values[field.key] = field.defaultValue;
    else values[field.key] = field.defaultValue ?? "";
  }
  return values;
}
