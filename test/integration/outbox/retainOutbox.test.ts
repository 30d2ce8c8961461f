import type { PoolClient } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeLogger } from "../../../src/logging/logger.ts";
import { retainOutbox } from "../../../src/outbox/retainOutbox.ts";
import { makeRetainOutboxTask, makeWorkerDeps } from "../../../src/runtime/workerTasks.ts";
import { createAttempt, createLink, createMessage, createTenant } from "../../helpers/fixtures.ts";
import { testConfig } from "../../helpers/outboxFixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";

let db: TestDatabase;
const logger = makeLogger("silent");
const hour = 60 * 60_000;
const day = 24 * hour;
const settings = {
  sentRetainMs: day,
  deadRetainMs: 7 * day,
  batchSize: 100,
  maxBatchesPerTenant: 100,
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** The owner role's pool, the way the worker's helpers.withPgClient hands out clients. */
const ownerClient = async <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => {
  const client = await db.pools.owner.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
};

/** An outbox row (with one attempt) in `status`, last changed `ageMs` ago. */
async function rowAged(
  tenant: { tenantId: string; linkId: string },
  status: "pending" | "sending" | "sent" | "dead",
  ageMs: number,
): Promise<string> {
  const messageId = await createMessage(db.admin, tenant.tenantId, tenant.linkId);
  const { rows } = await db.admin.query<{ id: string }>(
    `insert into channel_outbox
       (tenant_id, channel_message_id, channel_link_id, provider, conversation_id, content, status,
        max_attempts, next_attempt_at, created_at, updated_at, sent_at, locked_at, claim_token,
        dead_reason)
     select $1, $2, $3, 'webhook', 'c', 'reply', $4, 5, at - interval '1 second',
            at - interval '1 second', at,
            case when $4 = 'sent' then at end,
            case when $4 = 'sending' then at end,
            case when $4 = 'sending' then gen_random_uuid() end,
            case when $4 = 'dead' then 'exhausted' end
     from (select now() - $5::double precision * interval '1 millisecond' as at) t
     returning id`,
    [tenant.tenantId, messageId, tenant.linkId, status, ageMs],
  );
  const outboxId = rows[0]!.id;
  await createAttempt(db.admin, tenant.tenantId, outboxId);
  return outboxId;
}

async function newTenant() {
  const tenantId = await createTenant(db.admin);
  return { tenantId, linkId: await createLink(db.admin, tenantId) };
}

async function existing(ids: string[]): Promise<string[]> {
  const { rows } = await db.admin.query<{ id: string }>(
    "select id from channel_outbox where id = any($1::uuid[]) order by id",
    [ids],
  );
  return rows.map((row) => row.id).sort();
}

async function attemptCount(ids: string[]): Promise<number> {
  const { rows } = await db.admin.query<{ n: number }>(
    "select count(*)::int as n from channel_outbox_attempts where outbox_id = any($1::uuid[])",
    [ids],
  );
  return rows[0]!.n;
}

describe("retainOutbox", () => {
  it("deletes old sent rows and older dead rows with their attempts, in every tenant, keeping the rest", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const oldSent = [await rowAged(a, "sent", 2 * day), await rowAged(b, "sent", 3 * day)];
    const oldDead = [await rowAged(a, "dead", 8 * day), await rowAged(b, "dead", 9 * day)];
    const kept = [
      await rowAged(a, "sent", hour),
      await rowAged(b, "dead", 2 * day), // dead, but younger than the dead age
      await rowAged(a, "pending", 30 * day),
      await rowAged(b, "sending", 30 * day),
    ];

    const summary = await retainOutbox(ownerClient, settings, logger);

    expect(summary).toMatchObject({ sentDeleted: 2, deadDeleted: 2, tenantsWithBacklog: 0 });
    expect(await existing([...oldSent, ...oldDead])).toEqual([]);
    expect(await attemptCount([...oldSent, ...oldDead])).toBe(0);
    expect(await existing(kept)).toEqual([...kept].sort());
    expect(await attemptCount(kept)).toBe(kept.length);
  });

  it("deletes in bounded batches and leaves the rest to the next run when the budget runs out", async () => {
    const tenant = await newTenant();
    const old = [];
    for (let i = 0; i < 5; i += 1) old.push(await rowAged(tenant, "sent", 2 * day));
    const bounded = { ...settings, batchSize: 2, maxBatchesPerTenant: 2 };

    const first = await retainOutbox(ownerClient, bounded, logger);
    expect(first.sentDeleted).toBe(4);
    expect(first.tenantsWithBacklog).toBe(1);
    expect(await existing(old)).toHaveLength(1);

    const second = await retainOutbox(ownerClient, bounded, logger);
    expect(second.sentDeleted).toBe(1);
    expect(second.tenantsWithBacklog).toBe(0);
    expect(await existing(old)).toEqual([]);
  });
});

describe("retainOutbox task", () => {
  it("takes its ages from the configuration and deletes through the worker's client", async () => {
    const taskWith = (env: Record<string, string>) =>
      makeRetainOutboxTask(() => makeWorkerDeps(testConfig(db, env), logger));
    const tenant = await newTenant();
    const sentTwoHoursAgo = await rowAged(tenant, "sent", 2 * hour);
    const helpers = { withPgClient: ownerClient } as unknown as Parameters<
      ReturnType<typeof makeRetainOutboxTask>
    >[1];

    await taskWith({})({}, helpers);
    expect(await existing([sentTwoHoursAgo])).toEqual([sentTwoHoursAgo]);

    await taskWith({ OUTBOX_RETAIN_SENT_MS: String(hour), OUTBOX_RETAIN_DEAD_MS: String(day) })(
      {},
      helpers,
    );
    expect(await existing([sentTwoHoursAgo])).toEqual([]);
  });
});
