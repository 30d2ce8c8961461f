import { DeliveryError } from "../deliveryError.ts";
import { postText } from "../httpSend.ts";
import type { OutboundMessage, ProviderAdapter, SendOptions } from "../providerAdapter.ts";
import { parseRetryAfter } from "../retryAfter.ts";
import { signStandardWebhook } from "./standardWebhookSignature.ts";

/**
 * The generic provider, outbound: a Standard Webhooks POST to the link's `settings.url`.
 * `webhook-id` is the outbox id, the same on every retry, so receivers can deduplicate.
 */
export function makeWebhookAdapter(): ProviderAdapter {
  return {
    provider: "webhook",
    async send(message: OutboundMessage, { signal }: SendOptions) {
      const url = message.link.settings.url;
      if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
        throw new DeliveryError("linkLevel", "the webhook link has no receiver url (settings.url)");
      }
      if (!message.link.credentials) {
        throw new DeliveryError("linkLevel", "the webhook link has no signing secret");
      }
      const body = JSON.stringify({
        type: "message.reply",
        conversation_id: message.conversationId,
        thread_id: message.threadRef,
        part_index: message.partIndex,
        text: message.content,
      });
      const timestamp = Math.floor(Date.now() / 1000);
      // A network failure may still have reached the receiver: webhook-id lets it deduplicate.
      const response = await postText({
        url: receiverUrl(url),
        label: "webhook",
        signal,
        headers: {
          "content-type": "application/json",
          "webhook-id": message.outboxId,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signStandardWebhook(
            message.link.credentials,
            message.outboxId,
            timestamp,
            body,
          ),
        },
        body,
      });
      const text = response.text;
      if (response.status >= 200 && response.status < 300) {
        return { providerMessageId: receiverMessageId(text) ?? message.outboxId };
      }
      throw classifyWebhookResponse(response.status, response.headers.get("retry-after"), text);
    },
  };
}

function receiverMessageId(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && "id" in parsed && typeof parsed.id === "string") {
      return parsed.id.slice(0, 200);
    }
  } catch {
    // Receivers may answer with an empty or non-JSON body.
  }
  return undefined;
}

function receiverUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new DeliveryError("linkLevel", "the webhook link's receiver url does not parse");
  }
}

/**
 * Receiver answers: 429 rate limited; 408 and 5xx transient; 401/403/410 the link; other 4xx
 * and redirects (not followed) permanent.
 */
export function classifyWebhookResponse(
  status: number,
  retryAfter: string | null,
  body: string,
): DeliveryError {
  const details = { providerStatus: status, providerCode: String(status) };
  const message = `receiver answered ${status}${body ? `: ${body.slice(0, 200)}` : ""}`;
  if (status === 429) {
    return new DeliveryError("rateLimited", message, {
      ...details,
      retryAfterMs: parseRetryAfter(retryAfter),
    });
  }
  if (status === 408 || status >= 500) return new DeliveryError("transient", message, details);
  if (status === 401 || status === 403 || status === 410) {
    return new DeliveryError("linkLevel", message, details);
  }
  return new DeliveryError("permanent", message, details);
}
