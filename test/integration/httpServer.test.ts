import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutorDecision } from "../../src/agent/executor.ts";
import { makeSecretBox } from "../../src/crypto/secretBox.ts";
import type { AppDeps } from "../../src/http/makeApp.ts";
import { makeLogger } from "../../src/logging/logger.ts";
import { signStandardWebhook } from "../../src/providers/webhook/standardWebhookSignature.ts";
import { makeCountingExecutor } from "../helpers/fakeAgent.ts";
import {
  createLink,
  createMessage,
  createOutboxRow,
  createTenantWithRows,
} from "../helpers/fixtures.ts";
import { secretBox } from "../helpers/outboxFixtures.ts";
import { startTestApp, type TestApp } from "../helpers/testApp.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";

const secret = `whsec_${Buffer.alloc(24, 4).toString("base64")}`;
const logLines: Array<Record<string, unknown>> = [];
const logger = makeLogger("debug", {
  write: (line: string) => {
    logLines.push(JSON.parse(line));
  },
});

let db: TestDatabase;
const apps: TestApp[] = [];

/** The app with this test's capturing logger; every server started is closed after all tests. */
async function start(overrides: Partial<AppDeps> = {}) {
  const app = await startTestApp(db, { logger, ...overrides });
  apps.push(app);
  return app.server;
}

function signed(id: string, body: string) {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signStandardWebhook(secret, id, timestamp, body),
  };
}

const messageBody = (text: string) =>
  JSON.stringify({ type: "message", conversation_id: "c", sender_id: "s", text });

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await db?.drop();
});

describe("http app: health, readiness, request ids, errors", () => {
  it("answers /healthz and echoes or creates a request id", async () => {
    const server = await start();
    const given = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "req-42" } });
    expect(given.status).toBe(200);
    expect(await given.json()).toEqual({ status: "ok" });
    expect(given.headers.get("x-request-id")).toBe("req-42");
    const made = await fetch(`${server.url}/healthz`, {
      headers: { "x-request-id": "bad id\u00e9" },
    });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const line = logLines.find((entry) => (entry.req as { id?: string })?.id === "req-42");
    expect(line).toMatchObject({
      req: { method: "GET", path: "/healthz" },
      res: { statusCode: 200 },
    });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const server = await start();
    const response = await fetch(`${server.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "not_found" });
  });

  it("answers an unexpected error with a bare 500", async () => {
    const server = await start();
    const tenantId = (await createTenantWithRows(db.admin)).tenantId;
    // Sealed under another key: opening it throws inside the use case.
    const other = makeSecretBox(Buffer.alloc(32, 9).toString("base64"));
    const linkId = await createLink(db.admin, tenantId, { inboundSecret: other.seal(secret) });
    const body = "{}";
    const response = await fetch(`${server.url}/webhooks/webhook/${linkId}`, {
      method: "POST",
      headers: signed("msg_1", body),
      body,
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"error":"internal_error"}');
  });

  it("is ready when every committed migration is applied, and not when the database is behind", async () => {
    const server = await start();
    let response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true, database: "ok", migrations: "current" });

    const behind = await start({ committedMigrations: 99 });
    response = await fetch(`${behind.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ready: false, migrations: "behind" });
  });

  it("is not ready when the database is unreachable, yet stays healthy", async () => {
    const dead = new pg.Pool({ connectionString: "postgres://nobody@127.0.0.1:1/none", max: 1 });
    try {
      const server = await start({ pools: { app: dead } });
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ ready: false, database: "unreachable" });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await dead.end();
    }
  });
});

