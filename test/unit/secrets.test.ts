import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKeyring, decryptSecret, DecryptError, encryptSecret, envelopeKeyId, SecretKeyError } from "~/security/secrets.server";

const key = () => randomBytes(32).toString("base64");

describe("partner secrets at rest", () => {
  it("round-trips and never stores the plaintext", () => {
    const ring = createKeyring(key());
    const envelope = encryptSecret(ring, "a.myshopify.com", "testfreaks", '{"apiKey":"sk_live_123"}');
    expect(envelope).not.toContain("sk_live_123");
    expect(decryptSecret(ring, "a.myshopify.com", "testfreaks", envelope)).toBe('{"apiKey":"sk_live_123"}');
  });

  it("fails to decrypt a value copied to another shop's or partner's row", () => {
    const ring = createKeyring(key());
    const envelope = encryptSecret(ring, "a.myshopify.com", "testfreaks", "secret");
    expect(() => decryptSecret(ring, "b.myshopify.com", "testfreaks", envelope)).toThrow(DecryptError);
    expect(() => decryptSecret(ring, "a.myshopify.com", "reverb", envelope)).toThrow(DecryptError);
  });

  it("names its key so an old key in ENCRYPTION_KEYS_PREVIOUS still decrypts after rotation", () => {
    const oldKey = key();
    const oldRing = createKeyring(oldKey);
    const envelope = encryptSecret(oldRing, "a.myshopify.com", "reverb", "secret");
    const rotated = createKeyring(key(), oldKey);
    expect(envelopeKeyId(envelope)).toBe(oldRing.current.id);
    expect(decryptSecret(rotated, "a.myshopify.com", "reverb", envelope)).toBe("secret");
    expect(() => decryptSecret(createKeyring(key()), "a.myshopify.com", "reverb", envelope)).toThrow(/neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_PREVIOUS/);
  });

  it("refuses a key that is not 32 bytes of base64, saying how to make one", () => {
    expect(() => createKeyring("short")).toThrow(SecretKeyError);
    expect(() => createKeyring(randomBytes(16).toString("base64"))).toThrow(/openssl rand -base64 32/);
  });

  it("detects tampering", () => {
    const ring = createKeyring(key());
    const envelope = encryptSecret(ring, "a.myshopify.com", "reverb", "secret");
    const parts = envelope.split(".");
    parts[4] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptSecret(ring, "a.myshopify.com", "reverb", parts.join("."))).toThrow(DecryptError);
  });
});
