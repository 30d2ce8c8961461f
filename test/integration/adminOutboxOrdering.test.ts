import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminError } from "../../src/admin/adminError.ts";
import { resumeLink } from "../../src/admin/links.ts";
import { replayOutbox } from "../../src/admin/replayOutbox.ts";
import { tenantOfLink, tenantOfOutbox } from "../../src/admin/tenantOf.ts";
import { createLink, createMessage, createTenant } from "../helpers/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

/** One reply split in `statuses.length` parts, inserted as the superuser. */
async function splitReply(statuses: Array<"pending" | "sent" | "dead">, linkStatus = "active") {
  const tenantId = await createTenant(db.admin);
  const linkId = await createLink(db.admin, tenantId, { status: linkStatus });
  const messageId = await createMessage(db.admin, tenantId, linkId);
  const ids: string[] = [];
  for (const [index, status] of statuses.entries()) {
    const { rows } = await db.admin.query<{ id: string }>(
      `insert into channel_outbox
         (tenant_id, channel_message_id, part_index, channel_link_id, provider, conversation_id,
          content, status, max_attempts, sent_at, dead_reason)
       values ($1, $2, $3, $4, 'webhook', 'c', $5, $6, 3,
         case when $6 = 'sent' then now() end, case when $6 = 'dead' then 'exhausted' end)
       returning id`,
      [tenantId, messageId, index, linkId, `part ${index}`, status],
    );
    ids.push(rows[0]!.id);
  }
  return { tenantId, linkId, ids };
}

async function jobbed(ids: string[]) {
  const { rows } = await db.admin.query<{ key: string }>(
    "select key from graphile_worker._private_jobs where key = any($1::text[])",
    [ids.map((id) => `sendOutbound:${id}`)],
  );
  return rows.map((row) => row.key.slice("sendOutbound:".length)).sort();
}

describe("admin use cases keep reply parts in order", () => {
  it("resume enqueues only the first unsent part of a split reply", async () => {
    const { linkId, ids } = await splitReply(["sent", "pending", "pending"], "paused");
    const { enqueued } = await resumeLink(db.pools.owner, linkId);
    expect(enqueued).toEqual([ids[1]]);
    expect(await jobbed(ids)).toEqual([ids[1]]);
  });

  it("replay revives every dead part but gives a job only to the first", async () => {
    const { tenantId, ids } = await splitReply(["dead", "dead"]);
    const result = await replayOutbox(db.pools.owner, { tenantId }, { dryRun: false });
    expect(result.rows.map((row) => row.id)).toEqual(ids);
    expect(result.enqueued).toEqual([ids[0]]);
    expect(await jobbed(ids)).toEqual([ids[0]]);
    const { rows } = await db.admin.query(
      "select status from channel_outbox where id = any($1::uuid[])",
      [ids],
    );
    expect(rows.map((row) => row.status)).toEqual(["pending", "pending"]);
  });
});

describe("tenantOf lookups", () => {
  it("finds the owning tenant of a link and an outbox row as the owner role", async () => {
    const a = await splitReply(["pending"]);
    const b = await splitReply(["pending"]);
    expect(await tenantOfLink(db.pools.owner, a.linkId)).toBe(a.tenantId);
    expect(await tenantOfLink(db.pools.owner, b.linkId)).toBe(b.tenantId);
    expect(await tenantOfOutbox(db.pools.owner, b.ids[0]!)).toBe(b.tenantId);
    await expect(tenantOfOutbox(db.pools.owner, a.linkId)).rejects.toThrow(AdminError);
  });
});
