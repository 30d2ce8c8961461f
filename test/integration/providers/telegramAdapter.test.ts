import { describe, expect, it } from "vitest";
import { makeTelegramAdapter } from "../../../src/providers/telegram/telegramAdapter.ts";
import {
  startFakeTelegram,
  telegramCall,
  telegramError,
} from "../../helpers/fakeProviders/fakeTelegram.ts";
import { outboundMessage } from "../../helpers/fakeProviders/outboundMessage.ts";
import { closedProviderUrl, useFakeProvider } from "../../helpers/fakeProviders/useFakeProvider.ts";
import { captureDeliveryError, deliveryErrorText } from "./captureDeliveryError.ts";
import {
  type ClassificationCase,
  expectAbortedWhileHanging,
  expectClassified,
} from "./expectClassified.ts";

const token = "123456789:AAH-SECRET-telegram-token";
const adapter = makeTelegramAdapter();
const telegram = useFakeProvider(() => startFakeTelegram({ token }));

function send(overrides: Parameters<typeof outboundMessage>[1] = {}, signal?: AbortSignal) {
  const message = outboundMessage("telegram", {
    conversationId: "-1001234567890",
    ...overrides,
    link: { credentials: token, settings: { apiBaseUrl: telegram.baseUrl }, ...overrides.link },
  });
  return adapter.send(message, { signal: signal ?? AbortSignal.timeout(5_000) });
}

describe("telegram adapter: success", () => {
  it("posts sendMessage under the bot token and returns the message id", async () => {
    const result = await send({ content: "hi there" });

    expect(result.providerMessageId).toBe(String(1001));
    const request = telegram.requests[0]!;
    expect(telegramCall(request)).toEqual({ token, method: "sendMessage" });
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({ chat_id: -1001234567890, text: "hi there" });
  });

  it("replies to the message and topic named by threadRef", async () => {
    await send({ threadRef: "42:7" });

    expect(telegram.requests[0]!.body).toEqual({
      chat_id: -1001234567890,
      text: "hello from valinor",
      reply_parameters: { message_id: 42, allow_sending_without_reply: true },
      message_thread_id: 7,
    });
  });

  it("a topic-only threadRef sets message_thread_id without a reply", async () => {
    await send({ threadRef: ":7" });
    expect(telegram.requests[0]!.body).toEqual({
      chat_id: -1001234567890,
      text: "hello from valinor",
      message_thread_id: 7,
    });
  });

  it("a channel username is sent as text", async () => {
    await send({ conversationId: "@valinor_news" });
    expect((telegram.requests[0]!.body as { chat_id: unknown }).chat_id).toBe("@valinor_news");
  });
});

const cases: ClassificationCase[] = [
  {
    name: "429 with retry_after",
    response: telegramError(429, "Too Many Requests: retry after 15", { retry_after: 15 }),
    errorClass: "rateLimited",
    retryAfterMs: 15_000,
  },
  {
    name: "429 without retry_after but a Retry-After header",
    response: { ...telegramError(429, "Too Many Requests"), headers: { "retry-after": "4" } },
    errorClass: "rateLimited",
    retryAfterMs: 4_000,
  },
  {
    name: "403 blocked by the user",
    response: telegramError(403, "Forbidden: bot was blocked by the user"),
    errorClass: "permanent",
  },
  {
    name: "403 kicked from the group",
    response: telegramError(403, "Forbidden: bot was kicked from the group chat"),
    errorClass: "permanent",
  },
  {
    name: "403 cannot initiate",
    response: telegramError(403, "Forbidden: bot can't initiate conversation with a user"),
    errorClass: "permanent",
  },
  {
    name: "400 chat not found",
    response: telegramError(400, "Bad Request: chat not found"),
    errorClass: "permanent",
  },
  {
    name: "400 group migrated to a supergroup",
    response: telegramError(400, "Bad Request: group chat was upgraded to a supergroup chat", {
      migrate_to_chat_id: -1009876543210,
    }),
    errorClass: "transient",
    conversationMovedTo: "-1009876543210",
  },
  {
    name: "400 other bad request",
    response: telegramError(400, "Bad Request: message is too long"),
    errorClass: "permanent",
  },
  {
    name: "401 unauthorized",
    response: telegramError(401, "Unauthorized"),
    errorClass: "linkLevel",
  },
  {
    name: "404 malformed token",
    response: telegramError(404, "Not Found"),
    errorClass: "linkLevel",
  },
  {
    name: "500 internal",
    response: telegramError(500, "Internal Server Error"),
    errorClass: "transient",
    ambiguous: true,
  },
  {
    name: "502 from a proxy, not JSON",
    response: { status: 502, body: "bad gateway" },
    errorClass: "transient",
    ambiguous: true,
  },
  { name: "503 unavailable", response: { status: 503 }, errorClass: "transient" },
  {
    name: "a 200 that is not JSON",
    response: { status: 200, body: "ok" },
    errorClass: "transient",
    ambiguous: true,
  },
  {
    name: "a dropped connection",
    response: { destroySocket: true },
    errorClass: "transient",
    ambiguous: true,
  },
];

describe("telegram adapter: classification", () => {
  it.each(cases)("$name → $errorClass", async (testCase) => {
    const error = await expectClassified(telegram, testCase, () => send(), token);
    expect(deliveryErrorText(error)).not.toContain("SECRET");
  });

  it("a wrong bot token is answered 401 → linkLevel, without the token in the error", async () => {
    const error = await captureDeliveryError(send({ link: { credentials: "999:OTHER-SECRET" } }));
    expect(error.errorClass).toBe("linkLevel");
    expect(error.providerCode).toBe("401");
    expect(deliveryErrorText(error)).not.toContain("OTHER-SECRET");
  });
});

describe("telegram adapter: aborts and network errors never show the token", () => {
  it("an abort while Telegram has not answered is transient and ambiguous", async () => {
    await expectAbortedWhileHanging(telegram, (signal) => send({}, signal), token);
  });

  it("a refused connection is transient, ambiguous and names no URL", async () => {
    const baseUrl = await closedProviderUrl(() => startFakeTelegram());

    const error = await captureDeliveryError(
      send({ link: { credentials: token, settings: { apiBaseUrl: baseUrl } } }),
    );

    expect(error.errorClass).toBe("transient");
    expect(error.ambiguous).toBe(true);
    expect(deliveryErrorText(error)).not.toContain(token);
    expect(deliveryErrorText(error)).not.toContain(baseUrl);
  });

  it("a token that would change the URL path is link-level and sends nothing", async () => {
    const error = await captureDeliveryError(
      send({ link: { credentials: "12:SECRET/../x", settings: { apiBaseUrl: telegram.baseUrl } } }),
    );
    expect(error.errorClass).toBe("linkLevel");
    expect(deliveryErrorText(error)).not.toContain("SECRET");
    expect(telegram.requests).toHaveLength(0);
  });
});
