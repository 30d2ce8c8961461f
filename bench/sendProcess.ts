// The delivery path's floor, as a child of bench/run.ts: Valinor's webhook adapter (signing and
// fetch) sending BENCH_SEND_COUNT replies to the bench receiver with BENCH_SEND_CONCURRENCY in
// flight, with no database and no graphile-worker. Whatever delivery costs beyond this is the
// outbox's (claim, mark, jobs) and the worker's.
import { randomUUID } from "node:crypto";
import { makeWebhookAdapter } from "../src/providers/webhook/webhookAdapter.ts";

const count = Number(process.env.BENCH_SEND_COUNT);
const concurrency = Number(process.env.BENCH_SEND_CONCURRENCY);
const url = process.env.BENCH_SEND_URL;
const send = (message: Record<string, unknown>, done?: () => void) =>
  process.send?.(message, undefined, {}, done);

async function main() {
  if (!url || !(count > 0) || !(concurrency > 0)) throw new Error("BENCH_SEND_* not set");
  const adapter = makeWebhookAdapter();
  const link = {
    id: randomUUID(),
    tenantId: randomUUID(),
    externalAccountId: null,
    credentials: "whsec_c2VuZC1mbG9vci1iZW5jaC1zZWNyZXQ=",
    settings: { url: `${url}/hooks` },
  };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        await adapter.send(
          {
            outboxId: randomUUID(),
            tenantId: link.tenantId,
            provider: "webhook",
            conversationId: `conversation-${n % 50}`,
            threadRef: null,
            content: `send floor ${n}`,
            partIndex: 0,
            attempt: 1,
            link,
          },
          { signal: AbortSignal.timeout(15_000) },
        );
      }
    }),
  );
  send({ type: "done", seconds: (performance.now() - started) / 1000 }, () => process.exit(0));
}

main().catch((error: unknown) => {
  send({ type: "error", message: error instanceof Error ? error.stack : String(error) });
  process.exitCode = 1;
});
