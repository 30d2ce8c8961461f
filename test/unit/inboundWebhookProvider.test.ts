import { describe, expect, it } from "vitest";
import type { InboundLink, InboundRequest } from "../../src/providers/inboundProvider.ts";
import { makeInboundWebhookProvider } from "../../src/providers/webhook/inboundWebhookProvider.ts";
import { signStandardWebhook } from "../../src/providers/webhook/standardWebhookSignature.ts";

const provider = makeInboundWebhookProvider();
const secret = `whsec_${Buffer.alloc(24, 5).toString("base64")}`;
const link: InboundLink = {
  id: "00000000-0000-4000-8000-000000000001",
  tenantId: "00000000-0000-4000-8000-000000000002",
  provider: "webhook",
  externalAccountId: null,
  inboundSecret: secret,
  settings: {},
  status: "active",
};
const now = new Date("2030-01-01T00:00:00Z");

function request(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const raw = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    method: "POST",
    query: {},
    rawBody: raw,
    headers: {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandardWebhook(secret, "msg_1", timestamp, raw),
      ...headers,
    },
  };
}

describe("webhook provider: inbound parsing", () => {
  it("normalises a message, with webhook-id as the dedupe key", () => {
    const body = {
      type: "message",
      conversation_id: "c",
      sender_id: "s",
      text: "hi",
      thread_id: "t",
    };
    expect(provider.parse(request(body), link)).toEqual({
      kind: "messages",
      messages: [
        {
          externalMessageId: "msg_1",
          conversationId: "c",
          senderId: "s",
          threadRef: "t",
          text: "hi",
        },
      ],
    });
  });

  it("ignores other event types and rejects malformed bodies", () => {
    expect(provider.parse(request({ type: "typing" }), link)).toEqual({ kind: "ignore" });
    expect(provider.parse(request("[1, 2"), link).kind).toBe("malformed");
    expect(provider.parse(request({ no: "type" }), link).kind).toBe("malformed");
    expect(provider.parse(request({ type: "message", text: 1 }), link)).toMatchObject({
      kind: "malformed",
      reason: expect.stringContaining("conversation_id"),
    });
    const longId = request({ type: "message", conversation_id: "c", sender_id: "s", text: "" });
    expect(
      provider.parse({ ...longId, headers: { "webhook-id": "x".repeat(501) } }, link).kind,
    ).toBe("malformed");
  });

  it("verifies with the link's secret and fails closed on an unusable one", () => {
    const signed = request({ type: "message" });
    expect(provider.verify(signed, link, now)).toEqual({ ok: true });
    expect(provider.verify(signed, { ...link, inboundSecret: "whsec_" }, now)).toEqual({
      ok: false,
      reason: "unusable_secret",
    });
  });
});
