import { Registry } from "prom-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeApp } from "../../../src/http/makeApp.ts";
import { type RunningServer, startServer } from "../../../src/http/server.ts";
import { makeLogger } from "../../../src/logging/logger.ts";
import { makeInboundProviderRegistry } from "../../../src/providers/inboundProvider.ts";
import { makeCountingExecutor } from "../../helpers/fakeAgent.ts";
import { secretBox, testConfig } from "../../helpers/outboxFixtures.ts";
import { createProviderLink } from "../../helpers/providerLinks.ts";
import {
  postSigned,
  signedTelegramRequest,
  telegramTextUpdate,
} from "../../helpers/signedRequests.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";

const secretToken = "tg_Secret-Token_0123456789";
const logger = makeLogger("silent");

let db: TestDatabase;
let server: RunningServer;
let agent: ReturnType<typeof makeCountingExecutor>;
let linkId: string;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ tenantId, linkId } = await createProviderLink(db.admin, {
    provider: "telegram",
    inboundSecret: secretToken,
  }));
  agent = makeCountingExecutor();
  const app = makeApp({
    pools: db.pools,
    logger,
    config: testConfig(db),
    secretBox,
    executor: agent.executor,
    inboundProviders: makeInboundProviderRegistry(),
    metrics: new Registry(),
  });
  server = await startServer(app, { host: "127.0.0.1", port: 0, logger });
});

afterAll(async () => {
  await server?.close();
  await db?.drop();
});

beforeEach(() => {
  agent.calls.length = 0;
});

const send = (body: string, token = secretToken) =>
  postSigned(server.url, linkId, signedTelegramRequest({ secretToken: token, body }));

async function messageRows(externalId: string) {
  const { rows } = await db.admin.query(
    `select tenant_id, channel_link_id, conversation_id, sender_id, thread_ref, text, status
     from channel_messages where external_message_id = $1`,
    [externalId],
  );
  return rows;
}
const countMessages = async () =>
  Number((await db.admin.query("select count(*) from channel_messages")).rows[0].count);

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
    expect(await messageRows("500001")).toEqual([
      {
        tenant_id: tenantId,
        channel_link_id: linkId,
        conversation_id: "-1009876543210",
        sender_id: "31337",
        thread_ref: "77",
        text: "hi bot",
        status: "executed",
      },
    ]);
    expect(agent.calls).toHaveLength(1);
    expect(agent.calls[0]?.message).toMatchObject({ externalMessageId: "500001", text: "hi bot" });
  });

  it("keeps the forum topic in the thread reference", async () => {
    const body = telegramTextUpdate({ updateId: 500002, messageId: 90, messageThreadId: 12 });
    expect((await send(body)).status).toBe(200);
    expect(await messageRows("500002")).toMatchObject([{ thread_ref: "90:12" }]);
  });

  it("records a private chat with the user as the conversation", async () => {
    const body = telegramTextUpdate({ updateId: 500003, chatId: 4242, fromId: 4242 });
    expect((await send(body)).status).toBe(200);
    expect(await messageRows("500003")).toMatchObject([
      { conversation_id: "4242", sender_id: "4242" },
    ]);
  });

  it("runs the agent once for a redelivered update", async () => {
    const body = telegramTextUpdate({ updateId: 500004 });
    expect((await send(body)).status).toBe(200);
    const again = await send(body);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toEqual({ status: "duplicate" });
    expect(agent.calls).toHaveLength(1);
    expect(await messageRows("500004")).toHaveLength(1);
  });
});

describe("telegram inbound: rejected secret tokens record nothing", () => {
  const rejected = async (answer: Promise<{ status: number }>) => {
    const before = await countMessages();
    expect((await answer).status).toBe(401);
    expect(agent.calls).toHaveLength(0);
    expect(await countMessages()).toBe(before);
  };

  it("rejects another secret token", () => rejected(send(telegramTextUpdate(), "wrong-token")));
  it("rejects a token that only shares a prefix with the secret", () =>
    rejected(send(telegramTextUpdate(), secretToken.slice(0, -1))));
  it("rejects a token that extends the secret", () =>
    rejected(send(telegramTextUpdate(), `${secretToken}x`)));
  it("rejects a missing secret token header", () =>
    rejected(
      postSigned(
        server.url,
        linkId,
        signedTelegramRequest({ secretToken, body: telegramTextUpdate() }),
        { omitHeaders: ["x-telegram-bot-api-secret-token"] },
      ),
    ));
});

describe("telegram inbound: updates that are not text messages are acknowledged and ignored", () => {
  const ignored = async (body: string) => {
    const before = await countMessages();
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "ignored" });
    expect(agent.calls).toHaveLength(0);
    expect(await countMessages()).toBe(before);
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
    expect(agent.calls).toHaveLength(0);
  });

  it("answers 400 to an update without update_id", async () => {
    expect((await send(JSON.stringify({ message: { text: "hi" } }))).status).toBe(400);
    expect(agent.calls).toHaveLength(0);
  });
});
