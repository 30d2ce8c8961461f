import { createHmac, randomUUID } from "node:crypto";
import type { ProviderName } from "../../src/providers/providerName.ts";

/**
 * Inbound requests as Slack, Telegram and WhatsApp send them, correctly signed. Signatures
 * are computed here from the providers' documentation, independently of src/, so a mistake
 * in the verifier cannot cancel out against the same mistake in the test.
 */

export interface SignedRequest {
  readonly provider: ProviderName;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as is: the exact bytes the signature covers. */
  readonly body: string;
}

const json = { "content-type": "application/json" } as const;
const nowSeconds = () => Math.floor(Date.now() / 1000);

// Slack

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  const hex = createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex");
  return `v0=${hex}`;
}

export function signedSlackRequest(input: {
  signingSecret: string;
  body: string;
  /** Unix seconds; default now. */
  timestamp?: number;
}): SignedRequest {
  const timestamp = input.timestamp ?? nowSeconds();
  return {
    provider: "slack",
    headers: {
      ...json,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(input.signingSecret, timestamp, input.body),
    },
    body: input.body,
  };
}

/** An Events API `event_callback` carrying a user's channel message. */
export function slackMessageEvent(
  input: {
    eventId?: string;
    teamId?: string;
    channel?: string;
    user?: string;
    text?: string;
    ts?: string;
    threadTs?: string;
    /** Merged into `event` (e.g. `{ bot_id }`, `{ subtype }`, `{ type: "reaction_added" }`). */
    event?: Record<string, unknown>;
  } = {},
): string {
  return JSON.stringify({
    token: "deprecated-verification-token",
    team_id: input.teamId ?? "T0001",
    api_app_id: "A0001",
    type: "event_callback",
    event_id: input.eventId ?? `Ev${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`,
    event_time: nowSeconds(),
    event: {
      type: "message",
      channel: input.channel ?? "C0001",
      user: input.user ?? "U0001",
      text: input.text ?? "hello",
      ts: input.ts ?? "1700000000.000100",
      ...(input.threadTs === undefined ? {} : { thread_ts: input.threadTs }),
      channel_type: "channel",
      ...input.event,
    },
  });
}

export function slackUrlVerification(challenge: string): string {
  return JSON.stringify({
    token: "deprecated-verification-token",
    challenge,
    type: "url_verification",
  });
}

// Telegram

export function signedTelegramRequest(input: { secretToken: string; body: string }): SignedRequest {
  return {
    provider: "telegram",
    headers: { ...json, "x-telegram-bot-api-secret-token": input.secretToken },
    body: input.body,
  };
}

let nextUpdateId = 100_000;

/** An `Update` with a text `message` (or, with `kind`, an `edited_message`, `channel_post`…). */
export function telegramTextUpdate(
  input: {
    updateId?: number;
    chatId?: number;
    fromId?: number;
    messageId?: number;
    messageThreadId?: number;
    text?: string;
    kind?: string;
    /** Merged into the message (e.g. `{ text: undefined, photo: [...] }`). */
    message?: Record<string, unknown>;
  } = {},
): string {
  const chatId = input.chatId ?? -1001234567890;
  const topic = input.messageThreadId;
  return JSON.stringify({
    update_id: input.updateId ?? nextUpdateId++,
    [input.kind ?? "message"]: {
      message_id: input.messageId ?? 42,
      ...(topic === undefined ? {} : { message_thread_id: topic, is_topic_message: true }),
      from: { id: input.fromId ?? 7001, is_bot: false, first_name: "Ada" },
      chat: { id: chatId, type: chatId < 0 ? "supergroup" : "private" },
      date: nowSeconds(),
      text: input.text ?? "hello",
      ...input.message,
    },
  });
}

// WhatsApp

