import { randomUUID } from "node:crypto";
import type pg from "pg";

/** Fixture rows written as the superuser (RLS does not apply): set-up only, never the code under test. */

export async function createTenant(admin: pg.Pool, name = `tenant-${randomUUID().slice(0, 8)}`) {
  const { rows } = await admin.query<{ id: string }>(
    "insert into tenants (name) values ($1) returning id",
    [name],
  );
  return rows[0]!.id;
}

export async function createLink(
  admin: pg.Pool,
  tenantId: string,
  fields: {
    provider?: string;
    inboundSecret?: string;
    outboundCredentials?: string | null;
    settings?: Record<string, unknown>;
    status?: string;
  } = {},
) {
  const { rows } = await admin.query<{ id: string }>(
    `insert into channel_links (tenant_id, provider, inbound_secret, outbound_credentials, settings, status)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [
      tenantId,
      fields.provider ?? "webhook",
      fields.inboundSecret ?? "sealed-secret",
      fields.outboundCredentials ?? null,
      fields.settings ?? {},
      fields.status ?? "active",
    ],
  );
  return rows[0]!.id;
}

export async function createMessage(
  admin: pg.Pool,
  tenantId: string,
  linkId: string,
  fields: { externalMessageId?: string; status?: string; text?: string } = {},
) {
  const { rows } = await admin.query<{ id: string }>(
    `insert into channel_messages
       (tenant_id, channel_link_id, external_message_id, conversation_id, sender_id, text, status)
     values ($1, $2, $3, 'conversation-1', 'sender-1', $4, $5) returning id`,
    [
      tenantId,
      linkId,
      fields.externalMessageId ?? randomUUID(),
      fields.text ?? "hello",
      fields.status ?? "executed",
    ],
  );
  return rows[0]!.id;
}

export async function createOutboxRow(
  admin: pg.Pool,
  tenantId: string,
  linkId: string,
  messageId: string,
  fields: { status?: string; content?: string; maxAttempts?: number } = {},
) {
  const { rows } = await admin.query<{ id: string }>(
    `insert into channel_outbox
       (tenant_id, channel_message_id, channel_link_id, provider, conversation_id, content, status, max_attempts)
     values ($1, $2, $3, 'webhook', 'conversation-1', $4, $5, $6) returning id`,
    [
      tenantId,
      messageId,
      linkId,
      fields.content ?? "reply",
      fields.status ?? "pending",
      fields.maxAttempts ?? 5,
    ],
  );
  return rows[0]!.id;
}

export async function createAttempt(admin: pg.Pool, tenantId: string, outboxId: string) {
  await admin.query(
    `insert into channel_outbox_attempts (tenant_id, outbox_id, attempt_number, started_at, outcome, error_class)
     values ($1, $2, 1, now(), 'retry', 'transient')`,
    [tenantId, outboxId],
  );
}

/** A tenant with one row in every tenant table. */
export async function createTenantWithRows(admin: pg.Pool) {
  const tenantId = await createTenant(admin);
  const linkId = await createLink(admin, tenantId);
  const messageId = await createMessage(admin, tenantId, linkId);
  const outboxId = await createOutboxRow(admin, tenantId, linkId, messageId);
  await createAttempt(admin, tenantId, outboxId);
  return { tenantId, linkId, messageId, outboxId };
}
