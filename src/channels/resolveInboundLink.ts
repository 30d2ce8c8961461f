import type { Pool } from "pg";
import type { SecretBox } from "../crypto/secretBox.ts";
import type { InboundLink } from "../providers/inboundProvider.ts";
import { isProviderName } from "../providers/providerName.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface LinkRow {
  id: string;
  tenant_id: string;
  provider: string;
  external_account_id: string | null;
  inbound_secret: string;
  settings: Record<string, unknown> | null;
  status: string;
}

/**
 * The link an inbound request names, before its tenant is known: through the narrow
 * SECURITY DEFINER lookup, never a cross-tenant read by the app role. Unknown and disabled
 * links are both `undefined` (answered 404); a paused link still accepts inbound, since
 * pausing is about outbound delivery.
 */
export async function resolveInboundLink(
  pool: Pool,
  secretBox: SecretBox,
  provider: string,
  linkId: string,
): Promise<InboundLink | undefined> {
  if (!isProviderName(provider) || !uuidPattern.test(linkId)) return undefined;
  const { rows } = await pool.query<LinkRow>("select * from public.resolve_channel_link($1, $2)", [
    provider,
    linkId,
  ]);
  const row = rows[0];
  if (!row || row.status === "disabled" || !isProviderName(row.provider)) return undefined;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    provider: row.provider,
    externalAccountId: row.external_account_id,
    // Throws on a secret sealed with another key: a server fault (500), not the caller's.
    inboundSecret: secretBox.open(row.inbound_secret),
    settings: row.settings ?? {},
    status: row.status === "paused" ? "paused" : "active",
  };
}
