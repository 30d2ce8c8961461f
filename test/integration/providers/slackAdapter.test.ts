import { describe, expect, it } from "vitest";
import { makeSlackAdapter } from "../../../src/providers/slack/slackAdapter.ts";
import {
  slackError,
  slackRateLimited,
  startFakeSlack,
} from "../../helpers/fakeProviders/fakeSlack.ts";
import { outboundMessage } from "../../helpers/fakeProviders/outboundMessage.ts";
import { closedProviderUrl, useFakeProvider } from "../../helpers/fakeProviders/useFakeProvider.ts";
import { captureDeliveryError } from "./captureDeliveryError.ts";
import {
  type ClassificationCase,
  expectAbortedWhileHanging,
  expectClassified,
} from "./expectClassified.ts";

const token = "xoxb-SECRET-slack-token-123";
const adapter = makeSlackAdapter();
const slack = useFakeProvider(() => startFakeSlack({ token }));

function message(overrides: Parameters<typeof outboundMessage>[1] = {}) {
  return outboundMessage("slack", {
    conversationId: "C0123",
    ...overrides,
    link: { credentials: token, settings: { apiBaseUrl: slack.baseUrl }, ...overrides.link },
  });
}

function send(overrides: Parameters<typeof outboundMessage>[1] = {}, signal?: AbortSignal) {
  return adapter.send(message(overrides), { signal: signal ?? AbortSignal.timeout(5_000) });
}

describe("slack adapter: success", () => {
  it("posts chat.postMessage with the bearer token and returns the ts", async () => {
    const result = await send({ content: "hi there" });

    expect(result.providerMessageId).toMatch(/^1700000000\.\d{6}$/);
    expect(slack.requests).toHaveLength(1);
    const request = slack.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/api/chat.postMessage");
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(request.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(request.body).toEqual({ channel: "C0123", text: "hi there" });
  });

  it("replies in the thread named by threadRef", async () => {
    await send({ threadRef: "1699999999.000200" });

    expect(slack.requests[0]!.body).toEqual({
      channel: "C0123",
      text: "hello from valinor",
      thread_ts: "1699999999.000200",
    });
  });

  it("keeps a base URL path prefix (self-hosted gateways)", async () => {
    slack.script(() => ({ body: { ok: true, ts: "1.2" } }));
    await send({
      link: { credentials: token, settings: { apiBaseUrl: `${slack.baseUrl}/slack/` } },
    });
    expect(slack.requests[0]!.path).toBe("/slack/api/chat.postMessage");
  });
});

const permanent = [
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "msg_too_long",
  "no_text",
  "invalid_blocks",
];
const linkLevel = [
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
  "missing_scope",
];

const cases: ClassificationCase[] = [
  ...permanent.map((code) => ({
    name: code,
    response: slackError(code),
    errorClass: "permanent" as const,
  })),
  ...linkLevel.map((code) => ({
    name: code,
    response: slackError(code),
    errorClass: "linkLevel" as const,
  })),
  {
    name: "service_unavailable",
    response: slackError("service_unavailable"),
    errorClass: "transient",
  },
  {
    name: "internal_error",
    response: slackError("internal_error"),
    errorClass: "transient",
    ambiguous: true,
  },
  {
    name: "fatal_error",
    response: slackError("fatal_error"),
    errorClass: "transient",
    ambiguous: true,
  },
  {
    name: "an unknown error code",
    response: slackError("brand_new_error"),
    errorClass: "transient",
  },
  {
    name: "HTTP 429 with Retry-After",
    response: slackRateLimited(7),
    errorClass: "rateLimited",
    retryAfterMs: 7_000,
  },
  {
    name: "HTTP 429 without Retry-After",
    response: { status: 429, body: { ok: false, error: "ratelimited" } },
    errorClass: "rateLimited",
  },
  {
    name: "ratelimited in a 200 body with Retry-After",
    response: slackError("ratelimited", { headers: { "retry-after": "3" } }),
    errorClass: "rateLimited",
    retryAfterMs: 3_000,
  },
  {
    name: "HTTP 500 without a body",
    response: { status: 500 },
    errorClass: "transient",
    ambiguous: true,
  },
  {
    name: "HTTP 502 from a proxy",
    response: { status: 502, body: "<html>bad gateway</html>" },
    errorClass: "transient",
    ambiguous: true,
  },
  { name: "HTTP 503", response: { status: 503, body: "unavailable" }, errorClass: "transient" },
  {
    name: "HTTP 503 with service_unavailable",
    response: slackError("service_unavailable", { status: 503 }),
    errorClass: "transient",
  },
  {
    name: "a 200 that is not JSON",
    response: { status: 200, body: "ok" },
    errorClass: "transient",
    ambiguous: true,
  },
  {
    name: "a dropped connection",
    response: { destroySocket: true },
    errorClass: "transient",
    ambiguous: true,
  },
];

describe("slack adapter: classification", () => {
  it.each(cases)("$name → $errorClass", async (testCase) => {
    const error = await expectClassified(slack, testCase, () => send(), token);
    const code = (testCase.response.body as { error?: string } | undefined)?.error;
    if (code !== undefined) expect(error.providerCode).toBe(code);
  });

  it("a token the fake does not know is answered invalid_auth → linkLevel", async () => {
    const error = await captureDeliveryError(send({ link: { credentials: "xoxb-other" } }));
    expect(error.errorClass).toBe("linkLevel");
    expect(error.providerCode).toBe("invalid_auth");
  });
});

describe("slack adapter: aborts, network and link problems", () => {
  it("an abort while Slack has not answered is transient and ambiguous", async () => {
    const error = await expectAbortedWhileHanging(slack, (signal) => send({}, signal), token);
    expect(error.providerCode).toBe("TimeoutError");
  });

  it("a signal aborted before sending sends nothing and is not ambiguous", async () => {
    const controller = new AbortController();
    controller.abort();

    const error = await captureDeliveryError(send({}, controller.signal));

    expect(error.errorClass).toBe("transient");
    expect(error.ambiguous).toBe(false);
    expect(slack.requests).toHaveLength(0);
  });

  it("a refused connection is transient and ambiguous", async () => {
    const baseUrl = await closedProviderUrl(() => startFakeSlack());

    const error = await captureDeliveryError(
      send({ link: { credentials: token, settings: { apiBaseUrl: baseUrl } } }),
    );

    expect(error.errorClass).toBe("transient");
    expect(error.ambiguous).toBe(true);
    expect(error.providerCode).toBe("ECONNREFUSED");
  });

  it("missing credentials and a bad apiBaseUrl are link-level", async () => {
    const noToken = await captureDeliveryError(send({ link: { credentials: null } }));
    const badUrl = await captureDeliveryError(
      send({ link: { credentials: token, settings: { apiBaseUrl: "not a url" } } }),
    );

    expect(noToken.errorClass).toBe("linkLevel");
    expect(badUrl.errorClass).toBe("linkLevel");
    expect(slack.requests).toHaveLength(0);
  });
});
