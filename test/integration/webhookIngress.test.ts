import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ExecutorDecision } from "../../src/agent/executor.ts";
import { signStandardWebhook } from "../../src/providers/webhook/standardWebhookSignature.ts";
import { expectNothingRecorded } from "../helpers/channelMessages.ts";
import { hangUntilAborted, sendJson, startFakeAgentServer } from "../helpers/fakeAgent.ts";
import { createLink, createMessage, createTenant } from "../helpers/fixtures.ts";
import { secretBox } from "../helpers/outboxFixtures.ts";
import { startTestApp, type TestApp } from "../helpers/testApp.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";

const secretA = `whsec_${Buffer.alloc(24, 1).toString("base64")}`;
const secretB = `whsec_${Buffer.alloc(24, 2).toString("base64")}`;
const agentTimeoutMs = 300;

let db: TestDatabase;
let app: TestApp;
let tenantA: string;
let tenantB: string;
let linkA: string;
let linkB: string;

const echo = async (input: { message: { text: string } }): Promise<ExecutorDecision> => ({
  decision: "executed",
  reply: `echo: ${input.message.text}`,
});

beforeAll(async () => {
  db = await createTestDatabase();
  tenantA = await createTenant(db.admin, "tenant-a");
  tenantB = await createTenant(db.admin, "tenant-b");
  linkA = await createLink(db.admin, tenantA, { inboundSecret: secretBox.seal(secretA) });
  linkB = await createLink(db.admin, tenantB, { inboundSecret: secretBox.seal(secretB) });
  app = await startTestApp(db, { agent: { timeoutMs: agentTimeoutMs, leaseGraceMs: 2_000 } });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

beforeEach(() => {
  app.agent.calls.length = 0;
  app.agent.answer(echo);
});

interface Delivery {
  linkId?: string;
  secret?: string;
  id?: string;
  timestamp?: number;
  body?: string;
  headers?: Record<string, string>;
  signature?: string;
  path?: string;
}

const messageBody = (text = "hello", extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: "message",
    conversation_id: "conv-1",
    sender_id: "user-1",
    text,
    ...extra,
  });

async function deliver(delivery: Delivery = {}) {
  const id = delivery.id ?? `msg_${randomUUID()}`;
  const timestamp = delivery.timestamp ?? Math.floor(Date.now() / 1000);
  const body = delivery.body ?? messageBody();
  const signature =
    delivery.signature ?? signStandardWebhook(delivery.secret ?? secretA, id, timestamp, body);
  const response = await fetch(
    `${app.url}${delivery.path ?? `/webhooks/webhook/${delivery.linkId ?? linkA}`}`,
    {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
        ...delivery.headers,
      },
      body,
    },
  );
  const retryAfter = response.headers.get("retry-after");
  return {
    id,
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    ...(retryAfter === null ? {} : { retryAfter }),
  };
}

async function messageRows(externalId: string) {
  const { rows } = await db.admin.query<{
    id: string;
    tenant_id: string;
    status: string;
    reason: string | null;
    processing_until: Date | null;
  }>(
    "select id, tenant_id, status, reason, processing_until from channel_messages where external_message_id = $1",
    [externalId],
  );
  return rows;
}

async function outboxRows(externalId: string) {
  const { rows } = await db.admin.query<{ id: string; tenant_id: string; content: string }>(
    `select o.id, o.tenant_id, o.content from channel_outbox o
     join channel_messages m on m.id = o.channel_message_id
     where m.external_message_id = $1`,
    [externalId],
  );
  return rows;
}

async function jobsFor(outboxId: string) {
  const { rows } = await db.admin.query<{ task_identifier: string; payload: unknown }>(
    `select t.identifier as task_identifier, j.payload
     from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
     where j.key = $1`,
    [`sendOutbound:${outboxId}`],
  );
  return rows;
}

