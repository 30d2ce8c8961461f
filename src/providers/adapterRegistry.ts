import type { ProviderAdapter } from "./providerAdapter.ts";
import type { ProviderName } from "./providerName.ts";
import { makeSlackAdapter } from "./slack/slackAdapter.ts";
import { makeTelegramAdapter } from "./telegram/telegramAdapter.ts";
import { makeWebhookAdapter } from "./webhook/webhookAdapter.ts";
import { makeWhatsAppAdapter } from "./whatsapp/whatsappAdapter.ts";

export type AdapterRegistry = (provider: ProviderName) => ProviderAdapter;

/** Maps provider names to adapters; a provider without an adapter is a configuration error. */
export function makeAdapterRegistry(
  adapters: readonly ProviderAdapter[] = defaultAdapters(),
): AdapterRegistry {
  const byName = new Map(adapters.map((adapter) => [adapter.provider, adapter]));
  return (provider) => {
    const adapter = byName.get(provider);
    if (!adapter) throw new Error(`no outbound adapter for provider "${provider}"`);
    return adapter;
  };
}

export function defaultAdapters(): ProviderAdapter[] {
  return [makeWebhookAdapter(), makeSlackAdapter(), makeTelegramAdapter(), makeWhatsAppAdapter()];
}
