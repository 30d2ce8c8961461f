import type {
  InboundEvent,
  InboundLink,
  InboundProvider,
  InboundRequest,
  InboundVerification,
} from "../inboundProvider.ts";
import { parseTelegramUpdate } from "./parseTelegramUpdate.ts";
import { verifyTelegramSecretToken } from "./verifyTelegramSecretToken.ts";

/**
 * Telegram Bot API webhooks. The link's inbound secret is the `secret_token` passed to
 * setWebhook; its external account id is the bot id (a link is one bot, so update ids are
 * unique per link).
 */
export function makeTelegramInboundProvider(): InboundProvider {
  return {
    provider: "telegram",
    contentTypes: ["application/json"],

    verify(request: InboundRequest, link: InboundLink): InboundVerification {
      const value = request.headers["x-telegram-bot-api-secret-token"];
      return verifyTelegramSecretToken(
        link.inboundSecret,
        typeof value === "string" ? value : undefined,
      );
    },

    parse(request: InboundRequest): InboundEvent {
      return parseTelegramUpdate(request.rawBody);
    },
  };
}
