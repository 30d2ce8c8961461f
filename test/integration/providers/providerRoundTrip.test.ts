import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ProviderName } from "../../../src/providers/providerName.ts";
import { providerTextLimit, splitReply } from "../../../src/providers/splitReply.ts";
import { makeCountingExecutor } from "../../helpers/fakeAgent.ts";
import type { RecordedRequest } from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { telegramCall } from "../../helpers/fakeProviders/fakeTelegram.ts";
import { whatsappCall } from "../../helpers/fakeProviders/fakeWhatsApp.ts";
import {
  closeFakeProviders,
  type FakeProviders,
  startFakeProviders,
} from "../../helpers/fakeProviders/startFakeProviders.ts";
import { testConfig } from "../../helpers/outboxFixtures.ts";
import { createProviderLink } from "../../helpers/providerLinks.ts";
import {
  newWamid,
  postSigned,
  type SignedRequest,
  signedSlackRequest,
  signedTelegramRequest,
  signedWhatsAppRequest,
  slackMessageEvent,
  telegramTextUpdate,
  whatsappWebhook,
} from "../../helpers/signedRequests.ts";
import { startTestApp, type TestApp } from "../../helpers/testApp.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";
import { startTestWorker } from "../../helpers/testWorker.ts";
import { waitFor } from "../../helpers/waitFor.ts";

/**
 * Signed inbound webhook → agent → outbox → real graphile-worker → the provider's fake API.
 * Each provider has an echo link (`agent: "echo"`) and a link answered by the global agent,
 * which replies with 10,000 characters.
 */

const tokens = {
  slack: "xoxb-round-trip",
  telegram: "123456789:AAround-trip",
  whatsapp: "EAAG-round",
};
const slackSecret = "slack-signing-secret-round-trip";
const telegramSecret = "telegram-secret-token-round-trip";
const whatsappInbound = { appSecret: "whatsapp-app-secret", verifyToken: "verify-me" };
const phoneNumberId = "106540352242922";

let db: TestDatabase;
let app: TestApp;
let worker: Runner;
let fakes: FakeProviders;
type Links = Record<"slack" | "telegram" | "whatsapp", { echo: string; long: string }>;
let links: Links;

const longReply = buildLongReply(10_000);
const agent = makeCountingExecutor(async () => ({ decision: "executed", reply: longReply }));

beforeAll(async () => {
  db = await createTestDatabase();
  fakes = await startFakeProviders(tokens);
  const inboundSecrets = {
    slack: slackSecret,
    telegram: telegramSecret,
    whatsapp: JSON.stringify(whatsappInbound),
  };
  const externalIds = { slack: "T0ROUND01", telegram: "123456789", whatsapp: phoneNumberId };
  const linkFor = async (provider: keyof Links, settings: Record<string, unknown>) =>
    (
      await createProviderLink(db.admin, {
        provider,
        inboundSecret: inboundSecrets[provider],
        externalAccountId: externalIds[provider],
        token: tokens[provider],
        apiBaseUrl: fakes[provider].baseUrl,
        settings,
      })
    ).linkId;
  links = {} as Links;
  for (const provider of ["slack", "telegram", "whatsapp"] as const) {
    links[provider] = {
      echo: await linkFor(provider, { agent: "echo" }),
      long: await linkFor(provider, {}),
    };
  }
  app = await startTestApp(db, { executor: agent.executor });
  worker = await startTestWorker(testConfig(db));
});

afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await closeFakeProviders(fakes);
  await db?.drop();
});

beforeEach(() => {
  for (const fake of Object.values(fakes)) fake.reset();
});

/** Posts the signed request and waits until every part of its reply is `sent`. */
async function deliverAndWaitForReply(linkId: string, request: SignedRequest, externalId: string) {
  const answer = await postSigned(app.url, linkId, request);
  expect(answer.status).toBe(200);
  const rows = await waitFor(
    async () => {
      const { rows } = await db.admin.query<{ status: string; provider_message_id: string }>(
        `select o.status, o.provider_message_id from channel_outbox o
         join channel_messages m on m.id = o.channel_message_id
         where m.channel_link_id = $1 and m.external_message_id = $2 order by o.part_index`,
        [linkId, externalId],
      );
      return rows.length > 0 && rows.every((row) => row.status === "sent") ? rows : undefined;
    },
    { timeoutMs: 15_000, message: `the reply to ${externalId} to be sent` },
  );
  expect(rows.every((row) => row.provider_message_id !== "")).toBe(true);
  return rows;
}

function expectOrderedParts(provider: ProviderName, texts: string[]) {
  const limit = providerTextLimit(provider);
  expect(texts.length).toBeGreaterThan(1);
  for (const text of texts) expect(text.length).toBeLessThanOrEqual(limit);
  expect(texts).toEqual(splitReply(longReply, limit));
  // Nothing lost or reordered: only the whitespace at each cut is dropped.
  expect(texts.join(" ").replace(/\s+/g, " ")).toBe(longReply.replace(/\s+/g, " "));
}

