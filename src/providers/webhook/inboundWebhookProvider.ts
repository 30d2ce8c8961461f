import { z } from "zod";
import type {
  InboundEvent,
  InboundLink,
  InboundProvider,
  InboundRequest,
  InboundVerification,
} from "../inboundProvider.ts";
import { headerText, verifyStandardWebhookRequest } from "./standardWebhookSignature.ts";

/**
 * The generic `webhook` provider: any sender that signs with Standard Webhooks.
 * Body: `{ "type": "message", "conversation_id", "sender_id", "text", "thread_id"? }`;
 * the `webhook-id` header is the dedupe key.
 */

const idText = z.string().min(1).max(500);
const messageBody = z.object({
  type: z.literal("message"),
  conversation_id: idText,
  sender_id: idText,
  text: z.string().max(100_000),
  thread_id: idText.nullish(),
});
const anyEvent = z.object({ type: z.string() });

const header = (request: InboundRequest, name: string) => headerText(request.headers, name);

export function makeInboundWebhookProvider(
  options: { toleranceSeconds?: number } = {},
): InboundProvider {
  return {
    provider: "webhook",
    contentTypes: ["application/json"],

    verify(request: InboundRequest, link: InboundLink, now: Date): InboundVerification {
      try {
        return verifyStandardWebhookRequest(
          link.inboundSecret,
          { headers: request.headers, body: request.rawBody },
          now,
          options.toleranceSeconds,
        );
      } catch {
        // An unusable stored secret verifies nothing.
        return { ok: false, reason: "unusable_secret" };
      }
    },

    parse(request: InboundRequest): InboundEvent {
      const id = header(request, "webhook-id") ?? "";
      if (id.length === 0 || id.length > 500)
        return { kind: "malformed", reason: "bad webhook-id" };
      let json: unknown;
      try {
        json = JSON.parse(request.rawBody.toString("utf8"));
      } catch {
        return { kind: "malformed", reason: "body is not JSON" };
      }
      const event = anyEvent.safeParse(json);
      if (!event.success) return { kind: "malformed", reason: "body has no string `type`" };
      if (event.data.type !== "message") return { kind: "ignore" };
      const message = messageBody.safeParse(json);
      if (!message.success) {
        const fields = message.error.issues.map((issue) => issue.path.join(".")).join(", ");
        return { kind: "malformed", reason: `invalid fields: ${fields}` };
      }
      return {
        kind: "messages",
        messages: [
          {
            externalMessageId: id,
            conversationId: message.data.conversation_id,
            senderId: message.data.sender_id,
            threadRef: message.data.thread_id ?? undefined,
            text: message.data.text,
          },
        ],
      };
    },
  };
}