describe("http app: metrics", () => {
  it("serves webhook and latency metrics, and the outbox depth across tenants", async () => {
    const server = await start();
    await fetch(`${server.url}/healthz`);
    let text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain("# TYPE valinor_webhooks_total counter");
    expect(text).toMatch(
      /^valinor_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1$/m,
    );
    expect(text).toMatch(/^valinor_outbox_depth\{status="sending"\} \d+$/m);

    const a = await createTenantWithRows(db.admin); // one pending row, due now
    const b = await createTenantWithRows(db.admin);
    await db.admin.query(
      "update channel_outbox set next_attempt_at = now() - interval '90 seconds' where id = $1",
      [a.outboxId],
    );
    await db.admin.query(
      `update channel_outbox set status = 'sending', locked_at = now(), claim_token = gen_random_uuid()
       where id = $1`,
      [b.outboxId],
    );
    const message = await createMessage(db.admin, b.tenantId, b.linkId);
    const sentId = await createOutboxRow(db.admin, b.tenantId, b.linkId, message);
    await db.admin.query(
      "update channel_outbox set status = 'sent', sent_at = now() where id = $1",
      [sentId],
    );
    const truth = await db.admin.query<{ status: string; n: number }>(
      "select status, count(*)::int as n from channel_outbox group by status",
    );
    const expected = (status: string) => truth.rows.find((row) => row.status === status)?.n ?? 0;
    expect(expected("pending")).toBeGreaterThanOrEqual(1);
    expect(expected("sending")).toBe(1);
    text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      new RegExp(`^valinor_outbox_depth\\{status="pending"\\} ${expected("pending")}$`, "m"),
    );
    expect(text).toMatch(/^valinor_outbox_depth\{status="sending"\} 1$/m);
    expect(text).not.toContain('status="sent"');
    const age = Number(text.match(/^valinor_outbox_oldest_pending_age_seconds (\S+)/m)?.[1]);
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(600);
  });
});

describe("http app: logging", () => {
  it("never logs message text or secrets", async () => {
    const tenantId = (await createTenantWithRows(db.admin)).tenantId;
    const linkId = await createLink(db.admin, tenantId, { inboundSecret: secretBox.seal(secret) });
    const replies = makeCountingExecutor(
      async (): Promise<ExecutorDecision> => ({ decision: "executed", reply: "reply-text-xyzzy" }),
    );
    const server = await start({ executor: replies.executor });
    const body = messageBody("private-text-plugh");
    const headers = signed(`msg_${randomUUID()}`, body);
    const response = await fetch(`${server.url}/webhooks/webhook/${linkId}?token=query-secret`, {
      method: "POST",
      headers,
      body,
    });
    expect(response.status).toBe(200);
    const logged = JSON.stringify(logLines);
    expect(logged).toContain("reply enqueued");
    for (const needle of ["private-text-plugh", "reply-text-xyzzy", secret, "query-secret"]) {
      expect(logged).not.toContain(needle);
    }
    expect(logged).not.toContain(headers["webhook-signature"]);
  });
});

describe("http server: graceful shutdown", () => {
  it("finishes an in-flight request, then stops accepting and resolves", async () => {
    const tenantId = (await createTenantWithRows(db.admin)).tenantId;
    const linkId = await createLink(db.admin, tenantId, { inboundSecret: secretBox.seal(secret) });
    let release: () => void = () => {};
    let entered: () => void = () => {};
    const inAgent = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow = makeCountingExecutor(async (): Promise<ExecutorDecision> => {
      entered();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { decision: "executed", reply: "late" };
    });
    const server = await start({ executor: slow.executor });
    const body = messageBody("t");
    const inFlight = fetch(`${server.url}/webhooks/webhook/${linkId}`, {
      method: "POST",
      headers: signed(`msg_${randomUUID()}`, body),
      body,
    });
    await inAgent;
    let closed = false;
    const closeStarted = Date.now();
    const closing = server.close().then(() => {
      closed = true;
    });
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(closed).toBe(false);
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    await closing;
    expect(closed).toBe(true);
    // Well under the 10 s drain timeout: the keep-alive connection closed when its response ended.
    expect(Date.now() - closeStarted).toBeLessThan(3_000);
  });
});
