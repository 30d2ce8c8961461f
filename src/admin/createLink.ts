import type { Pool } from "pg";
import type { SecretBox } from "../crypto/secretBox.ts";
import { withTenant } from "../db/withTenant.ts";
import { sealLinkSecrets } from "./linkSecrets.ts";
import { linkSetupInstructions } from "./linkSetupInstructions.ts";
import { buildLinkSpec, type LinkInput } from "./linkSpec.ts";
import { type Link, linkColumns } from "./links.ts";
import { getTenant } from "./tenants.ts";

export interface CreatedLink {
  readonly link: Link;
  /** Where the provider posts: `{publicUrl}/webhooks/{provider}/{linkId}`. */
  readonly webhookUrl: string;
  /** Shown once, here; no other command prints a secret. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly instructions: readonly string[];
}

/** Creates a link with its secrets sealed, and says what to configure at the provider. */
export async function createLink(
  pool: Pool,
  box: SecretBox,
  request: { tenantId: string; input: LinkInput; publicUrl: string },
): Promise<CreatedLink> {
  const spec = buildLinkSpec(request.input);
  const tenant = await getTenant(pool, request.tenantId);
  const sealed = sealLinkSecrets(box, request.input.provider, spec.secrets);
  const link = await withTenant(pool, tenant.id, async (client) => {
    const { rows } = await client.query<Link>(
      `insert into public.channel_links
         (tenant_id, provider, name, external_account_id, inbound_secret, outbound_credentials, settings)
       values ($1, $2, $3, $4, $5, $6, $7) returning ${linkColumns}`,
      [
        tenant.id,
        request.input.provider,
        request.input.name ?? "",
        spec.externalAccountId,
        sealed.inboundSecret,
        sealed.outboundCredentials,
        spec.settings,
      ],
    );
    return rows[0] as Link;
  });
  const webhookUrl = `${request.publicUrl.replace(/\/+$/, "")}/webhooks/${link.provider}/${link.id}`;
  const instructions = linkSetupInstructions({
    provider: link.provider,
    webhookUrl,
    settings: spec.settings,
    shown: spec.shown,
  });
  return { link, webhookUrl, secrets: spec.shown, instructions };
}
