import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimMessage } from "../../../src/channels/claimMessage.ts";
import { recordDecision } from "../../../src/channels/recordDecision.ts";
import { recordExecuted } from "../../../src/channels/recordExecuted.ts";
import { pgErrorCode } from "../../../src/db/pgErrors.ts";
import { makePool } from "../../../src/db/pools.ts";
import { withTenant } from "../../../src/db/withTenant.ts";
import { enqueueOutbound } from "../../../src/outbox/enqueueOutbound.ts";
import type { NormalizedMessage } from "../../../src/providers/inboundProvider.ts";
import { createLink, createTenant } from "../../helpers/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";
import { TEST_ROLES } from "../../helpers/testRoles.ts";

// The inbound transactions as the app role runs them: one function call each, in autocommit
// on the app pool, each scoping itself to the tenant.

const functions = [
  "public.inbound_claim_message(uuid, uuid, text, text, text, text, text, integer)",
  "public.inbound_record_decision(uuid, uuid, timestamptz, text, text)",
  "public.inbound_record_executed(uuid, uuid, timestamptz, text[], integer)",
  "public.outbox_enqueue_reply(uuid, uuid, uuid, text, text, text, text[], integer)",
];
const enqueueFunction = "public.enqueue_first_send_outbound(uuid)";
const leaseMs = 60_000;

let db: TestDatabase;
let tenantA: string;
let tenantB: string;
let linkA: string;
let linkB: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantA = await createTenant(db.admin);
  tenantB = await createTenant(db.admin);
  linkA = await createLink(db.admin, tenantA);
  linkB = await createLink(db.admin, tenantB);
});

afterAll(async () => {
  await db?.drop();
});

const message = (externalMessageId = `msg_${randomUUID()}`): NormalizedMessage => ({
  externalMessageId,
  conversationId: "conversation-1",
  senderId: "sender-1",
  text: "hello",
});

async function claimed(tenantId = tenantA, linkId = linkA) {
  const claim = await claimMessage(db.pools.app, { tenantId, linkId, message: message(), leaseMs });
  if (claim.kind !== "claimed") throw new Error(`expected a claim, got ${claim.kind}`);
  return claim;
}

async function messageRow(id: string) {
  const { rows } = await db.admin.query(
    "select tenant_id, status, reason, processing_until from channel_messages where id = $1",
    [id],
  );
  return rows[0];
}

async function outboxOf(messageId: string) {
  const { rows } = await db.admin.query<{ id: string; part_index: number; content: string }>(
    "select id, part_index, content from channel_outbox where channel_message_id = $1 order by part_index",
    [messageId],
  );
  return rows;
}

async function jobCount(outboxIds: string[]) {
  const { rows } = await db.admin.query<{ n: number }>(
    "select count(*)::int as n from graphile_worker._private_jobs where key = any($1)",
    [outboxIds.map((id) => `sendOutbound:${id}`)],
  );
  return rows[0]!.n;
}

const failureCode = (promise: Promise<unknown>) =>
  promise.then(
    () => "no error",
    (error: unknown) => pgErrorCode(error),
  );

