import { describe, expect, it } from "vitest";
import { expectNothingRecorded, messageRows } from "../../helpers/channelMessages.ts";
import {
  postSigned,
  signedTelegramRequest,
  telegramTextUpdate,
} from "../../helpers/signedRequests.ts";
import { useInboundApp } from "./useInboundApp.ts";

const secretToken = "tg_Secret-Token_0123456789";

const inbound = useInboundApp({
  provider: "telegram",
  inboundSecret: secretToken,
});

const send = (body: string, token = secretToken) =>
  postSigned(inbound.url, inbound.linkId, signedTelegramRequest({ secretToken: token, body }));

describe("telegram inbound: accepted updates", () => {
  it("records a text message with the right secret token and runs the agent", async () => {
    const body = telegramTextUpdate({
      updateId: 500001,
      chatId: -1009876543210,
      fromId: 31337,
      messageId: 77,
      text: "hi bot",
    });
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "executed" });
    expect(await messageRows(inbound.db, "500001")).toEqual([
      {
        tenant_id: inbound.tenantId,
        channel_link_id: inbound.linkId,
        conversation_id: "-1009876543210",
        sender_id: "31337",
        thread_ref: "77",
        text: "hi bot",
        status: "executed",
      },
    ]);
    expect(inbound.agent.calls).toHaveLength(1);
    expect(inbound.agent.calls[0]?.message).toMatchObject({
      externalMessageId: "500001",
      text: "hi bot",
    });
  });

  it("keeps the forum topic in the thread reference", async () => {
    const body = telegramTextUpdate({ updateId: 500002, messageId: 90, messageThreadId: 12 });
    expect((await send(body)).status).toBe(200);
    expect(await messageRows(inbound.db, "500002")).toMatchObject([{ thread_ref: "90:12" }]);
  });

  it("records a private chat with the user as the conversation", async () => {
    const body = telegramTextUpdate({ updateId: 500003, chatId: 4242, fromId: 4242 });
    expect((await send(body)).status).toBe(200);
    expect(await messageRows(inbound.db, "500003")).toMatchObject([
      { conversation_id: "4242", sender_id: "4242" },
    ]);
  });

  it("runs the agent once for a redelivered update", async () => {
    const body = telegramTextUpdate({ updateId: 500004 });
    expect((await send(body)).status).toBe(200);
    const again = await send(body);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toEqual({ status: "duplicate" });
    expect(inbound.agent.calls).toHaveLength(1);
    expect(await messageRows(inbound.db, "500004")).toHaveLength(1);
  });
});

describe("telegram inbound: rejected secret tokens record nothing", () => {
  const rejected = async (request: () => Promise<{ status: number }>) => {
    const answer = await expectNothingRecorded(inbound.db, inbound.agent, request);
    expect(answer.status).toBe(401);
  };

  it("rejects another secret token", () =>
    rejected(() => send(telegramTextUpdate(), "wrong-token")));
  it("rejects a token that only shares a prefix with the secret", () =>
    rejected(() => send(telegramTextUpdate(), secretToken.slice(0, -1))));
  it("rejects a token that extends the secret", () =>
    rejected(() => send(telegramTextUpdate(), `${secretToken}x`)));
  it("rejects a missing secret token header", () =>
    rejected(() =>
      postSigned(
        inbound.url,
        inbound.linkId,
        signedTelegramRequest({ secretToken, body: telegramTextUpdate() }),
        { omitHeaders: ["x-telegram-bot-api-secret-token"] },
      ),
    ));
});

describe("telegram inbound: updates that are not text messages are acknowledged and ignored", () => {
  const ignored = async (body: string) => {
    const answer = await expectNothingRecorded(inbound.db, inbound.agent, () => send(body));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "ignored" });
  };

  it("ignores edited messages", () => ignored(telegramTextUpdate({ kind: "edited_message" })));
  it("ignores channel posts", () => ignored(telegramTextUpdate({ kind: "channel_post" })));
  it("ignores a message without text", () =>
    ignored(
      telegramTextUpdate({ message: { text: undefined, sticker: { file_id: "CAACAgIAAxk" } } }),
    ));
  it("ignores callback queries", () =>
    ignored(JSON.stringify({ update_id: 500010, callback_query: { id: "1", data: "x" } })));
});

describe("telegram inbound: bodies it cannot use", () => {
  it("answers 400 to a body that is not JSON", async () => {
    expect((await send("{not json")).status).toBe(400);
    expect(inbound.agent.calls).toHaveLength(0);
  });

  it("answers 400 to an update without update_id", async () => {
    expect((await send(JSON.stringify({ message: { text: "hi" } }))).status).toBe(400);
    expect(inbound.agent.calls).toHaveLength(0);
  });
});
