import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { DeliveryError } from "./deliveryError.ts";

export interface HttpPost {
  /** Full request URL. May contain a secret (Telegram's token): never put it in a message. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal: AbortSignal;
  /** Names the call in error messages, e.g. "slack chat.postMessage". */
  readonly label: string;
}

export interface JsonPost extends Omit<HttpPost, "body"> {
  readonly body: unknown;
}

/** The response headers a classifier reads (names are case-insensitive). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface TextResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  /** The body, cut at `maxResponseBytes`. */
  readonly text: string;
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  readonly body: unknown;
}

/** A provider's answer is read up to this size; the rest is dropped (hostile or broken peers). */
export const maxResponseBytes = 256 * 1024;

/**
 * POSTs and reads the answer, with node:http(s) on Node's global keep-alive agents: 1.5–3.7×
 * the requests per second of fetch in a same-process comparison (BENCHMARKS.md). Redirects are
 * not followed (a 3xx is the provider's answer). Failures before an HTTP status arrives
 * (network errors, aborts) become transient DeliveryErrors; once the request may have left,
 * they are ambiguous. Error messages carry the label and an error code, never the URL or the
 * underlying message (Telegram puts the bot token in the path).
 */
export async function postText(request: HttpPost): Promise<TextResponse> {
  if (request.signal.aborted) {
    throw new DeliveryError("transient", `${request.label}: aborted before sending`, {
      providerCode: errorCode(request.signal.reason),
    });
  }
  let response: IncomingMessage;
  try {
    response = await send(request);
  } catch (error) {
    throw requestFailed(request, error);
  }
  let text: string;
  try {
    text = await readText(response);
  } catch (error) {
    // The provider answered, so it received the request; we just lost the answer.
    throw requestFailed(request, error, response.statusCode);
  }
  return { status: response.statusCode ?? 0, headers: headerReader(response.headers), text };
}

/** `postText` with a JSON body and a JSON answer. */
export async function postJson(request: JsonPost): Promise<JsonResponse> {
  const response = await postText({ ...request, body: JSON.stringify(request.body) });
  return { status: response.status, headers: response.headers, body: parseJson(response.text) };
}

function send(request: HttpPost): Promise<IncomingMessage> {
  const body = Buffer.from(request.body, "utf8");
  const options = {
    method: "POST",
    headers: { ...request.headers, "content-length": String(body.length) },
    signal: request.signal,
  };
  return new Promise((resolve, reject) => {
    const outgoing =
      request.url.protocol === "https:"
        ? httpsRequest(request.url, options, resolve)
        : httpRequest(request.url, options, resolve);
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

function readText(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on("data", (chunk: Buffer) => {
      if (size >= maxResponseBytes) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    response.on("end", () =>
      resolve(Buffer.concat(chunks).subarray(0, maxResponseBytes).toString("utf8")),
    );
    response.on("error", reject);
    response.on("aborted", () => reject(new Error("the response was cut short")));
  });
}

function headerReader(headers: IncomingHttpHeaders): ResponseHeaders {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
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
