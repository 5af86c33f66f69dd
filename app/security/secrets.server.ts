import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

// AES-256-GCM envelopes for partner secrets. The shop and partner are bound in as
// associated data, so a value copied into another shop's row fails to decrypt.
// Each envelope names its key id, so keys can be rotated (keys:rotate) while the
// old key stays readable (ENCRYPTION_KEYS_PREVIOUS).
//
// Envelope: v1.<keyId>.<iv b64url>.<tag b64url>.<ciphertext b64url>

export interface Keyring {
  current: { id: string; key: Buffer };
  all: Map<string, Buffer>;
}

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

export class DecryptError extends Error {
  override name = "DecryptError";
}

export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function parseKey(base64: string, name = "ENCRYPTION_KEY"): Buffer {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32 || key.toString("base64").replace(/=+$/, "") !== base64.trim().replace(/=+$/, "")) {
    throw new SecretKeyError(`${name} must be 32 random bytes encoded as base64 (44 characters; make one with: openssl rand -base64 32)`);
  }
  return key;
}

/** The current key plus any previous ones (comma-separated) that old envelopes may still use. */
export function createKeyring(currentBase64: string, previousBase64 = ""): Keyring {
  const current = parseKey(currentBase64);
  const all = new Map<string, Buffer>([[keyIdOf(current), current]]);
  for (const entry of previousBase64
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const key = parseKey(entry, "ENCRYPTION_KEYS_PREVIOUS");
    all.set(keyIdOf(key), key);
  }
  return { current: { id: keyIdOf(current), key: current }, all };
}

const aad = (shop: string, partner: string) => Buffer.from(`${shop}\u0000${partner}`, "utf8");

export function encryptSecret(keyring: Keyring, shop: string, partner: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  cipher.setAAD(aad(shop, partner));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", keyring.current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function envelopeKeyId(envelope: string): string | null {
  const parts = envelope.split(".");
  return parts.length === 5 && parts[0] === "v1" ? (parts[1] ?? null) : null;
}

export function decryptSecret(keyring: Keyring, shop: string, partner: string, envelope: string): string {
  const parts = envelope.split(".");
  if (parts.length !== 5 || parts[0] !== "v1") throw new DecryptError(`stored ${partner} credentials for ${shop} are not in a format this app can read`);
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  const key = keyring.all.get(keyId);
  if (!key) {
    throw new DecryptError(`stored ${partner} credentials for ${shop} were encrypted with key ${keyId}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_PREVIOUS`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(aad(shop, partner));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptError(`stored ${partner} credentials for ${shop} could not be decrypted (wrong key, or the value was tampered with or copied from another shop)`);
  }
}
