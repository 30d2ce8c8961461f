import { randomBytes } from "node:crypto";
import type pg from "pg";
import { sealLinkSecrets } from "../../src/admin/linkSecrets.ts";
import { makeSecretBox } from "../../src/crypto/secretBox.ts";
import type { ProviderName } from "../../src/providers/providerName.ts";
import type { SeededRandom } from "./seededRandom.ts";

/** Everything the driver and the checks need to know about one link, secrets in plaintext. */
export interface FaultLink {
  readonly id: string;
  readonly tenantId: string;
  readonly provider: ProviderName;
  readonly externalAccountId: string | null;
  /** webhook/slack: signing secret; telegram: secret token; whatsapp: app secret. */
  readonly inboundSecret: string;
  /** What its outbound requests must carry (webhook: the signing secret). */
  readonly outboundCredential: string;
  readonly conversations: readonly string[];
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const digits = (random: SeededRandom, length: number) =>
  Array.from({ length }, (_, i) => String(random.int(i === 0 ? 1 : 0, 9))).join("");

function linkMaterial(provider: ProviderName, random: SeededRandom) {
  switch (provider) {
    case "webhook": {
      const secret = `whsec_${randomBytes(24).toString("base64")}`;
      return {
        external: null,
        inbound: secret,
        outbound: secret,
        conversation: () => `conv-${hex(4)}`,
      };
    }
    case "slack":
      return {
        external: `T${hex(4).toUpperCase()}`,
        inbound: hex(16),
        outbound: `xoxb-${hex(12)}`,
        conversation: () => `C${hex(5).toUpperCase()}`,
      };
    case "telegram": {
      const botId = digits(random, 9);
      return {
        external: botId,
        inbound: randomBytes(24).toString("base64url"),
        outbound: `${botId}:${randomBytes(18).toString("base64url")}`,
        conversation: () => `-100${digits(random, 10)}`,
      };
    }
    case "whatsapp":
      return {
        external: digits(random, 15),
        inbound: hex(16),
        outbound: `EAAG${hex(16)}`,
        conversation: () => `1555${digits(random, 7)}`,
      };
  }
}

function sealedSecrets(
  box: ReturnType<typeof makeSecretBox>,
  provider: ProviderName,
  inbound: string,
  outbound: string,
) {
  switch (provider) {
    case "webhook":
      return sealLinkSecrets(box, "webhook", {
        inbound: { signingSecret: inbound },
        outbound: { signingSecret: outbound },
      });
    case "slack":
      return sealLinkSecrets(box, "slack", {
        inbound: { signingSecret: inbound },
        outbound: { botToken: outbound },
      });
    case "telegram":
      return sealLinkSecrets(box, "telegram", {
        inbound: { secretToken: inbound },
        outbound: { botToken: outbound },
      });
    case "whatsapp":
      return sealLinkSecrets(box, "whatsapp", {
        inbound: { appSecret: inbound, verifyToken: hex(8) },
        outbound: { accessToken: outbound },
      });
  }
}

/**
 * `tenantCount` tenants, each with one link per provider in `providers`, secrets unique per link
 * (so a receipt's credentials name exactly one link), pointed at the fakes. Created as the
 * superuser: fixtures, not code under test.
 */
export async function createFaultTenants(
  admin: pg.Pool,
  input: {
    secretsKey: string;
    tenantCount: number;
    providers: readonly ProviderName[];
    baseUrls: Readonly<Record<ProviderName, string>>;
    conversationsPerLink: number;
    random: SeededRandom;
    label: string;
    /** Extra link settings (agentUrl for the slow-agent scenario). */
    settings?: Record<string, unknown>;
  },
): Promise<FaultLink[]> {
  const box = makeSecretBox(input.secretsKey);
  const links: FaultLink[] = [];
  for (let t = 0; t < input.tenantCount; t += 1) {
    const { rows } = await admin.query<{ id: string }>(
      "insert into public.tenants (name) values ($1) returning id",
      [`${input.label}-${t}`],
    );
    const tenantId = rows[0]!.id;
    for (const provider of input.providers) {
      const material = linkMaterial(provider, input.random);
      const sealed = sealedSecrets(box, provider, material.inbound, material.outbound);
      const base = input.baseUrls[provider];
      const settings = {
        agent: "echo",
        ...(provider === "webhook" ? { url: `${base}/hooks/${tenantId}` } : { apiBaseUrl: base }),
        ...(provider === "whatsapp" ? { apiVersion: "v21.0" } : {}),
        ...input.settings,
      };
      const link = await admin.query<{ id: string }>(
        `insert into public.channel_links
           (tenant_id, provider, name, external_account_id, inbound_secret, outbound_credentials, settings)
         values ($1, $2, $3, $4, $5, $6, $7) returning id`,
        [
          tenantId,
          provider,
          `${input.label}-${t}-${provider}`,
          material.external,
          sealed.inboundSecret,
          sealed.outboundCredentials,
          settings,
        ],
      );
      links.push({
        id: link.rows[0]!.id,
        tenantId,
        provider,
        externalAccountId: material.external,
        inboundSecret: material.inbound,
        outboundCredential: material.outbound,
        conversations: Array.from({ length: input.conversationsPerLink }, material.conversation),
      });
    }
  }
  return links;
}
