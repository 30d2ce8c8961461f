import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLink, createTenant } from "../helpers/fixtures.ts";
import { secretBox } from "../helpers/outboxFixtures.ts";
import { postWebhookMessage } from "../helpers/signedRequests.ts";
import { startTestApp, type TestApp } from "../helpers/testApp.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";
import { TEST_ROLES } from "../helpers/testRoles.ts";

const secret = `whsec_${Buffer.alloc(24, 3).toString("base64")}`;
const enqueueFunction = "public.enqueue_first_send_outbound(uuid)";

let db: TestDatabase;
let app: TestApp;
let tenantId: string;
let linkId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = await createTenant(db.admin);
  linkId = await createLink(db.admin, tenantId, { inboundSecret: secretBox.seal(secret) });
  app = await startTestApp(db);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const deliver = (id: string) => postWebhookMessage(app.url, linkId, { secret, id });

const state = async (id: string) => {
  const message = await db.admin.query(
    "select id, status, reason from channel_messages where external_message_id = $1",
    [id],
  );
  const outbox = await db.admin.query(
    "select id from channel_outbox where channel_message_id = $1",
    [message.rows[0]?.id],
  );
  const jobs = await db.admin.query(
    "select count(*)::int as n from graphile_worker._private_jobs where key = any($1)",
    [outbox.rows.map((row) => `sendOutbound:${row.id}`)],
  );
  return {
    message: message.rows[0],
    outboxIds: outbox.rows.map((row) => row.id),
    jobs: jobs.rows[0].n,
  };
};

describe("webhook ingress: fail-closed enqueue", () => {
  it("answers 500, records dispatch_failed and leaves no outbox row when the job cannot be added", async () => {
    // The outbox insert succeeds; the job function then refuses the app role: the whole tx2 must roll back.
    await db.admin.query(`revoke execute on function ${enqueueFunction} from ${TEST_ROLES.app}`);
    const id = `msg_${randomUUID()}`;
    try {
      expect(await deliver(id)).toEqual({ status: 500, body: { error: "dispatch_failed" } });
    } finally {
      await db.admin.query(`grant execute on function ${enqueueFunction} to ${TEST_ROLES.app}`);
    }
    const failed = await state(id);
    expect(failed.message).toMatchObject({ status: "dispatch_failed" });
    expect(failed.message.reason).toMatch(/^enqueue failed: permission denied/);
    expect(failed.outboxIds).toEqual([]);
    expect(app.agent.calls).toHaveLength(1);

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain('valinor_webhook_enqueue_failures_total{provider="webhook"} 1');
    expect(metrics).toContain(
      'valinor_webhooks_total{provider="webhook",decision="dispatch_failed"} 1',
    );

    // The provider's redelivery (after our 500) processes the message again, now successfully.
    expect(await deliver(id)).toEqual({ status: 200, body: { status: "executed" } });
    const recovered = await state(id);
    expect(recovered.message).toMatchObject({
      id: failed.message.id,
      status: "executed",
      reason: null,
    });
    expect(recovered.outboxIds).toHaveLength(1);
    expect(recovered.jobs).toBe(1);
    expect(app.agent.calls).toHaveLength(2);
  });
});
