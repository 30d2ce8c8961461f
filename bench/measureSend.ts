import { forkBenchScript } from "./childProcesses.ts";
import type { ReplyReceiver } from "./replyReceiver.ts";

export interface SendFloor {
  readonly sends: number;
  readonly concurrency: number;
  readonly perSecond: number;
}

/**
 * The delivery bound (bench/sendProcess.ts): the webhook adapter alone, in a child process like
 * the worker, `sends` replies to the same receiver with `concurrency` in flight.
 */
export async function measureSendFloor(
  receiver: ReplyReceiver,
  sends: number,
  concurrency: number,
): Promise<SendFloor> {
  receiver.reset();
  const child = forkBenchScript("./sendProcess.ts", {
    BENCH_SEND_URL: receiver.url,
    BENCH_SEND_COUNT: String(sends),
    BENCH_SEND_CONCURRENCY: String(concurrency),
  });
  const { seconds } = await child.next<{ type: string; seconds: number }>("done", 600_000);
  if (receiver.count() !== sends) {
    throw new Error(`send floor: ${receiver.count()} of ${sends} received`);
  }
  receiver.reset();
  return { sends, concurrency, perSecond: Math.round(sends / seconds) };
}
