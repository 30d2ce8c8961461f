import {
  type FakeProvider,
  type RecordedRequest,
  type ScriptedResponse,
  startFakeProviderServer,
} from "./fakeProviderServer.ts";

export interface FakeSlackOptions {
  /** When set, any other bearer token is answered `invalid_auth` (none: `not_authed`). */
  readonly token?: string;
}

/**
 * A fake Slack Web API: `POST /api/chat.postMessage` answers `{ ok: true, channel, ts, message }`
 * with increasing `ts` values unless scripted otherwise.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeProvider> {
  let sequence = 0;
  return startFakeProviderServer({
    defaultResponse(request) {
      if (request.method !== "POST" || request.path.split("?")[0] !== "/api/chat.postMessage") {
        return { status: 404, body: { ok: false, error: "unknown_method" } };
      }
      const token = slackBearerToken(request);
      if (token === undefined) return slackError("not_authed");
      if (options.token !== undefined && token !== options.token) return slackError("invalid_auth");
      const body = (request.body ?? {}) as {
        channel?: unknown;
        text?: unknown;
        thread_ts?: unknown;
      };
      if (typeof body.channel !== "string" || body.channel === "") {
        return slackError("channel_not_found");
      }
      if (typeof body.text !== "string" || body.text === "") return slackError("no_text");
      sequence += 1;
      const ts = `1700000000.${String(sequence).padStart(6, "0")}`;
      return {
        body: {
          ok: true,
          channel: body.channel,
          ts,
          message: {
            type: "message",
            text: body.text,
            ts,
            ...(typeof body.thread_ts === "string" ? { thread_ts: body.thread_ts } : {}),
          },
        },
      };
    },
  });
}

/** Slack's usual error shape: HTTP 200 `{ ok: false, error }`. */
export function slackError(
  error: string,
  init: { status?: number; headers?: Record<string, string> } = {},
): ScriptedResponse {
  return { status: init.status ?? 200, headers: init.headers, body: { ok: false, error } };
}

/** HTTP 429 with `Retry-After` seconds, as Slack rate limits Web API calls. */
export function slackRateLimited(retryAfterSeconds: number): ScriptedResponse {
  return slackError("ratelimited", {
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
  });
}

/** The bearer token of a recorded request, if any. */
export function slackBearerToken(request: RecordedRequest): string | undefined {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? "");
  return match?.[1];
}
