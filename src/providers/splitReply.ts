import type { ProviderName } from "./providerName.ts";

/**
 * Characters per message part, counted as JavaScript string length (UTF-16 code units, never
 * fewer than the user-visible characters the providers count).
 * - Slack truncates text past 40,000 characters but recommends far shorter messages; 4,000
 *   keeps each part readable and well clear of the limit.
 * - Telegram sendMessage: 4,096. WhatsApp text body: 4,096.
 * - Webhook receivers get the whole reply in one request.
 */
const textLimits: Readonly<Record<ProviderName, number>> = {
  slack: 4000,
  telegram: 4096,
  whatsapp: 4096,
  webhook: Number.POSITIVE_INFINITY,
};

export function providerTextLimit(provider: ProviderName): number {
  return textLimits[provider];
}

/** A boundary earlier than this share of the limit makes a needlessly short part. */
const minimumFill = 0.5;

/**
 * Splits a reply into ordered parts of at most `limit` characters, cutting at the last
 * paragraph break, else sentence end, else whitespace, else hard at the limit (never inside a
 * surrogate pair). The whitespace at each cut is dropped; nothing else is lost or reordered.
 * Paragraph and sentence cuts are only taken in the second half of a part, so a short first
 * paragraph does not become a message of its own.
 */
export function splitReply(text: string, limit: number): string[] {
  if (!(limit >= 1)) throw new RangeError(`splitReply: limit must be at least 1, got ${limit}`);
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = findCut(rest, limit);
    const part = rest.slice(0, cut).trimEnd();
    if (part !== "") parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== "") parts.push(rest);
  return parts;
}

/** Index to cut `text` at: the part is text[0, cut), so cut ≤ limit and cut ≥ 1. */
function findCut(text: string, limit: number): number {
  // The character at `limit` is in the window: whitespace there ends a part that fits exactly.
  const window = text.slice(0, limit + 1);
  const minimum = Math.max(1, Math.floor(limit * minimumFill));
  const paragraph = lastMatchStart(window, /\n[^\S\n]*\n/g, minimum, limit);
  if (paragraph !== undefined) return paragraph;
  const sentence = lastMatchStart(window, /(?<=[.!?…。！？]["'”’)\]]*)\s/g, minimum, limit);
  if (sentence !== undefined) return sentence;
  const word = lastMatchStart(window, /\s/g, 1, limit);
  if (word !== undefined) return word;
  const code = text.charCodeAt(limit - 1);
  const splitsSurrogatePair = code >= 0xd800 && code <= 0xdbff && limit > 1;
  return splitsSurrogatePair ? limit - 1 : limit;
}

function lastMatchStart(window: string, pattern: RegExp, minimum: number, limit: number) {
  let found: number | undefined;
  for (const match of window.matchAll(pattern)) {
    if (match.index >= minimum && match.index <= limit) found = match.index;
  }
  return found;
}
