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
