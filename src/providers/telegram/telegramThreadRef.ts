/**
 * A Telegram reply target, stored as the outbox/message `thread_ref` text:
 * `"<messageId>"`, `"<messageId>:<messageThreadId>"` or `":<messageThreadId>"`.
 * `messageId` is the message being answered (sent as `reply_parameters.message_id`);
 * `messageThreadId` is the forum topic (sent as `message_thread_id`).
 */
export interface TelegramThreadRef {
  readonly messageId?: number | undefined;
  readonly messageThreadId?: number | undefined;
}

export function encodeTelegramThreadRef(ref: TelegramThreadRef): string | null {
  const messageId = ref.messageId === undefined ? "" : String(ref.messageId);
  if (ref.messageThreadId === undefined) return messageId === "" ? null : messageId;
  return `${messageId}:${ref.messageThreadId}`;
}

/** Parses a stored reference; parts that are not integers are dropped (send unthreaded). */
export function parseTelegramThreadRef(value: string | null): TelegramThreadRef {
  if (value === null) return {};
  const [messageId, messageThreadId] = value.split(":", 2);
  return { messageId: toInteger(messageId), messageThreadId: toInteger(messageThreadId) };
}

function toInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
