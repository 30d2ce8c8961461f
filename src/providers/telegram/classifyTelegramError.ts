import { DeliveryError } from "../deliveryError.ts";
import { field, type JsonResponse } from "../httpSend.ts";
import { parseRetryAfter } from "../retryAfter.ts";

/**
 * Classifies a sendMessage answer that was not `{ ok: true }`. Telegram answers
 * `{ ok: false, error_code, description, parameters? }` with error_code equal to the HTTP status.
 * Messages are built from the code and Telegram's description only: the URL holds the token.
 */
export function classifyTelegramError(response: JsonResponse): DeliveryError {
  const body = response.body;
  const errorCode = field(body, "error_code");
  const code = typeof errorCode === "number" ? errorCode : response.status;
  const description = stringField(body, "description") ?? `HTTP ${response.status}`;
  const parameters = field(body, "parameters");
  const label = `telegram sendMessage: ${code} ${truncate(description)}`;
  const details = { providerStatus: response.status, providerCode: String(code) };

  if (code === 429) {
    const retryAfter = field(parameters, "retry_after");
    const retryAfterMs =
      typeof retryAfter === "number" && retryAfter >= 0
        ? Math.round(retryAfter * 1000)
        : parseRetryAfter(response.headers.get("retry-after"));
    return new DeliveryError("rateLimited", label, { ...details, retryAfterMs });
  }
  const migrateTo = field(parameters, "migrate_to_chat_id");
  if (typeof migrateTo === "number" || (typeof migrateTo === "string" && migrateTo !== "")) {
    // The group became a supergroup: the outbox moves the conversation and retries at once.
    return new DeliveryError("transient", label, {
      ...details,
      conversationMovedTo: String(migrateTo),
    });
  }
  if (code === 401) return new DeliveryError("linkLevel", label, details);
  // Telegram answers 404 to a malformed bot token (the path names no bot); every reply on the
  // link would fail the same way, so pause the link.
  if (code === 404) return new DeliveryError("linkLevel", label, details);
  // 403: blocked by the user, kicked from the group, cannot initiate the conversation.
  if (code === 403) return new DeliveryError("permanent", label, details);
  // 400 "chat not found" and every other bad request: the same request cannot succeed.
  if (code >= 400 && code < 500) return new DeliveryError("permanent", label, details);
  return new DeliveryError("transient", label, {
    ...details,
    ambiguous: code >= 500 && code !== 503,
  });
}

function stringField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === "string" && found !== "" ? found : undefined;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