export function whatsappSignature(appSecret: string, body: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

export function signedWhatsAppRequest(input: { appSecret: string; body: string }): SignedRequest {
  return {
    provider: "whatsapp",
    headers: { ...json, "x-hub-signature-256": whatsappSignature(input.appSecret, input.body) },
    body: input.body,
  };
}

export interface WhatsAppTextMessage {
  readonly id?: string;
  readonly from?: string;
  readonly text?: string;
}

export const newWamid = () => `wamid.${randomUUID().replaceAll("-", "").toUpperCase()}`;

/** A webhook body; each change is `{ phoneNumberId, messages?, statuses?, raw? }`. */
export function whatsappWebhook(
  changes: ReadonlyArray<{
    phoneNumberId: string;
    messages?: readonly WhatsAppTextMessage[];
    /** Message objects sent as is (images, reactions, odd shapes). */
    rawMessages?: readonly unknown[];
    statuses?: readonly unknown[];
  }>,
): string {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: changes.map((change, index) => ({
      id: `WABA${index}`,
      changes: [
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata: {
              display_phone_number: "15550001111",
              phone_number_id: change.phoneNumberId,
            },
            contacts: [{ profile: { name: "Ada" }, wa_id: "15551234567" }],
            ...(change.messages || change.rawMessages
              ? {
                  messages: [
                    ...(change.messages ?? []).map((message) => ({
                      from: message.from ?? "15551234567",
                      id: message.id ?? newWamid(),
                      timestamp: String(nowSeconds()),
                      type: "text",
                      text: { body: message.text ?? "hello" },
                    })),
                    ...(change.rawMessages ?? []),
                  ],
                }
              : {}),
            ...(change.statuses ? { statuses: change.statuses } : {}),
          },
        },
      ],
    })),
  });
}

export function whatsappHandshakeQuery(input: {
  verifyToken?: string;
  challenge?: string;
  mode?: string;
}): string {
  const query = new URLSearchParams();
  query.set("hub.mode", input.mode ?? "subscribe");
  if (input.verifyToken !== undefined) query.set("hub.verify_token", input.verifyToken);
  query.set("hub.challenge", input.challenge ?? "1158201444");
  return query.toString();
}

// Standard Webhooks

/** A Standard Webhooks delivery of a message, signed per the spec for a `whsec_` secret. */
export function signedWebhookRequest(input: {
  secret: string;
  id: string;
  message?: { conversation_id: string; sender_id: string; text: string };
}): SignedRequest {
  const body = JSON.stringify({
    type: "message",
    ...(input.message ?? { conversation_id: "c", sender_id: "s", text: "hi" }),
  });
  const timestamp = nowSeconds();
  const key = Buffer.from(input.secret.replace(/^whsec_/, ""), "base64");
  const mac = createHmac("sha256", key).update(`${input.id}.${timestamp}.${body}`).digest("base64");
  return {
    provider: "webhook",
    headers: {
      ...json,
      "webhook-id": input.id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": `v1,${mac}`,
    },
    body,
  };
}

// Sending

/** POSTs a signed request to `/webhooks/<provider>/<linkId>`; overrides replace its parts. */
export async function postSigned(
  serverUrl: string,
  linkId: string,
  request: SignedRequest,
  overrides: { body?: string; headers?: Record<string, string>; omitHeaders?: string[] } = {},
): Promise<{ status: number; text: string; contentType: string | null }> {
  const headers: Record<string, string> = { ...request.headers, ...overrides.headers };
  for (const name of overrides.omitHeaders ?? []) delete headers[name];
  const response = await fetch(`${serverUrl}/webhooks/${request.provider}/${linkId}`, {
    method: "POST",
    headers,
    body: overrides.body ?? request.body,
  });
  return {
    status: response.status,
    text: await response.text(),
    contentType: response.headers.get("content-type"),
  };
}

/** Delivers a signed Standard Webhooks message to a `webhook` link; the answer's JSON body. */
export async function postWebhookMessage(
  serverUrl: string,
  linkId: string,
  input: { secret: string; id: string },
): Promise<{ status: number; body: unknown }> {
  const response = await postSigned(serverUrl, linkId, signedWebhookRequest(input));
  return { status: response.status, body: JSON.parse(response.text) };
}
