import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, runCli, runCliJson } from "../helpers/cliHarness.ts";
import {
  createAttempt,
  createLink,
  createMessage,
  createOutboxRow,
  createTenant,
} from "../helpers/fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const cliVars = { SECRETS_KEY: Buffer.alloc(32, 5).toString("base64") };
const run = (argv: string[]) => runCli(argv, cliEnv(db, cliVars));
const runJson = (argv: string[]) => runCliJson(argv, cliEnv(db, cliVars));

/** A tenant with one link (status as given) and `rows` outbox rows, one message each. */
async function tenantWithRows(rows: Array<"pending" | "dead" | "sent">, linkStatus = "active") {
  const tenantId = await createTenant(db.admin);
  const linkId = await createLink(db.admin, tenantId, { status: linkStatus });
  const outboxIds: string[] = [];
  for (const status of rows) {
    const messageId = await createMessage(db.admin, tenantId, linkId);
    const id = await createOutboxRow(db.admin, tenantId, linkId, messageId);
    if (status === "dead") {
      await db.admin.query(
        `update channel_outbox set status = 'dead', dead_reason = 'exhausted', attempt_count = 5,
           last_error = 'HTTP 503 from receiver', next_attempt_at = now() - interval '1 hour'
         where id = $1`,
        [id],
      );
    } else if (status === "sent") {
      await db.admin.query(
        "update channel_outbox set status = 'sent', sent_at = now(), attempt_count = 1 where id = $1",
        [id],
      );
    }
    outboxIds.push(id);
  }
  return { tenantId, linkId, outboxIds };
}

async function rowsOf(ids: string[]) {
  const { rows } = await db.admin.query(
    `select id, status, attempt_count, dead_reason, last_error, next_attempt_at, created_at, updated_at
     from channel_outbox where id = any($1::uuid[]) order by id`,
    [ids],
  );
  return rows;
}

async function jobKeys(ids: string[]) {
  const { rows } = await db.admin.query<{ key: string; task: string; payload: unknown }>(
    `select j.key, t.identifier as task, j.payload
     from graphile_worker._private_jobs j
     join graphile_worker._private_tasks t on t.id = j.task_id
     where j.key = any($1::text[]) order by j.key`,
    [ids.map((id) => `sendOutbound:${id}`)],
  );
  return rows;
}

