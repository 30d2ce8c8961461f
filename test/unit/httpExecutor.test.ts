import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHttpExecutor } from "../../src/agent/httpExecutor.ts";
import { runExecutor } from "../../src/channels/runExecutor.ts";
import { sendJson, startFakeAgentServer } from "../helpers/fakeAgent.ts";

let script: (body: { message: { text: string } }) => {
  status: number;
  body?: unknown;
  hang?: boolean;
};
let agent: Awaited<ReturnType<typeof startFakeAgentServer>>;

beforeAll(async () => {
  agent = await startFakeAgentServer((request, res) => {
    const answer = script(request.body as { message: { text: string } });
    if (answer.hang) return;
    if (typeof answer.body === "string") {
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(answer.body);
    } else sendJson(res, answer.status, answer.body ?? {});
  });
});

afterAll(() => agent?.close());

const input = {
  tenantId: "tenant-1",
  linkId: "link-1",
  message: { externalMessageId: "m1", conversationId: "c1", senderId: "s1", text: "hello" },
};
const execute = (timeoutMs = 500) =>
  makeHttpExecutor({ url: agent.url, timeoutMs }).execute(input, {
    signal: new AbortController().signal,
  });

describe("http executor", () => {
  it("posts the normalised message with tenant and link ids and returns the reply", async () => {
    script = (body) => ({ status: 200, body: { reply: `re: ${body.message.text}` } });
    expect(await execute()).toEqual({ decision: "executed", reply: "re: hello" });
    expect(agent.requests.at(-1)?.body).toEqual({
      tenantId: "tenant-1",
      linkId: "link-1",
      message: {
        externalMessageId: "m1",
        conversationId: "c1",
        senderId: "s1",
        threadRef: null,
        text: "hello",
      },
    });
    expect(agent.requests.at(-1)?.headers["content-type"]).toBe("application/json");
  });

  it("returns a denial with its reason", async () => {
    script = () => ({ status: 200, body: { decision: "denied", reason: "blocked user" } });
    expect(await execute()).toEqual({ decision: "denied", reason: "blocked user" });
  });

  it("treats an answer without a reply as executed with nothing to send", async () => {
    script = () => ({ status: 200, body: {} });
    expect(await execute()).toEqual({ decision: "executed", reply: undefined });
  });

  it("throws on a non-2xx answer, a body that is not JSON, and an unexpected shape", async () => {
    script = () => ({ status: 502, body: { reply: "x" } });
    await expect(execute()).rejects.toThrow("agent answered HTTP 502");
    script = () => ({ status: 200, body: "<html>" });
    await expect(execute()).rejects.toThrow("not JSON");
    script = () => ({ status: 200, body: { reply: 42 } });
    await expect(execute()).rejects.toThrow("unexpected shape");
  });

  it("throws on a timeout, and the use case's runner records it as a failure", async () => {
    script = () => ({ status: 200, hang: true });
    await expect(execute(100)).rejects.toThrow("agent timed out after 100 ms");
    const result = await runExecutor(
      makeHttpExecutor({ url: agent.url, timeoutMs: 5_000 }),
      input,
      100,
    );
    expect(result).toEqual({ decision: "failed", reason: "agent timed out after 100 ms" });
  });

  it("throws when the agent is unreachable", async () => {
    const unreachable = makeHttpExecutor({ url: "http://127.0.0.1:1/agent", timeoutMs: 500 });
    await expect(
      unreachable.execute(input, { signal: new AbortController().signal }),
    ).rejects.toThrow("agent unreachable");
  });
});
