import { DeliveryError } from "./deliveryError.ts";

export interface JsonPost {
  /** Full request URL. May contain a secret (Telegram's token): never put it in a message. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly signal: AbortSignal;
  /** Names the call in error messages, e.g. "slack chat.postMessage". */
  readonly label: string;
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  readonly body: unknown;
}

/**
 * POSTs JSON and reads the answer. Failures before an HTTP status arrives (network errors,
 * aborts) become transient DeliveryErrors; once the request may have left, they are ambiguous.
 * Error messages carry the label and an error code, never the URL or the underlying message
 * (undici's messages can quote the URL, and Telegram puts the bot token in the path).
 */
export async function postJson(request: JsonPost): Promise<JsonResponse> {
  if (request.signal.aborted) {
    throw new DeliveryError("transient", `${request.label}: aborted before sending`, {
      providerCode: errorCode(request.signal.reason),
    });
  }
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: JSON.stringify(request.body),
      signal: request.signal,
    });
  } catch (error) {
    throw requestFailed(request, error);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The provider answered, so it received the request; we just lost the answer.
    throw requestFailed(request, error, response.status);
  }
  return { status: response.status, headers: response.headers, body: parseJson(text) };
}

function requestFailed(request: JsonPost, error: unknown, status?: number): DeliveryError {
  const aborted = request.signal.aborted;
  const code = errorCode(aborted ? request.signal.reason : error);
  const what = aborted ? "aborted" : "request failed";
  return new DeliveryError("transient", `${request.label}: ${what} (${code})`, {
    ambiguous: true,
    providerStatus: status,
    providerCode: code,
  });
}

/** A short, URL-free name for what went wrong: ECONNREFUSED, TimeoutError, AbortError… */
function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Object; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    current = (current as { cause?: unknown }).cause;
  }
  if (error instanceof Error && error.name !== "Error") return error.name;
  return "network error";
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Joins a base URL setting and a path. A base URL that does not parse is a link
 * misconfiguration: link-level, so the link is paused instead of burning attempts.
 */
export function apiUrl(baseUrl: string, path: string, label: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new DeliveryError("linkLevel", `${label}: the link's apiBaseUrl is not a valid URL`);
  }
  const prefix = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  return new URL(prefix + path.replace(/^\//, ""), base);
}

/** The link's `apiBaseUrl` setting when it is a non-empty string, else the provider default. */
export function baseUrlSetting(settings: Readonly<Record<string, unknown>>, fallback: string) {
  const value = settings.apiBaseUrl;
  return typeof value === "string" && value.trim() !== "" ? value.trim() : fallback;
}

/** Reads a JSON object property without trusting the shape. */
export function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object"
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Credentials are required for every provider send; missing ones are a link problem. */
export function requireCredentials(credentials: string | null, label: string): string {
  if (credentials === null || credentials.trim() === "") {
    throw new DeliveryError("linkLevel", `${label}: the link has no outbound credentials`);
  }
  return credentials.trim();
}
