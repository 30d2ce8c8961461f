import { expect } from "vitest";
import type { TestDatabase } from "./testDatabase.ts";

/** The recorded inbound message(s) with this provider id, as the superuser sees them. */
export async function messageRows(db: TestDatabase, externalId: string) {
  const { rows } = await db.admin.query(
    `select tenant_id, channel_link_id, conversation_id, sender_id, thread_ref, text, status
     from channel_messages where external_message_id = $1`,
    [externalId],
  );
  return rows;
}

export async function countMessages(db: TestDatabase): Promise<number> {
  return Number((await db.admin.query("select count(*) from channel_messages")).rows[0].count);
}

/**
 * Runs `act` (a request the app must refuse or ignore) and checks that it recorded no
 * channel message and called no agent; returns what `act` returned for further checks.
 */
export async function expectNothingRecorded<T>(
  db: TestDatabase,
  agent: { readonly calls: readonly unknown[] },
  act: () => Promise<T>,
): Promise<T> {
  const before = await countMessages(db);
  const result = await act();
  expect(agent.calls).toHaveLength(0);
  expect(await countMessages(db)).toBe(before);
  return result;
}
