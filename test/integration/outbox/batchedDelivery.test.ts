import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimOutboxBatch } from "../../../src/outbox/claimOutbox.ts";
import { markSentBatch } from "../../../src/outbox/markOutbox.ts";
import type { FakeProvider } from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { startFakeWebhookReceiver } from "../../helpers/fakeWebhookReceiver.ts";
import { createLink } from "../../helpers/fixtures.ts";
import {
  attemptsOf,
  createWebhookTenant,
  enqueueReplies,
  enqueueReply,
  jobsFor,
  outboxRow,
  secretBox,
} from "../../helpers/outboxFixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";

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

const owner = () => db.pools.owner;

/** A fresh tenant and link, so no other test's rows are companions. */
const freshTenant = () => createWebhookTenant(db, receiver.baseUrl);

async function keyedJobs(ids: readonly string[]) {
  const found = await Promise.all(ids.map((id) => jobsFor(db, id)));
  return found.map((jobs) => jobs.length);
}

describe("claimOutboxBatch", () => {
  it("claims the job's row first, then the link's oldest due rows up to the limit, and drops their jobs", async () => {
    const t = await freshTenant();
    const [own, c1, c2, c3, c4] = await enqueueReplies(db, t, 5);
    const otherLink = await createLink(db.admin, t.tenantId, {
      provider: "webhook",
      inboundSecret: secretBox.seal("s"),
      outboundCredentials: secretBox.seal("s"),
      settings: { url: `${receiver.baseUrl}/hooks` },
    });
    const [elsewhere] = await enqueueReplies(db, { tenantId: t.tenantId, linkId: otherLink }, 1);
    await db.admin.query(
      "update channel_outbox set next_attempt_at = now() + interval '1 hour' where id = $1",
      [c2],
    );

    const claimed = await claimOutboxBatch(owner(), t.tenantId, own!, 3);

    expect(claimed.map((row) => row.id)).toEqual([own, c1, c3]);
    expect(claimed.every((row) => row.attemptCount === 1)).toBe(true);
    expect(new Set(claimed.map((row) => row.claimToken)).size).toBe(3);
    for (const id of [own, c1, c3]) {
      expect(await outboxRow(db, id!)).toMatchObject({ status: "sending" });
    }
    for (const id of [c2, c4, elsewhere]) {
      expect(await outboxRow(db, id!)).toMatchObject({ status: "pending", attempt_count: 0 });
    }
    // The job running this claim keeps its job; the companions' jobs are gone; the rest keep theirs.
    expect(await keyedJobs([own!, c1!, c3!, c2!, c4!, elsewhere!])).toEqual([1, 0, 0, 1, 1, 1]);
  });

  it("takes no companion when the job's own row is not claimable", async () => {
    const t = await freshTenant();
    const [own, companion] = await enqueueReplies(db, t, 2);
    await db.admin.query(
      "update channel_outbox set next_attempt_at = now() + interval '1 hour' where id = $1",
      [own],
    );
    expect(await claimOutboxBatch(owner(), t.tenantId, own!, 10)).toEqual([]);
    expect(await outboxRow(db, companion!)).toMatchObject({ status: "pending" });
    expect(await keyedJobs([companion!])).toEqual([1]);
  });

  it("skips a companion another transaction holds, and a later part whose first part is not sent", async () => {
    const t = await freshTenant();
    const [own] = await enqueueReplies(db, t, 1);
    const { outboxIds } = await enqueueReply(db, t, ["part one", "part two"]);
    const [partOne, partTwo] = outboxIds as [string, string];
    const [held, free] = await enqueueReplies(db, t, 2);
    await db.admin.query("update channel_outbox set status = 'pending' where id = $1", [partTwo]);
    const holder = await db.admin.connect();
    try {
      await holder.query("begin");
      await holder.query("select 1 from channel_outbox where id = $1 for update", [held]);
      const claimed = await claimOutboxBatch(owner(), t.tenantId, own!, 10);
      // partTwo is due and pending but waits for partOne, which this batch claims.
      expect(claimed.map((row) => row.id)).toEqual([own, partOne, free]);
      await holder.query("rollback");
    } finally {
      holder.release();
    }
    expect(await outboxRow(db, held!)).toMatchObject({ status: "pending" });
    expect(await outboxRow(db, partTwo)).toMatchObject({ status: "pending" });
  });

  it("does not claim another tenant's rows, even given one of their ids", async () => {
    const t = await freshTenant();
    const other = await freshTenant();
    const [theirs] = await enqueueReplies(db, other, 1);
    expect(await claimOutboxBatch(owner(), t.tenantId, theirs!, 10)).toEqual([]);
    expect(await outboxRow(db, theirs!)).toMatchObject({ status: "pending" });
  });
});

describe("markSentBatch", () => {
  it("marks only the claims still held, records each attempt, and enqueues the next part", async () => {
    const t = await freshTenant();
    const { outboxIds } = await enqueueReply(db, t, ["first", "second"]);
    const [first, second] = outboxIds as [string, string];
    const [plain, lost] = await enqueueReplies(db, t, 2);
    const claimed = await claimOutboxBatch(owner(), t.tenantId, first, 10);
    expect(claimed.map((row) => row.id)).toEqual([first, plain, lost]);
    const startedAt = new Date();
    const sent = claimed.map((row) => ({
      claim: {
        tenantId: t.tenantId,
        outboxId: row.id,
        // The third claim was taken back by recovery: its token no longer matches.
        claimToken: row.id === lost ? crypto.randomUUID() : row.claimToken,
        startedAt,
      },
      providerMessageId: `p-${row.id}`,
    }));

    const applied = await markSentBatch(owner(), t.tenantId, sent);

    expect([...applied].sort()).toEqual([first, plain].sort());
    expect(await outboxRow(db, first)).toMatchObject({
      status: "sent",
      provider_message_id: `p-${first}`,
    });
    expect(await outboxRow(db, plain!)).toMatchObject({ status: "sent" });
    expect(await outboxRow(db, lost!)).toMatchObject({ status: "sending" });
    expect((await attemptsOf(db, first)).map((a) => a.outcome)).toEqual(["sent"]);
    expect(await attemptsOf(db, lost!)).toEqual([]);
    expect(await keyedJobs([second])).toEqual([1]);
  });

  it("refuses arrays of different lengths", async () => {
    const t = await freshTenant();
    await expect(
      owner().query("select public.outbox_mark_sent_batch($1, $2, $3, $4, $5)", [
        t.tenantId,
        [crypto.randomUUID()],
        [],
        ["p"],
        [new Date()],
      ]),
    ).rejects.toMatchObject({ code: "22023" });
  });
});
