import { describe, expect, it } from "vitest";
import { providerTextLimit, splitReply } from "../../../src/providers/splitReply.ts";

/** mulberry32: a small seeded PRNG so random cases repeat exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Checks that the parts are the text in order with only whitespace removed at the cuts:
 * walking the text, each part must follow the previous one after nothing but whitespace.
 */
function expectFaithfulSplit(text: string, parts: string[], limit: number) {
  let position = 0;
  for (const [index, part] of parts.entries()) {
    expect(part.length, `part ${index} length`).toBeLessThanOrEqual(limit);
    expect(part.length, `part ${index} is empty`).toBeGreaterThan(0);
    const gap = text.slice(position).match(/^\s*/)![0];
    if (index > 0 || !text.startsWith(part, position)) position += gap.length;
    expect(text.startsWith(part, position), `part ${index} continues the text`).toBe(true);
    position += part.length;
  }
  expect(text.slice(position).trim()).toBe("");
}

function randomText(random: () => number, length: number): string {
  const pieces = [
    "word",
    "a",
    "longerword",
    "x".repeat(30),
    ".",
    "!",
    "?",
    " ",
    " ",
    " ",
    "\n",
    "\n\n",
    "😀",
    "é",
    "\t",
  ];
  let text = "";
  while (text.length < length) text += pieces[Math.floor(random() * pieces.length)];
  return text;
}

describe("splitReply", () => {
  it("leaves a reply within the limit whole", () => {
    expect(splitReply("short reply", 4096)).toEqual(["short reply"]);
    expect(splitReply("x".repeat(4096), 4096)).toEqual(["x".repeat(4096)]);
  });

  it("splits a 10,000-character reply into ordered parts that each fit the limit", () => {
    const paragraphs = Array.from({ length: 60 }, (_, index) =>
      `Paragraph ${index}. ${"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(4)}`.trim(),
    );
    const text = paragraphs.join("\n\n").slice(0, 10_000);
    expect(text.length).toBe(10_000);

    for (const limit of [4000, 4096]) {
      const parts = splitReply(text, limit);
      expect(parts.length).toBe(3);
      expectFaithfulSplit(text, parts, limit);
      expect(parts.join("\n\n").replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
      // Cut at paragraph breaks: every part but the last ends a paragraph.
      for (const part of parts.slice(0, -1)) expect(part.endsWith(".")).toBe(true);
      expect(parts[1]!.startsWith("Paragraph ")).toBe(true);
    }
  });

  it("prefers a paragraph break, then a sentence end, then a space", () => {
    expect(splitReply("aaaa aaaa.\n\nbbbb bbbb. cccc", 20)).toEqual([
      "aaaa aaaa.",
      "bbbb bbbb. cccc",
    ]);
    expect(splitReply("aaaa aaaa. bbbb bbbb cccc", 20)).toEqual(["aaaa aaaa.", "bbbb bbbb cccc"]);
    expect(splitReply("aaaa aaaa bbbb bbbb cccc", 20)).toEqual(["aaaa aaaa bbbb bbbb", "cccc"]);
  });

  it("does not cut off a short first paragraph when a later boundary fits", () => {
    const text = `Hi.\n\n${"word ".repeat(10)}end`;
    const parts = splitReply(text, 30);
    expect(parts[0]!.length).toBeGreaterThan(15);
    expectFaithfulSplit(text, parts, 30);
  });

  it("hard-cuts a word longer than the limit without splitting a surrogate pair", () => {
    expect(splitReply("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    const emoji = "😀".repeat(5); // 10 code units
    const parts = splitReply(emoji, 3);
    expect(parts.join("")).toBe(emoji);
    for (const part of parts) expect(part).toMatch(/^(😀)+$/u);
  });

  it("uses whitespace exactly at the limit as the cut", () => {
    expect(splitReply("aaaaa bbbbb", 5)).toEqual(["aaaaa", "bbbbb"]);
  });

  it("drops runs of whitespace longer than the limit instead of sending blank parts", () => {
    const parts = splitReply(`start${" ".repeat(50)}end`, 10);
    expect(parts).toEqual(["start", "end"]);
  });

  it("keeps every character in order for random texts and limits (seeded)", () => {
    const random = seededRandom(20240607);
    for (let round = 0; round < 300; round += 1) {
      const text = randomText(random, Math.floor(random() * 3000));
      const limit = 2 + Math.floor(random() * 400);
      const parts = splitReply(text, limit);
      expectFaithfulSplit(text, parts, limit);
      expect(parts.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
    }
  });

  it("rejects a limit below one", () => {
    expect(() => splitReply("text", 0)).toThrow(RangeError);
  });
});

describe("providerTextLimit", () => {
  it("gives each provider's part size", () => {
    expect(providerTextLimit("slack")).toBe(4000);
    expect(providerTextLimit("telegram")).toBe(4096);
    expect(providerTextLimit("whatsapp")).toBe(4096);
    expect(providerTextLimit("webhook")).toBe(Number.POSITIVE_INFINITY);
    expect(splitReply("x".repeat(100_000), providerTextLimit("webhook"))).toHaveLength(1);
  });
});
