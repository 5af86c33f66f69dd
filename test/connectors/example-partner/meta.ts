// An example partner that lives only in this test folder ("Postcards": a card is
// printed for every order): its meta.ts, as a partner folder under app/connectors/ has one.
import type { PartnerMeta } from "~/connectors/partner-meta";

export const postcardsMeta: PartnerMeta<"postcards"> = {
  id: "postcards",
  name: "Postcards",
  purpose: "Thank-you cards: a card is printed and posted for every order.",
  listedAs: "Postcards (thank-you cards)",
  rate: { perSec: 5, burst: 2 },
  urlVariable: "POSTCARDS_API_URL",
  defaultBaseUrl: "https://api.postcards.invalid/v1",
  fields: [
    { key: "apiToken", label: "API token", kind: "secret", section: "credentials", helpText: "Postcards account → API." },
    { key: "senderName", label: "Sender name", kind: "text", section: "settings", helpText: "Printed under the message." },
    { key: "skipCancelled", label: "Send no card for a cancelled order", kind: "checkbox", section: "settings", defaultValue: true },
  ],
};
