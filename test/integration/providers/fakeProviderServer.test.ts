import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProvider } from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { startFakeSlack } from "../../helpers/fakeProviders/fakeSlack.ts";

let slack: FakeProvider;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => slack.reset());

function post(body: unknown = { channel: "C1", text: "hi" }) {
  return fetch(`${slack.baseUrl}/api/chat.postMessage`, {
    method: "POST",
    headers: { authorization: "Bearer t", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("fake provider server", () => {
  it("answers a scripted list in order, then the default success", async () => {
    slack.script([{ status: 500 }, { status: 429, headers: { "retry-after": "1" } }]);

    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await post()).status);

    expect(statuses).toEqual([500, 429, 200]);
    expect(slack.requests.map((request) => request.body)).toEqual([
      { channel: "C1", text: "hi" },
      { channel: "C1", text: "hi" },
      { channel: "C1", text: "hi" },
    ]);
  });

  it("lets a function script answer, falling back to the default on undefined", async () => {
    slack.script((_request, index) => (index === 0 ? { status: 503 } : undefined));

    expect((await post()).status).toBe(503);
    const second = await post();
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ ok: true, channel: "C1" });
  });

  it("records headers and waits for requests without sleeping", async () => {
    const waiting = slack.waitForRequests(2, { timeoutMs: 2_000 });
    await post();
    await post();

    const requests = await waiting;
    expect(requests).toHaveLength(2);
    expect(requests[0]!.headers.authorization).toBe("Bearer t");
    expect(requests[0]!.receivedAt).toBeInstanceOf(Date);
    await expect(slack.waitForRequests(3, { timeoutMs: 50 })).rejects.toThrow(
      /expected 3 requests/,
    );
  });
});

// The fault suite's Retry-After check relies on this (retryAfterAnsweredAfterTimeout): a fake in
// a stalled process still reads, records and answers a request its sender has given up on.
describe("fake provider server in a stalled process", () => {
  it("reads and answers a request after its sender's timeout ended it", async () => {
    slack.script(() => ({ status: 429, headers: { "retry-after": "1" } }));
    // The sender, in its own process: says it is ready, sends 50 ms later with a 200 ms timeout.
    const sender = `
      const { request } = require("node:http");
      console.log("ready");
      setTimeout(() => {
        const req = request(${JSON.stringify(`${slack.baseUrl}/api/chat.postMessage`)},
          { method: "POST", signal: AbortSignal.timeout(200) },
          (res) => console.log(JSON.stringify({ status: res.statusCode })));
        req.on("error", (error) => console.log(JSON.stringify({ error: error.name, at: Date.now() })));
        req.end(JSON.stringify({ channel: "C1", text: "late" }));
      }, 50);`;
    const child = spawn(process.execPath, ["-e", sender], { stdio: ["ignore", "pipe", "inherit"] });
    const lines = createInterface({ input: child.stdout });
    const outputs: string[] = [];
    let stalled = false;
    for await (const line of lines) {
      if (line === "ready" && !stalled) {
        stalled = true;
        // This process (the fake's) is blocked: the request waits, unread, in the socket.
        const until = Date.now() + 800;
        while (Date.now() < until) {}
        await slack.waitForRequests(1);
        continue;
      }
      outputs.push(line);
      if (outputs.length === 1) break;
    }
    child.kill();

    const gaveUp = JSON.parse(outputs[0]!) as { error?: string; at?: number };
    expect(gaveUp.error).toBe("AbortError");
    const [request] = slack.requests;
    expect(request?.body).toEqual({ channel: "C1", text: "late" });
    expect(request!.receivedAt.getTime()).toBeGreaterThan(gaveUp.at!);
  });
});
