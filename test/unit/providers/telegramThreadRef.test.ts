import { describe, expect, it } from "vitest";
import {
  encodeTelegramThreadRef,
  parseTelegramThreadRef,
  type TelegramThreadRef,
} from "../../../src/providers/telegram/telegramThreadRef.ts";

describe("telegram thread reference", () => {
  it.each<[TelegramThreadRef, string | null]>([
    [{ messageId: 42 }, "42"],
    [{ messageId: 42, messageThreadId: 7 }, "42:7"],
    [{ messageThreadId: 7 }, ":7"],
    [{}, null],
  ])("encodes %o as %s and parses it back", (ref, encoded) => {
    expect(encodeTelegramThreadRef(ref)).toBe(encoded);
    expect(parseTelegramThreadRef(encoded)).toEqual({
      messageId: ref.messageId,
      messageThreadId: ref.messageThreadId,
    });
  });

  it("drops parts that are not integers", () => {
    expect(parseTelegramThreadRef("abc:7")).toEqual({ messageId: undefined, messageThreadId: 7 });
    expect(parseTelegramThreadRef("42:x")).toEqual({ messageId: 42, messageThreadId: undefined });
    expect(parseTelegramThreadRef("")).toEqual({
      messageId: undefined,
      messageThreadId: undefined,
    });
  });
});
