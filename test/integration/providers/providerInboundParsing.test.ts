import { describe, expect, it } from "vitest";
import type { InboundLink, InboundRequest } from "../../../src/providers/inboundProvider.ts";
import type { ProviderName } from "../../../src/providers/providerName.ts";
import { makeSlackInboundProvider } from "../../../src/providers/slack/slackInboundProvider.ts";
import { makeTelegramInboundProvider } from "../../../src/providers/telegram/telegramInboundProvider.ts";
import { makeWhatsAppInboundProvider } from "../../../src/providers/whatsapp/whatsappInboundProvider.ts";

/** Signed bodies of every odd shape: each provider answers malformed or ignore, never throws. */

const link = (provider: ProviderName, inboundSecret = "secret"): InboundLink => ({
  id: "00000000-0000-4000-8000-000000000000",
  tenantId: "00000000-0000-4000-8000-000000000001",
  provider,
  externalAccountId: "ACCOUNT",
  inboundSecret,
  settings: {},
  status: "active",
});
const request = (body: string, headers: InboundRequest["headers"] = {}): InboundRequest => ({
  method: "POST",
  headers,
  query: {},
  rawBody: Buffer.from(body),
});

const oddBodies = [
  "",
  "null",
  "[]",
  "5",
  '"text"',
  "{}",
  '{"type":null}',
  '{"type":"event_callback"}',
  '{"type":"event_callback","event_id":"Ev1","event":null}',
  '{"type":"event_callback","event_id":"Ev1","team_id":"ACCOUNT","event":{"type":"message","text":5}}',
  '{"update_id":"1"}',
  '{"update_id":1,"message":null}',
  '{"update_id":1,"message":{"chat":{"id":"x"}}}',
  '{"update_id":1,"message":{"message_id":1,"chat":{"id":1},"text":{"a":1}}}',
  '{"object":"whatsapp_business_account","entry":{}}',
  '{"object":"whatsapp_business_account","entry":[null,1,{"changes":"x"},{"changes":[null,{"field":"messages","value":null},{"field":"messages","value":{"metadata":{"phone_number_id":"ACCOUNT"},"messages":{"0":1}}}]}]}',
  '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"ACCOUNT"},"messages":[null,[],{"type":"text","id":1,"from":"x","text":{"body":"hi"}}]}}]}]}',
];

const providers = [
  ["slack", makeSlackInboundProvider(), link("slack")],
  ["telegram", makeTelegramInboundProvider(), link("telegram")],
  [
    "whatsapp",
    makeWhatsAppInboundProvider(),
    link("whatsapp", JSON.stringify({ appSecret: "a", verifyToken: "v" })),
  ],
] as const;

describe.each(providers)("%s inbound parsing", (_name, provider, providerLink) => {
  it.each(oddBodies)("answers %s without throwing or producing a message", (body) => {
    const event = provider.parse(request(body), providerLink);
    expect(["malformed", "ignore"]).toContain(event.kind);
  });

  it("verifies nothing with headers missing, repeated or empty", () => {
    const now = new Date();
    for (const headers of [
      {},
      { "x-slack-signature": ["v0=a", "v0=b"] },
      { "x-hub-signature-256": "" },
    ]) {
      expect(provider.verify(request("{}", headers), providerLink, now).ok).toBe(false);
    }
  });
});

describe("whatsapp inbound secret", () => {
  it("verifies nothing when the stored secret is not the expected JSON", () => {
    const provider = makeWhatsAppInboundProvider();
    for (const secret of ["plain-text", "{}", '{"appSecret":"","verifyToken":"v"}']) {
      const badLink = link("whatsapp", secret);
      expect(provider.verify(request("{}"), badLink, new Date())).toEqual({
        ok: false,
        reason: "unusable_secret",
      });
      const get = { ...request(""), method: "GET" as const, query: { "hub.mode": "subscribe" } };
      expect(provider.answerGet?.(get, badLink, new Date()).ok).toBe(false);
    }
  });
});
