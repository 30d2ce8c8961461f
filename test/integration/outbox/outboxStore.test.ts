import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../../../src/db/withTenant.ts";
import { makeLogger } from "../../../src/logging/logger.ts";
import { claimOutbox } from "../../../src/outbox/claimOutbox.ts";
import { enqueueOutbound } from "../../../src/outbox/enqueueOutbound.ts";
import { markDead, markRetry, markSent, pauseLinkForRow } from "../../../src/outbox/markOutbox.ts";
import { reconcileOutbox } from "../../../src/outbox/reconcileOutbox.ts";
import { DeliveryError } from "../../../src/providers/deliveryError.ts";
import { createMessage } from "../../helpers/fixtures.ts";
import {
  attemptsOf,
  createWebhookTenant,
  enqueueReply,
  jobsFor,
  outboxRow,
} from "../../helpers/outboxFixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";

let db: TestDatabase;
let a: Awaited<ReturnType<typeof createWebhookTenant>>;
let b: Awaited<ReturnType<typeof createWebhookTenant>>;
const logger = makeLogger("silent");
const transient = new DeliveryError("transient", "receiver answered 503", { providerStatus: 503 });

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createWebhookTenant(db, "http://127.0.0.1:9");
  b = await createWebhookTenant(db, "http://127.0.0.1:9");
});
afterAll(async () => {
  await db?.drop();
});

const owner = () => db.pools.owner;
const claimOf = (row: { tenantId: string; id: string; claimToken: string }) => ({
  tenantId: row.tenantId,
  outboxId: row.id,
  claimToken: row.claimToken,
  startedAt: new Date(),
});

describe("enqueue and claim", () => {
  it("enqueues a pending row with no attempts and its keyed job, then claims it pending → sending", async () => {
    const { outboxId } = await enqueueReply(db, a);
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "pending", attempt_count: 0 });
    const jobs = await jobsFor(db, outboxId);
    expect(jobs).toHaveLength(1);

    const claimed = await claimOutbox(owner(), a.tenantId, outboxId);
    expect(claimed).toMatchObject({ id: outboxId, tenantId: a.tenantId, attemptCount: 1 });
    const row = await outboxRow(db, outboxId);
    expect(row).toMatchObject({
      status: "sending",
      attempt_count: 1,
      claim_token: claimed?.claimToken,
    });
    expect(row.locked_at).toBeInstanceOf(Date);
    expect(await claimOutbox(owner(), a.tenantId, outboxId)).toBeUndefined();
  });

  it("cannot claim another tenant's row", async () => {
    const { outboxId } = await enqueueReply(db, a);
    expect(await claimOutbox(owner(), b.tenantId, outboxId)).toBeUndefined();
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "pending", attempt_count: 0 });
  });

  it("hands a row to exactly one of many concurrent claimers", async () => {
    const { outboxId } = await enqueueReply(db, a);
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => claimOutbox(owner(), a.tenantId, outboxId)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await outboxRow(db, outboxId)).toMatchObject({ attempt_count: 1 });
  });

  it("leaves neither the row nor the job when the enqueuing transaction rolls back", async () => {
    const messageId = await createMessage(db.admin, a.tenantId, a.linkId);
    const jobCount = async () =>
      (await db.admin.query("select count(*)::int as n from graphile_worker._private_jobs")).rows[0]
        .n;
    const jobsBefore = await jobCount();
    await expect(
      withTenant(db.pools.app, a.tenantId, async (client) => {
        await enqueueOutbound(client, {
          tenantId: a.tenantId,
          channelMessageId: messageId,
          channelLinkId: a.linkId,
          provider: "webhook",
          conversationId: "c",
          parts: ["never"],
          maxAttempts: 3,
        });
        throw new Error("decision failed after enqueue");
      }),
    ).rejects.toThrow("decision failed");
    const rows = await db.admin.query(
      "select id from channel_outbox where channel_message_id = $1",
      [messageId],
    );
    expect(rows.rowCount).toBe(0);
    expect(await jobCount()).toBe(jobsBefore);
  });

  it("adds a first job only for a row never attempted (its key cannot be held yet)", async () => {
    const { outboxId } = await enqueueReply(db, a);
    const first = (client: { query: (sql: string, values: unknown[]) => Promise<unknown> }) =>
      client.query("select public.enqueue_first_send_outbound($1)", [outboxId]);
    const claimed = await claimOutbox(owner(), a.tenantId, outboxId);
    expect(await markRetry(owner(), claimOf(claimed!), { delayMs: 0 }, transient)).toBe(true);
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "pending", attempt_count: 1 });
    await expect(withTenant(db.pools.app, a.tenantId, first)).rejects.toMatchObject({
      code: "P0002",
    });
    await expect(withTenant(db.pools.app, b.tenantId, first)).rejects.toMatchObject({
      code: "P0002",
    });
  });

  it("refuses a second reply for the same message", async () => {
    const { messageId } = await enqueueReply(db, a);
    await expect(
      withTenant(db.pools.app, a.tenantId, (client) =>
        enqueueOutbound(client, {
          tenantId: a.tenantId,
          channelMessageId: messageId,
          channelLinkId: a.linkId,
          provider: "webhook",
          conversationId: "c",
          parts: ["again"],
          maxAttempts: 3,
        }),
      ),
    ).rejects.toMatchObject({ code: "23505" });
  });

  it("claims the parts of a reply only in order", async () => {
    const { outboxIds } = await enqueueReply(db, a, ["one", "two"]);
    const [first, second] = outboxIds as [string, string];
    expect(await jobsFor(db, second)).toHaveLength(0);
    expect(await claimOutbox(owner(), a.tenantId, second)).toBeUndefined();
    const claimed = await claimOutbox(owner(), a.tenantId, first);
    expect(await markSent(owner(), claimOf(claimed!), "p-1")).toBe(true);
    expect(await jobsFor(db, second)).toHaveLength(1);
    expect(await claimOutbox(owner(), a.tenantId, second)).toMatchObject({ partIndex: 1 });
  });
});

