// The partners as the admin names them. Client-safe (no connector code): the
// navigation and page titles import it; app/connectors/registry.ts stays on the server.
import type { PartnerId } from "~/connectors/types";

export interface PartnerLabel {
  id: PartnerId;
  name: string;
  /** One line on what the partner does for the merchant. */
  purpose: string;
}

export const PARTNER_LABELS: readonly PartnerLabel[] = [
  { id: "reverb", name: "Reverb", purpose: "Referral marketing by TrackStreet: orders credit the customers who referred them." },
  { id: "reversio", name: "Revers.io", purpose: "Returns management: customers can open a return for what they bought." },
  { id: "testfreaks", name: "TestFreaks", purpose: "Review collection: customers are invited to review what was delivered." },
];

export function partnerLabel(id: PartnerId): PartnerLabel {
  return PARTNER_LABELS.find((p) => p.id === id)!;
}

export const partnerSettingsPath = (id: PartnerId) => `/app/partners/${id}`;
