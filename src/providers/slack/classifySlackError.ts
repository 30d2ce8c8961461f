import { DeliveryError } from "../deliveryError.ts";
import { field, type JsonResponse } from "../httpSend.ts";
import { parseRetryAfter } from "../retryAfter.ts";

/** The message or channel is the problem: retrying the same reply cannot succeed. */
const permanentCodes = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "msg_too_long",
  "no_text",
  "invalid_blocks",
]);

/** The token or app is the problem: every reply on this link fails until someone fixes it. */
const linkLevelCodes = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "missing_scope",
]);

/** Slack may have posted the message before failing: a retry can duplicate it. */
const ambiguousCodes = new Set(["internal_error", "fatal_error"]);

/**
 * Classifies a chat.postMessage answer that was not `{ ok: true }`. Slack reports most errors
 * as HTTP 200 `{ ok: false, error }`; rate limits as HTTP 429 with Retry-After seconds.
 */
export function classifySlackError(response: JsonResponse): DeliveryError {
  const { status } = response;
  const code = slackErrorCode(response.body);
  const details = { providerStatus: status, providerCode: code };
  const label = `slack chat.postMessage: ${code ?? `HTTP ${status}`}`;

  if (status === 429 || code === "ratelimited") {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    return new DeliveryError("rateLimited", label, { ...details, retryAfterMs });
  }
  if (code !== undefined) {
    if (permanentCodes.has(code)) return new DeliveryError("permanent", label, details);
    if (linkLevelCodes.has(code)) return new DeliveryError("linkLevel", label, details);
    if (ambiguousCodes.has(code)) {
      return new DeliveryError("transient", label, { ...details, ambiguous: true });
    }
    // service_unavailable and any code not listed: Slack adds error codes over time, and a
    // wrong "permanent" silently drops a reply while a wrong "transient" costs only a bounded
    // number of attempts (the code is kept in last_error for an operator to see).
    return new DeliveryError("transient", label, details);
  }
  // No Slack error body: a proxy or gateway answered. A 5xx other than 503 may have been
  // raised after Slack accepted the message.
  return new DeliveryError("transient", label, {
    ...details,
    ambiguous: status >= 500 && status !== 503,
  });
}

function slackErrorCode(body: unknown): string | undefined {
  const error = field(body, "error");
  return typeof error === "string" && error !== "" ? error : undefined;
}
