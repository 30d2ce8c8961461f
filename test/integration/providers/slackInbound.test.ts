import { randomUUID } from "node:crypto";
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
  signedSlackRequest,
  slackMessageEvent,
  slackSignature,
  slackUrlVerification,
} from "../../helpers/signedRequests.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const otherSecret = "0000000000000000000000000000abcd";
const teamId = "T0SLACK01";
const logger = makeLogger("silent");

let db: TestDatabase;
let server: RunningServer;
let agent: ReturnType<typeof makeCountingExecutor>;
let linkId: string;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ tenantId, linkId } = await createProviderLink(db.admin, {
    provider: "slack",
    inboundSecret: signingSecret,
    externalAccountId: teamId,
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

const event = (input: Parameters<typeof slackMessageEvent>[0] = {}) =>
  slackMessageEvent({ teamId, eventId: `Ev${randomUUID().slice(0, 8)}`, ...input });
const send = (body: string, init: { secret?: string; timestamp?: number } = {}) =>
  postSigned(
    server.url,
    linkId,
    signedSlackRequest({ signingSecret: init.secret ?? signingSecret, body, ...init }),
  );

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

describe("slack inbound: accepted messages", () => {
  it("records a correctly signed user message and runs the agent with it", async () => {
    const body = event({ eventId: "EvACCEPT01", channel: "C42", user: "U42", text: "hi bot" });
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "executed" });
    expect(await messageRows("EvACCEPT01")).toEqual([
      {
        tenant_id: tenantId,
        channel_link_id: linkId,
        conversation_id: "C42",
        sender_id: "U42",
        thread_ref: "1700000000.000100",
        text: "hi bot",
        status: "executed",
      },
    ]);
    expect(agent.calls).toHaveLength(1);
    expect(agent.calls[0]?.message).toMatchObject({
      externalMessageId: "EvACCEPT01",
      text: "hi bot",
    });
  });

  it("threads the reply under the thread a message was posted in", async () => {
    const body = event({
      eventId: "EvTHREAD01",
      ts: "1700000001.000200",
      threadTs: "1699999999.000100",
    });
    expect((await send(body)).status).toBe(200);
    expect(await messageRows("EvTHREAD01")).toMatchObject([{ thread_ref: "1699999999.000100" }]);
  });

  it("accepts a timestamp four minutes old", async () => {
    const answer = await send(event(), { timestamp: Math.floor(Date.now() / 1000) - 240 });
    expect(answer.status).toBe(200);
    expect(agent.calls).toHaveLength(1);
  });

  it("runs the agent once when Slack retries a delivery with the same event_id", async () => {
    const body = event({ eventId: "EvRETRY001" });
    expect((await send(body)).status).toBe(200);
    const retry = signedSlackRequest({ signingSecret, body });
    const again = await postSigned(server.url, linkId, retry, {
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toEqual({ status: "duplicate" });
    expect(agent.calls).toHaveLength(1);
    expect(await messageRows("EvRETRY001")).toHaveLength(1);
  });
});

describe("slack inbound: rejected signatures record nothing", () => {
  const rejected = async (
    answer: Promise<{ status: number; text: string }>,
    expectedStatus = 401,
  ) => {
    const before = await countMessages();
    const result = await answer;
    expect(result.status).toBe(expectedStatus);
    expect(agent.calls).toHaveLength(0);
    expect(await countMessages()).toBe(before);
    return result;
  };

  it("rejects a signature made with another signing secret", () =>
    rejected(send(event(), { secret: otherSecret })));

  it("rejects a tampered body", () => {
    const request = signedSlackRequest({ signingSecret, body: event({ text: "original" }) });
    return rejected(
      postSigned(server.url, linkId, request, {
        body: request.body.replace("original", "tampered"),
      }),
    );
  });

  it("rejects timestamps more than five minutes old or ahead", async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejected(send(event(), { timestamp: now - 6 * 60 }));
    await rejected(send(event(), { timestamp: now + 6 * 60 }));
  });

  it("rejects a request signed for another timestamp than the one it carries", () => {
    const body = event();
    const now = Math.floor(Date.now() / 1000);
    const request = signedSlackRequest({ signingSecret, body, timestamp: now });
    return rejected(
      postSigned(server.url, linkId, request, {
        headers: { "x-slack-request-timestamp": String(now - 1) },
      }),
    );
  });

  it("rejects missing signature or timestamp headers", async () => {
    const request = signedSlackRequest({ signingSecret, body: event() });
    await rejected(postSigned(server.url, linkId, request, { omitHeaders: ["x-slack-signature"] }));
    await rejected(
      postSigned(server.url, linkId, request, { omitHeaders: ["x-slack-request-timestamp"] }),
    );
  });

  it("rejects a malformed signature header", async () => {
    const body = event();
    const timestamp = Math.floor(Date.now() / 1000);
    const hex = slackSignature(signingSecret, timestamp, body).slice(3);
    const request = signedSlackRequest({ signingSecret, body, timestamp });
    await rejected(
      postSigned(server.url, linkId, request, { headers: { "x-slack-signature": `v1=${hex}` } }),
    );
    await rejected(
      postSigned(server.url, linkId, request, {
        headers: { "x-slack-signature": `v0=${hex.slice(0, 40)}` },
      }),
    );
  });
});

describe("slack inbound: url_verification handshake", () => {
  it("answers a signed url_verification with its challenge", async () => {
    const answer = await send(
      slackUrlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
    );
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(answer.text).toBe("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    expect(agent.calls).toHaveLength(0);
  });

  it("does not reveal the challenge to a request signed with another secret", async () => {
    const answer = await send(slackUrlVerification("secret-challenge-value"), {
      secret: otherSecret,
    });
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain("secret-challenge-value");
  });
});

describe("slack inbound: events that are not user messages are acknowledged and ignored", () => {
  const ignored = async (body: string) => {
    const before = await countMessages();
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "ignored" });
    expect(agent.calls).toHaveLength(0);
    expect(await countMessages()).toBe(before);
  };

  it("ignores bot messages, including our own replies", () =>
    ignored(event({ event: { bot_id: "B0001", subtype: "bot_message" } })));
  it("ignores a bot message without a subtype", () =>
    ignored(event({ event: { bot_id: "B0001" } })));
  it("ignores edits and deletions", () =>
    ignored(event({ event: { subtype: "message_changed" } })));
  it("ignores other event types", () =>
    ignored(event({ event: { type: "reaction_added", reaction: "thumbsup" } })));
  it("ignores envelopes other than event_callback", () =>
    ignored(JSON.stringify({ type: "app_rate_limited", team_id: teamId })));
  it("ignores an event from another workspace than the link's team", () =>
    ignored(event({ teamId: "T0OTHER99" })));
});

describe("slack inbound: bodies it cannot use", () => {
  it("answers 400 to a signed body that is not JSON", async () => {
    const answer = await send("{not json");
    expect(answer.status).toBe(400);
    expect(agent.calls).toHaveLength(0);
  });

  it("answers 400 to a signed message event without its channel", async () => {
    const answer = await send(event({ event: { channel: undefined } }));
    expect(answer.status).toBe(400);
    expect(agent.calls).toHaveLength(0);
  });

  it("answers 415 to form-encoded interactivity payloads", async () => {
    const body = "payload=%7B%22type%22%3A%22block_actions%22%7D";
    const request = signedSlackRequest({ signingSecret, body });
    const answer = await postSigned(server.url, linkId, request, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(answer.status).toBe(415);
  });
});
