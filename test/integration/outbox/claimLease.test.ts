import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeLogger } from "../../../src/logging/logger.ts";
import { deliverOutbox } from "../../../src/outbox/deliverOutbox.ts";
import type { Queryable } from "../../../src/outbox/outboxQueries.ts";
import { makeWorkerDeps } from "../../../src/runtime/workerTasks.ts";
import type { FakeProvider } from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { startFakeWebhookReceiver } from "../../helpers/fakeWebhookReceiver.ts";
import {
  attemptsOf,
  createWebhookTenant,
  enqueueReply,
  outboxRow,
  testConfig,
} from "../../helpers/outboxFixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";

// The claim's lease: recovery may take a row back OUTBOX_STALE_SENDING_MS after its claim, so a
// send must end before then, however long the worker took between claim and send. Here the
// lease is 3,000 ms with 2,800 ms for a send: sends must end 2,900 ms after the claim began.
let db: TestDatabase;
let receiver: FakeProvider;

const deps = () =>
  makeWorkerDeps(
    testConfig(db, {
      OUTBOX_STALE_SENDING_MS: "3000",
      OUTBOX_SEND_TIMEOUT_MS: "2800",
      OUTBOX_CLAIM_BATCH_SIZE: "1",
    }),
    makeLogger("silent"),
  );

/**
 * The worker's real queries, with a stall of `ms` after the claim answers: a worker whose event
 * loop was blocked, or whose claim came back late, just after it claimed.
 */
function stalledAfterClaim(ms: number): Queryable {
  const pool = db.pools.owner;
  return {
    async query(sql: string, values?: unknown[]) {
      const result = await pool.query(sql, values);
      if (sql.includes("outbox_claim_batch")) await new Promise((r) => setTimeout(r, ms));
      return result;
    },
  } as Queryable;
}

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startFakeWebhookReceiver();
});
afterEach(() => receiver.reset());
afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

describe("a send within the claim's lease", () => {
  it("is cut short to what is left of the lease after a stall", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    const { outboxId } = await enqueueReply(db, tenant);
    receiver.script([{ status: 200, delayMs: 5_000 }]);

    const outcomes = await deliverOutbox(deps(), stalledAfterClaim(2_000), {
      tenantId: tenant.tenantId,
      outboxId,
    });

    expect(outcomes).toEqual(["retry"]);
    expect(receiver.requests).toHaveLength(1);
    const [attempt] = await attemptsOf(db, outboxId);
    expect(attempt).toMatchObject({ outcome: "retry", provider_code: "TimeoutError" });
    // About 900 ms were left of the lease; the send timeout alone would have allowed 2,800.
    const ms = attempt.finished_at.getTime() - attempt.started_at.getTime();
    expect(ms).toBeGreaterThanOrEqual(800);
    expect(ms).toBeLessThan(2_000);
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "pending", attempt_count: 1 });
  });

  it("is not made at all when the lease ran out before it started", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    const { outboxId } = await enqueueReply(db, tenant);

    const outcomes = await deliverOutbox(deps(), stalledAfterClaim(3_000), {
      tenantId: tenant.tenantId,
      outboxId,
    });

    expect(outcomes).toEqual(["retry"]);
    expect(receiver.requests).toHaveLength(0);
    expect(await attemptsOf(db, outboxId)).toMatchObject([
      {
        outcome: "retry",
        error_class: "transient",
        provider_code: "LeaseExpired",
        ambiguous: false,
      },
    ]);
  });
});
