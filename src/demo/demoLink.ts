import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Pool } from "pg";
import { createLink } from "../admin/createLink.ts";
import { createTenant } from "../admin/tenants.ts";
import type { SecretBox } from "../crypto/secretBox.ts";
import { withTenant } from "../db/withTenant.ts";

/** What the demo needs to send a signed message: kept beside the embedded cluster. */
export interface DemoLink {
  readonly tenantId: string;
  readonly linkId: string;
  readonly webhookUrl: string;
  /** The link's `whsec_` secret (signs inbound test messages, verifies outbound replies). */
  readonly secret: string;
}

/**
 * Creates the demo tenant and its `webhook` link once: replies go to the demo receiver, the
 * agent is the echo executor (the default when AGENT_URL is unset). Later starts reuse it.
 */
export async function ensureDemoLink(
  pool: Pool,
  box: SecretBox,
  options: { stateFile: string; publicUrl: string; receiverUrl: string },
): Promise<DemoLink> {
  const existing = readDemoLink(options.stateFile);
  if (existing) {
    // The receiver's port follows PORT: point the link at where it listens now.
    const updated = await withTenant(pool, existing.tenantId, (client) =>
      client.query(
        "update public.channel_links set settings = jsonb_set(settings, '{url}', to_jsonb($2::text)) where id = $1",
        [existing.linkId, options.receiverUrl],
      ),
    );
    if (updated.rowCount) return existing;
  }
  const tenant = await createTenant(pool, "demo");
  const created = await createLink(pool, box, {
    tenantId: tenant.id,
    input: { provider: "webhook", name: "demo", url: options.receiverUrl },
    publicUrl: options.publicUrl,
  });
  const secret = created.secrets.signingSecret;
  if (!secret) throw new Error("the webhook link was created without a secret");
  const demo: DemoLink = {
    tenantId: tenant.id,
    linkId: created.link.id,
    webhookUrl: created.webhookUrl,
    secret,
  };
  writeFileSync(options.stateFile, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}

export function readDemoLink(stateFile: string): DemoLink | undefined {
  return existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, "utf8")) as DemoLink)
    : undefined;
}
