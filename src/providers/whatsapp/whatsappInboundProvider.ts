import type {
  InboundEvent,
  InboundLink,
  InboundProvider,
  InboundRequest,
  InboundVerification,
} from "../inboundProvider.ts";
import { answerWhatsAppHandshake } from "./answerWhatsAppHandshake.ts";
import { parseWhatsAppWebhook } from "./parseWhatsAppWebhook.ts";
import { verifyWhatsAppSignature } from "./verifyWhatsAppSignature.ts";
import { parseWhatsAppInboundSecret } from "./whatsappInboundSecret.ts";

/**
 * WhatsApp Business Cloud API webhooks. The link's inbound secret is JSON
 * `{ appSecret, verifyToken }`; its external account id is the phone number id that a
 * change's `metadata.phone_number_id` must name.
 */
export function makeWhatsAppInboundProvider(): InboundProvider {
  return {
    provider: "whatsapp",
    // Cloud API batches can reach 3 MB.
    maxBodyBytes: 3 * 1024 * 1024,
    contentTypes: ["application/json"],

    verify(request: InboundRequest, link: InboundLink): InboundVerification {
      const secret = parseWhatsAppInboundSecret(link.inboundSecret);
      if (!secret) return { ok: false, reason: "unusable_secret" };
      const header = request.headers["x-hub-signature-256"];
      return verifyWhatsAppSignature(
        secret.appSecret,
        typeof header === "string" ? header : undefined,
        request.rawBody,
      );
    },

    parse(request: InboundRequest, link: InboundLink): InboundEvent {
      return parseWhatsAppWebhook(request.rawBody, link.externalAccountId);
    },

    answerGet(request: InboundRequest, link: InboundLink) {
      const secret = parseWhatsAppInboundSecret(link.inboundSecret);
      if (!secret) return { ok: false, reason: "unusable_secret" };
      return answerWhatsAppHandshake(request, secret.verifyToken);
    },
  };
}
