import { describe, expect, it } from "vitest";
import {
  countMessages,
  expectNothingRecorded,
  messageRows,
} from "../../helpers/channelMessages.ts";
import {
  newWamid,
  postSigned,
  signedWhatsAppRequest,
  whatsappHandshakeQuery,
  whatsappWebhook,
} from "../../helpers/signedRequests.ts";
import { useInboundApp } from "./useInboundApp.ts";

const appSecret = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const verifyToken = "valinor-verify-token-1";
const phoneNumberId = "106540352242922";

const inbound = useInboundApp({
  provider: "whatsapp",
  inboundSecret: JSON.stringify({ appSecret, verifyToken }),
  externalAccountId: phoneNumberId,
});

const send = (body: string, secret = appSecret) =>
  postSigned(inbound.url, inbound.linkId, signedWhatsAppRequest({ appSecret: secret, body }));

describe("whatsapp inbound: accepted messages", () => {
  it("records a correctly signed text message and runs the agent", async () => {
    const id = newWamid();
    const body = whatsappWebhook([
      { phoneNumberId, messages: [{ id, from: "15551234567", text: "hi bot" }] },
    ]);
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "executed" });
    expect(await messageRows(inbound.db, id)).toEqual([
      {
        tenant_id: inbound.tenantId,
        channel_link_id: inbound.linkId,
        conversation_id: "15551234567",
        sender_id: "15551234567",
        thread_ref: id,
        text: "hi bot",
        status: "executed",
      },
    ]);
    expect(inbound.agent.calls).toHaveLength(1);
  });

  it("records every text message of a batch once, and none again on redelivery", async () => {
    const ids = [newWamid(), newWamid(), newWamid()];
    const otherNumbersMessage = newWamid();
    const body = whatsappWebhook([
      {
        phoneNumberId,
        messages: [
          { id: ids[0], from: "15550000001", text: "first" },
          { id: ids[1], from: "15550000002", text: "second" },
        ],
        rawMessages: [
          { from: "15550000001", id: newWamid(), type: "image", image: { id: "media-1" } },
        ],
        statuses: [{ id: newWamid(), status: "delivered", recipient_id: "15550000001" }],
      },
      { phoneNumberId: "999999999999999", messages: [{ id: otherNumbersMessage }] },
      { phoneNumberId, messages: [{ id: ids[2], from: "15550000003", text: "third" }] },
    ]);
    const before = await countMessages(inbound.db);
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "accepted" });
    expect(inbound.agent.calls.map((call) => call.message.text)).toEqual([
      "first",
      "second",
      "third",
    ]);
    for (const id of ids)
      expect(await messageRows(inbound.db, id)).toMatchObject([{ status: "executed" }]);
    expect(await messageRows(inbound.db, otherNumbersMessage)).toEqual([]);
    expect(await countMessages(inbound.db)).toBe(before + 3);

    const again = await send(body);
    expect(again.status).toBe(200);
    expect(inbound.agent.calls).toHaveLength(3);
    expect(await countMessages(inbound.db)).toBe(before + 3);
  });

  it("accepts a batch larger than the default 1 MiB body limit (Cloud API batches reach 3 MB)", async () => {
    const id = newWamid();
    const padding = "x".repeat(2 * 1024 * 1024);
    const body = whatsappWebhook([
      {
        phoneNumberId,
        messages: [{ id, from: "15550000009", text: "big batch" }],
        rawMessages: [{ from: "15550000009", id: newWamid(), type: "unknown", note: padding }],
      },
    ]);
    expect(Buffer.byteLength(body)).toBeGreaterThan(2 * 1024 * 1024);
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(await messageRows(inbound.db, id)).toMatchObject([{ status: "executed" }]);
    const tooBig = whatsappWebhook([
      {
        phoneNumberId,
        rawMessages: [{ id: newWamid(), type: "unknown", note: "x".repeat(3.5 * 1024 * 1024) }],
      },
    ]);
    expect((await send(tooBig)).status).toBe(413);
  });

  it("runs the agent once when the same message arrives twice", async () => {
    const id = newWamid();
    const body = whatsappWebhook([{ phoneNumberId, messages: [{ id }] }]);
    expect((await send(body)).status).toBe(200);
    const again = await send(body);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toEqual({ status: "duplicate" });
    expect(inbound.agent.calls).toHaveLength(1);
  });
});