describe("slack round trip", () => {
  it("answers a signed message in its thread with the bot token", async () => {
    const body = slackMessageEvent({
      eventId: "EvROUND001",
      teamId: "T0ROUND01",
      channel: "C0ROUND",
      user: "U0ROUND",
      text: "ping",
      ts: "1700000100.000300",
    });
    const rows = await deliverAndWaitForReply(
      links.slack.echo,
      signedSlackRequest({ signingSecret: slackSecret, body }),
      "EvROUND001",
    );
    expect(rows).toHaveLength(1);
    const [request] = fakes.slack.requests as [RecordedRequest];
    expect(fakes.slack.requests).toHaveLength(1);
    expect(request.path).toBe("/api/chat.postMessage");
    expect(request.headers.authorization).toBe(`Bearer ${tokens.slack}`);
    expect(request.body).toEqual({
      channel: "C0ROUND",
      text: "echo: ping",
      thread_ts: "1700000100.000300",
    });
    expect(rows[0]?.provider_message_id).toMatch(/^1700000000\.\d{6}$/);
  });

  it("delivers a 10,000-character reply in ordered parts that fit Slack's limit", async () => {
    const body = slackMessageEvent({ eventId: "EvROUNDLONG", teamId: "T0ROUND01", ts: "1.2" });
    await deliverAndWaitForReply(
      links.slack.long,
      signedSlackRequest({ signingSecret: slackSecret, body }),
      "EvROUNDLONG",
    );
    const bodies = fakes.slack.requests.map((request) => request.body as Record<string, unknown>);
    for (const sent of bodies) expect(sent).toMatchObject({ channel: "C0001", thread_ts: "1.2" });
    expectOrderedParts(
      "slack",
      bodies.map((sent) => String(sent.text)),
    );
  });
});

describe("telegram round trip", () => {
  it("answers a message as a reply to it, in its forum topic, with the bot token", async () => {
    const body = telegramTextUpdate({
      updateId: 900001,
      chatId: -1001111111111,
      messageId: 321,
      messageThreadId: 5,
      text: "ping",
    });
    const rows = await deliverAndWaitForReply(
      links.telegram.echo,
      signedTelegramRequest({ secretToken: telegramSecret, body }),
      "900001",
    );
    expect(rows).toHaveLength(1);
    expect(fakes.telegram.requests).toHaveLength(1);
    const [request] = fakes.telegram.requests as [RecordedRequest];
    expect(telegramCall(request)).toEqual({ token: tokens.telegram, method: "sendMessage" });
    expect(request.body).toEqual({
      chat_id: -1001111111111,
      text: "echo: ping",
      reply_parameters: { message_id: 321, allow_sending_without_reply: true },
      message_thread_id: 5,
    });
  });

  it("delivers a 10,000-character reply in ordered parts that fit Telegram's limit", async () => {
    const body = telegramTextUpdate({ updateId: 900002, chatId: 5555, messageId: 9 });
    await deliverAndWaitForReply(
      links.telegram.long,
      signedTelegramRequest({ secretToken: telegramSecret, body }),
      "900002",
    );
    const bodies = fakes.telegram.requests.map(
      (request) => request.body as Record<string, unknown>,
    );
    for (const sent of bodies) expect(sent).toMatchObject({ chat_id: 5555 });
    expectOrderedParts(
      "telegram",
      bodies.map((sent) => String(sent.text)),
    );
  });
});

describe("whatsapp round trip", () => {
  it("answers a message in context of it, from the link's number, with the access token", async () => {
    const wamid = newWamid();
    const body = whatsappWebhook([
      { phoneNumberId, messages: [{ id: wamid, from: "15557654321", text: "ping" }] },
    ]);
    const rows = await deliverAndWaitForReply(
      links.whatsapp.echo,
      signedWhatsAppRequest({ appSecret: whatsappInbound.appSecret, body }),
      wamid,
    );
    expect(rows).toHaveLength(1);
    expect(fakes.whatsapp.requests).toHaveLength(1);
    const [request] = fakes.whatsapp.requests as [RecordedRequest];
    expect(whatsappCall(request)).toEqual({ apiVersion: "v21.0", phoneNumberId });
    expect(request.headers.authorization).toBe(`Bearer ${tokens.whatsapp}`);
    expect(request.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "15557654321",
      type: "text",
      text: { body: "echo: ping" },
      context: { message_id: wamid },
    });
    expect(rows[0]?.provider_message_id).toMatch(/^wamid\.FAKE/);
  });

  it("delivers a 10,000-character reply in ordered parts that fit WhatsApp's limit", async () => {
    const wamid = newWamid();
    const body = whatsappWebhook([{ phoneNumberId, messages: [{ id: wamid, from: "1555000" }] }]);
    await deliverAndWaitForReply(
      links.whatsapp.long,
      signedWhatsAppRequest({ appSecret: whatsappInbound.appSecret, body }),
      wamid,
    );
    const bodies = fakes.whatsapp.requests.map(
      (request) => request.body as { to: string; text: { body: string } },
    );
    for (const sent of bodies)
      expect(sent).toMatchObject({ to: "1555000", context: { message_id: wamid } });
    expectOrderedParts(
      "whatsapp",
      bodies.map((sent) => sent.text.body),
    );
  });
});

/** Sentences in paragraphs, cut to exactly `length` characters. */
function buildLongReply(length: number): string {
  let text = "";
  for (let i = 1; text.length < length; i += 1) {
    text += `Sentence ${i} of the long reply talks about the weather at some length.`;
    text += i % 12 === 0 ? "\n\n" : " ";
  }
  return text.slice(0, length).trimEnd();
}
