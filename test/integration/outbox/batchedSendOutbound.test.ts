import type { Runner } from "graphile-worker";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FakeProvider } from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { startFakeWebhookReceiver } from "../../helpers/fakeWebhookReceiver.ts";
import {
  attemptsOf,
  createWebhookTenant,
  enqueueReplies,
  outboxRow,
  testConfig,
} from "../../helpers/outboxFixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";
import { startTestWorker } from "../../helpers/testWorker.ts";
import { waitFor } from "../../helpers/waitFor.ts";

let db: TestDatabase;
let receiver: FakeProvider;
const runners: Runner[] = [];

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

/** A fresh tenant and link, so no other test's rows are companions. */
const freshTenant = () => createWebhookTenant(db, receiver.baseUrl);

describe("sendOutbound with batches", () => {
  const config = (concurrency = 2) =>
    testConfig(db, {
      OUTBOX_CLAIM_BATCH_SIZE: "10",
      OUTBOX_SEND_TIMEOUT_MS: "2000",
      WORKER_POLL_INTERVAL_MS: "100",
      WORKER_CONCURRENCY: String(concurrency),
    });

  it("delivers a backlog exactly once each, with every job accounted for", async () => {
    const t = await freshTenant();
    const ids = await enqueueReplies(db, t, 25);
    runners.push(await startTestWorker(config()));

    await receiver.waitForRequests(25, { timeoutMs: 15_000 });
    await waitFor(async () => {
      const { rows } = await db.admin.query<{ n: number }>(
        "select count(*)::int as n from channel_outbox where tenant_id = $1 and status = 'sent'",
        [t.tenantId],
      );
      return rows[0]!.n === 25 || undefined;
    });
    const delivered = receiver.requests.map((r) => r.headers["webhook-id"]);
    expect(new Set(delivered)).toEqual(new Set(ids));
    expect(receiver.requests).toHaveLength(25);
    for (const id of ids)
      expect((await attemptsOf(db, id)).map((a) => a.outcome)).toEqual(["sent"]);
    // Companions' jobs were removed or ran as no-ops: nothing is left behind.
    await waitFor(async () => {
      const { rows } = await db.admin.query<{ n: number }>(
        "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'sendOutbound'",
      );
      return rows[0]!.n === 0 || undefined;
    });
  });

  it("pauses the link on a refusal and gives every row of the batch its attempt back", async () => {
    const t = await freshTenant();
    const ids = await enqueueReplies(db, t, 5);
    receiver.script(() => ({ status: 401, body: "revoked" }));
    // One slot, so one batch takes all five rows.
    runners.push(await startTestWorker(config(1)));

    await waitFor(async () => {
      const attempts = await Promise.all(ids.map((id) => attemptsOf(db, id)));
      return attempts.every((list) => list.length === 1) || undefined;
    });
    for (const id of ids) {
      expect(await outboxRow(db, id)).toMatchObject({ status: "pending", attempt_count: 0 });
    }
    const { rows } = await db.admin.query("select status from channel_links where id = $1", [
      t.linkId,
    ]);
    expect(rows[0]).toMatchObject({ status: "paused" });
    // The batch's sends go out together: each row was sent once before the link was paused.
    expect(receiver.requests).toHaveLength(5);
    for (const id of ids) {
      expect((await attemptsOf(db, id)).map((a) => a.error_class)).toEqual(["linkLevel"]);
    }
  });
});
