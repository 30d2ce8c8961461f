import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { SecretBox } from "../src/crypto/secretBox.ts";
import { makePool } from "../src/db/pools.ts";
import { withTenant } from "../src/db/withTenant.ts";
import { enqueueOutbound } from "../src/outbox/enqueueOutbound.ts";
import type { BenchDatabase } from "./benchDatabase.ts";

export interface BenchTenant {
  readonly tenantId: string;
  readonly linkId: string;
  /** The link's Standard Webhooks secret (inbound and outbound). */
  readonly secret: string;
}

/** Tenants with one active `webhook` link each: echo agent, replies to `receiverUrl`. */
export async function createBenchTenants(
  admin: pg.Pool,
  secretBox: SecretBox,
  count: number,
  receiverUrl: string,
): Promise<BenchTenant[]> {
  const tenants: BenchTenant[] = [];
  for (let i = 0; i < count; i += 1) {
    const secret = `whsec_${randomBytes(24).toString("base64")}`;
    const { rows } = await admin.query<{ tenant_id: string; link_id: string }>(
      `with t as (insert into tenants (name) values ($1) returning id)
       insert into channel_links (tenant_id, provider, inbound_secret, outbound_credentials, settings)
       select t.id, 'webhook', $2, $2, $3 from t
       returning tenant_id, id as link_id`,
      [`bench-${i}`, secretBox.seal(secret), { url: `${receiverUrl}/hooks`, agent: "echo" }],
    );
    tenants.push({ tenantId: rows[0]!.tenant_id, linkId: rows[0]!.link_id, secret });
  }
  return tenants;
}

/**
 * `total` replies spread evenly over the tenants, enqueued the way the app does it:
 * enqueueOutbound on the app role inside the tenant's transaction (messages are bulk-inserted
 * as the superuser first), over a pool of its own, one connection per tenant. Reply i carries
 * the text `${prefix}${i}`.
 */
export async function enqueueBenchReplies(
  db: BenchDatabase,
  tenants: readonly BenchTenant[],
  total: number,
  prefix = "bench reply ",
): Promise<void> {
  const app = makePool(db.appUrl, tenants.length);
  try {
    await enqueueOver(db.admin, app, tenants, total, prefix);
  } finally {
    await app.end();
  }
}

async function enqueueOver(
  admin: pg.Pool,
  app: pg.Pool,
  tenants: readonly BenchTenant[],
  total: number,
  prefix: string,
): Promise<void> {
  const perTenant = Math.ceil(total / tenants.length);
  await Promise.all(
    tenants.map(async (tenant, t) => {
      const first = t * perTenant;
      const count = Math.max(0, Math.min(perTenant, total - first));
      if (count === 0) return;
      const { rows } = await admin.query<{ id: string; n: number }>(
        `insert into channel_messages
           (tenant_id, channel_link_id, external_message_id, conversation_id, sender_id, text, status)
         select $1, $2, 'bench-' || $4::text || '-' || g, 'conversation-' || (g % 50), 'sender',
                'hello', 'executed'
         from generate_series($3::int, $3::int + $5::int - 1) g
         returning id, (substring(external_message_id from '[0-9]+$'))::int as n`,
        [tenant.tenantId, tenant.linkId, first, randomBytes(4).toString("hex"), count],
      );
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await withTenant(app, tenant.tenantId, async (client) => {
          for (const row of chunk) {
            await enqueueOutbound(client, {
              tenantId: tenant.tenantId,
              channelMessageId: row.id,
              channelLinkId: tenant.linkId,
              provider: "webhook",
              conversationId: `conversation-${row.n % 50}`,
              parts: [`${prefix}${row.n}`],
              maxAttempts: 10,
            });
          }
        });
      }
    }),
  );
}

/**
 * `total` historical replies, `sent` between 60 and 1 days ago, with their messages and one
 * `sent` attempt each, bulk-inserted as the superuser (foreign-key triggers off: the rows are
 * consistent by construction).
 */
export async function insertHistory(
  admin: pg.Pool,
  tenants: readonly BenchTenant[],
  total: number,
): Promise<void> {
  const perTenant = Math.ceil(total / tenants.length);
  for (const tenant of tenants) {
    const client = await admin.connect();
    try {
      await client.query("begin");
      await client.query("set local session_replication_role = replica");
      await client.query(
        `with m as (
           insert into channel_messages
             (tenant_id, channel_link_id, external_message_id, conversation_id, sender_id, text,
              status, received_at, decided_at)
           select $1, $2, 'history-' || g, 'conversation-' || (g % 1000), 'sender',
                  'a historical message', 'executed', at, at
           from (select g, now() - interval '60 days' + (g::double precision / $3) * interval '59 days' as at
                 from generate_series(1, $3::int) g) s
           returning id, received_at
         ), o as (
           insert into channel_outbox
             (tenant_id, channel_message_id, channel_link_id, provider, conversation_id, content,
              status, attempt_count, max_attempts, next_attempt_at, sent_at, provider_message_id,
              created_at, updated_at)
           select $1, m.id, $2, 'webhook', 'conversation', 'a historical reply', 'sent', 1, 10,
                  m.received_at, m.received_at + interval '50 ms', 'provider-message',
                  m.received_at, m.received_at + interval '50 ms'
           from m
           returning id, sent_at
         )
         insert into channel_outbox_attempts
           (tenant_id, outbox_id, attempt_number, started_at, finished_at, outcome, duration_ms)
         select $1, o.id, 1, o.sent_at - interval '40 ms', o.sent_at, 'sent', 40 from o`,
        [tenant.tenantId, tenant.linkId, perTenant],
      );
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  await admin.query("vacuum analyze");
  // Write the bulk load out now, so its checkpoint does not land inside the next measurement.
  await admin.query("checkpoint");
}
