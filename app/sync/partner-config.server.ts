import type { PrismaClient } from "@prisma/client";
import type { AnyConnector } from "~/connectors/types";
import { decryptSecret, encryptSecret, type Keyring } from "~/security/secrets.server";
import { fieldErrors } from "~/validation";
import { holdMessage, holdReasonOf, type HoldReason } from "./hold-reason";
import { DUE_STATUSES } from "./job-status";

export type SaveResult = { ok: true } | { ok: false; fieldErrors: Record<string, string> };

export interface StoredPartnerConfig {
  partner: string;
  enabled: boolean;
  /** Why the partner is held (credentials refused, app uninstalled); null: it runs (unless `enabled` is off). */
  holdReason: HoldReason | null;
  /** The sentence shown about that hold. */
  pausedReason: string | null;
  pausedAt: Date | null;
  holdUntil: Date | null;
  secretsUpdatedAt: Date;
  updatedAt: Date;
  config: unknown;
}

function splitSecrets(connector: AnyConnector, config: Record<string, unknown>) {
  const secrets: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    (connector.secretKeys.includes(key) ? secrets : settings)[key] = value;
  }
  return { secrets, settings };
}

/**
 * Validates a partner's settings with its zod schema, encrypts the secret fields,
 * stores them and enables the partner. Secret fields left out (the admin form
 * never shows them) keep their stored value. Saving clears a credentials pause
 * and puts the partner's held jobs back in the queue again.
 */
export async function savePartnerConfig(
  db: PrismaClient,
  keyring: Keyring,
  shop: string,
  connector: AnyConnector,
  input: Record<string, unknown>,
  options: { enabled?: boolean } = {},
): Promise<SaveResult> {
  const existing = await loadPartnerConfig(db, keyring, shop, connector).catch(() => null);
  const merged: Record<string, unknown> = { ...input };
  for (const key of connector.secretKeys) {
    const given = merged[key];
    if ((given === undefined || given === "") && existing) merged[key] = (existing.config as Record<string, unknown>)[key];
  }
  const parsed = connector.configSchema.safeParse(merged);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrors(parsed.error) };

  const { secrets, settings } = splitSecrets(connector, parsed.data as Record<string, unknown>);
  const secretsChanged = !existing || connector.secretKeys.some((key) => (existing.config as Record<string, unknown>)[key] !== secrets[key]);
  const envelope = encryptSecret(keyring, shop, connector.id, JSON.stringify(secrets));
  const enabled = options.enabled ?? true;
  const now = new Date();
  await db.$transaction([
    db.partnerConfig.upsert({
      where: { shop_partner: { shop, partner: connector.id } },
      create: { shop, partner: connector.id, enabled, settings: JSON.stringify(settings), secrets: envelope, secretsUpdatedAt: now },
      update: {
        enabled,
        settings: JSON.stringify(settings),
        secrets: envelope,
        ...(secretsChanged ? { secretsUpdatedAt: now } : {}),
        holdReason: null,
        pausedReason: null,
        pausedAt: null,
      },
    }),
    db.syncJob.updateMany({
      where: { shop, partner: connector.id, status: "paused" },
      data: { status: "pending", nextRunAt: now, holdReason: null, generation: { increment: 1 } },
    }),
  ]);
  return { ok: true };
}

/** The partner's decrypted, validated settings for the shop, or null when not set up. */
export async function loadPartnerConfig(db: PrismaClient, keyring: Keyring, shop: string, connector: AnyConnector): Promise<StoredPartnerConfig | null> {
  const row = await db.partnerConfig.findUnique({ where: { shop_partner: { shop, partner: connector.id } } });
  if (!row) return null;
  const secrets = JSON.parse(decryptSecret(keyring, shop, connector.id, row.secrets)) as Record<string, unknown>;
  const settings = JSON.parse(row.settings) as Record<string, unknown>;
  const parsed = connector.configSchema.safeParse({ ...settings, ...secrets });
  if (!parsed.success) {
    const problems = Object.entries(fieldErrors(parsed.error))
      .map(([k, v]) => `${k}: ${v}`)
      .join("; ");
    throw new Error(`stored ${connector.displayName} settings for ${shop} are no longer valid (${problems}); save them again`);
  }
  return {
    partner: connector.id,
    enabled: row.enabled,
    holdReason: holdReasonOf(row.holdReason),
    pausedReason: row.pausedReason,
    pausedAt: row.pausedAt,
    holdUntil: row.holdUntil,
    secretsUpdatedAt: row.secretsUpdatedAt,
    updatedAt: row.updatedAt,
    config: parsed.data,
  };
}

/**
 * Why the partner's jobs are held now, and the sentence they show (the partner's own, kept
 * in pausedReason, where it gave one); null while it runs. The merchant's switch comes first.
 */
export function partnerHold(config: { enabled: boolean; holdReason: string | null; pausedReason: string | null }, partnerName: string): { reason: HoldReason; message: string } | null {
  if (!config.enabled) return { reason: "merchant_pause", message: holdMessage("merchant_pause", partnerName) };
  const reason = holdReasonOf(config.holdReason);
  return reason === null ? null : { reason, message: config.pausedReason ?? holdMessage(reason, partnerName) };
}

/**
 * Called when a partner refuses the shop's credentials: hold its jobs until the merchant fixes them.
 * `message` is the sentence shown (holdMessage("credentials_refused", ...)). A partner held already
 * (an uninstall) keeps that hold.
 */
export async function pausePartner(db: PrismaClient, shop: string, partner: string, message: string): Promise<void> {
  await db.partnerConfig.updateMany({ where: { shop, partner, holdReason: null }, data: { holdReason: "credentials_refused", pausedReason: message, pausedAt: new Date() } });
}

/**
 * The merchant's pause switch. Paused: due jobs are held (status paused) and new
 * orders queue up held too (ensureJobs). Resumed: everything held by the pause
 * is due again, so nothing placed during the pause is lost.
 * Answers false when the partner is not set up for the shop.
 */
export async function setPartnerEnabled(db: PrismaClient, shop: string, connector: AnyConnector, enabled: boolean): Promise<boolean> {
  const reason = holdMessage("merchant_pause", connector.displayName);
  const now = new Date();
  return db.$transaction(async (tx) => {
    const { count } = await tx.partnerConfig.updateMany({ where: { shop, partner: connector.id }, data: { enabled } });
    if (count === 0) return false;
    if (enabled) {
      await tx.syncJob.updateMany({
        where: { shop, partner: connector.id, status: "paused", holdReason: "merchant_pause" },
        data: { status: "pending", nextRunAt: now, lastError: null, holdReason: null, generation: { increment: 1 } },
      });
    } else {
      await tx.syncJob.updateMany({
        where: { shop, partner: connector.id, status: { in: [...DUE_STATUSES] } },
        data: { status: "paused", lastError: reason, holdReason: "merchant_pause" },
      });
    }
    return true;
  });
}
