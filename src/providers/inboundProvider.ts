import type { ProviderName } from "./providerName.ts";
import { makeSlackInboundProvider } from "./slack/slackInboundProvider.ts";
import { makeTelegramInboundProvider } from "./telegram/telegramInboundProvider.ts";
import { makeInboundWebhookProvider } from "./webhook/inboundWebhookProvider.ts";
import { makeWhatsAppInboundProvider } from "./whatsapp/whatsappInboundProvider.ts";

/**
 * The inbound half of a provider: verify a raw request against the link's secret, then parse
 * it. The webhook route knows nothing provider-specific; Slack, Telegram and WhatsApp plug in
 * by implementing this interface and joining the registry.
 */

/** A channel link as resolved (cross-tenant) for an inbound request, its secret decrypted. */
export interface InboundLink {
  readonly id: string;
  readonly tenantId: string;
  readonly provider: ProviderName;
  readonly externalAccountId: string | null;
  /** Decrypted inbound verification secret; never logged. */
  readonly inboundSecret: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly status: "active" | "paused" | "disabled";
}

export interface InboundRequest {
  readonly method: "GET" | "POST";
  /** Lower-cased header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The exact bytes received: signatures are computed over these, never over re-serialised JSON. */
  readonly rawBody: Buffer;
}

export interface NormalizedMessage {
  /** The provider's id for this delivery or message: the dedupe key, unique per link. */
  readonly externalMessageId: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly threadRef?: string | undefined;
  readonly text: string;
}

export interface HandshakeAnswer {
  readonly kind: "handshake";
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

export type InboundEvent =
  /** An array because some providers (WhatsApp) batch several messages in one request. */
  | { readonly kind: "messages"; readonly messages: readonly NormalizedMessage[] }
  | HandshakeAnswer
  /** A well-formed event that is not a message (reactions, receipts, other types). */
  | { readonly kind: "ignore" }
  /** Signed correctly but not a body this provider understands: answered 400. */
  | { readonly kind: "malformed"; readonly reason: string };

export type InboundVerification =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string };

export interface InboundProvider {
  readonly provider: ProviderName;
  /** A larger body limit than HTTP_BODY_LIMIT_BYTES, for providers that batch (WhatsApp: 3 MB). */
  readonly maxBodyBytes?: number;
  /** Media types a POST may carry (checked before the body is read). */
  readonly contentTypes: readonly string[];
  /** Constant-time signature check with the provider's replay window. Must not throw. */
  verify(request: InboundRequest, link: InboundLink, now: Date): InboundVerification;
  /** Runs only after `verify` succeeded. */
  parse(request: InboundRequest, link: InboundLink): InboundEvent;
  /** GET handshakes (WhatsApp `hub.challenge`): verify and answer in one step. Absent: 404. */
  answerGet?(
    request: InboundRequest,
    link: InboundLink,
    now: Date,
  ):
    | { readonly ok: true; readonly answer: HandshakeAnswer }
    | { readonly ok: false; readonly reason: string };
}

export type InboundProviderRegistry = (provider: string) => InboundProvider | undefined;

export function makeInboundProviderRegistry(
  providers: readonly InboundProvider[] = defaultInboundProviders(),
): InboundProviderRegistry {
  const byName = new Map<string, InboundProvider>(providers.map((p) => [p.provider, p]));
  return (provider) => byName.get(provider);
}

/** Every provider with an inbound half today; Slack, Telegram and WhatsApp join here. */
export function defaultInboundProviders(): InboundProvider[] {
  return [
    makeInboundWebhookProvider(),
    makeSlackInboundProvider(),
    makeTelegramInboundProvider(),
    makeWhatsAppInboundProvider(),
  ];
}
