import { describe, expect, it } from "vitest";
import {
  signStandardWebhook,
  verifyStandardWebhook,
} from "../../src/providers/webhook/standardWebhookSignature.ts";

// The example from the Standard Webhooks specification's reference libraries.
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const timestamp = 1614265330;
const body = '{"test": 2432232314}';
const expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const at = (seconds: number) => new Date(seconds * 1000);

const verify = (overrides: Partial<Parameters<typeof verifyStandardWebhook>[0]> = {}) =>
  verifyStandardWebhook({
    secret,
    id,
    timestamp: String(timestamp),
    signatureHeader: expected,
    body: Buffer.from(body),
    now: at(timestamp),
    ...overrides,
  });

describe("Standard Webhooks signature", () => {
  it("signs the specification's example exactly", () => {
    expect(signStandardWebhook(secret, id, timestamp, body)).toBe(expected);
    expect(signStandardWebhook(secret, id, timestamp, Buffer.from(body))).toBe(expected);
  });

  it("keys each secret's signatures by that secret, past the key cache's bound", () => {
    const others = Array.from(
      { length: 1_100 },
      (_, i) => `whsec_${Buffer.from(`other secret ${i}`).toString("base64")}`,
    );
    const signatures = new Set(
      others.map((other) => signStandardWebhook(other, id, timestamp, body)),
    );
    expect(signatures.size).toBe(others.length);
    expect(signatures.has(expected)).toBe(false);
    // The specification's key was evicted long ago, and is derived again the same.
    expect(signStandardWebhook(secret, id, timestamp, body)).toBe(expected);
    expect(verify({ secret: others[0] })).toEqual({ ok: false, reason: "no_matching_signature" });
  });

  it("accepts the valid signature within the tolerance in both directions", () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ now: at(timestamp + 299) })).toEqual({ ok: true });
    expect(verify({ now: at(timestamp - 299) })).toEqual({ ok: true });
  });

  it("rejects timestamps older or newer than five minutes", () => {
    expect(verify({ now: at(timestamp + 301) })).toEqual({
      ok: false,
      reason: "timestamp_out_of_tolerance",
    });
    expect(verify({ now: at(timestamp - 301) })).toEqual({
      ok: false,
      reason: "timestamp_out_of_tolerance",
    });
  });

  it("rejects a tampered body, another id and a wrong secret", () => {
    const noMatch = { ok: false, reason: "no_matching_signature" };
    expect(verify({ body: Buffer.from('{"test": 2432232315}') })).toEqual(noMatch);
    expect(verify({ id: "msg_other" })).toEqual(noMatch);
    expect(verify({ secret: "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })).toEqual(noMatch);
  });

  it("accepts when any one of several space-separated signatures matches", () => {
    const header = `v1,bm90LWEtc2lnbmF0dXJl v2,${expected.slice(3)} ${expected} v1,`;
    expect(verify({ signatureHeader: header })).toEqual({ ok: true });
    expect(verify({ signatureHeader: `v2,${expected.slice(3)}` }).ok).toBe(false);
  });

  it("rejects missing headers and non-numeric timestamps", () => {
    expect(verify({ id: undefined })).toEqual({ ok: false, reason: "missing_headers" });
    expect(verify({ signatureHeader: "" })).toEqual({ ok: false, reason: "missing_headers" });
    expect(verify({ timestamp: "1614265330.5" })).toEqual({ ok: false, reason: "bad_timestamp" });
  });
});
