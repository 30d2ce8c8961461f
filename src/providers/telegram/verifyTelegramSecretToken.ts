import { constantTimeEqualText } from "../constantTimeEqual.ts";
import type { InboundVerification } from "../inboundProvider.ts";

/**
 * Telegram sends the `secret_token` given to setWebhook back in
 * `X-Telegram-Bot-Api-Secret-Token`; there is no signature. Both sides are hashed first so the
 * comparison takes the same time whatever the received length.
 */
export function verifyTelegramSecretToken(
  expected: string,
  received: string | undefined,
): InboundVerification {
  if (received === undefined || received === "") return { ok: false, reason: "missing_header" };
  if (expected === "") return { ok: false, reason: "unusable_secret" };
  return constantTimeEqualText(expected, received)
    ? { ok: true }
    : { ok: false, reason: "wrong_secret_token" };
}
