import type { ProviderName } from "./providerName.ts";

/** A link as an adapter needs it: where to send, and with which (decrypted) credentials. */
export interface OutboundLink {
  readonly id: string;
  readonly tenantId: string;
  readonly externalAccountId: string | null;
  /** Decrypted outbound credentials (token, signing secret…); never logged. */
  readonly credentials: string | null;
  /** Link settings, e.g. `apiBaseUrl`, `url`. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface OutboundMessage {
  readonly outboxId: string;
  readonly tenantId: string;
  readonly provider: ProviderName;
  readonly conversationId: string;
  readonly threadRef: string | null;
  readonly content: string;
  readonly partIndex: number;
  readonly attempt: number;
  readonly link: OutboundLink;
}

export interface SendOptions {
  /** Aborts on the send timeout and on worker shutdown. */
  readonly signal: AbortSignal;
}

/** One provider's outbound half: send, or throw a classed DeliveryError. */
export interface ProviderAdapter {
  readonly provider: ProviderName;
  send(message: OutboundMessage, options: SendOptions): Promise<{ providerMessageId: string }>;
}
