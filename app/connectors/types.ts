import type { z } from "zod";
import type { PartnerSmoke } from "./smoke-kit";
import type { CanonicalOrder, ProductInfo } from "~/orders/canonical";
import type { Logger } from "~/logger";
import type { PartnerCache } from "~/sync/partner-cache.server";

import type { PartnerMeta } from "./partner-meta";
import type { OrderPageServer } from "./order-page.server";
import type { SettingsPageServer } from "./settings-page.server";

export { PARTNERS, isPartnerId, type PartnerId } from "./partners";

/** What a connector's HTTP client is built from: injected so tests drive time and the network. */
export interface ClientDeps {
  fetch: typeof globalThis.fetch;
  now: () => Date;
  logger: Logger;
  baseUrl: string;
}

/** What the runner decided from the order alone, before any partner call. */
export type SyncPlan<Request> = { kind: "skip"; reason: string } | { kind: "send"; request: Request };

export interface PushContext<Config> {
  shop: string;
  config: Config;
  /** The partner's id for this order from an earlier accepted request, if any. */
  remoteId: string | null;
  /** The previous attempt ended without a clear answer (timeout, dropped connection). */
  previousOutcomeUncertain: boolean;
  /**
   * For a partner whose create call must never be repeated (app/sync/create-once.server.ts):
   * where that call stands while `remoteId` is null; null when it was never sent, or was refused.
   * Absent outside the worker (a connector's own tests): read as null.
   */
  createRecord?: CreateRecord | null;
  /**
   * Sends the call that creates the order at the partner, at most once: the job records
   * durably that it is sending just before the request leaves. When the outcome is unknown
   * (no answer, or a 2xx that could not be read) it throws CreateOutcomeUnknown and the job
   * waits for the merchant; a refusal that was read clears the record and is rethrown.
   * Absent outside the worker: the connector sends directly and reads the outcome the same way.
   */
  sendCreate?<T>(partnerName: string, what: string, send: () => Promise<T>): Promise<T>;
  /** The shop's time zone as the admin kept it, for dates in the sentences a job stores; UTC when absent. */
  timeZone?: string;
  /** Per shop and partner remote-id memory (customer uuids, model ids, tokens). */
  cache: PartnerCache;
  deps: ClientDeps;
}

/** SyncJob.createState: sending | accepted_without_id | handled (prisma/schema.prisma). */
export type CreateState = "sending" | "accepted_without_id" | "handled";

export interface CreateRecord {
  state: CreateState;
  /** When the create call was sent, if known. */
  sentAt: Date | null;
}

export interface PushResult {
  /** The partner's id for the order, kept for later updates. */
  remoteId: string | null;
  /** The HTTP status of the call that settled the order. */
  httpStatus: number;
  /** The body that was finally accepted (after id resolution), for the admin's order page. */
  sent: unknown;
}

export type VerifyResult = { status: "valid"; message: string } | { status: "invalid_credentials"; message: string } | { status: "unreachable"; message: string };

export interface Connector<Config = unknown, Request = unknown> {
  /** The partner's id (meta.id): a partner the app ships with, or one a test registers (registry.ts). */
  id: string;
  displayName: string;
  /** The client-safe part: name, purpose, settings form, URL variable (partner-meta.ts). */
  meta: PartnerMeta;
  /** The merchant's settings for this partner, secrets included: the CLI file and the admin form both parse with it. */
  configSchema: z.ZodType<Config>;
  /** Keys of Config that are secrets: encrypted at rest, never logged, never sent to the browser. */
  secretKeys: readonly (keyof Config & string)[];
  /** The partner's base URL: the environment variable override, else the documented host for the config (e.g. sandbox). */
  baseUrl(config: Config, env: Record<string, string | undefined>): string;
  /** Pure: the request this order implies for the partner now, or why none applies. */
  plan(order: CanonicalOrder, products: ReadonlyMap<string, ProductInfo>, config: Config): SyncPlan<Request>;
  /** Sends the planned request; throws PartnerError on failure, SyncSkipped when the order cannot apply (app/connectors/errors.ts). */
  push(request: Request, ctx: PushContext<Config>): Promise<PushResult>;
  /** A cheap authenticated call for the admin's "Test connection". */
  verify(config: Config, deps: ClientDeps): Promise<VerifyResult>;
  /** Its partner:smoke round trip against its test environment (smoke.ts), if it has one. */
  smoke?: PartnerSmoke<Config>;
  /** What the partner adds to the admin's order page besides its job (a live read, its own forms); its panel is the folder's ui.tsx. */
  readonly orderPage?: OrderPageServer;
  /** What the partner adds to its settings page besides the form of its meta.ts (a widget's data and forms); the widget is the folder's ui.tsx. */
  readonly settingsPage?: SettingsPageServer;
}

// Erases the generic parameters for registries that hold connectors of every partner.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnector = Connector<any, any>;
