import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type { ProviderName } from "../../src/providers/providerName.ts";
import { signStandardWebhook } from "../../src/providers/webhook/standardWebhookSignature.ts";
import {
  signedSlackRequest,
  signedTelegramRequest,
  signedWhatsAppRequest,
  slackMessageEvent,
  telegramTextUpdate,
  whatsappWebhook,
} from "../helpers/signedRequests.ts";

/** A link under attack: what a genuine request for it would carry. */
export interface HostileTarget {
  readonly provider: ProviderName;
  readonly linkId: string;
  readonly externalAccountId: string | null;
  /** webhook/slack: signing secret; telegram: secret token; whatsapp: app secret. */
  readonly secret: string;
}

export interface HostileRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly description: string;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const signatureHeaders = [
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "x-slack-request-timestamp",
  "x-slack-signature",
  "x-telegram-bot-api-secret-token",
  "x-hub-signature-256",
];

/** A genuine, correctly signed request for `target` (the positive control, and the base for mutations). */
export function genuineRequest(target: HostileTarget, text: string, timestamp = nowSeconds()) {
  switch (target.provider) {
    case "webhook": {
      const id = `msg_${randomUUID()}`;
      const body = JSON.stringify({
        type: "message",
        conversation_id: "c-1",
        sender_id: "u-1",
        text,
      });
      const headers = {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signStandardWebhook(target.secret, id, timestamp, body),
      };
      return { headers, body };
    }
    case "slack": {
      const body = slackMessageEvent({ teamId: target.externalAccountId ?? undefined, text });
      return signedSlackRequest({ signingSecret: target.secret, body, timestamp });
    }
    case "telegram":
      return signedTelegramRequest({
        secretToken: target.secret,
        body: telegramTextUpdate({ text }),
      });
    case "whatsapp":
      return signedWhatsAppRequest({
        appSecret: target.secret,
        body: whatsappWebhook([
          { phoneNumberId: target.externalAccountId ?? "", messages: [{ text }] },
        ]),
      });
  }
}

const printable = fc.string({ unit: "grapheme-ascii", maxLength: 120 });
const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: length, maxLength: length });
const signatureLike = fc.oneof(
  printable,
  hex(64).map((h) => `v0=${h}`),
  hex(64).map((h) => `sha256=${h}`),
  fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((b) => `v1,${Buffer.from(b).toString("base64")}`),
);
const timestampLike = fc.oneof(
  fc.integer({ min: -600, max: 600 }).map((d) => String(nowSeconds() + d)),
  fc.integer().map(String),
  printable,
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
);
const bodyBytes = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }).map((s) => Buffer.from(s, "utf8")),
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 3 }).map((s) => Buffer.from(s)),
  fc.integer({ min: 3_000, max: 9_000 }).map((n) => Buffer.from(`{"text":"${"x".repeat(n)}"}`)),
);

/** Random headers and bodies, nothing signed: random signatures, timestamps, types, sizes. */
export function forgedRequest(
  target: HostileTarget,
  otherLinkIds: readonly string[],
): fc.Arbitrary<HostileRequest> {
  const linkId = fc.oneof(
    { weight: 6, arbitrary: fc.constant(target.linkId) },
    fc.constantFrom(...otherLinkIds),
    fc.uuid(),
    printable.filter((s) => s.length > 0 && !/[/?#%\\]/.test(s)).map(encodeURIComponent),
  );
  const realisticBody = fc
    .string({ maxLength: 40 })
    .map((text) => Buffer.from(genuineRequest(target, text).body));
  return fc
    .record({
      linkId,
      body: fc.oneof(realisticBody, bodyBytes),
      contentType,
      encoding: fc.option(fc.constantFrom("gzip", "deflate", "identity", "br"), { nil: undefined }),
      signature: fc.dictionary(
        fc.constantFrom(...signatureHeaders),
        fc.oneof(signatureLike, timestampLike),
        { maxKeys: 4 },
      ),
    })
    .map(({ linkId, body, contentType, encoding, signature }) => ({
      path: `/webhooks/${target.provider}/${linkId}`,
      headers: {
        ...signature,
        ...(contentType ? { "content-type": contentType } : {}),
        ...(encoding ? { "content-encoding": encoding } : {}),
      },
      body,
      description: `forged ${contentType || "(no type)"} ${body.length} B ${JSON.stringify(Object.keys(signature))}`,
    }));
}

type Mutation = "flipBody" | "flipSignature" | "wrongSecret" | "stale" | "future" | "dropHeader";

/** A genuine request broken in one way that must make it unverifiable for that provider. */
export function tamperedRequest(target: HostileTarget): fc.Arbitrary<HostileRequest> {
  const mutations: Mutation[] = ["flipSignature", "wrongSecret", "dropHeader"];
  // Telegram's secret token does not cover the body; WhatsApp's signature has no timestamp.
  if (target.provider !== "telegram") mutations.push("flipBody");
  if (target.provider === "slack" || target.provider === "webhook")
    mutations.push("stale", "future");
  return fc
    .record({
      mutation: fc.constantFrom(...mutations),
      position: fc.nat(),
      text: fc.string({ maxLength: 60 }),
    })
    .map(({ mutation, position, text }) => {
      const skew =
        mutation === "stale"
          ? -(301 + (position % 3_000))
          : mutation === "future"
            ? 301 + (position % 3_000)
            : 0;
      const base =
        mutation === "wrongSecret"
          ? genuineRequest({ ...target, secret: wrongSecret(target) }, text)
          : genuineRequest(target, text, nowSeconds() + skew);
      const headers: Record<string, string> = { ...base.headers };
      const body = Buffer.from(base.body);
      const signed = signatureHeaders.filter((name) => name in headers && !name.endsWith("-id"));
      if (mutation === "flipBody") {
        const at = position % body.length;
        body[at] = (body[at] ?? 0) ^ (1 + (position % 127));
      } else if (mutation === "flipSignature") {
        const name = signed[position % signed.length]!;
        const value = headers[name]!;
        // Mid-value: a base64 signature's last characters can carry unused bits.
        const at = Math.floor(value.length / 2) - (position % 8);
        // '0'/'1' are valid in hex, base64 and tokens, and differ from any other character
        // even case-insensitively (hex decoders accept 'A' for 'a').
        const replacement = value[at] === "0" ? "1" : "0";
        headers[name] = value.slice(0, at) + replacement + value.slice(at + 1);
      } else if (mutation === "dropHeader") {
        delete headers[signed[position % signed.length]!];
      }
      return {
        path: `/webhooks/${target.provider}/${target.linkId}`,
        headers,
        body,
        description: `tampered: ${mutation}`,
      };
    });
}

function wrongSecret(target: HostileTarget): string {
  if (target.provider === "webhook") return `whsec_${Buffer.alloc(24, 9).toString("base64")}`;
  return `${target.secret}x`;
}
