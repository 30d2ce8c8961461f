import { createHmac, timingSafeEqual } from "node:crypto";
import type { InboundVerification } from "../inboundProvider.ts";

// Slack signs `v0:<timestamp>:<raw body>` with the app's signing secret (HMAC-SHA256, hex),
// sent as `X-Slack-Signature: v0=<hex>` beside `X-Slack-Request-Timestamp` (Unix seconds).
export const slackToleranceSeconds = 5 * 60;

const signaturePattern = /^v0=([0-9a-f]{64})$/i;
const timestampPattern = /^\d{1,12}$/;

export interface VerifySlackSignatureInput {
  readonly signingSecret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly body: Buffer;
  readonly now: Date;
  readonly toleranceSeconds?: number;
}

/** Constant-time check of a Slack request signature, refusing timestamps outside the window. */
export function verifySlackSignature(input: VerifySlackSignatureInput): InboundVerification {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: "missing_headers" };
  if (input.signingSecret === "") return { ok: false, reason: "unusable_secret" };
  if (!timestampPattern.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  const tolerance = input.toleranceSeconds ?? slackToleranceSeconds;
  const nowSeconds = Math.floor(input.now.getTime() / 1000);
  // Both directions: a timestamp far in the future is as suspect as a replayed old one.
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) {
    return { ok: false, reason: "timestamp_out_of_tolerance" };
  }
  const match = signaturePattern.exec(signature);
  if (!match) return { ok: false, reason: "bad_signature_format" };
  const candidate = Buffer.from(match[1] ?? "", "hex");
  const hmac = createHmac("sha256", input.signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(input.body);
  const expected = hmac.digest();
  if (candidate.length !== expected.length || !timingSafeEqual(candidate, expected)) {
    return { ok: false, reason: "no_matching_signature" };
  }
  return { ok: true };
}