describe("whatsapp inbound: rejected signatures record nothing", () => {
  const rejected = async (request: () => Promise<{ status: number }>) => {
    const answer = await expectNothingRecorded(inbound.db, inbound.agent, request);
    expect(answer.status).toBe(401);
  };
  const body = () => whatsappWebhook([{ phoneNumberId, messages: [{ text: "original" }] }]);

  it("rejects a signature made with another app secret", () =>
    rejected(() => send(body(), "another-app-secret")));
  it("rejects a tampered body", () => {
    const request = signedWhatsAppRequest({ appSecret, body: body() });
    return rejected(() =>
      postSigned(inbound.url, inbound.linkId, request, {
        body: request.body.replace("original", "tampered"),
      }),
    );
  });
  it("rejects a missing signature header", () =>
    rejected(() =>
      postSigned(inbound.url, inbound.linkId, signedWhatsAppRequest({ appSecret, body: body() }), {
        omitHeaders: ["x-hub-signature-256"],
      }),
    ));
  it("rejects a signature without its sha256= prefix", () => {
    const request = signedWhatsAppRequest({ appSecret, body: body() });
    const hex = request.headers["x-hub-signature-256"]!.slice("sha256=".length);
    return rejected(() =>
      postSigned(inbound.url, inbound.linkId, request, { headers: { "x-hub-signature-256": hex } }),
    );
  });
});

describe("whatsapp inbound: GET subscription handshake", () => {
  const handshake = (query: string) =>
    fetch(`${inbound.url}/webhooks/whatsapp/${inbound.linkId}?${query}`);

  it("echoes the challenge when the verify token matches", async () => {
    const response = await handshake(
      whatsappHandshakeQuery({ verifyToken, challenge: "1158201444" }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("1158201444");
  });

  const refused = async (query: string) => {
    const response = await handshake(query);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("1158201444");
  };

  it("refuses a wrong verify token", () =>
    refused(whatsappHandshakeQuery({ verifyToken: "not-the-token", challenge: "1158201444" })));
  it("refuses a verify token that only shares a prefix", () =>
    refused(
      whatsappHandshakeQuery({ verifyToken: verifyToken.slice(0, -1), challenge: "1158201444" }),
    ));
  it("refuses a missing verify token", () =>
    refused(whatsappHandshakeQuery({ challenge: "1158201444" })));
  it("refuses a mode other than subscribe", () =>
    refused(whatsappHandshakeQuery({ verifyToken, mode: "unsubscribe", challenge: "1158201444" })));
});

describe("whatsapp inbound: callbacks that are not text messages are acknowledged and ignored", () => {
  const ignored = async (body: string) => {
    const answer = await expectNothingRecorded(inbound.db, inbound.agent, () => send(body));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "ignored" });
  };

  it("ignores delivery statuses", () =>
    ignored(
      whatsappWebhook([
        {
          phoneNumberId,
          statuses: [
            { id: newWamid(), status: "read", timestamp: "1700000000", recipient_id: "1555" },
          ],
        },
      ]),
    ));
  it("ignores messages to another phone number", () =>
    ignored(whatsappWebhook([{ phoneNumberId: "123123123", messages: [{ text: "not ours" }] }])));
  it("ignores non-text messages and unknown shapes", () =>
    ignored(
      whatsappWebhook([
        {
          phoneNumberId,
          rawMessages: [
            { from: "1555", id: newWamid(), type: "reaction", reaction: { emoji: "👍" } },
            { from: "1555", type: "text", text: { body: "no id" } },
            "not an object",
            { from: "1555", id: newWamid(), type: "text", text: "body is not an object" },
          ],
        },
      ]),
    ));
  it("ignores other objects and fields", async () => {
    await ignored(JSON.stringify({ object: "page", entry: [] }));
    await ignored(
      JSON.stringify({
        object: "whatsapp_business_account",
        entry: [{ changes: [{ field: "account_update", value: { event: "x" } }, null] }, 7],
      }),
    );
  });
});

describe("whatsapp inbound: bodies it cannot use", () => {
  it("answers 400 to a body that is not JSON", async () => {
    expect((await send("{not json")).status).toBe(400);
    expect(inbound.agent.calls).toHaveLength(0);
  });
  it("answers 400 to a business account body without entries", async () => {
    const answer = await send(JSON.stringify({ object: "whatsapp_business_account" }));
    expect(answer.status).toBe(400);
  });
});
