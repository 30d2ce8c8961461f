import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { expectNothingRecorded, messageRows } from "../../helpers/channelMessages.ts";
import {
  postSigned,
  signedSlackRequest,
  slackMessageEvent,
  slackSignature,
  slackUrlVerification,
} from "../../helpers/signedRequests.ts";
import { useInboundApp } from "./useInboundApp.ts";

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const otherSecret = "0000000000000000000000000000abcd";
const teamId = "T0SLACK01";

const inbound = useInboundApp({
  provider: "slack",
  inboundSecret: signingSecret,
  externalAccountId: teamId,
});

const event = (input: Parameters<typeof slackMessageEvent>[0] = {}) =>
  slackMessageEvent({ teamId, eventId: `Ev${randomUUID().slice(0, 8)}`, ...input });
const send = (body: string, init: { secret?: string; timestamp?: number } = {}) =>
  postSigned(
    inbound.url,
    inbound.linkId,
    signedSlackRequest({ signingSecret: init.secret ?? signingSecret, body, ...init }),
  );

describe("slack inbound: accepted messages", () => {
  it("records a correctly signed user message and runs the agent with it", async () => {
    const body = event({ eventId: "EvACCEPT01", channel: "C42", user: "U42", text: "hi bot" });
    const answer = await send(body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "executed" });
    expect(await messageRows(inbound.db, "EvACCEPT01")).toEqual([
      {
        tenant_id: inbound.tenantId,
        channel_link_id: inbound.linkId,
        conversation_id: "C42",
        sender_id: "U42",
        thread_ref: "1700000000.000100",
        text: "hi bot",
        status: "executed",
      },
    ]);
    expect(inbound.agent.calls).toHaveLength(1);
    expect(inbound.agent.calls[0]?.message).toMatchObject({
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
    expect(await messageRows(inbound.db, "EvTHREAD01")).toMatchObject([
      { thread_ref: "1699999999.000100" },
    ]);
  });

  it("accepts a timestamp four minutes old", async () => {
    const answer = await send(event(), { timestamp: Math.floor(Date.now() / 1000) - 240 });
    expect(answer.status).toBe(200);
    expect(inbound.agent.calls).toHaveLength(1);
  });

  it("runs the agent once when Slack retries a delivery with the same event_id", async () => {
    const body = event({ eventId: "EvRETRY001" });
    expect((await send(body)).status).toBe(200);
    const retry = signedSlackRequest({ signingSecret, body });
    const again = await postSigned(inbound.url, inbound.linkId, retry, {
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toEqual({ status: "duplicate" });
    expect(inbound.agent.calls).toHaveLength(1);
    expect(await messageRows(inbound.db, "EvRETRY001")).toHaveLength(1);
  });
});

describe("slack inbound: rejected signatures record nothing", () => {
  const rejected = async (request: () => Promise<{ status: number }>) => {
    const answer = await expectNothingRecorded(inbound.db, inbound.agent, request);
    expect(answer.status).toBe(401);
  };

  it("rejects a signature made with another signing secret", () =>
    rejected(() => send(event(), { secret: otherSecret })));

  it("rejects a tampered body", () => {
    const request = signedSlackRequest({ signingSecret, body: event({ text: "original" }) });
    return rejected(() =>
      postSigned(inbound.url, inbound.linkId, request, {
        body: request.body.replace("original", "tampered"),
      }),
    );
  });

  it("rejects timestamps more than five minutes old or ahead", async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejected(() => send(event(), { timestamp: now - 6 * 60 }));
    await rejected(() => send(event(), { timestamp: now + 6 * 60 }));
  });

  it("rejects a request signed for another timestamp than the one it carries", () => {
    const body = event();
    const now = Math.floor(Date.now() / 1000);
    const request = signedSlackRequest({ signingSecret, body, timestamp: now });
    return rejected(() =>
      postSigned(inbound.url, inbound.linkId, request, {
        headers: { "x-slack-request-timestamp": String(now - 1) },
      }),
    );
  });

  it("rejects missing signature or timestamp headers", async () => {
    const request = signedSlackRequest({ signingSecret, body: event() });
    await rejected(() =>
      postSigned(inbound.url, inbound.linkId, request, { omitHeaders: ["x-slack-signature"] }),
    );
    await rejected(() =>
      postSigned(inbound.url, inbound.linkId, request, {
        omitHeaders: ["x-slack-request-timestamp"],
      }),
    );
  });

  it("rejects a malformed signature header", async () => {
    const body = event();
    const timestamp = Math.floor(Date.now() / 1000);
    const hex = slackSignature(signingSecret, timestamp, body).slice(3);
    const request = signedSlackRequest({ signingSecret, body, timestamp });
    await rejected(() =>
      postSigned(inbound.url, inbound.linkId, request, {
        headers: { "x-slack-signature": `v1=${hex}` },
      }),
    );
    await rejected(() =>
      postSigned(inbound.url, inbound.linkId, request, {
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
    expect(inbound.agent.calls).toHaveLength(0);
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
    const answer = await expectNothingRecorded(inbound.db, inbound.agent, () => send(body));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: "ignored" });
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
    expect(inbound.agent.calls).toHaveLength(0);
  });

  it("answers 400 to a signed message event without its channel", async () => {
    const answer = await send(event({ event: { channel: undefined } }));
    expect(answer.status).toBe(400);
    expect(inbound.agent.calls).toHaveLength(0);
  });

  it("answers 415 to form-encoded interactivity payloads", async () => {
    const body = "payload=%7B%22type%22%3A%22block_actions%22%7D";
    const request = signedSlackRequest({ signingSecret, body });
    const answer = await postSigned(inbound.url, inbound.linkId, request, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(answer.status).toBe(415);
  });
});
