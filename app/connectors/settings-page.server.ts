// What a partner adds to its settings page beyond the form its meta.ts describes: a
// widget's data and the widget's own forms (Revers.io's SKU -> model mapping). Each
// folder's settings-page.server.ts fills one (its Connector's settingsPage); the page
// (app/admin/partner-settings.server.ts) reads it from the connector, the widget is the
// folder's ui.tsx.
import type { SettingsActionResult, SettingsDeps } from "~/admin/partner-settings.server";

export interface SettingsPageServer {
  /** The widget's data for the shop, from the page's query string (e.g. a search). */
  load(deps: SettingsDeps, shop: string, query: URLSearchParams): Promise<unknown>;
  /** The widget's forms by intent: field messages for bad input, never a throw for it. */
  actions: Readonly<Record<string, (deps: SettingsDeps, shop: string, form: FormData) => Promise<SettingsActionResult>>>;
}
