import { z } from "zod";
import type { InboundEvent, NormalizedMessage } from "../inboundProvider.ts";

/**
 * A WhatsApp Cloud API webhook: `{ object: "whatsapp_business_account", entry: [{ changes:
 * [{ field: "messages", value: { metadata: { phone_number_id }, messages: [...],
 * statuses: [...] } }] }] }`. One request can batch several entries, changes and messages:
 * every text message addressed to this link's phone number becomes a message; statuses,
 * other message types and other numbers' changes are skipped. Parts of unknown shape are
 * skipped, never thrown on.
 */

const idText = z.string().min(1).max(500);
const textMessage = z.object({
  id: idText,
  from: idText,
  type: z.literal("text"),
  text: z.object({ body: z.string() }),
});
const changeValue = z.object({
  metadata: z.object({ phone_number_id: z.string() }),
  messages: z.array(z.unknown()).optional(),
});

export function parseWhatsAppWebhook(rawBody: Buffer, phoneNumberId: string | null): InboundEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { kind: "malformed", reason: "body is not JSON" };
  }
  if (!isRecord(json)) return { kind: "malformed", reason: "body is not an object" };
  if (json.object !== "whatsapp_business_account") return { kind: "ignore" };
  if (!Array.isArray(json.entry)) return { kind: "malformed", reason: "`entry` is not an array" };

  const messages: NormalizedMessage[] = [];
  const seen = new Set<string>();
  for (const entry of json.entry) {
    const changes = isRecord(entry) && Array.isArray(entry.changes) ? entry.changes : [];
    for (const change of changes) {
      if (!isRecord(change) || change.field !== "messages") continue;
      const value = changeValue.safeParse(change.value);
      if (!value.success) continue;
      // A number that is not this link's: never recorded under this link's tenant.
      if (phoneNumberId !== null && value.data.metadata.phone_number_id !== phoneNumberId) continue;
      for (const candidate of value.data.messages ?? []) {
        const message = textMessage.safeParse(candidate);
        if (!message.success || seen.has(message.data.id)) continue;
        if (message.data.text.body.trim() === "") continue;
        seen.add(message.data.id);
        messages.push({
          externalMessageId: message.data.id,
          conversationId: message.data.from,
          senderId: message.data.from,
          // The reply quotes the message it answers (`context.message_id`).
          threadRef: message.data.id,
          text: message.data.text.body,
        });
      }
    }
  }
  return messages.length === 0 ? { kind: "ignore" } : { kind: "messages", messages };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