describe("valinor outbox list and show", () => {
  it("lists rows across tenants, filtered by tenant, status, link and limit", async () => {
    const a = await tenantWithRows(["pending", "dead", "sent"]);
    const b = await tenantWithRows(["dead"]);

    const all = (await runJson(["outbox", "list", "--limit", "1000"])).rows;
    const allIds = all.map((row: { id: string }) => row.id);
    expect(allIds).toEqual(expect.arrayContaining([...a.outboxIds, ...b.outboxIds]));

    const deadOfA = (await runJson(["outbox", "list", "--tenant", a.tenantId, "--status", "dead"]))
      .rows;
    expect(deadOfA).toHaveLength(1);
    expect(deadOfA[0]).toMatchObject({
      id: a.outboxIds[1],
      tenantId: a.tenantId,
      linkId: a.linkId,
      status: "dead",
      deadReason: "exhausted",
      attemptCount: 5,
      lastError: "HTTP 503 from receiver",
    });
    expect(deadOfA[0]).not.toHaveProperty("content");

    const byLink = (await runJson(["outbox", "list", "--link", b.linkId])).rows;
    expect(byLink.map((row: { id: string }) => row.id)).toEqual(b.outboxIds);

    const limited = (await runJson(["outbox", "list", "--tenant", a.tenantId, "--limit", "2"]))
      .rows;
    expect(limited).toHaveLength(2);

    const text = await run(["outbox", "list", "--tenant", a.tenantId]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID\s+TENANT\s+LINK\s+PROVIDER\s+STATUS\s+ATTEMPTS/);
    expect(text.stdout).toContain("dead (exhausted)");
    expect(text.stdout).not.toContain(b.outboxIds[0]);
  });

  it("shows one row with its reply text and attempts", async () => {
    const { tenantId, outboxIds } = await tenantWithRows(["pending"]);
    const id = outboxIds[0] as string;
    await createAttempt(db.admin, tenantId, id);
    const shown = (await runJson(["outbox", "show", id])).row;
    expect(shown).toMatchObject({ id, tenantId, status: "pending", content: "reply" });
    expect(shown.attempts).toEqual([
      expect.objectContaining({ attemptNumber: 1, outcome: "retry", errorClass: "transient" }),
    ]);
    const text = await run(["outbox", "show", id]);
    expect(text.stdout).toMatch(/content:\s+reply/);
    expect(text.stdout).toMatch(/attempts:\n#\s+STARTED\s+OUTCOME/);
    expect(text.stdout).toContain("transient");
  });

  it("answers bad filters and unknown ids with exit code 2", async () => {
    const unknown = randomUUID();
    const cases: Array<[string[], string]> = [
      [["outbox", "list", "--status", "lost"], "--status must be one of"],
      [["outbox", "list", "--limit", "0"], "--limit must be an integer"],
      [["outbox", "list", "--tenant", "abc"], "--tenant must be a uuid"],
      [["outbox", "list", "--tenant", unknown], `no tenant ${unknown}`],
      [["outbox", "list", "--link", unknown], `no channel link ${unknown}`],
      [["outbox", "show", unknown], `no outbox row ${unknown}`],
      [["outbox", "show", "xyz"], "outbox id must be a uuid"],
      [["outbox", "replay", unknown], `no outbox row ${unknown}`],
      [["outbox", "replay"], "give an outbox id"],
      [["outbox", "replay", "--tenant", unknown, "--status", "pending"], "only dead rows"],
    ];
    for (const [argv, message] of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});

describe("valinor outbox replay", () => {
  it("--dry-run shows what would be replayed and changes nothing", async () => {
    const { tenantId, outboxIds } = await tenantWithRows(["dead", "dead", "pending"]);
    const before = await rowsOf(outboxIds);
    const result = await runJson(["outbox", "replay", "--tenant", tenantId, "--dry-run"]);
    expect(result.dryRun).toBe(true);
    expect(result.rows.map((row: { id: string }) => row.id).sort()).toEqual(
      outboxIds.slice(0, 2).sort(),
    );
    expect(result.enqueued).toEqual([]);
    expect(await rowsOf(outboxIds)).toEqual(before);
    expect(await jobKeys(outboxIds)).toEqual([]);

    const single = await run(["outbox", "replay", outboxIds[0] as string, "--dry-run"]);
    expect(single.code).toBe(0);
    expect(single.stdout).toContain("dry run: would replay 1 dead outbox row(s); nothing changed");
    expect(await rowsOf(outboxIds)).toEqual(before);
  });

  it("puts a tenant's dead rows back to pending with a fresh budget and a job each", async () => {
    const a = await tenantWithRows(["dead", "dead", "sent"]);
    const other = await tenantWithRows(["dead"]);
    // Died two days ago: older than the default deliver-by age.
    await db.admin.query(
      "update channel_outbox set created_at = now() - interval '2 days' where id = any($1)",
      [a.outboxIds],
    );
    const result = await runJson(["outbox", "replay", "--tenant", a.tenantId, "--status", "dead"]);
    const dead = a.outboxIds.slice(0, 2);
    expect(result.rows.map((row: { id: string }) => row.id).sort()).toEqual([...dead].sort());
    expect([...result.enqueued].sort()).toEqual([...dead].sort());
    for (const row of result.rows) {
      expect(row).toMatchObject({ status: "pending", attemptCount: 0, deadReason: null });
    }

    for (const row of await rowsOf(dead)) {
      expect(row).toMatchObject({
        status: "pending",
        attempt_count: 0,
        dead_reason: null,
        last_error: "HTTP 503 from receiver",
      });
      expect(Math.abs(row.next_attempt_at.getTime() - Date.now())).toBeLessThan(60_000);
      // The deliver-by age starts again, or the first claim would kill the row as expired.
      expect(Math.abs(row.created_at.getTime() - Date.now())).toBeLessThan(60_000);
    }
    const jobs = await jobKeys(a.outboxIds);
    expect(jobs.map((job) => job.key).sort()).toEqual(
      dead.map((id) => `sendOutbound:${id}`).sort(),
    );
    for (const job of jobs) {
      expect(job.task).toBe("sendOutbound");
      expect(job.payload).toEqual({
        tenantId: a.tenantId,
        outboxId: job.key.slice("sendOutbound:".length),
      });
    }

    expect((await rowsOf(a.outboxIds.slice(2)))[0]).toMatchObject({ status: "sent" });
    expect((await rowsOf(other.outboxIds))[0]).toMatchObject({ status: "dead" });
    expect(await jobKeys(other.outboxIds)).toEqual([]);
  });

  it("replays one row by id and only within --link when given", async () => {
    const { tenantId, linkId, outboxIds } = await tenantWithRows(["dead", "dead"]);
    const [first, second] = outboxIds as [string, string];
    const text = await run(["outbox", "replay", first]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("replayed 1 dead outbox row(s); 1 job(s) enqueued");
    expect((await rowsOf([first]))[0]).toMatchObject({ status: "pending", attempt_count: 0 });
    expect((await rowsOf([second]))[0]).toMatchObject({ status: "dead" });

    const again = await run(["outbox", "replay", first]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("is pending: only dead rows are replayed");

    const otherLink = await createLink(db.admin, tenantId);
    const none = await runJson(["outbox", "replay", "--tenant", tenantId, "--link", otherLink]);
    expect(none.rows).toEqual([]);
    expect((await rowsOf([second]))[0]).toMatchObject({ status: "dead" });
    const mine = await runJson(["outbox", "replay", "--tenant", tenantId, "--link", linkId]);
    expect(mine.enqueued).toEqual([second]);
    expect(await jobKeys([second])).toHaveLength(1);
  });
});

describe("valinor link resume", () => {
  it("sets the link active and enqueues a job for each pending row", async () => {
    const { linkId, outboxIds } = await tenantWithRows(["pending", "pending", "dead"], "paused");
    const pending = outboxIds.slice(0, 2);
    expect(await jobKeys(outboxIds)).toEqual([]);
    const result = await runJson(["link", "resume", linkId]);
    expect(result.link).toMatchObject({ id: linkId, status: "active", pausedReason: null });
    expect([...result.enqueued].sort()).toEqual([...pending].sort());
    const { rows } = await db.admin.query("select status from channel_links where id = $1", [
      linkId,
    ]);
    expect(rows[0].status).toBe("active");
    const keys = (await jobKeys(outboxIds)).map((job) => job.key).sort();
    expect(keys).toEqual(pending.map((id) => `sendOutbound:${id}`).sort());
    const text = await run(["link", "resume", linkId]);
    expect(text.stdout).toContain("enqueued 2 pending outbox row(s)");
    expect(await jobKeys(outboxIds)).toHaveLength(2);
  });
});