describe("inbound transactions: claim", () => {
  it("claims a new message once; a redelivery during the lease is in progress, after a decision decided", async () => {
    const m = message();
    const input = { tenantId: tenantA, linkId: linkA, message: m, leaseMs };
    const first = await claimMessage(db.pools.app, input);
    expect(first).toMatchObject({ kind: "claimed", leaseUntil: expect.any(Date) });
    if (first.kind !== "claimed") return;
    expect(await messageRow(first.messageId)).toMatchObject({
      tenant_id: tenantA,
      status: "received",
      processing_until: first.leaseUntil,
    });
    expect(await claimMessage(db.pools.app, input)).toEqual({
      kind: "inProgress",
      messageId: first.messageId,
    });
    expect(
      await recordDecision(db.pools.app, {
        tenantId: tenantA,
        messageId: first.messageId,
        leaseUntil: first.leaseUntil,
        status: "denied",
        reason: "no",
      }),
    ).toBe(true);
    expect(await claimMessage(db.pools.app, input)).toEqual({
      kind: "decided",
      messageId: first.messageId,
      status: "denied",
    });
  });

  it("claims a failed message again with a fresh lease", async () => {
    const { messageId, leaseUntil } = await claimed();
    await recordDecision(db.pools.app, {
      tenantId: tenantA,
      messageId,
      leaseUntil,
      status: "dispatch_failed",
      reason: "x",
    });
    const { rows } = await db.admin.query(
      "select external_message_id from channel_messages where id = $1",
      [messageId],
    );
    const again = await claimMessage(db.pools.app, {
      tenantId: tenantA,
      linkId: linkA,
      message: message(rows[0].external_message_id),
      leaseMs,
    });
    expect(again).toMatchObject({ kind: "claimed", messageId });
    expect(await messageRow(messageId)).toMatchObject({ status: "received", reason: null });
  });

  it("leaves no tenant on the pooled connection after a call", async () => {
    const pool = makePool(db.appUrl, 1);
    try {
      await claimMessage(pool, { tenantId: tenantA, linkId: linkA, message: message(), leaseMs });
      const { rows } = await pool.query<{ tenant: string | null }>(
        "select nullif(current_setting('app.current_tenant_id', true), '') as tenant",
      );
      expect(rows[0]!.tenant).toBeNull();
      const visible = await pool.query("select id from channel_messages");
      expect(visible.rows).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});

describe("inbound transactions: decision and reply", () => {
  it("records executed with every part of the reply and one job for the first part", async () => {
    const { messageId, leaseUntil } = await claimed();
    const result = await recordExecuted(db.pools.app, {
      tenantId: tenantA,
      messageId,
      leaseUntil,
      parts: ["one", "two", "three"],
      maxAttempts: 4,
    });
    const rows = await outboxOf(messageId);
    expect(result).toEqual({ recorded: true, outboxIds: rows.map((row) => row.id) });
    expect(rows.map((row) => [row.part_index, row.content])).toEqual([
      [0, "one"],
      [1, "two"],
      [2, "three"],
    ]);
    expect(await jobCount([rows[0]!.id])).toBe(1);
    expect(await jobCount(rows.slice(1).map((row) => row.id))).toBe(0);
    expect(await messageRow(messageId)).toMatchObject({
      status: "executed",
      processing_until: null,
    });
  });

  it("records executed without a reply and enqueues nothing", async () => {
    const { messageId, leaseUntil } = await claimed();
    expect(
      await recordExecuted(db.pools.app, {
        tenantId: tenantA,
        messageId,
        leaseUntil,
        parts: [],
        maxAttempts: 4,
      }),
    ).toEqual({ recorded: true, outboxIds: [] });
    expect(await outboxOf(messageId)).toEqual([]);
    expect(await messageRow(messageId)).toMatchObject({ status: "executed" });
  });

  it("writes nothing once the lease was lost to a redelivery", async () => {
    const { messageId, leaseUntil } = await claimed();
    // A redelivery took the message over after our lease ran out: it holds a newer lease.
    await db.admin.query(
      "update channel_messages set processing_until = processing_until + interval '1 second' where id = $1",
      [messageId],
    );
    const ours = { tenantId: tenantA, messageId, leaseUntil };
    expect(
      await recordExecuted(db.pools.app, { ...ours, parts: ["reply"], maxAttempts: 4 }),
    ).toEqual({ recorded: false, outboxIds: [] });
    expect(await recordDecision(db.pools.app, { ...ours, status: "denied" })).toBe(false);
    expect(await outboxOf(messageId)).toEqual([]);
    expect(await messageRow(messageId)).toMatchObject({ status: "received", reason: null });
  });

  it("fails closed: when the job cannot be added, neither executed nor any outbox row commits", async () => {
    const { messageId, leaseUntil } = await claimed();
    await db.admin.query(`revoke execute on function ${enqueueFunction} from ${TEST_ROLES.app}`);
    let failure: unknown;
    try {
      await recordExecuted(db.pools.app, {
        tenantId: tenantA,
        messageId,
        leaseUntil,
        parts: ["one", "two"],
        maxAttempts: 4,
      }).catch((error: unknown) => {
        failure = error;
      });
    } finally {
      await db.admin.query(`grant execute on function ${enqueueFunction} to ${TEST_ROLES.app}`);
    }
    expect(pgErrorCode(failure)).toBe("42501");
    expect(await outboxOf(messageId)).toEqual([]);
    // Still ours: the fail-closed decision is recorded in its own transaction.
    expect(await messageRow(messageId)).toMatchObject({
      status: "received",
      processing_until: leaseUntil,
    });
    expect(
      await recordDecision(db.pools.app, {
        tenantId: tenantA,
        messageId,
        leaseUntil,
        status: "dispatch_failed",
        reason: "enqueue failed",
      }),
    ).toBe(true);
    expect(await messageRow(messageId)).toMatchObject({ status: "dispatch_failed" });
  });

  it("refuses a status that is not a decision", async () => {
    const { messageId, leaseUntil } = await claimed();
    const bad = { tenantId: tenantA, messageId, leaseUntil, status: "received" } as const;
    expect(await failureCode(recordDecision(db.pools.app, bad as never))).toBe("22023");
    expect(await messageRow(messageId)).toMatchObject({ processing_until: leaseUntil });
  });

  it("enqueueOutbound works on the caller's tenant transaction and rolls back with it", async () => {
    const { messageId } = await claimed();
    const reply = {
      tenantId: tenantA,
      channelMessageId: messageId,
      channelLinkId: linkA,
      provider: "webhook" as const,
      conversationId: "conversation-1",
      parts: ["a", "b"],
      maxAttempts: 3,
    };
    const rolledBack = withTenant(db.pools.app, tenantA, async (client) => {
      await enqueueOutbound(client, reply);
      throw new Error("the caller's transaction fails later");
    });
    await expect(rolledBack).rejects.toThrow("fails later");
    expect(await outboxOf(messageId)).toEqual([]);

    const { outboxIds } = await withTenant(db.pools.app, tenantA, (client) =>
      enqueueOutbound(client, reply),
    );
    expect(outboxIds).toEqual((await outboxOf(messageId)).map((row) => row.id));
    expect(await jobCount(outboxIds)).toBe(1);
  });
});

describe("inbound transactions: tenants stay apart", () => {
  it("cannot decide, execute or reply to another tenant's message", async () => {
    const theirs = await claimed(tenantB, linkB);
    const before = await messageRow(theirs.messageId);
    const asA = { tenantId: tenantA, messageId: theirs.messageId, leaseUntil: theirs.leaseUntil };
    expect(await recordDecision(db.pools.app, { ...asA, status: "denied" })).toBe(false);
    expect(
      await recordExecuted(db.pools.app, { ...asA, parts: ["stolen"], maxAttempts: 3 }),
    ).toEqual({ recorded: false, outboxIds: [] });
    const reply = {
      tenantId: tenantA,
      channelMessageId: theirs.messageId,
      channelLinkId: linkB,
      provider: "webhook" as const,
      conversationId: "c",
      parts: ["stolen"],
      maxAttempts: 3,
    };
    // Tenant-consistent foreign keys: tenant A's row cannot point at B's message or link.
    expect(await failureCode(enqueueOutbound(db.pools.app, reply))).toBe("23503");
    expect(await messageRow(theirs.messageId)).toEqual(before);
    expect(await outboxOf(theirs.messageId)).toEqual([]);
  });

  it("cannot record or reclaim a message through another tenant's link", async () => {
    expect(
      await failureCode(
        claimMessage(db.pools.app, {
          tenantId: tenantA,
          linkId: linkB,
          message: message(),
          leaseMs,
        }),
      ),
    ).toBe("23503");
    // B's message with a lapsed lease: reclaimable by B, but not visible to A's transaction.
    const id = `msg_${randomUUID()}`;
    const theirs = await claimMessage(db.pools.app, {
      tenantId: tenantB,
      linkId: linkB,
      message: message(id),
      leaseMs: 0,
    });
    const before = await messageRow(theirs.messageId);
    expect(
      await failureCode(
        claimMessage(db.pools.app, {
          tenantId: tenantA,
          linkId: linkB,
          message: message(id),
          leaseMs,
        }),
      ),
    ).toBe("42501");
    expect(await messageRow(theirs.messageId)).toEqual(before);
  });

  it("refuses to run inside a transaction scoped to another tenant", async () => {
    const { messageId, leaseUntil } = await claimed();
    const inB = withTenant(db.pools.app, tenantB, (client) =>
      recordDecision(client, { tenantId: tenantA, messageId, leaseUntil, status: "denied" }),
    );
    expect(await failureCode(inB)).toBe("42501");
    expect(await messageRow(messageId)).toMatchObject({ status: "received" });
  });

  it("are SECURITY INVOKER with a fixed search_path, executable by the app role and not by public", async () => {
    const { rows } = await db.admin.query<{
      fn: string;
      definer: boolean;
      config: string[] | null;
      app: boolean;
      lookup: boolean;
      public: boolean;
    }>(
      `select f.fn, p.prosecdef as definer, p.proconfig as config,
         has_function_privilege($1, p.oid, 'execute') as app,
         has_function_privilege($2, p.oid, 'execute') as lookup,
         (p.proacl is null or exists (
           select 1 from aclexplode(p.proacl) a where a.grantee = 0)) as public
       from unnest($3::text[]) as f (fn)
       join pg_proc p on p.oid = f.fn::regprocedure`,
      [TEST_ROLES.app, TEST_ROLES.lookup, functions],
    );
    expect(rows).toHaveLength(functions.length);
    for (const row of rows) {
      expect(row, row.fn).toMatchObject({
        definer: false,
        app: true,
        lookup: false,
        public: false,
      });
      expect(row.config, row.fn).toContain("search_path=pg_catalog, pg_temp");
    }
  });
});
