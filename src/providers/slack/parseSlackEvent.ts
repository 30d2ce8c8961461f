import { z } from "zod";
import type { InboundEvent } from "../inboundProvider.ts";

/**
 * Slack Events API bodies: `url_verification` (answered with its challenge) and
 * `event_callback` envelopes. Only plain user messages (`event.type === "message"` without a
 * `subtype` or `bot_id`) become messages; bot posts (our own replies included), edits,
 * deletions and every other event are acknowledged and ignored.
 */

const idText = z.string().min(1).max(500);
const envelope = z.object({ type: z.string() });
const urlVerification = z.object({ challenge: z.string().min(1).max(500) });
const eventCallback = z.object({
  event_id: idText,
  team_id: z.string().optional(),
  event: z.looseObject({ type: z.string() }),
});
const userMessage = z.object({
  channel: idText,
  user: idText,
  text: z.string(),
  ts: idText,
  thread_ts: idText.optional(),
});

export function parseSlackEvent(rawBody: Buffer, teamId: string | null): InboundEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { kind: "malformed", reason: "body is not JSON" };
  }
  const outer = envelope.safeParse(json);
  if (!outer.success) return { kind: "malformed", reason: "body has no string `type`" };

  if (outer.data.type === "url_verification") {
    const verification = urlVerification.safeParse(json);
    if (!verification.success) return { kind: "malformed", reason: "bad url_verification" };
    return {
      kind: "handshake",
      status: 200,
      body: verification.data.challenge,
      contentType: "text/plain",
    };
  }
  if (outer.data.type !== "event_callback") return { kind: "ignore" };

  const callback = eventCallback.safeParse(json);
  if (!callback.success) return { kind: "malformed", reason: invalidFields(callback.error) };
  // Another workspace's event at this link's URL: acknowledge (so Slack does not retry) but
  // never record it under this link's tenant.
  if (teamId !== null && callback.data.team_id !== teamId) return { kind: "ignore" };

  const event = callback.data.event;
  if (event.type !== "message" || event.subtype !== undefined || event.bot_id !== undefined) {
    return { kind: "ignore" };
  }
  const message = userMessage.safeParse(event);
  if (!message.success) {
    return { kind: "malformed", reason: invalidFields(message.error, "event.") };
  }
  if (message.data.text.trim() === "") return { kind: "ignore" };
  return {
    kind: "messages",
    messages: [
      {
        // Slack's retries of one delivery carry the same event_id: the dedupe key.
        externalMessageId: callback.data.event_id,
        conversationId: message.data.channel,
        senderId: message.data.user,
        // A reply to a top-level message starts a thread under it; inside a thread it stays there.
        threadRef: message.data.thread_ts ?? message.data.ts,
        text: message.data.text,
      },
    ],
  };
}

function invalidFields(error: z.ZodError, prefix = ""): string {
  const fields = error.issues.map((issue) => prefix + issue.path.join(".")).join(", ");
  return `invalid fields: ${fields}`;
}
