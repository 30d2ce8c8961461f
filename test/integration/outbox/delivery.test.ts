import type { Runner } from "graphile-worker";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../../../src/db/withTenant.ts";
import type { FakeProvider } from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { hasValidSignature, startFakeWebhookReceiver } from "../../helpers/fakeWebhookReceiver.ts";
import {
  attemptsOf,
  createWebhookTenant,
  enqueueReply,
  outboxRow,
  testConfig,
} from "../../helpers/outboxFixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";
import { startTestWorker } from "../../helpers/testWorker.ts";
import { waitFor } from "../../helpers/waitFor.ts";

let db: TestDatabase;
let receiver: FakeProvider;
const runners: Runner[] = [];

const config = () =>
  testConfig(db, {
    OUTBOX_BASE_DELAY_MS: "300",
    OUTBOX_JITTER: "0.2",
    OUTBOX_MAX_DELAY_MS: "5000",
    OUTBOX_SEND_TIMEOUT_MS: "2000",
    WORKER_POLL_INTERVAL_MS: "100",
    WORKER_CONCURRENCY: "4",
    WORKER_SHUTDOWN_ABORT_MS: "300",
  });

async function worker() {
  const runner = await startTestWorker(config(), { random: () => 0.5 });
  runners.push(runner);
  return runner;
}

const finalRow = (outboxId: string) =>
  waitFor(
    async () => {
      const row = await outboxRow(db, outboxId);
      return row.status === "sent" || row.status === "dead" ? row : undefined;
    },
    { message: `outbox ${outboxId} to be final` },
  );

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startFakeWebhookReceiver();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  receiver.reset();
});
afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

