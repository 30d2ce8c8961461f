import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makePool } from "../../../src/db/pools.ts";
import { createLink, createTenant } from "../../helpers/fixtures.ts";
import { secretBox } from "../../helpers/outboxFixtures.ts";
import { postWebhookMessage } from "../../helpers/signedRequests.ts";
import { startTestApp, type TestApp } from "../../helpers/testApp.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";
import { TEST_ROLES } from "../../helpers/testRoles.ts";

// Every statement the app sends to PostgreSQL for one webhook, counted on the app role's pool:
// each `query` is one round trip (pg pipelines parse/bind/execute in one write and waits for
// ReadyForQuery). pool.query goes through the client's query, so wrapping it sees everything.

const secret = `whsec_${Buffer.alloc(24, 5).toString("base64")}`;
const enqueueFunction = "public.enqueue_first_send_outbound(uuid)";

let db: TestDatabase;
let pool: pg.Pool;
let app: TestApp;
let tenantId: string;
let linkId: string;
const statements: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = await createTenant(db.admin);
  linkId = await createLink(db.admin, tenantId, { inboundSecret: secretBox.seal(secret) });
  pool = makePool(db.appUrl, 4);
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const [text] = args;
      statements.push(typeof text === "string" ? text : String((text as { text?: unknown }).text));
      return query(...args);
    };
  });
  app = await startTestApp(db, { pools: { app: pool } });
});

afterAll(async () => {
  await app?.close();
  await pool?.end();
  await db?.drop();
});

beforeEach(() => {
  app.agent.answer(async (input) => ({
    decision: "executed",
    reply: `echo: ${input.message.text}`,
  }));
});

async function deliver(id = `msg_${randomUUID()}`) {
  return { id, ...(await postWebhookMessage(app.url, linkId, { secret, id })) };
}

/** The functions called, in order, by the statements sent while `run` ran. */
async function calls(run: () => Promise<unknown>) {
  statements.length = 0;
  await run();
  return statements.map((text) => text.match(/public\.(\w+)\(/)?.[1] ?? text);
}

describe("webhook ingress: round trips", () => {
  it("takes 3 round trips for a message with a reply: the link, tx1 and tx2", async () => {
    let answer: unknown;
    expect(
      await calls(async () => {
        answer = await deliver();
      }),
    ).toEqual(["resolve_channel_link", "inbound_claim_message", "inbound_record_executed"]);
    expect(answer).toMatchObject({ status: 200, body: { status: "executed" } });
  });

  it("takes 2 for a duplicate and 3 for a denial", async () => {
    const { id } = await deliver();
    expect(await calls(() => deliver(id))).toEqual([
      "resolve_channel_link",
      "inbound_claim_message",
    ]);
    app.agent.answer(async () => ({ decision: "denied", reason: "no" }));
    expect(await calls(() => deliver())).toEqual([
      "resolve_channel_link",
      "inbound_claim_message",
      "inbound_record_decision",
    ]);
  });

  it("records dispatch_failed in a fourth, its own transaction, when tx2 fails", async () => {
    await db.admin.query(`revoke execute on function ${enqueueFunction} from ${TEST_ROLES.app}`);
    let answer: { id: string; status: number } | undefined;
    try {
      expect(
        await calls(async () => {
          answer = await deliver();
        }),
      ).toEqual([
        "resolve_channel_link",
        "inbound_claim_message",
        "inbound_record_executed",
        "inbound_record_decision",
      ]);
    } finally {
      await db.admin.query(`grant execute on function ${enqueueFunction} to ${TEST_ROLES.app}`);
    }
    expect(answer?.status).toBe(500);
    const { rows } = await db.admin.query(
      `select m.status, count(o.id)::int as replies from channel_messages m
       left join channel_outbox o on o.channel_message_id = m.id
       where m.external_message_id = $1 group by m.status`,
      [answer?.id],
    );
    expect(rows).toEqual([{ status: "dispatch_failed", replies: 0 }]);
  });
});

describe("webhook ingress: lease lost", () => {
  it("answers in_progress and writes nothing when a redelivery took the message over", async () => {
    const id = `msg_${randomUUID()}`;
    // While the agent runs, the lease passes to another delivery (a newer processing_until).
    app.agent.answer(async (input) => {
      await db.admin.query(
        `update channel_messages set processing_until = processing_until + interval '1 minute'
         where external_message_id = $1`,
        [input.message.externalMessageId],
      );
      return { decision: "executed", reply: "too late" };
    });
    expect(await deliver(id)).toMatchObject({ status: 503, body: { error: "in_progress" } });
    const { rows } = await db.admin.query(
      `select m.status, m.processing_until is not null as leased, count(o.id)::int as replies
       from channel_messages m left join channel_outbox o on o.channel_message_id = m.id
       where m.external_message_id = $1 group by m.id`,
      [id],
    );
    expect(rows).toEqual([{ status: "received", leased: true, replies: 0 }]);
  });
});
