import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A fake `webhook` provider on 127.0.0.1 that answers 200 at once and notes when each reply came. */
export interface ReplyReceiver {
  readonly url: string;
  /** Replies received so far (duplicates included). */
  count(): number;
  /** Receive time (ms, performance.timeOrigin-based) of the first reply carrying `text`. */
  receivedAt(text: string): number | undefined;
  /** Resolves when a reply carrying each of `texts` has come; rejects after `timeoutMs`. */
  waitForTexts(texts: readonly string[], timeoutMs: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startReplyReceiver(): Promise<ReplyReceiver> {
  let received = 0;
  const times = new Map<string, number>();
  let waiters: Array<() => void> = [];
  /** Resolves once `done()` holds, checked on every reply; rejects after `timeoutMs`. */
  const waitUntil = (done: () => boolean, timeoutMs: number, expected: () => string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters = waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters = waiters.filter((waiter) => waiter !== check);
        reject(new Error(`receiver: expected ${expected()} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(check);
      check();
    });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const at = performance.timeOrigin + performance.now();
      received += 1;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text?: unknown };
        if (typeof body.text === "string" && !times.has(body.text)) times.set(body.text, at);
      } catch {
        // Not JSON: counted, not timed.
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"id":"r-${received}"}`);
      for (const wake of waiters) wake();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => received,
    receivedAt: (text) => times.get(text),
    waitForTexts(texts, timeoutMs) {
      const missing = () => texts.filter((text) => !times.has(text)).length;
      return waitUntil(
        () => missing() === 0,
        timeoutMs,
        () => `${texts.length} given replies, ${missing()} missing`,
      );
    },
    reset() {
      received = 0;
      times.clear();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
