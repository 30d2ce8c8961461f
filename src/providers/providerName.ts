export const providerNames = ["slack", "telegram", "whatsapp", "webhook"] as const;
export type ProviderName = (typeof providerNames)[number];

export function isProviderName(value: string): value is ProviderName {
  return (providerNames as readonly string[]).includes(value);
}
