import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDemoLink } from "../../src/demo/demoLink.ts";
import { sendDemoMessage } from "../../src/demo/sendDemoMessage.ts";
import { makeLogger } from "../../src/logging/logger.ts";
import { type RunningValinor, startValinor } from "../../src/runtime/startValinor.ts";
import type { FakeProvider } from "../helpers/fakeProviders/fakeProviderServer.ts";
import { hasValidSignature, startFakeWebhookReceiver } from "../helpers/fakeWebhookReceiver.ts";
import { secretBox, testConfig } from "../helpers/outboxFixtures.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/testDatabase.ts";
import { waitFor } from "../helpers/waitFor.ts";

let db: TestDatabase;
let receiver: FakeProvider;
let valinor: RunningValinor;
const dir = mkdtempSync(join(tmpdir(), "valinor-demo-"));

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startFakeWebhookReceiver();
  valinor = await startValinor(
    testConfig(db, { PORT: "0", WORKER_POLL_INTERVAL_MS: "100" }),
    makeLogger("silent"),
    { worker: true, crontab: "# none" },
  );
});
afterAll(async () => {
  await valinor?.stop();
  await receiver?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("end to end, generic webhook provider", () => {
  it("takes a signed webhook in and delivers the agent's reply, signed, to the receiver", async () => {
    const demo = await ensureDemoLink(db.pools.owner, secretBox, {
      stateFile: join(dir, "demo.json"),
      publicUrl: valinor.server.url,
      receiverUrl: `${receiver.baseUrl}/replies`,
    });
    const sent = await sendDemoMessage(demo, "ping");
    expect(sent).toMatchObject({ status: 200 });

    const [delivery] = await receiver.waitForRequests(1, { timeoutMs: 10_000 });
    expect(delivery?.path).toBe("/replies");
    expect(delivery?.body).toMatchObject({
      type: "message.reply",
      conversation_id: "demo-conversation",
      text: "echo: ping",
    });
    expect(hasValidSignature(delivery!, demo.secret)).toBe(true);
    expect(hasValidSignature(delivery!, `whsec_${Buffer.alloc(24, 1).toString("base64")}`)).toBe(
      false,
    );

    const { rows } = await db.admin.query(
      `select m.status as message_status, o.status, o.id from channel_messages m
       join channel_outbox o on o.channel_message_id = m.id where m.external_message_id = $1`,
      [sent.messageId],
    );
    expect(rows).toHaveLength(1);
    expect(delivery?.headers["webhook-id"]).toBe(rows[0].id);
    await waitFor(
      async () =>
        (await db.admin.query("select status from channel_outbox where id = $1", [rows[0].id]))
          .rows[0].status === "sent",
    );

    // The demo link is reused on the next start, pointed at the receiver's current address.
    const again = await ensureDemoLink(db.pools.owner, secretBox, {
      stateFile: join(dir, "demo.json"),
      publicUrl: valinor.server.url,
      receiverUrl: `${receiver.baseUrl}/moved`,
    });
    expect(again.linkId).toBe(demo.linkId);
    await sendDemoMessage(again, "pong");
    const requests = await receiver.waitForRequests(2, { timeoutMs: 10_000 });
    expect(requests[1]?.path).toBe("/moved");
  });
});
