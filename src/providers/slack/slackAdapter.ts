import { DeliveryError } from "../deliveryError.ts";
import { apiUrl, baseUrlSetting, field, postJson, requireCredentials } from "../httpSend.ts";
import type { OutboundMessage, ProviderAdapter, SendOptions } from "../providerAdapter.ts";
import { classifySlackError } from "./classifySlackError.ts";

export const slackDefaultApiBaseUrl = "https://slack.com";
const label = "slack chat.postMessage";

/**
 * Sends replies with chat.postMessage using the link's bot token. The thread reference is the
 * parent message's `ts`; the returned `ts` is the provider message id.
 */
export function makeSlackAdapter(): ProviderAdapter {
  return {
    provider: "slack",
    async send(message: OutboundMessage, { signal }: SendOptions) {
      const token = requireCredentials(message.link.credentials, label);
      const base = baseUrlSetting(message.link.settings, slackDefaultApiBaseUrl);
      const response = await postJson({
        url: apiUrl(base, "/api/chat.postMessage", label),
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json; charset=utf-8",
        },
        body: {
          channel: message.conversationId,
          text: message.content,
          ...(message.threadRef ? { thread_ts: message.threadRef } : {}),
        },
        signal,
        label,
      });
      if (response.status >= 200 && response.status < 300 && field(response.body, "ok") === true) {
        const ts = field(response.body, "ts");
        // ok:true means Slack posted it; a missing ts must not turn into a retry (a duplicate).
        return { providerMessageId: typeof ts === "string" ? ts : "" };
      }
      if (response.status >= 200 && response.status < 300 && field(response.body, "ok") !== false) {
        throw new DeliveryError("transient", `${label}: unexpected answer`, {
          providerStatus: response.status,
          ambiguous: true,
        });
      }
      throw classifySlackError(response);
    },
  };
}
