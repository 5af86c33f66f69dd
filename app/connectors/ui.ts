// What the admin shows for each partner besides the common parts, client-safe:
// each folder's ui.tsx. The order page and the settings page look a partner's
// panels up here; a partner without a ui.tsx gets the common parts only.
import type { ComponentType } from "react";
import type { JobView } from "~/admin/order-detail.server";
import type { PartnerRead } from "./order-page.server";
import { reverbUi } from "./reverb/ui";
import { reversioUi } from "./reversio/ui";
import { testfreaksUi } from "./testfreaks/ui";

export interface PartnerUi {
  /** The partner's id (its meta.ts id). */
  id: string;
  /** Under the order's job: what the partner holds about the order (its Connector.orderPage.read, streamed). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  OrderLive?: ComponentType<{ read: Promise<PartnerRead<any>>; timeZone: string }>;
  /** Inside the job, under its last error: e.g. Reverb's form for an order it may hold without the app knowing its id. */
  OrderJob?: ComponentType<{ job: JobView }>;
  /** On the settings page, under the form: the widget of the partner's settingsPage, given its data (rendered inside a Polaris Layout). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  SettingsWidget?: ComponentType<{ data: any }>;
}

const PARTNER_UIS: readonly PartnerUi[] = [reverbUi, reversioUi, testfreaksUi];

/** The partner's panels; none for a partner without a ui.tsx (or one a test registered). */
export function partnerUi(id: string): PartnerUi | undefined {
  return PARTNER_UIS.find((ui) => ui.id === id);
}
