import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Executor, ExecutorDecision, ExecutorInput } from "../../src/agent/executor.ts";

/** An in-process executor that records every call; `behaviour` decides each answer. */
export function makeCountingExecutor(
  behaviour: (input: ExecutorInput, signal: AbortSignal) => Promise<ExecutorDecision> = async (
    input,
  ) => ({ decision: "executed", reply: `echo: ${input.message.text}` }),
) {
  const calls: ExecutorInput[] = [];
  const state = { behaviour };
  const executor: Executor = {
    async execute(input, { signal }) {
      calls.push(input);
      return state.behaviour(input, signal);
    },
  };
  return {
    executor,
    calls,
    /** Changes the answer for later calls (e.g. a redelivery after a timeout). */
    answer(next: typeof behaviour) {
      state.behaviour = next;
    },
  };
}

/** Never answers; resolves only when the caller gives up (its signal aborts). */
export const hangUntilAborted = (_input: ExecutorInput, signal: AbortSignal) =>
  new Promise<ExecutorDecision>((_resolve, reject) => {
    signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
  });

export interface FakeAgentRequest {
  readonly headers: IncomingMessage["headers"];
  readonly body: unknown;
}

/** A real HTTP agent on 127.0.0.1 port 0 with scripted answers. */
export async function startFakeAgentServer(
  respond: (request: FakeAgentRequest, res: ServerResponse) => void,
) {
  const requests: FakeAgentRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const request = { headers: req.headers, body: text ? JSON.parse(text) : undefined };
      requests.push(request);
      respond(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/agent`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
