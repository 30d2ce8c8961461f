import {
  type FakeProvider,
  type RecordedRequest,
  type ScriptedResponse,
  startFakeProviderServer,
} from "./fakeProviderServer.ts";

export interface FakeTelegramOptions {
  /** When set, any other bot token is answered 401 Unauthorized. */
  readonly token?: string;
}

/**
 * A fake Telegram Bot API: `POST /bot<token>/sendMessage` answers
 * `{ ok: true, result: { message_id, date, chat, text } }` with increasing message ids.
 */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeProvider> {
  let sequence = 1000;
  return startFakeProviderServer({
    defaultResponse(request) {
      const call = telegramCall(request);
      if (request.method !== "POST" || call === undefined) return telegramError(404, "Not Found");
      if (options.token !== undefined && call.token !== options.token) {
        return telegramError(401, "Unauthorized");
      }
      if (call.method !== "sendMessage") return telegramError(404, "Not Found");
      const body = (request.body ?? {}) as {
        chat_id?: unknown;
        text?: unknown;
        message_thread_id?: unknown;
      };
      if (body.chat_id === undefined || body.chat_id === "") {
        return telegramError(400, "Bad Request: chat_id is empty");
      }
      if (typeof body.text !== "string" || body.text === "") {
        return telegramError(400, "Bad Request: message text is empty");
      }
      sequence += 1;
      return {
        body: {
          ok: true,
          result: {
            message_id: sequence,
            date: Math.floor(Date.now() / 1000),
            chat: { id: body.chat_id },
            text: body.text,
            ...(body.message_thread_id === undefined
              ? {}
              : { message_thread_id: body.message_thread_id }),
          },
        },
      };
    },
  });
}

/** The Bot API error shape; the HTTP status equals `error_code`. */
export function telegramError(
  errorCode: number,
  description: string,
  parameters?: { retry_after?: number; migrate_to_chat_id?: number },
): ScriptedResponse {
  return {
    status: errorCode,
    body: {
      ok: false,
      error_code: errorCode,
      description,
      ...(parameters === undefined ? {} : { parameters }),
    },
  };
}

/** The bot token and method named by a recorded request's path (`/bot<token>/<method>`). */
export function telegramCall(
  request: RecordedRequest,
): { token: string; method: string } | undefined {
  const match = /^\/bot([^/]+)\/([^/?]+)/.exec(request.path);
  if (!match) return undefined;
  return { token: decodeURIComponent(match[1]!), method: match[2]! };
}
