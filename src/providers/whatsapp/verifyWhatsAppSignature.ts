import { createHmac, timingSafeEqual } from "node:crypto";
import type { InboundVerification } from "../inboundProvider.ts";

const signaturePattern = /^sha256=([0-9a-f]{64})$/i;

/**
 * Meta signs every webhook POST: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret,
 * raw body)>`. There is no timestamp, so no replay window: dedupe on the message id covers
 * replays.
 */
export function verifyWhatsAppSignature(
  appSecret: string,
  signature: string | undefined,
  body: Buffer,
): InboundVerification {
  if (!signature) return { ok: false, reason: "missing_header" };
  const match = signaturePattern.exec(signature);
  if (!match) return { ok: false, reason: "bad_signature_format" };
  const candidate = Buffer.from(match[1] ?? "", "hex");
  const expected = createHmac("sha256", appSecret).update(body).digest();
  if (candidate.length !== expected.length || !timingSafeEqual(candidate, expected)) {
    return { ok: false, reason: "no_matching_signature" };
  }
  return { ok: true };
}