describe("marks", () => {
  it("marks sent with the provider's id and records the attempt", async () => {
    const { outboxId } = await enqueueReply(db, a);
    const claimed = (await claimOutbox(owner(), a.tenantId, outboxId))!;
    expect(await markSent(owner(), claimOf(claimed), "provider-42")).toBe(true);
    const row = await outboxRow(db, outboxId);
    expect(row).toMatchObject({
      status: "sent",
      provider_message_id: "provider-42",
      claim_token: null,
    });
    expect(row.sent_at).toBeInstanceOf(Date);
    expect(await attemptsOf(db, outboxId)).toMatchObject([{ attempt_number: 1, outcome: "sent" }]);
  });

  it("marks retry: back to pending later, with the error, the attempt and a job for then", async () => {
    const { outboxId } = await enqueueReply(db, a);
    const claimed = (await claimOutbox(owner(), a.tenantId, outboxId))!;
    expect(await markRetry(owner(), claimOf(claimed), { delayMs: 60_000 }, transient)).toBe(true);
    const row = await outboxRow(db, outboxId);
    expect(row).toMatchObject({
      status: "pending",
      attempt_count: 1,
      last_error: transient.message,
    });
    const { rows } = await db.admin.query("select now() as now");
    const delay = row.next_attempt_at.getTime() - rows[0].now.getTime();
    expect(delay).toBeGreaterThan(58_000);
    expect(delay).toBeLessThanOrEqual(60_000);
    expect(await attemptsOf(db, outboxId)).toMatchObject([
      { attempt_number: 1, outcome: "retry", error_class: "transient", provider_status: 503 },
    ]);
    const jobs = await jobsFor(db, outboxId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].run_at.getTime()).toBe(row.next_attempt_at.getTime());
    expect(await claimOutbox(owner(), a.tenantId, outboxId)).toBeUndefined();
  });

  it("marks dead with a reason, and later parts die with it", async () => {
    const { outboxIds } = await enqueueReply(db, a, ["one", "two"]);
    const claimed = (await claimOutbox(owner(), a.tenantId, outboxIds[0]!))!;
    const blocked = new DeliveryError("permanent", "recipient blocked", { providerStatus: 403 });
    expect(await markDead(owner(), claimOf(claimed), "permanent", blocked)).toBe(true);
    expect(await outboxRow(db, outboxIds[0]!)).toMatchObject({
      status: "dead",
      dead_reason: "permanent",
      last_error: "recipient blocked",
    });
    expect(await outboxRow(db, outboxIds[1]!)).toMatchObject({
      status: "dead",
      dead_reason: "permanent",
    });
    expect(await attemptsOf(db, outboxIds[0]!)).toMatchObject([
      { outcome: "dead", error_class: "permanent" },
    ]);
  });

  it("ignores a late mark from a worker whose claim was recovered", async () => {
    const { outboxId } = await enqueueReply(db, a);
    const stale = (await claimOutbox(owner(), a.tenantId, outboxId))!;
    await db.admin.query(
      "update channel_outbox set locked_at = now() - interval '1 hour' where id = $1",
      [outboxId],
    );
    const summary = await reconcileOutbox(
      owner(),
      { staleSendingMs: 60_000, reconcileGraceMs: 0 },
      logger,
    );
    expect(summary.recovered).toBeGreaterThanOrEqual(1);
    const fresh = (await claimOutbox(owner(), a.tenantId, outboxId))!;
    expect(fresh.claimToken).not.toBe(stale.claimToken);
    expect(await markSent(owner(), claimOf(stale), "late")).toBe(false);
    expect(await markDead(owner(), claimOf(stale), "permanent", transient)).toBe(false);
    expect(await markRetry(owner(), claimOf(stale), { delayMs: 0 }, transient)).toBe(false);
    expect(await outboxRow(db, outboxId)).toMatchObject({
      status: "sending",
      claim_token: fresh.claimToken,
      attempt_count: 2,
    });
  });

  it("pauses the link on a link-level failure and gives the attempt back", async () => {
    const tenant = await createWebhookTenant(db, "http://127.0.0.1:9");
    const { outboxId } = await enqueueReply(db, tenant);
    const claimed = (await claimOutbox(owner(), tenant.tenantId, outboxId))!;
    const revoked = new DeliveryError("linkLevel", "token_revoked", {
      providerCode: "token_revoked",
    });
    expect(await pauseLinkForRow(owner(), claimOf(claimed), revoked)).toBe(true);
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "pending", attempt_count: 0 });
    const link = await db.admin.query(
      "select status, paused_reason from channel_links where id = $1",
      [tenant.linkId],
    );
    expect(link.rows[0]).toEqual({ status: "paused", paused_reason: "token_revoked" });
    expect(await attemptsOf(db, outboxId)).toMatchObject([
      { attempt_number: 1, outcome: "retry", error_class: "linkLevel" },
    ]);
    expect(await claimOutbox(owner(), tenant.tenantId, outboxId)).toBeUndefined();
  });
});

