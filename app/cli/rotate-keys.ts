import type { PrismaClient } from "@prisma/client";
import { decryptSecret, encryptSecret, envelopeKeyId, type Keyring } from "~/security/secrets.server";

/**
 * Re-encrypts every stored credential set with the current ENCRYPTION_KEY.
 * Run after moving the old key to ENCRYPTION_KEYS_PREVIOUS; afterwards the old
 * key can be dropped. Rows already on the current key are left as they are.
 */
export async function rotateKeys(db: PrismaClient, keyring: Keyring): Promise<number> {
  const rows = await db.partnerConfig.findMany({ select: { id: true, shop: true, partner: true, secrets: true } });
  let count = 0;
  for (const row of rows) {
    if (envelopeKeyId(row.secrets) === keyring.current.id) continue;
    const plain = decryptSecret(keyring, row.shop, row.partner, row.secrets);
    await db.partnerConfig.update({ where: { id: row.id }, data: { secrets: encryptSecret(keyring, row.shop, row.partner, plain) } });
    count += 1;
  }
  return count;
}
