import type { ProviderName } from "../providers/providerName.ts";

export interface SetupContext {
  readonly provider: ProviderName;
  readonly webhookUrl: string;
  readonly settings: Readonly<Record<string, string>>;
  /** The secrets shown once (LinkSpec.shown). */
  readonly shown: Readonly<Record<string, string>>;
}

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** What to paste at the provider so it starts posting to the link, one line per step. */
export function linkSetupInstructions(context: SetupContext): string[] {
  const { webhookUrl, settings, shown } = context;
  switch (context.provider) {
    case "webhook":
      return [
        `Senders POST Standard Webhooks-signed JSON to ${webhookUrl}`,
        `  signed with the secret above (headers webhook-id, webhook-timestamp, webhook-signature)`,
        `  body: {"type":"message","conversation_id":"…","sender_id":"…","text":"…","thread_id":"…"?}`,
        `Replies are POSTed to ${settings.url}, signed with the same secret.`,
      ];
    case "slack":
      return [
        "In your Slack app (https://api.slack.com/apps):",
        `  Event Subscriptions → Enable Events → Request URL: ${webhookUrl}`,
        "  Subscribe to bot events: message.channels, message.groups, message.im (and app_mention if wanted)",
        "  OAuth & Permissions → bot scopes: chat:write plus the matching *:history scopes; reinstall the app",
      ];
    case "telegram": {
      const base = settings.apiBaseUrl ?? "https://api.telegram.org";
      const body = JSON.stringify({
        url: webhookUrl,
        secret_token: shown.secretToken,
        allowed_updates: ["message"],
      });
      return [
        "Register the webhook with Telegram (TELEGRAM_BOT_TOKEN = the bot token you gave):",
        `  curl -sS -X POST "${base}/bot$TELEGRAM_BOT_TOKEN/setWebhook" \\`,
        `    -H 'content-type: application/json' -d ${shellQuote(body)}`,
      ];
    }
    case "whatsapp":
      return [
        "In the Meta App Dashboard → WhatsApp → Configuration → Webhook:",
        `  Callback URL: ${webhookUrl}`,
        `  Verify token: ${shown.verifyToken}`,
        "  Verify and save, then subscribe to the `messages` webhook field",
      ];
  }
}