describe("reconcile", () => {
  it("recovers a stale sending row: abandoned attempt, back to pending, a job", async () => {
    const { outboxId } = await enqueueReply(db, a);
    await claimOutbox(owner(), a.tenantId, outboxId);
    await db.admin.query("delete from graphile_worker._private_jobs where key = $1", [
      `sendOutbound:${outboxId}`,
    ]);
    await db.admin.query(
      "update channel_outbox set locked_at = now() - interval '10 minutes' where id = $1",
      [outboxId],
    );
    await reconcileOutbox(owner(), { staleSendingMs: 60_000, reconcileGraceMs: 60_000 }, logger);
    expect(await outboxRow(db, outboxId)).toMatchObject({
      status: "pending",
      attempt_count: 1,
      claim_token: null,
    });
    expect(await attemptsOf(db, outboxId)).toMatchObject([
      { attempt_number: 1, outcome: "abandoned", ambiguous: true },
    ]);
    expect(await jobsFor(db, outboxId)).toHaveLength(1);
  });

  it("leaves sending rows younger than the stale timeout alone", async () => {
    const { outboxId } = await enqueueReply(db, a);
    await claimOutbox(owner(), a.tenantId, outboxId);
    await reconcileOutbox(owner(), { staleSendingMs: 60_000, reconcileGraceMs: 60_000 }, logger);
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "sending" });
    expect(await attemptsOf(db, outboxId)).toHaveLength(0);
  });

  it("dead-letters a stale row that was on its last attempt", async () => {
    const { outboxId } = await enqueueReply(db, a, ["x"], 1);
    await claimOutbox(owner(), a.tenantId, outboxId);
    await db.admin.query(
      "update channel_outbox set locked_at = now() - interval '10 minutes' where id = $1",
      [outboxId],
    );
    await reconcileOutbox(owner(), { staleSendingMs: 60_000, reconcileGraceMs: 60_000 }, logger);
    expect(await outboxRow(db, outboxId)).toMatchObject({
      status: "dead",
      dead_reason: "exhausted",
    });
  });

  it("re-queues an overdue pending row whose only job is locked by a worker that died", async () => {
    const { outboxId } = await enqueueReply(db, b);
    const key = `sendOutbound:${outboxId}`;
    const config = { staleSendingMs: 60_000, reconcileGraceMs: 1_000 };
    await db.admin.query(
      "update channel_outbox set next_attempt_at = now() - interval '10 minutes' where id = $1",
      [outboxId],
    );
    // A live worker holds the job: the reconciler leaves it alone.
    await db.admin.query(
      "update graphile_worker._private_jobs set locked_at = now(), locked_by = 'live-worker' where key = $1",
      [key],
    );
    await reconcileOutbox(owner(), config, logger);
    expect(await jobsFor(db, outboxId)).toMatchObject([{ locked_at: expect.any(Date) }]);
    // The worker was SIGKILLed long ago: its lock would only be freed after hours.
    await db.admin.query(
      "update graphile_worker._private_jobs set locked_at = now() - interval '10 minutes' where key = $1",
      [key],
    );
    await reconcileOutbox(owner(), config, logger);
    const jobs = await jobsFor(db, outboxId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ locked_at: null, attempts: 0 });
  });

  it("gives an overdue pending row without a job exactly one job, however often it runs", async () => {
    const { outboxId } = await enqueueReply(db, b);
    await db.admin.query("delete from graphile_worker._private_jobs where key = $1", [
      `sendOutbound:${outboxId}`,
    ]);
    await db.admin.query(
      "update channel_outbox set next_attempt_at = now() - interval '10 minutes' where id = $1",
      [outboxId],
    );
    const config = { staleSendingMs: 60_000, reconcileGraceMs: 1_000 };
    await Promise.all([
      reconcileOutbox(owner(), config, logger),
      reconcileOutbox(owner(), config, logger),
    ]);
    await reconcileOutbox(owner(), config, logger);
    expect(await jobsFor(db, outboxId)).toHaveLength(1);
  });
});