describe("webhook ingress: executed messages", () => {
  it("records the message, enqueues the reply and its sendOutbound job", async () => {
    const result = await deliver({ body: messageBody("hi there", { thread_id: "t-9" }) });
    expect(result).toMatchObject({ status: 200, body: { status: "executed" } });
    expect(app.agent.calls).toHaveLength(1);
    expect(app.agent.calls[0]).toMatchObject({
      tenantId: tenantA,
      linkId: linkA,
      message: {
        externalMessageId: result.id,
        conversationId: "conv-1",
        senderId: "user-1",
        threadRef: "t-9",
        text: "hi there",
      },
    });
    const [message] = await messageRows(result.id);
    expect(message).toMatchObject({
      tenant_id: tenantA,
      status: "executed",
      processing_until: null,
    });
    const outbox = await outboxRows(result.id);
    expect(outbox).toEqual([
      { id: expect.any(String), tenant_id: tenantA, content: "echo: hi there" },
    ]);
    expect(await jobsFor(outbox[0]!.id)).toEqual([
      { task_identifier: "sendOutbound", payload: { tenantId: tenantA, outboxId: outbox[0]!.id } },
    ]);
  });

  it("a paused link still accepts inbound messages", async () => {
    const linkId = await createLink(db.admin, tenantA, {
      inboundSecret: secretBox.seal(secretA),
      status: "paused",
    });
    const result = await deliver({ linkId });
    expect(result.status).toBe(200);
    expect(await outboxRows(result.id)).toHaveLength(1);
  });
});

