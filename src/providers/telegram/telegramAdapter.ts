import { DeliveryError } from "../deliveryError.ts";
import { apiUrl, baseUrlSetting, field, postJson, requireCredentials } from "../httpSend.ts";
import type { OutboundMessage, ProviderAdapter, SendOptions } from "../providerAdapter.ts";
import { classifyTelegramError } from "./classifyTelegramError.ts";
import { parseTelegramThreadRef } from "./telegramThreadRef.ts";

export const telegramDefaultApiBaseUrl = "https://api.telegram.org";
const label = "telegram sendMessage";

/**
 * Sends replies with the Bot API's sendMessage. The bot token travels in the URL path, so no
 * error built here ever includes the URL.
 */
export function makeTelegramAdapter(): ProviderAdapter {
  return {
    provider: "telegram",
    async send(message: OutboundMessage, { signal }: SendOptions) {
      const token = requireCredentials(message.link.credentials, label);
      // The token becomes a path segment: one that could change the path is a broken link.
      if (/[\s/?#%\\]/.test(token)) {
        throw new DeliveryError("linkLevel", `${label}: the bot token has an invalid format`);
      }
      const base = baseUrlSetting(message.link.settings, telegramDefaultApiBaseUrl);
      const thread = parseTelegramThreadRef(message.threadRef);
      const response = await postJson({
        url: apiUrl(base, `/bot${token}/sendMessage`, label),
        headers: { "content-type": "application/json" },
        body: {
          chat_id: telegramChatId(message.conversationId),
          text: message.content,
          // allow_sending_without_reply: a deleted original must not make the reply undeliverable.
          ...(thread.messageId === undefined
            ? {}
            : {
                reply_parameters: {
                  message_id: thread.messageId,
                  allow_sending_without_reply: true,
                },
              }),
          ...(thread.messageThreadId === undefined
            ? {}
            : { message_thread_id: thread.messageThreadId }),
        },
        signal,
        label,
      });
      if (response.status >= 200 && response.status < 300 && field(response.body, "ok") === true) {
        const messageId = field(field(response.body, "result"), "message_id");
        return {
          providerMessageId:
            typeof messageId === "number" || typeof messageId === "string" ? String(messageId) : "",
        };
      }
      if (response.status >= 200 && response.status < 300 && field(response.body, "ok") !== false) {
        throw new DeliveryError("transient", `${label}: unexpected answer`, {
          providerStatus: response.status,
          ambiguous: true,
        });
      }
      throw classifyTelegramError(response);
    },
  };
}

/** Numeric chat ids go out as numbers (as Telegram documents them); `@channel` names as text. */
function telegramChatId(conversationId: string): number | string {
  return /^-?\d{1,15}$/.test(conversationId) ? Number(conversationId) : conversationId;
}
