import type { PrismaClient } from "@prisma/client";
import { DecryptError, decryptSecret, encryptSecret, envelopeKeyId, type Keyring } from "~/security/secrets.server";

/** A stored credential set the rotation could not decrypt: named by shop and partner, never by its value. */
export interface UnreadableCredentials {
  shop: string;
  partner: string;
  reason: string;
}

export interface RotationReport {
  /** Credential sets re-encrypted with the current key. */
  rotated: number;
  /** Credential sets already on the current key (saved with it, or rotated before). */
  alreadyCurrent: number;
  /** Left as they were: no key of the keyring opens them. */
  unreadable: UnreadableCredentials[];
  /** Saved again every time the rotation was about to write them: left for the next run. */
  busy: { shop: string; partner: string }[];
}

/** How often one row is read again after a save overtook the rotation's write. */
const MAX_TRIES = 5;

/**
 * Re-encrypts every stored credential set with the current ENCRYPTION_KEY.
 * Run after moving the old key to ENCRYPTION_KEYS_PREVIOUS; afterwards the old
 * key can be dropped. Rows already on the current key are left as they are.
 *
 * The app keeps serving meanwhile, so a merchant may save new credentials
 * between the rotation's read of a row and its write: each write is a
 * compare-and-set on the value read (and the row's updatedAt), and a row saved
 * in between is read again, so the merchant's save is never overwritten with
 * the old credentials. A row no key opens does not stop the run: every such
 * row is reported at the end.
 */
export async function rotateKeys(db: PrismaClient, keyring: Keyring): Promise<RotationReport> {
  const report: RotationReport = { rotated: 0, alreadyCurrent: 0, unreadable: [], busy: [] };
  const rows = await db.partnerConfig.findMany({ select: { id: true, shop: true, partner: true }, orderBy: [{ shop: "asc" }, { partner: "asc" }] });
  for (const { id, shop, partner } of rows) {
    for (let tries = 1; ; tries++) {
      const stored = await db.partnerConfig.findUnique({ where: { id }, select: { secrets: true, updatedAt: true } });
      if (!stored) break; // erased meanwhile (shop/redact)
      if (envelopeKeyId(stored.secrets) === keyring.current.id) {
        report.alreadyCurrent += 1;
        break;
      }
      let plain: string;
      try {
        plain = decryptSecret(keyring, shop, partner, stored.secrets);
      } catch (error) {
        if (!(error instanceof DecryptError)) throw error;
        // DecryptError's message names the shop, the partner and the key id; never the value.
        report.unreadable.push({ shop, partner, reason: error.message });
        break;
      }
      const written = await db.partnerConfig.updateMany({
        where: { id, secrets: stored.secrets, updatedAt: stored.updatedAt },
        data: { secrets: encryptSecret(keyring, shop, partner, plain) },
      });
      if (written.count === 1) {
        report.rotated += 1;
        break;
      }
      if (tries >= MAX_TRIES) {
        report.busy.push({ shop, partner });
        break;
      }
    }
  }
  return report;
}