describe("webhook ingress: signatures", () => {
  const rejected = async (delivery: Delivery) => {
    const result = await expectNothingRecorded(db, app.agent, () => deliver(delivery));
    expect(result).toEqual({ id: result.id, status: 401, body: { error: "invalid_signature" } });
  };

  it("rejects a signature made with another secret", () => rejected({ secret: secretB }));

  it("rejects a tampered body", async () => {
    const id = "msg_tampered";
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signStandardWebhook(secretA, id, timestamp, messageBody("original"));
    await rejected({ id, timestamp, signature, body: messageBody("tampered") });
  });

  it("rejects missing signature headers", async () => {
    await rejected({ signature: "" });
    const response = await fetch(`${app.url}/webhooks/webhook/${linkA}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: messageBody(),
    });
    expect(response.status).toBe(401);
  });

  it("rejects timestamps more than five minutes old or ahead", async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejected({ timestamp: now - 6 * 60 });
    await rejected({ timestamp: now + 6 * 60 });
  });

  it("accepts when one of several signatures is valid", async () => {
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = messageBody();
    const good = signStandardWebhook(secretA, id, timestamp, body);
    const bad = signStandardWebhook(secretB, id, timestamp, body);
    const result = await deliver({ id, timestamp, body, signature: `${bad} ${good}` });
    expect(result.status).toBe(200);
    expect(app.agent.calls).toHaveLength(1);
  });
});

describe("webhook ingress: bad input records nothing and runs no agent", () => {
  const refused = async (delivery: Delivery, status: number) => {
    const result = await expectNothingRecorded(db, app.agent, () => deliver(delivery));
    expect(result.status).toBe(status);
    expect(result.body).toHaveProperty("error");
  };

  it("answers 400 to signed malformed JSON", () => refused({ body: "{not json" }, 400));
  it("answers 400 to a message without its required fields", () =>
    refused({ body: JSON.stringify({ type: "message", text: "no ids" }) }, 400));
  it("answers 413 to a body over the size limit", () =>
    refused({ body: messageBody("x".repeat(1024 * 1024)) }, 413));
  it("answers 415 to a wrong content type", () =>
    refused({ headers: { "content-type": "text/plain" } }, 415));
  it("answers 404 to an unknown link", () => refused({ linkId: randomUUID() }, 404));
  it("answers 404 to a link id that is not a uuid", () => refused({ linkId: "not-a-uuid" }, 404));
  it("answers 404 to an unknown provider", () =>
    refused({ path: `/webhooks/carrier-pigeon/${linkA}` }, 404));
  it("answers 404 to a provider that does not match the link", () =>
    refused(
      { path: `/webhooks/slack/${linkA}`, headers: { "content-type": "application/json" } },
      404,
    ));
  it("answers 404 to a disabled link", async () => {
    const linkId = await createLink(db.admin, tenantA, {
      inboundSecret: secretBox.seal(secretA),
      status: "disabled",
    });
    await refused({ linkId }, 404);
  });
});

describe("webhook ingress: decisions without a reply", () => {
  it("acknowledges other event types as ignored without recording or running the agent", async () => {
    const result = await expectNothingRecorded(db, app.agent, () =>
      deliver({ body: JSON.stringify({ type: "reaction.added", emoji: "+1" }) }),
    );
    expect(result).toMatchObject({ status: 200, body: { status: "ignored" } });
  });

  it("records a denial with its reason and enqueues nothing", async () => {
    app.agent.answer(async () => ({ decision: "denied", reason: "not allowed" }));
    const result = await deliver();
    expect(result).toMatchObject({ status: 200, body: { status: "denied" } });
    expect(await messageRows(result.id)).toMatchObject([
      { status: "denied", reason: "not allowed" },
    ]);
    expect(await outboxRows(result.id)).toEqual([]);
  });

  it("records an executed decision with no reply and enqueues nothing", async () => {
    app.agent.answer(async () => ({ decision: "executed", reply: "   " }));
    const result = await deliver();
    expect(result.status).toBe(200);
    expect(await messageRows(result.id)).toMatchObject([{ status: "executed" }]);
    expect(await outboxRows(result.id)).toEqual([]);
  });
});

describe("webhook ingress: redelivery", () => {
  it("runs the agent once for a duplicate delivery", async () => {
    const first = await deliver();
    const again = await deliver({ id: first.id });
    expect(again).toMatchObject({ status: 200, body: { status: "duplicate" } });
    expect(app.agent.calls).toHaveLength(1);
    expect(await outboxRows(first.id)).toHaveLength(1);
  });

  it("runs the agent once and enqueues one reply for 20 concurrent identical deliveries", async () => {
    app.agent.answer(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { decision: "executed", reply: `echo: ${input.message.text}` };
    });
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver({ id, timestamp })));
    // One delivery executes; the others are told to come back (503 in_progress) or, once it
    // is decided, acknowledged as duplicates.
    const answers = results.map((result) => `${result.status} ${JSON.stringify(result.body)}`);
    expect(answers.filter((answer) => answer === '200 {"status":"executed"}')).toHaveLength(1);
    for (const answer of answers) {
      expect([
        '200 {"status":"executed"}',
        '200 {"status":"duplicate"}',
        '503 {"error":"in_progress"}',
      ]).toContain(answer);
    }
    expect(app.agent.calls).toHaveLength(1);
    expect(await messageRows(id)).toMatchObject([{ status: "executed" }]);
    expect(await outboxRows(id)).toHaveLength(1);
  });

  it("records execution_failed on an agent timeout and processes a redelivery again", async () => {
    app.agent.answer(hangUntilAborted);
    const first = await deliver();
    expect(first).toMatchObject({ status: 503, body: { error: "execution_failed" } });
    const [failed] = await messageRows(first.id);
    expect(failed).toMatchObject({ status: "execution_failed", processing_until: null });
    expect(failed!.reason).toContain("timed out");
    expect(await outboxRows(first.id)).toEqual([]);

    app.agent.answer(echo);
    const again = await deliver({ id: first.id });
    expect(again).toMatchObject({ status: 200, body: { status: "executed" } });
    expect(app.agent.calls).toHaveLength(2);
    expect(await messageRows(first.id)).toMatchObject([{ id: failed!.id, status: "executed" }]);
    expect(await outboxRows(first.id)).toHaveLength(1);
  });

  it("processes a message stuck in received once its lease has passed, not before", async () => {
    const stale = `msg_${randomUUID()}`;
    const live = `msg_${randomUUID()}`;
    await createMessage(db.admin, tenantA, linkA, { externalMessageId: stale, status: "received" });
    await createMessage(db.admin, tenantA, linkA, { externalMessageId: live, status: "received" });
    await db.admin.query(
      `update channel_messages set processing_until = case external_message_id
         when $1 then now() - interval '1 second' else now() + interval '1 minute' end
       where external_message_id in ($1, $2)`,
      [stale, live],
    );
    expect(await deliver({ id: stale })).toMatchObject({
      status: 200,
      body: { status: "executed" },
    });
    // While another delivery holds the lease the provider is told to retry after it: if that
    // delivery died with its process, the retry is what processes the message.
    expect(await deliver({ id: live })).toMatchObject({
      status: 503,
      body: { error: "in_progress" },
      retryAfter: expect.stringMatching(/^[1-9]\d*$/),
    });
    expect(app.agent.calls.map((call) => call.message.externalMessageId)).toEqual([stale]);
    expect(await outboxRows(live)).toEqual([]);
  });
});

describe("webhook ingress: tenants stay apart", () => {
  it("keeps the same external id in two tenants separate", async () => {
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    await deliver({ id, timestamp, linkId: linkA, secret: secretA, body: messageBody("from a") });
    await deliver({ id, timestamp, linkId: linkB, secret: secretB, body: messageBody("from b") });
    const messages = await messageRows(id);
    expect(messages.map((row) => row.tenant_id).sort()).toEqual([tenantA, tenantB].sort());
    const outbox = await outboxRows(id);
    expect(outbox.map((row) => [row.tenant_id, row.content]).sort()).toEqual(
      [
        [tenantA, "echo: from a"],
        [tenantB, "echo: from b"],
      ].sort(),
    );
  });

  it("never touches tenant B's rows from tenant A's link", async () => {
    const id = `msg_${randomUUID()}`;
    await createMessage(db.admin, tenantB, linkB, {
      externalMessageId: id,
      status: "execution_failed",
    });
    const snapshot = async () =>
      (
        await db.admin.query(
          `select m.id, m.status, m.reason, m.decided_at, count(o.id) as replies
           from channel_messages m left join channel_outbox o on o.channel_message_id = m.id
           where m.tenant_id = $1 group by m.id order by m.id`,
          [tenantB],
        )
      ).rows;
    const before = await snapshot();
    expect(await deliver({ id, linkId: linkA })).toMatchObject({ status: 200 });
    expect(await deliver({ id, linkId: linkA, secret: secretB })).toMatchObject({ status: 401 });
    expect(await snapshot()).toEqual(before);
    expect(await messageRows(id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tenant_id: tenantA, status: "executed" }),
        expect.objectContaining({ tenant_id: tenantB, status: "execution_failed" }),
      ]),
    );
  });
});

describe("webhook ingress: per-link agent", () => {
  it("calls the link's agentUrl instead of the global agent", async () => {
    const remote = await startFakeAgentServer((request, res) => {
      const { message } = request.body as { message: { text: string } };
      sendJson(res, 200, { reply: `remote: ${message.text}` });
    });
    try {
      const linkId = await createLink(db.admin, tenantA, {
        inboundSecret: secretBox.seal(secretA),
        settings: { agentUrl: remote.url },
      });
      const result = await deliver({ linkId, body: messageBody("ping") });
      expect(result).toMatchObject({ status: 200, body: { status: "executed" } });
      expect(app.agent.calls).toHaveLength(0);
      expect(remote.requests).toHaveLength(1);
      expect(remote.requests[0]!.body).toMatchObject({
        tenantId: tenantA,
        linkId,
        message: { externalMessageId: result.id, text: "ping" },
      });
      expect(await outboxRows(result.id)).toMatchObject([{ content: "remote: ping" }]);
    } finally {
      await remote.close();
    }
  });

  it("uses the echo executor for a link whose settings say agent: echo", async () => {
    const linkId = await createLink(db.admin, tenantA, {
      inboundSecret: secretBox.seal(secretA),
      settings: { agent: "echo" },
    });
    const result = await deliver({ linkId, body: messageBody("marco") });
    expect(result.status).toBe(200);
    expect(app.agent.calls).toHaveLength(0);
    expect(await outboxRows(result.id)).toMatchObject([{ content: "echo: marco" }]);
  });
});
