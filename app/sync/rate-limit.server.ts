// A token bucket per (shop, partner) lane, kept on the lane's SyncLane row so that
// every worker process draws from the same one. Each partner call of a job takes a
// token before it is sent; a 429 lowers the lane's rate, which climbs back after
// quiet periods. The numbers are the policy's (retry-policy.ts) and the deployment's
// (partnerRates in config.server.ts).
import type { PrismaClient } from "@prisma/client";
import type { PartnerRate } from "~/config.server";
import { isUniqueViolation } from "./ingest.server";
import { policy } from "./retry-policy";

export interface LaneRow {
  tokens: number | null;
  refilledAt: Date | null;
  loweredRate: number | null;
  loweredAt: Date | null;
}

/** The rate the lane sends at now: the configured one, or a lowered one climbing back (doubling per quiet period). */
export function effectiveRate(configured: number, lane: Pick<LaneRow, "loweredRate" | "loweredAt">, now: Date): { perSec: number; lowered: boolean } {
  if (lane.loweredRate === null || lane.loweredAt === null || lane.loweredRate >= configured) return { perSec: configured, lowered: false };
  const quietPeriods = Math.floor(Math.max(0, now.getTime() - lane.loweredAt.getTime()) / policy.rateRecoveryQuietMs);
  const perSec = lane.loweredRate * 2 ** Math.min(quietPeriods, 30);
  return perSec >= configured ? { perSec: configured, lowered: false } : { perSec, lowered: true };
}

/**
 * The lane's bucket as of `now`: tokens refilled at the effective rate, at most
 * `burst` (one while the rate is lowered: a partner that just refused us gets no burst).
 */
export function refill(rate: PartnerRate, lane: LaneRow, now: Date): { tokens: number; perSec: number } {
  const { perSec, lowered } = effectiveRate(rate.perSec, lane, now);
  const capacity = lowered ? 1 : rate.burst;
  if (lane.tokens === null || lane.refilledAt === null) return { tokens: capacity, perSec };
  const elapsedSec = Math.max(0, now.getTime() - lane.refilledAt.getTime()) / 1000;
  return { tokens: Math.min(capacity, lane.tokens + elapsedSec * perSec), perSec };
}

const laneSelect = { tokens: true, refilledAt: true, loweredRate: true, loweredAt: true } as const;

async function laneRow(db: PrismaClient, shop: string, partner: string): Promise<LaneRow> {
  const found = await db.syncLane.findUnique({ where: { shop_partner: { shop, partner } }, select: laneSelect });
  if (found) return found;
  // Another queue engine may not have made the lane's row: make it (free, unleased).
  try {
    await db.syncLane.create({ data: { shop, partner } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return db.syncLane.findUniqueOrThrow({ where: { shop_partner: { shop, partner } }, select: laneSelect });
}

/**
 * Takes one token from the lane's bucket. Answers 0 when taken, else how long
 * (ms) until one is there (nothing taken). A compare-and-set on the row's
 * previous state makes concurrent takers from several processes retry rather
 * than both spend the same token.
 */
export async function takeToken(db: PrismaClient, shop: string, partner: string, rate: PartnerRate, now: Date): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const lane = await laneRow(db, shop, partner);
    const { tokens, perSec } = refill(rate, lane, now);
    if (tokens < 1) return Math.ceil(((1 - tokens) / perSec) * 1000);
    const taken = await db.syncLane.updateMany({
      where: { shop, partner, tokens: lane.tokens, refilledAt: lane.refilledAt },
      data: { tokens: tokens - 1, refilledAt: now },
    });
    if (taken.count === 1) return 0;
  }
  // Lost the race twenty times running: treat as empty for a moment.
  return Math.ceil(1000 / rate.perSec);
}

/**
 * A 429 from the partner: the lane's rate drops (from what it was sending at, to no
 * less than the floor), its bucket empties, and the start of the refusal is kept.
 */
export async function lowerLaneRate(db: PrismaClient, shop: string, partner: string, rate: PartnerRate, now: Date): Promise<void> {
  const lane = await laneRow(db, shop, partner);
  const current = effectiveRate(rate.perSec, lane, now).perSec;
  const lowered = Math.max(policy.minRatePerSec, Math.min(rate.perSec, current * policy.rateDropFactor));
  await db.syncLane.updateMany({ where: { shop, partner }, data: { loweredRate: lowered, loweredAt: now, tokens: 0, refilledAt: now } });
  await db.syncLane.updateMany({ where: { shop, partner, limitedSince: null }, data: { limitedSince: now } });
}

/** The partner accepted a job of the lane: it is no longer refusing us. */
export async function laneAccepted(db: PrismaClient, shop: string, partner: string): Promise<void> {
  await db.syncLane.updateMany({ where: { shop, partner, limitedSince: { not: null } }, data: { limitedSince: null } });
}

/** Since when the partner has refused the lane without accepting a job, if it does. */
export async function laneLimitedSince(db: PrismaClient, shop: string, partner: string): Promise<Date | null> {
  const lane = await db.syncLane.findUnique({ where: { shop_partner: { shop, partner } }, select: { limitedSince: true } });
  return lane?.limitedSince ?? null;
}

/** The lane's lowered rate (requests a second) when a 429 lowered it and it has not climbed back yet; for the admin. */
export async function loweredRates(db: PrismaClient, shop: string, rates: Record<string, PartnerRate>, now: Date): Promise<Map<string, number>> {
  const lanes = await db.syncLane.findMany({ where: { shop, loweredRate: { not: null } }, select: { partner: true, loweredRate: true, loweredAt: true } });
  const lowered = new Map<string, number>();
  for (const lane of lanes) {
    const configured = rates[lane.partner];
    if (!configured) continue;
    const rate = effectiveRate(configured.perSec, lane, now);
    if (rate.lowered) lowered.set(lane.partner, rate.perSec);
  }
  return lowered;
}
