import { DeliveryError } from "../deliveryError.ts";
import { apiUrl, baseUrlSetting, field, postJson, requireCredentials } from "../httpSend.ts";
import type { OutboundMessage, ProviderAdapter, SendOptions } from "../providerAdapter.ts";
import { classifyWhatsAppError } from "./classifyWhatsAppError.ts";

export const whatsappDefaultApiBaseUrl = "https://graph.facebook.com";
export const whatsappDefaultApiVersion = "v21.0";
const label = "whatsapp messages";

/**
 * Sends text replies through the WhatsApp Business Cloud API from the link's phone number id
 * (`externalAccountId`). The thread reference is the inbound `wamid`, sent as `context`.
 */
export function makeWhatsAppAdapter(): ProviderAdapter {
  return {
    provider: "whatsapp",
    async send(message: OutboundMessage, { signal }: SendOptions) {
      const token = requireCredentials(message.link.credentials, label);
      const phoneNumberId = message.link.externalAccountId?.trim();
      if (!phoneNumberId) {
        throw new DeliveryError("linkLevel", `${label}: the link has no phone number id`);
      }
      const base = baseUrlSetting(message.link.settings, whatsappDefaultApiBaseUrl);
      const path = `/${apiVersion(message.link.settings)}/${encodeURIComponent(phoneNumberId)}/messages`;
      const response = await postJson({
        url: apiUrl(base, path, label),
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: {
          messaging_product: "whatsapp",
          recipient_type: "individual",
          to: message.conversationId,
          type: "text",
          text: { body: message.content },
          ...(message.threadRef ? { context: { message_id: message.threadRef } } : {}),
        },
        signal,
        label,
      });
      if (
        response.status >= 200 &&
        response.status < 300 &&
        field(response.body, "error") === undefined
      ) {
        const messages = field(response.body, "messages");
        const id = Array.isArray(messages) ? field(messages[0], "id") : undefined;
        if (typeof id === "string" && id !== "") return { providerMessageId: id };
        // A 2xx without a message id: Meta may have accepted it; a retry could duplicate.
        throw new DeliveryError("transient", `${label}: answer has no message id`, {
          providerStatus: response.status,
          ambiguous: true,
        });
      }
      throw classifyWhatsAppError(response);
    },
  };
}

function apiVersion(settings: Readonly<Record<string, unknown>>): string {
  const value = settings.apiVersion;
  if (value === undefined || value === null || value === "") return whatsappDefaultApiVersion;
  if (typeof value === "string" && /^v\d+(\.\d+)?$/.test(value.trim())) return value.trim();
  throw new DeliveryError(
    "linkLevel",
    `${label}: the link's apiVersion setting is not like "v21.0"`,
  );
}
