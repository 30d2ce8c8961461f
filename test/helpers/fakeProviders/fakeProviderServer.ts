import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake provider received, in arrival order. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/api/chat.postMessage`. */
  readonly path: string;
  /** Node's lower-cased headers (`authorization`, `content-type`…). */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  readonly body: unknown;
  readonly receivedAt: Date;
}

/** What the fake answers to one request. */
export interface ScriptedResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON unless it is a string (sent as is). */
  readonly body?: unknown;
  /** Answer after this many milliseconds (slow provider). */
  readonly delayMs?: number;
  /** Never answer (until close): the client's timeout or abort has to end the request. */
  readonly hang?: boolean;
  /** Close the connection without an answer (a network error after the request arrived). */
  readonly destroySocket?: boolean;
}

/** Scripts an answer from the request; undefined falls back to the provider's default. */
export type Responder = (
  request: RecordedRequest,
  index: number,
) => ScriptedResponse | undefined | Promise<ScriptedResponse | undefined>;

export interface FakeProvider {
  /** `http://127.0.0.1:<port>`: put it in the link's `apiBaseUrl` setting. */
  readonly baseUrl: string;
  /** Every request received, in order (also ones answered by a script). */
  readonly requests: RecordedRequest[];
  /**
   * A function answers every following request (return undefined for the default);
   * a list answers the next requests one each, then the default answers again.
   * Each call replaces the previous script.
   */
  script(script: Responder | readonly ScriptedResponse[]): void;
  /** Forget requests and scripts. */
  reset(): void;
  /** Resolves once at least `count` requests arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, options?: { timeoutMs?: number }): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export interface FakeProviderOptions {
  /** The documented success answer (or a routing/auth error) when nothing is scripted. */
  readonly defaultResponse: Responder;
}

/** A real HTTP server on 127.0.0.1, port 0, recording requests and answering from a script. */
export async function startFakeProviderServer(options: FakeProviderOptions): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  let queue: ScriptedResponse[] = [];
  let responder: Responder | undefined;
  let waiters: Array<() => void> = [];

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      rawBody,
      body: parseJson(rawBody),
      receivedAt: new Date(),
    };
    const index = requests.push(request) - 1;
    for (const wake of waiters) wake();
    try {
      const scripted = queue.length > 0 ? queue.shift() : await responder?.(request, index);
      const answer = scripted ?? (await options.defaultResponse(request, index)) ?? {};
      await respond(res, answer);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`fake provider script failed: ${String(error)}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script(script) {
      if (typeof script === "function") {
        responder = script;
        queue = [];
      } else {
        responder = undefined;
        queue = [...script];
      }
    },
    reset() {
      requests.length = 0;
      queue = [];
      responder = undefined;
    },
    waitForRequests(count, { timeoutMs = 5_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          clearTimeout(timer);
          waiters = waiters.filter((waiter) => waiter !== check);
          resolve([...requests]);
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== check);
          reject(
            new Error(`expected ${count} requests within ${timeoutMs} ms, got ${requests.length}`),
          );
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

async function respond(res: ServerResponse, answer: ScriptedResponse): Promise<void> {
  if (answer.hang) return;
  if (answer.delayMs !== undefined && answer.delayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  }
  if (answer.destroySocket) {
    res.socket?.destroy();
    return;
  }
  const isText = typeof answer.body === "string";
  const payload =
    answer.body === undefined ? "" : isText ? (answer.body as string) : JSON.stringify(answer.body);
  res.writeHead(answer.status ?? 200, {
    ...(answer.body === undefined
      ? {}
      : { "content-type": isText ? "text/plain" : "application/json; charset=utf-8" }),
    ...answer.headers,
  });
  res.end(payload);
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
