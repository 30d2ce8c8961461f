import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeLogger } from "../../../src/logging/logger.ts";
import { reconcileOutbox } from "../../../src/outbox/reconcileOutbox.ts";
import type { FakeProvider } from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { hasValidSignature, startFakeWebhookReceiver } from "../../helpers/fakeWebhookReceiver.ts";
import {
  attemptsOf,
  createWebhookTenant,
  enqueueReply,
  outboxRow,
  TEST_SECRETS_KEY,
} from "../../helpers/outboxFixtures.ts";
import { exited, spawnWorker } from "../../helpers/spawnWorker.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";
import { waitFor } from "../../helpers/waitFor.ts";

let db: TestDatabase;
let receiver: FakeProvider;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startFakeWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

const workerEnv = () => ({
  DATABASE_URL: db.ownerUrl,
  SECRETS_KEY: TEST_SECRETS_KEY,
  LOG_LEVEL: "warn",
  WORKER_POLL_INTERVAL_MS: "100",
  OUTBOX_SEND_TIMEOUT_MS: "30000",
  OUTBOX_STALE_SENDING_MS: "31000",
});

describe("crash recovery", () => {
  it("recovers and delivers a row whose worker was SIGKILLed mid-send, recording the abandoned attempt", async () => {
    const tenant = await createWebhookTenant(db, receiver.baseUrl);
    receiver.script([{ hang: true }]);
    const { outboxId } = await enqueueReply(db, tenant, ["survives a crash"]);

    const doomed = spawnWorker(workerEnv());
    await receiver.waitForRequests(1, { timeoutMs: 20_000 }).catch((error) => {
      throw new Error(`worker never sent: ${doomed.output()}`, { cause: error });
    });
    doomed.kill("SIGKILL");
    await exited(doomed);
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "sending", attempt_count: 1 });

    // The reconciler leaves the row alone while its lock is younger than the stale timeout…
    const logger = makeLogger("silent");
    const stale = { staleSendingMs: 60_000, reconcileGraceMs: 60_000 };
    expect((await reconcileOutbox(db.pools.owner, stale, logger)).recovered).toBe(0);
    // …and recovers it once the lock is older (1 s here, instead of waiting out the default).
    const short = { staleSendingMs: 1_000, reconcileGraceMs: 60_000 };
    await waitFor(
      async () => (await reconcileOutbox(db.pools.owner, short, logger)).recovered === 1,
      {
        message: "the stale row to be recovered",
      },
    );

    const survivor = spawnWorker(workerEnv());
    try {
      const row = await waitFor(
        async () => {
          const current = await outboxRow(db, outboxId);
          return current.status === "sent" ? current : undefined;
        },
        { timeoutMs: 20_000, message: "the recovered row to be sent" },
      );
      expect(row).toMatchObject({ attempt_count: 2 });
      expect((await attemptsOf(db, outboxId)).map((a) => [a.attempt_number, a.outcome])).toEqual([
        [1, "abandoned"],
        [2, "sent"],
      ]);
      // At-least-once: the receiver saw the row twice, both with the same webhook-id to dedupe on.
      expect(receiver.requests.map((r) => r.headers["webhook-id"])).toEqual([outboxId, outboxId]);
      expect(hasValidSignature(receiver.requests[1]!, tenant.secret)).toBe(true);
    } finally {
      survivor.kill("SIGTERM");
      await exited(survivor);
    }
  });
});
