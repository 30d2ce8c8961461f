import { randomUUID } from "node:crypto";
import { signStandardWebhook } from "../providers/webhook/standardWebhookSignature.ts";
import type { DemoLink } from "./demoLink.ts";

/** Posts one correctly signed Standard Webhooks message to the demo link. */
export async function sendDemoMessage(
  demo: DemoLink,
  text: string,
): Promise<{ status: number; body: string; messageId: string }> {
  const messageId = `msg_${randomUUID()}`;
  const body = JSON.stringify({
    type: "message",
    conversation_id: "demo-conversation",
    sender_id: "demo-user",
    text,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(demo.webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": messageId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandardWebhook(demo.secret, messageId, timestamp, body),
    },
    body,
  });
  return { status: response.status, body: await response.text(), messageId };
}
