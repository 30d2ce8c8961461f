import { randomBytes } from "node:crypto";
import type { ProviderName } from "../providers/providerName.ts";
import { AdminError } from "./adminError.ts";
import type { LinkSecrets } from "./linkSecrets.ts";

/** What an operator supplies for a new link; which fields matter depends on the provider. */
export interface LinkInput {
  readonly provider: ProviderName;
  readonly name?: string | undefined;
  readonly apiBaseUrl?: string | undefined;
  readonly agentUrl?: string | undefined;
  /** webhook */
  readonly url?: string | undefined;
  readonly secret?: string | undefined;
  /** slack */
  readonly teamId?: string | undefined;
  readonly signingSecret?: string | undefined;
  /** slack, telegram */
  readonly botToken?: string | undefined;
  /** telegram */
  readonly botId?: string | undefined;
  /** whatsapp */
  readonly phoneNumberId?: string | undefined;
  readonly accessToken?: string | undefined;
  readonly appSecret?: string | undefined;
  readonly verifyToken?: string | undefined;
}

/** The row to insert, before sealing, plus the values to show the operator once. */
export interface LinkSpec<P extends ProviderName = ProviderName> {
  readonly externalAccountId: string | null;
  readonly settings: Record<string, string>;
  readonly secrets: LinkSecrets<P>;
  /** Secrets Valinor generated or the operator must paste at the provider: printed once. */
  readonly shown: Record<string, string>;
}

const flagOf: Record<string, string> = {
  url: "--url",
  teamId: "--team-id",
  signingSecret: "--signing-secret",
  botToken: "--bot-token",
  botId: "--bot-id",
  phoneNumberId: "--phone-number-id",
  accessToken: "--access-token",
  appSecret: "--app-secret",
};

function required(input: LinkInput, field: keyof LinkInput): string {
  const value = input[field];
  if (!value) throw new AdminError(`${input.provider} links need ${flagOf[field] ?? field}`);
  return value;
}

function httpUrl(value: string, flag: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new AdminError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new AdminError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Standard Webhooks secret: `whsec_` + base64 of 24 random bytes (the spec allows 24–64). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

function checkWebhookSecret(secret: string): string {
  const body = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : "";
  const bytes = Buffer.from(body, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || bytes.length < 24 || bytes.length > 64) {
    throw new AdminError("--secret must be whsec_ followed by base64 of 24 to 64 bytes");
  }
  return secret;
}

// Telegram allows A-Z, a-z, 0-9, _ and - in secret_token: base64url fits.
const token = (bytes: number) => randomBytes(bytes).toString("base64url");

function telegramBotId(input: LinkInput, botToken: string): string {
  if (input.botId) return input.botId;
  const prefix = botToken.split(":")[0];
  if (!botToken.includes(":") || !prefix || !/^\d+$/.test(prefix)) {
    throw new AdminError("telegram links need --bot-id when --bot-token has no <id>: prefix");
  }
  return prefix;
}

function baseSettings(input: LinkInput): Record<string, string> {
  const settings: Record<string, string> = {};
  if (input.apiBaseUrl) settings.apiBaseUrl = httpUrl(input.apiBaseUrl, "--api-base-url");
  if (input.agentUrl) settings.agentUrl = httpUrl(input.agentUrl, "--agent-url");
  return settings;
}

/** Checks the provider's fields and generates what Valinor generates. */
export function buildLinkSpec(input: LinkInput): LinkSpec {
  const settings = baseSettings(input);
  switch (input.provider) {
    case "webhook": {
      settings.url = httpUrl(required(input, "url"), "--url");
      const secret = input.secret ? checkWebhookSecret(input.secret) : generateWebhookSecret();
      return {
        externalAccountId: null,
        settings,
        secrets: { inbound: { signingSecret: secret }, outbound: { signingSecret: secret } },
        shown: { signingSecret: secret },
      };
    }
    case "slack": {
      const teamId = required(input, "teamId");
      const signingSecret = required(input, "signingSecret");
      const botToken = required(input, "botToken");
      return {
        externalAccountId: teamId,
        settings,
        secrets: { inbound: { signingSecret }, outbound: { botToken } },
        shown: {},
      };
    }
    case "telegram": {
      const botToken = required(input, "botToken");
      const secretToken = token(32);
      return {
        externalAccountId: telegramBotId(input, botToken),
        settings,
        secrets: { inbound: { secretToken }, outbound: { botToken } },
        shown: { secretToken },
      };
    }
    case "whatsapp": {
      const phoneNumberId = required(input, "phoneNumberId");
      const accessToken = required(input, "accessToken");
      const appSecret = required(input, "appSecret");
      const verifyToken = input.verifyToken || token(24);
      return {
        externalAccountId: phoneNumberId,
        settings,
        secrets: { inbound: { appSecret, verifyToken }, outbound: { accessToken } },
        shown: { verifyToken },
      };
    }
  }
}