describe("sendOutbound", () => {
  it("delivers a pending reply once, signed, with the outbox id as webhook-id", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    const { outboxId } = await enqueueReply(db, tenant, ["hello back"]);
    await worker();
    const row = await finalRow(outboxId);
    expect(row).toMatchObject({
      status: "sent",
      provider_message_id: "received-0",
      attempt_count: 1,
    });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.path).toBe("/hooks");
    expect(request?.headers["webhook-id"]).toBe(outboxId);
    expect(hasValidSignature(request!, tenant.secret)).toBe(true);
    expect(request?.body).toMatchObject({ text: "hello back", conversation_id: "conversation-1" });
    expect(await attemptsOf(db, outboxId)).toMatchObject([{ outcome: "sent" }]);
  });

  it("retries a transient failure after a backoff inside the policy's window, then delivers", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    receiver.script([{ status: 503, body: "busy" }]);
    const { outboxId } = await enqueueReply(db, tenant);
    await worker();
    const row = await finalRow(outboxId);
    expect(row).toMatchObject({ status: "sent", attempt_count: 2 });
    const attempts = await attemptsOf(db, outboxId);
    expect(attempts.map((a) => a.outcome)).toEqual(["retry", "sent"]);
    expect(attempts[0]).toMatchObject({ error_class: "transient", provider_status: 503 });
    // random 0.5 means no jitter: the second request comes one base delay (300 ms) later.
    const gap =
      receiver.requests[1]!.receivedAt.getTime() - receiver.requests[0]!.receivedAt.getTime();
    expect(gap).toBeGreaterThanOrEqual(240);
    expect(gap).toBeLessThan(2_000);
  });

  it("dead-letters after the last attempt, recording every attempt", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    receiver.script(() => ({ status: 500 }));
    const { outboxId } = await enqueueReply(db, tenant, ["x"], 3);
    await worker();
    const row = await finalRow(outboxId);
    expect(row).toMatchObject({ status: "dead", dead_reason: "exhausted", attempt_count: 3 });
    expect((await attemptsOf(db, outboxId)).map((a) => a.outcome)).toEqual([
      "retry",
      "retry",
      "dead",
    ]);
    expect(receiver.requests).toHaveLength(3);
  });

  it("waits at least the receiver's Retry-After before the next attempt", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    receiver.script([{ status: 429, headers: { "retry-after": "2" } }]);
    const { outboxId } = await enqueueReply(db, tenant);
    await worker();
    await finalRow(outboxId);
    const [first, second] = receiver.requests;
    expect(second!.receivedAt.getTime() - first!.receivedAt.getTime()).toBeGreaterThanOrEqual(
      2_000,
    );
    const [retry] = await attemptsOf(db, outboxId);
    expect(retry).toMatchObject({ error_class: "rateLimited", provider_status: 429 });
  });

  it("dead-letters a permanent failure at once", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    receiver.script(() => ({ status: 422, body: "rejected" }));
    const { outboxId } = await enqueueReply(db, tenant, ["x"], 5);
    await worker();
    expect(await finalRow(outboxId)).toMatchObject({
      status: "dead",
      dead_reason: "permanent",
      attempt_count: 1,
    });
    expect(receiver.requests).toHaveLength(1);
  });

  it("dead-letters, without sending, a reply older than the deliver-by age", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    const { outboxId } = await enqueueReply(db, tenant);
    await db.admin.query(
      "update channel_outbox set created_at = now() - interval '2 days' where id = $1",
      [outboxId],
    );
    await worker();
    expect(await finalRow(outboxId)).toMatchObject({ status: "dead", dead_reason: "expired" });
    expect(await attemptsOf(db, outboxId)).toMatchObject([{ outcome: "dead", error_class: null }]);
    expect(receiver.requests).toHaveLength(0);
  });

  it("pauses the link on revoked credentials, keeps the row's attempts, and delivers after resume", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    receiver.script([{ status: 401, body: "bad signature" }]);
    const { outboxId } = await enqueueReply(db, tenant);
    await worker();
    await waitFor(async () => (await attemptsOf(db, outboxId)).length === 1);
    const link = await db.admin.query("select status from channel_links where id = $1", [
      tenant.linkId,
    ]);
    expect(link.rows[0].status).toBe("paused");
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "pending", attempt_count: 0 });

    // Resume the way the operator CLI does: link active, its pending rows enqueued again.
    await withTenant(db.pools.owner, tenant.tenantId, async (client) => {
      await client.query(
        "update channel_links set status = 'active', paused_reason = null where id = $1",
        [tenant.linkId],
      );
      await client.query(
        "select public.enqueue_send_outbound(id) from channel_outbox where channel_link_id = $1 and status = 'pending'",
        [tenant.linkId],
      );
    });
    expect(await finalRow(outboxId)).toMatchObject({ status: "sent", attempt_count: 1 });
  });

  it("delivers the parts of a long reply in order", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    const { outboxIds } = await enqueueReply(db, tenant, ["one", "two", "three"]);
    await worker();
    await finalRow(outboxIds[2]!);
    expect(receiver.requests.map((r) => (r.body as { text: string }).text)).toEqual([
      "one",
      "two",
      "three",
    ]);
  });

  it("sends each row exactly once when two workers race over two tenants", async () => {
    const tenants = [
      await createWebhookTenant(db, receiver.baseUrl),
      await createWebhookTenant(db, receiver.baseUrl),
    ];
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push((await enqueueReply(db, tenants[i % 2]!, [`reply ${i}`])).outboxId);
    }
    // A second, unkeyed job per row, so the two workers really do race for the same rows.
    await db.admin.query(
      `select graphile_worker.add_job('sendOutbound', json_build_object('tenantId', tenant_id, 'outboxId', id))
       from channel_outbox where id = any($1)`,
      [ids],
    );
    await Promise.all([worker(), worker()]);
    await receiver.waitForRequests(40, { timeoutMs: 15_000 });
    await waitFor(async () => {
      const { rows } = await db.admin.query(
        "select count(*)::int as n from channel_outbox where id = any($1) and status = 'sent'",
        [ids],
      );
      return rows[0].n === 40;
    });
    const received = receiver.requests.map((r) => r.headers["webhook-id"]);
    expect(new Set(received).size).toBe(40);
    expect(received).toHaveLength(40);
    expect(new Set(received)).toEqual(new Set(ids));
    // Every receipt is signed with its own tenant's link secret: nothing crossed tenants.
    const secretOf = new Map<string, string>();
    for (const [i, id] of ids.entries()) secretOf.set(id, tenants[i % 2]!.secret);
    for (const request of receiver.requests) {
      expect(
        hasValidSignature(request, secretOf.get(request.headers["webhook-id"] as string)!),
      ).toBe(true);
    }
  });

  it("loses nothing when the worker shuts down with a send in flight", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    receiver.script([{ hang: true }]);
    const { outboxId } = await enqueueReply(db, tenant);
    const runner = await worker();
    await receiver.waitForRequests(1);
    runners.splice(runners.indexOf(runner), 1);
    await runner.stop();
    const row = await outboxRow(db, outboxId);
    expect(row.status).toBe("pending");
    expect(await attemptsOf(db, outboxId)).toMatchObject([
      { outcome: "retry", error_class: "transient", ambiguous: true },
    ]);
    await worker();
    expect(await finalRow(outboxId)).toMatchObject({ status: "sent", attempt_count: 2 });
  });
});
