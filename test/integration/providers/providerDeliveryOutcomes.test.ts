import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "../../../src/db/withTenant.ts";
import { enqueueOutbound } from "../../../src/outbox/enqueueOutbound.ts";
import type { ProviderName } from "../../../src/providers/providerName.ts";
import type { ScriptedResponse } from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { slackError, slackRateLimited } from "../../helpers/fakeProviders/fakeSlack.ts";
import { telegramError } from "../../helpers/fakeProviders/fakeTelegram.ts";
import { whatsappError } from "../../helpers/fakeProviders/fakeWhatsApp.ts";
import {
  closeFakeProviders,
  type FakeProviders,
  startFakeProviders,
} from "../../helpers/fakeProviders/startFakeProviders.ts";
import { createMessage } from "../../helpers/fixtures.ts";
import { attemptsOf, outboxRow, testConfig } from "../../helpers/outboxFixtures.ts";
import { createProviderLink } from "../../helpers/providerLinks.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/testDatabase.ts";
import { startTestWorker } from "../../helpers/testWorker.ts";
import { waitFor } from "../../helpers/waitFor.ts";

/**
 * Provider answers carried through the real worker into the outbox: Retry-After never undercut,
 * revoked credentials pause the link without spending the row's attempts, and a Telegram group
 * that moved is retried in its new chat.
 */

type Outbound = Exclude<ProviderName, "webhook">;
const tokens: Record<Outbound, string> = {
  slack: "xoxb-outcomes",
  telegram: "987654:AAoutcomes",
  whatsapp: "EAAG-outcomes",
};
const conversations: Record<Outbound, string> = {
  slack: "C0OUTCOME",
  telegram: "-1001",
  whatsapp: "15550001111",
};
const rateLimited: Record<Outbound, ScriptedResponse> = {
  slack: slackRateLimited(2),
  telegram: telegramError(429, "Too Many Requests: retry after 2", { retry_after: 2 }),
  whatsapp: whatsappError(130429, "throughput", { status: 429, headers: { "retry-after": "2" } }),
};
const revoked: Record<Outbound, ScriptedResponse> = {
  slack: slackError("token_revoked"),
  telegram: telegramError(401, "Unauthorized"),
  whatsapp: whatsappError(190, "Error validating access token", { status: 401 }),
};

let db: TestDatabase;
let worker: Runner;
let fakes: FakeProviders;

beforeAll(async () => {
  db = await createTestDatabase();
  fakes = await startFakeProviders(tokens);
  worker = await startTestWorker(
    testConfig(db, {
      OUTBOX_BASE_DELAY_MS: "100",
      OUTBOX_JITTER: "0",
      WORKER_POLL_INTERVAL_MS: "100",
    }),
  );
});
afterAll(async () => {
  await worker?.stop();
  await closeFakeProviders(fakes);
  await db?.drop();
});

async function enqueueFor(provider: Outbound) {
  const { tenantId, linkId } = await createProviderLink(db.admin, {
    provider,
    inboundSecret:
      provider === "whatsapp" ? JSON.stringify({ appSecret: "a", verifyToken: "v" }) : "s",
    token: tokens[provider],
    apiBaseUrl: fakes[provider].baseUrl,
  });
  const messageId = await createMessage(db.admin, tenantId, linkId);
  const { outboxIds } = await withTenant(db.pools.app, tenantId, (client) =>
    enqueueOutbound(client, {
      tenantId,
      channelMessageId: messageId,
      channelLinkId: linkId,
      provider,
      conversationId: conversations[provider],
      parts: [`hello from ${provider}`],
      maxAttempts: 5,
    }),
  );
  return { tenantId, linkId, outboxId: outboxIds[0]! };
}

const sentRow = (outboxId: string) =>
  waitFor(
    async () => {
      const row = await outboxRow(db, outboxId);
      return row.status === "sent" ? row : undefined;
    },
    { timeoutMs: 15_000, message: `outbox ${outboxId} to be sent` },
  );

describe.each(["slack", "telegram", "whatsapp"] as const)("%s delivery outcomes", (provider) => {
  it("never retries earlier than the provider's rate-limit wait", async () => {
    fakes[provider].reset();
    fakes[provider].script([rateLimited[provider]]);
    const { outboxId } = await enqueueFor(provider);
    await sentRow(outboxId);
    const [first, second] = fakes[provider].requests;
    expect(second!.receivedAt.getTime() - first!.receivedAt.getTime()).toBeGreaterThanOrEqual(
      2_000,
    );
    const [retry] = await attemptsOf(db, outboxId);
    expect(retry).toMatchObject({ outcome: "retry", error_class: "rateLimited" });
  });

  it("pauses the link on revoked credentials and keeps the row's attempts for after resume", async () => {
    fakes[provider].reset();
    fakes[provider].script([revoked[provider]]);
    const { tenantId, linkId, outboxId } = await enqueueFor(provider);
    await waitFor(async () => (await attemptsOf(db, outboxId)).length === 1);
    const { rows } = await db.admin.query("select status from channel_links where id = $1", [
      linkId,
    ]);
    expect(rows[0].status).toBe("paused");
    expect(await outboxRow(db, outboxId)).toMatchObject({ status: "pending", attempt_count: 0 });
    expect((await attemptsOf(db, outboxId))[0]).toMatchObject({ error_class: "linkLevel" });

    await withTenant(db.pools.owner, tenantId, async (client) => {
      await client.query("update channel_links set status = 'active' where id = $1", [linkId]);
      await client.query("select public.enqueue_send_outbound($1)", [outboxId]);
    });
    expect(await sentRow(outboxId)).toMatchObject({ attempt_count: 1 });
  });
});

describe("telegram group migration", () => {
  it("retries at once in the supergroup the chat moved to, and remembers it", async () => {
    fakes.telegram.reset();
    fakes.telegram.script([
      telegramError(400, "Bad Request: group chat was upgraded to a supergroup chat", {
        migrate_to_chat_id: -1009876543210,
      }),
    ]);
    const { outboxId } = await enqueueFor("telegram");
    const row = await sentRow(outboxId);
    expect(row).toMatchObject({ conversation_id: "-1009876543210", attempt_count: 1 });
    const chats = fakes.telegram.requests.map(
      (request) => (request.body as { chat_id: unknown }).chat_id,
    );
    expect(chats).toEqual([-1001, -1009876543210]);
  });
});
