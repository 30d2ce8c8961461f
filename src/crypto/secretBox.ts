import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for link secrets at rest. Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url),
 * so a future key rotation can tell versions apart.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function makeSecretBox(keyBase64: string): SecretBox {
  const raw = Buffer.from(keyBase64, "base64");
  if (raw.length !== 32) throw new Error("the secrets key must be 32 bytes, base64");
  // A KeyObject once, rather than a raw Buffer that every cipher call converts again.
  const key = createSecretKey(raw);
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url"));
      return `v1.${parts.join(".")}`;
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== "v1" || !iv || !tag || body === undefined) {
        throw new Error("not a sealed secret");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([
        decipher.update(Buffer.from(body, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    },
  };
}
