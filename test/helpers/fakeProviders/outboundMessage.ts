import type { OutboundLink, OutboundMessage } from "../../../src/providers/providerAdapter.ts";
import type { ProviderName } from "../../../src/providers/providerName.ts";

/** An OutboundMessage for calling an adapter directly, pointed at a fake provider. */
export function outboundMessage(
  provider: ProviderName,
  overrides: Partial<Omit<OutboundMessage, "link">> & { link?: Partial<OutboundLink> } = {},
): OutboundMessage {
  const { link, ...message } = overrides;
  return {
    outboxId: "00000000-0000-4000-8000-00000000000b",
    tenantId: "00000000-0000-4000-8000-00000000000a",
    provider,
    conversationId: "C0123",
    threadRef: null,
    content: "hello from valinor",
    partIndex: 0,
    attempt: 1,
    ...message,
    link: {
      id: "00000000-0000-4000-8000-00000000000c",
      tenantId: "00000000-0000-4000-8000-00000000000a",
      externalAccountId: null,
      credentials: "test-token",
      settings: {},
      ...link,
    },
  };
}
