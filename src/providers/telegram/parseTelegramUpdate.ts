import { z } from "zod";
import type { InboundEvent } from "../inboundProvider.ts";
import { encodeTelegramThreadRef } from "./telegramThreadRef.ts";

/**
 * A Bot API `Update`. Only `message` with text becomes a message; edits, channel posts,
 * callbacks, membership changes and non-text messages (photos, stickers…) are ignored.
 */

const integer = z.number().int().safe();
const update = z.object({ update_id: integer.nonnegative() });
const message = z.object({
  message_id: integer,
  message_thread_id: integer.optional(),
  is_topic_message: z.boolean().optional(),
  chat: z.object({ id: integer }),
  from: z.object({ id: integer }).optional(),
  sender_chat: z.object({ id: integer }).optional(),
  text: z.string().optional(),
});

export function parseTelegramUpdate(rawBody: Buffer): InboundEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { kind: "malformed", reason: "body is not JSON" };
  }
  const parsed = update.safeParse(json);
  if (!parsed.success) return { kind: "malformed", reason: "body has no integer `update_id`" };
  const raw = (json as { message?: unknown }).message;
  if (raw === undefined) return { kind: "ignore" };
  const found = message.safeParse(raw);
  if (!found.success) {
    const fields = found.error.issues.map((issue) => `message.${issue.path.join(".")}`);
    return { kind: "malformed", reason: `invalid fields: ${fields.join(", ")}` };
  }
  const { text, chat, from, sender_chat: senderChat } = found.data;
  if (text === undefined || text.trim() === "") return { kind: "ignore" };
  // `from` is absent for messages sent on behalf of a chat (anonymous admins, linked channels).
  const senderId = from?.id ?? senderChat?.id ?? chat.id;
  return {
    kind: "messages",
    messages: [
      {
        // update_id is unique per bot (the link), though not guaranteed to increase.
        externalMessageId: String(parsed.data.update_id),
        conversationId: String(chat.id),
        senderId: String(senderId),
        threadRef:
          encodeTelegramThreadRef({
            messageId: found.data.message_id,
            // Outside forum topics message_thread_id names a reply chain, which sendMessage
            // does not accept as a target; the reply to message_id threads it there anyway.
            messageThreadId: found.data.is_topic_message ? found.data.message_thread_id : undefined,
          }) ?? undefined,
        text,
      },
    ],
  };
}
