import type pg from "pg";
import type { ProviderName } from "../../src/providers/providerName.ts";
import { createLink, createTenant } from "./fixtures.ts";
import { secretBox } from "./outboxFixtures.ts";

/**
 * A tenant with an active Slack, Telegram or WhatsApp link, secrets sealed with the tests'
 * SECRETS_KEY. `inboundSecret` is the plaintext (for WhatsApp the JSON of
 * `{ appSecret, verifyToken }`); `apiBaseUrl` points outbound sends at a fake provider.
 */
export async function createProviderLink(
  admin: pg.Pool,
  input: {
    provider: ProviderName;
    inboundSecret: string;
    externalAccountId?: string | null;
    token?: string;
    apiBaseUrl?: string;
    settings?: Record<string, unknown>;
    tenantId?: string;
  },
): Promise<{ tenantId: string; linkId: string }> {
  const tenantId = input.tenantId ?? (await createTenant(admin));
  const linkId = await createLink(admin, tenantId, {
    provider: input.provider,
    inboundSecret: secretBox.seal(input.inboundSecret),
    outboundCredentials: secretBox.seal(input.token ?? "test-token"),
    settings: {
      ...(input.apiBaseUrl === undefined ? {} : { apiBaseUrl: input.apiBaseUrl }),
      ...input.settings,
    },
  });
  if (input.externalAccountId !== null) {
    await admin.query("update channel_links set external_account_id = $2 where id = $1", [
      linkId,
      input.externalAccountId ?? defaultExternalAccountId[input.provider],
    ]);
  }
  return { tenantId, linkId };
}

export const defaultExternalAccountId: Readonly<Record<ProviderName, string | null>> = {
  slack: "T0001",
  telegram: "123456789",
  whatsapp: "106540352242922",
  webhook: null,
};
