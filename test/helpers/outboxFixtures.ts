import { randomBytes } from "node:crypto";
import { type Config, type Env, loadConfig } from "../../src/config/config.ts";
import { makeSecretBox } from "../../src/crypto/secretBox.ts";
import { withTenant } from "../../src/db/withTenant.ts";
import { enqueueOutbound } from "../../src/outbox/enqueueOutbound.ts";
import { createLink, createMessage, createTenant } from "./fixtures.ts";
import type { TestDatabase } from "./testDatabase.ts";

export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString("base64");
export const secretBox = makeSecretBox(TEST_SECRETS_KEY);

export function testConfig(db: TestDatabase, env: Env = {}): Config {
  return loadConfig({
    DATABASE_URL: db.ownerUrl,
    APP_DATABASE_URL: db.appUrl,
    SECRETS_KEY: TEST_SECRETS_KEY,
    LOG_LEVEL: "silent",
    OUTBOX_BASE_DELAY_MS: "1000",
    OUTBOX_MAX_DELAY_MS: "60000",
    ...env,
  });
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** A tenant with an active `webhook` link that delivers to `receiverUrl`. */
export async function createWebhookTenant(db: TestDatabase, receiverUrl: string) {
  const tenantId = await createTenant(db.admin);
  const secret = newWebhookSecret();
  const linkId = await createLink(db.admin, tenantId, {
    provider: "webhook",
    inboundSecret: secretBox.seal(secret),
    outboundCredentials: secretBox.seal(secret),
    settings: { url: `${receiverUrl}/hooks` },
  });
  return { tenantId, linkId, secret };
}

/** Records an executed message and enqueues its reply the way the app does (app role, one transaction). */
export async function enqueueReply(
  db: TestDatabase,
  tenant: { tenantId: string; linkId: string },
  parts: string[] = ["hello back"],
  maxAttempts = 3,
) {
  const messageId = await createMessage(db.admin, tenant.tenantId, tenant.linkId);
  const { outboxIds } = await withTenant(db.pools.app, tenant.tenantId, (client) =>
    enqueueOutbound(client, {
      tenantId: tenant.tenantId,
      channelMessageId: messageId,
      channelLinkId: tenant.linkId,
      provider: "webhook",
      conversationId: "conversation-1",
      parts,
      maxAttempts,
    }),
  );
  return { messageId, outboxId: outboxIds[0]!, outboxIds };
}

/** `count` one-part replies on the tenant's link, enqueued one after another; their outbox ids. */
export async function enqueueReplies(
  db: TestDatabase,
  tenant: { tenantId: string; linkId: string },
  count: number,
) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await enqueueReply(db, tenant, [`reply ${i}`])).outboxId);
  }
  return ids;
}

export async function outboxRow(db: TestDatabase, outboxId: string) {
  const { rows } = await db.admin.query("select * from channel_outbox where id = $1", [outboxId]);
  return rows[0];
}

export async function attemptsOf(db: TestDatabase, outboxId: string) {
  const { rows } = await db.admin.query(
    "select * from channel_outbox_attempts where outbox_id = $1 order by id",
    [outboxId],
  );
  return rows;
}

export async function jobsFor(db: TestDatabase, outboxId: string) {
  const { rows } = await db.admin.query(
    "select id, run_at, locked_at, attempts from graphile_worker.jobs where key = $1",
    [`sendOutbound:${outboxId}`],
  );
  return rows;
}
