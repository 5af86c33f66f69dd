// Reverb by TrackStreet (docs/partners/reverb.md): what the app shows and knows of the partner besides its code.
// Client-safe: the admin's pages, the logger and the masker read it (app/connectors/partners.ts).
import type { PartnerMeta } from "../partner-meta";

export const reverbMeta: PartnerMeta<"reverb"> = {
  id: "reverb",
  name: "Reverb",
  purpose: "Referral marketing by TrackStreet: orders credit the customers who referred them.",
  listedAs: "Reverb by TrackStreet (referrals)",
  // No rate limit is published. Two a second keeps a large backlog moving (7,200 requests
  // an hour) without looking like a flood; a job is one to three calls (customer lookup,
  // order, referral), so a burst of 3 lets one job go out at once.
  rate: { perSec: 2, burst: 3 },
  urlVariable: "REVERB_API_URL",
  defaultBaseUrl: "https://reverbapi.trackstreet.com/api/v1",
  fields: [
    {
      key: "consumerKey",
      label: "Consumer key",
      kind: "secret",
      section: "credentials",
      helpText: "Reverb admin → Website settings → API.",
    },
    {
      key: "consumerSecret",
      label: "Consumer secret",
      kind: "secret",
      section: "credentials",
    },
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
};
