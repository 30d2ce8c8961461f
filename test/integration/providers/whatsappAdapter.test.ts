import { describe, expect, it } from "vitest";
import type { DeliveryErrorClass } from "../../../src/providers/deliveryError.ts";
import { makeWhatsAppAdapter } from "../../../src/providers/whatsapp/whatsappAdapter.ts";
import {
  startFakeWhatsApp,
  whatsappCall,
  whatsappError,
} from "../../helpers/fakeProviders/fakeWhatsApp.ts";
import { outboundMessage } from "../../helpers/fakeProviders/outboundMessage.ts";
import { useFakeProvider } from "../../helpers/fakeProviders/useFakeProvider.ts";
import { captureDeliveryError } from "./captureDeliveryError.ts";
import {
  type ClassificationCase,
  expectAbortedWhileHanging,
  expectClassified,
} from "./expectClassified.ts";

const token = "EAAG-SECRET-whatsapp-token";
const phoneNumberId = "106540352242922";
const adapter = makeWhatsAppAdapter();
const whatsapp = useFakeProvider(() => startFakeWhatsApp({ token }));

function send(overrides: Parameters<typeof outboundMessage>[1] = {}, signal?: AbortSignal) {
  const message = outboundMessage("whatsapp", {
    conversationId: "15551234567",
    ...overrides,
    link: {
      credentials: token,
      externalAccountId: phoneNumberId,
      settings: { apiBaseUrl: whatsapp.baseUrl },
      ...overrides.link,
    },
  });
  return adapter.send(message, { signal: signal ?? AbortSignal.timeout(5_000) });
}

describe("whatsapp adapter: success", () => {
  it("posts a text message from the link's phone number and returns the wamid", async () => {
    const result = await send({ content: "hi there" });

    expect(result.providerMessageId).toMatch(/^wamid\./);
    const request = whatsapp.requests[0]!;
    expect(whatsappCall(request)).toEqual({ apiVersion: "v21.0", phoneNumberId });
    expect(request.headers.authorization).toBe(`Bearer ${token}`);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "15551234567",
      type: "text",
      text: { body: "hi there" },
    });
  });

  it("quotes the inbound message named by threadRef and honours apiVersion", async () => {
    await send({
      threadRef: "wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
      link: { settings: { apiBaseUrl: whatsapp.baseUrl, apiVersion: "v19.0" } },
    });

    const request = whatsapp.requests[0]!;
    expect(whatsappCall(request)?.apiVersion).toBe("v19.0");
    expect((request.body as { context?: unknown }).context).toEqual({
      message_id: "wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
    });
  });
});

function byCode(
  codes: number[],
  errorClass: DeliveryErrorClass,
  status = 400,
): ClassificationCase[] {
  return codes.map((code) => ({
    name: `code ${code} (HTTP ${status})`,
    response: whatsappError(code, undefined, { status }),
    errorClass,
  }));
}

const cases: ClassificationCase[] = [
  {
    name: "130429 throughput",
    response: whatsappError(130429, "Rate limit hit"),
    errorClass: "rateLimited",
    retryAfterMs: 5_000,
  },
  {
    name: "131056 pair rate",
    response: whatsappError(131056, "Pair rate limit hit"),
    errorClass: "rateLimited",
    retryAfterMs: 60_000,
  },
  {
    name: "80007 WABA rate",
    response: whatsappError(80007, "Rate limit issues"),
    errorClass: "rateLimited",
    retryAfterMs: 60_000,
  },
  {
    name: "4 app call limit",
    response: whatsappError(4, "Application request limit reached", { status: 403 }),
    errorClass: "rateLimited",
    retryAfterMs: 60_000,
  },
  {
    name: "131056 with a Retry-After header",
    response: whatsappError(131056, "Pair rate limit hit", { headers: { "retry-after": "9" } }),
    errorClass: "rateLimited",
    retryAfterMs: 9_000,
  },
  ...byCode([131000, 131016, 133004, 1, 2], "transient", 500),
  ...byCode([131000, 131016, 133004, 1, 2], "transient", 400),
  ...byCode([131047, 131026, 100, 131008, 131009, 131051, 133010], "permanent"),
  ...byCode([190, 0, 10, 368, 131031], "linkLevel"),
  ...byCode([190, 10], "linkLevel", 401),
  ...byCode([190], "linkLevel", 403),
  {
    name: "an unknown code with a 4xx",
    response: whatsappError(999_999, "new error"),
    errorClass: "transient",
  },
  {
    name: "HTTP 500 without a Graph error",
    response: { status: 500, body: "oops" },
    errorClass: "transient",
    ambiguous: true,
  },
  { name: "HTTP 503 without a Graph error", response: { status: 503 }, errorClass: "transient" },
  {
    name: "HTTP 429 without a Graph error",
    response: { status: 429, headers: { "retry-after": "2" } },
    errorClass: "rateLimited",
    retryAfterMs: 2_000,
  },
  { name: "HTTP 401 without a Graph error", response: { status: 401 }, errorClass: "linkLevel" },
  {
    name: "a 200 without a message id",
    response: { status: 200, body: { messages: [] } },
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

describe("whatsapp adapter: classification by error.code", () => {
  it.each(cases)("$name → $errorClass", async (testCase) => {
    const error = await expectClassified(whatsapp, testCase, () => send(), token);
    const code = (testCase.response.body as { error?: { code?: number } } | undefined)?.error?.code;
    if (code !== undefined) expect(error.providerCode).toBe(String(code));
  });

  it("a token the fake does not know is answered code 190 → linkLevel", async () => {
    const error = await captureDeliveryError(send({ link: { credentials: "EAAG-other" } }));
    expect(error.errorClass).toBe("linkLevel");
    expect(error.providerCode).toBe("190");
  });
});

describe("whatsapp adapter: aborts and link problems", () => {
  it("an abort while Meta has not answered is transient and ambiguous", async () => {
    await expectAbortedWhileHanging(whatsapp, (signal) => send({}, signal), token);
  });

  it("a link without a phone number id or with a bad apiVersion is link-level", async () => {
    const noPhone = await captureDeliveryError(send({ link: { externalAccountId: null } }));
    const badVersion = await captureDeliveryError(
      send({ link: { settings: { apiBaseUrl: whatsapp.baseUrl, apiVersion: "../v1" } } }),
    );

    expect(noPhone.errorClass).toBe("linkLevel");
    expect(badVersion.errorClass).toBe("linkLevel");
    expect(whatsapp.requests).toHaveLength(0);
  });
});
