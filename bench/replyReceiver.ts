import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A fake `webhook` provider on 127.0.0.1 that answers 200 at once and notes when each reply came. */
export interface ReplyReceiver {
  readonly url: string;
  /** Replies received so far (duplicates included). */
  count(): number;
  /** Receive time (ms, performance.timeOrigin-based) of the first reply carrying `text`. */
  receivedAt(text: string): number | undefined;
  /** Resolves when `count()` reaches `n`; rejects after `timeoutMs`. */
  waitForCount(n: number, timeoutMs: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startReplyReceiver(): Promise<ReplyReceiver> {
  let received = 0;
  const times = new Map<string, number>();
  let waiters: Array<() => void> = [];
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
    waitForCount(n, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received < n) return;
          clearTimeout(timer);
          waiters = waiters.filter((waiter) => waiter !== check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== check);
          reject(
            new Error(`receiver: expected ${n} replies within ${timeoutMs} ms, got ${received}`),
          );
        }, timeoutMs);
        waiters.push(check);
        check();
      });
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
