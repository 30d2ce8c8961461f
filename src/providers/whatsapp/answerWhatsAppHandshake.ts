import { constantTimeEqualText } from "../constantTimeEqual.ts";
import type { HandshakeAnswer, InboundRequest } from "../inboundProvider.ts";

// Meta sends a numeric challenge; anything printable is echoed, nothing that could be markup.
const challengePattern = /^[\w.-]{1,200}$/;

/**
 * The subscription handshake: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
 * is answered 200 with the challenge as text/plain when the verify token matches.
 */
export function answerWhatsAppHandshake(
  request: InboundRequest,
  verifyToken: string,
):
  | { readonly ok: true; readonly answer: HandshakeAnswer }
  | { readonly ok: false; readonly reason: string } {
  const mode = request.query["hub.mode"];
  const token = request.query["hub.verify_token"];
  const challenge = request.query["hub.challenge"];
  if (mode !== "subscribe") return { ok: false, reason: "not_a_subscribe_request" };
  if (!token) return { ok: false, reason: "missing_verify_token" };
  if (!constantTimeEqualText(token, verifyToken))
    return { ok: false, reason: "wrong_verify_token" };
  if (!challenge || !challengePattern.test(challenge))
    return { ok: false, reason: "bad_challenge" };
  return {
    ok: true,
    answer: { kind: "handshake", status: 200, body: challenge, contentType: "text/plain" },
  };
}
