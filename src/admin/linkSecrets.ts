import { z } from "zod";
import type { SecretBox } from "../crypto/secretBox.ts";
import type { ProviderName } from "../providers/providerName.ts";

/**
 * What each provider keeps in `channel_links.inbound_secret` and `outbound_credentials`.
 * Both columns hold `SecretBox.seal(plaintext)`; the plaintext is:
 *
 * | provider | inbound_secret plaintext                          | outbound_credentials plaintext |
 * |----------|---------------------------------------------------|--------------------------------|
 * | webhook  | the `whsec_<base64>` signing secret               | the same `whsec_` string       |
 * | slack    | the app's signing secret                          | the bot token (`xoxb-…`)       |
 * | telegram | the `secret_token` given to setWebhook            | the bot token (`123:ABC…`)     |
 * | whatsapp | JSON `{"appSecret":"…","verifyToken":"…"}`        | the access token               |
 *
 * So every outbound credential is one string (what `OutboundLink.credentials` carries), and
 * only WhatsApp needs two inbound values (the POST signature key and the GET handshake token).
 */
export interface InboundSecrets {
  readonly webhook: { readonly signingSecret: string };
  readonly slack: { readonly signingSecret: string };
  readonly telegram: { readonly secretToken: string };
  readonly whatsapp: { readonly appSecret: string; readonly verifyToken: string };
}

export interface OutboundCredentials {
  readonly webhook: { readonly signingSecret: string };
  readonly slack: { readonly botToken: string };
  readonly telegram: { readonly botToken: string };
  readonly whatsapp: { readonly accessToken: string };
}

export interface LinkSecrets<P extends ProviderName> {
  readonly inbound: InboundSecrets[P];
  readonly outbound: OutboundCredentials[P];
}

/** The two column values, both sealed. */
export interface SealedLinkSecrets {
  readonly inboundSecret: string;
  readonly outboundCredentials: string;
}

const whatsappInbound = z.object({ appSecret: z.string().min(1), verifyToken: z.string().min(1) });

function inboundPlaintext<P extends ProviderName>(provider: P, inbound: InboundSecrets[P]): string {
  const value = inbound as InboundSecrets[ProviderName];
  if (provider === "whatsapp") {
    const { appSecret, verifyToken } = value as InboundSecrets["whatsapp"];
    return JSON.stringify({ appSecret, verifyToken });
  }
  if (provider === "telegram") return (value as InboundSecrets["telegram"]).secretToken;
  return (value as InboundSecrets["webhook" | "slack"]).signingSecret;
}

function outboundPlaintext<P extends ProviderName>(
  provider: P,
  outbound: OutboundCredentials[P],
): string {
  const value = outbound as OutboundCredentials[ProviderName];
  if (provider === "webhook") return (value as OutboundCredentials["webhook"]).signingSecret;
  if (provider === "whatsapp") return (value as OutboundCredentials["whatsapp"]).accessToken;
  return (value as OutboundCredentials["slack" | "telegram"]).botToken;
}

/** Decrypts `channel_links.inbound_secret` (what resolve_channel_link returns). */
export function openInboundSecret<P extends ProviderName>(
  box: SecretBox,
  provider: P,
  sealed: string,
): InboundSecrets[P] {
  const plaintext = box.open(sealed);
  let value: InboundSecrets[ProviderName];
  if (provider === "whatsapp") value = whatsappInbound.parse(JSON.parse(plaintext));
  else if (provider === "telegram") value = { secretToken: plaintext };
  else value = { signingSecret: plaintext };
  return value as InboundSecrets[P];
}

/** Decrypts `channel_links.outbound_credentials`. */
export function openOutboundCredentials<P extends ProviderName>(
  box: SecretBox,
  provider: P,
  sealed: string,
): OutboundCredentials[P] {
  const plaintext = box.open(sealed);
  let value: OutboundCredentials[ProviderName];
  if (provider === "webhook") value = { signingSecret: plaintext };
  else if (provider === "whatsapp") value = { accessToken: plaintext };
  else value = { botToken: plaintext };
  return value as OutboundCredentials[P];
}

export function sealLinkSecrets<P extends ProviderName>(
  box: SecretBox,
  provider: P,
  secrets: LinkSecrets<P>,
): SealedLinkSecrets {
  return {
    inboundSecret: box.seal(inboundPlaintext(provider, secrets.inbound)),
    outboundCredentials: box.seal(outboundPlaintext(provider, secrets.outbound)),
  };
}

export function openLinkSecrets<P extends ProviderName>(
  box: SecretBox,
  provider: P,
  sealed: SealedLinkSecrets,
): LinkSecrets<P> {
  return {
    inbound: openInboundSecret(box, provider, sealed.inboundSecret),
    outbound: openOutboundCredentials(box, provider, sealed.outboundCredentials),
  };
}
