import { DeliveryError } from "../deliveryError.ts";
import { field, type JsonResponse } from "../httpSend.ts";
import { parseRetryAfter } from "../retryAfter.ts";

/**
 * Rate-limit family, with the wait used when the answer carries no Retry-After header (Meta
 * documents these limits but sends no header):
 * - 130429 throughput reached (messages per second per number): a short pause is enough;
 * - 131056 pair rate limit (one sender → one recipient, roughly one message per 6 s after a
 *   burst): a minute lets the pair's budget refill, and split replies to one user hit it first;
 * - 80007 WABA rate limit and 4 app-level call limit: Meta's windows are long, wait a minute.
 */
const rateLimitedDefaultMs = new Map([
  [130429, 5_000],
  [131056, 60_000],
  [80007, 60_000],
  [4, 60_000],
]);

/** Meta-side trouble: 131000 something went wrong, 131016 service unavailable, 133004 server
 * temporarily unavailable, 1 API unknown, 2 API service. */
const transientCodes = new Set([131000, 131016, 133004, 1, 2]);

/** The message or recipient is the problem: 131047 outside the 24-hour window, 131026
 * undeliverable, 100 invalid parameter, 131008 required parameter missing, 131009 parameter
 * value invalid, 131051 unsupported type, 133010 phone number not registered. */
const permanentCodes = new Set([131047, 131026, 100, 131008, 131009, 131051, 133010]);

/** The token, app or number is the problem: 190 token expired/invalid, 0 auth exception,
 * 10 permission denied, 368 temporarily blocked for policy violations, 131031 account locked. */
const linkLevelCodes = new Set([190, 0, 10, 368, 131031]);

/**
 * Classifies a Cloud API error by `error.code`, not by HTTP status: Meta sends the same code
 * with different statuses.
 */
export function classifyWhatsAppError(response: JsonResponse): DeliveryError {
  const { status } = response;
  const error = field(response.body, "error");
  const rawCode = field(error, "code");
  const code = typeof rawCode === "number" ? rawCode : undefined;
  const message = field(error, "message");
  const description = typeof message === "string" ? truncate(message) : `HTTP ${status}`;
  const label = `whatsapp messages: ${code ?? status} ${description}`;
  const details = {
    providerStatus: status,
    providerCode: code === undefined ? undefined : String(code),
  };
  const headerRetryAfterMs = parseRetryAfter(response.headers.get("retry-after"));

  if (code !== undefined) {
    const defaultWaitMs = rateLimitedDefaultMs.get(code);
    if (defaultWaitMs !== undefined) {
      return new DeliveryError("rateLimited", label, {
        ...details,
        retryAfterMs: headerRetryAfterMs ?? defaultWaitMs,
      });
    }
    if (transientCodes.has(code)) return new DeliveryError("transient", label, details);
    if (permanentCodes.has(code)) return new DeliveryError("permanent", label, details);
    if (linkLevelCodes.has(code)) return new DeliveryError("linkLevel", label, details);
    // A code not in the table, whatever the status: Meta adds codes often, and a wrong
    // "permanent" silently drops a reply while a wrong "transient" costs a bounded number of
    // attempts (the code stays in last_error for an operator to add to the table).
    return new DeliveryError("transient", label, details);
  }
  // No Graph error body: a proxy or gateway answered.
  if (status === 429) {
    return new DeliveryError("rateLimited", label, {
      ...details,
      retryAfterMs: headerRetryAfterMs,
    });
  }
  if (status === 401) return new DeliveryError("linkLevel", label, details);
  return new DeliveryError("transient", label, {
    ...details,
    ambiguous: status >= 500 && status !== 503,
  });
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
