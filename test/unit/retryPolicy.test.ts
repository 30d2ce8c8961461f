import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import {
  backoffDelayMs,
  backoffWindowMs,
  decideAfterFailure,
} from "../../src/outbox/retryPolicy.ts";
import { DeliveryError } from "../../src/providers/deliveryError.ts";

const config = loadConfig({
  OUTBOX_BASE_DELAY_MS: "1000",
  OUTBOX_BACKOFF_MULTIPLIER: "2",
  OUTBOX_MAX_DELAY_MS: "30000",
  OUTBOX_JITTER: "0.2",
  OUTBOX_RETRY_AFTER_CAP_MS: "120000",
  OUTBOX_MAX_ATTEMPTS: "5",
}).outbox;
const far = 24 * 3600_000;
const state = (attemptCount: number, msUntilDeliverBy = far) => ({
  attemptCount,
  maxAttempts: 5,
  msUntilDeliverBy,
});
const transient = new DeliveryError("transient", "503");

describe("backoff", () => {
  it("grows exponentially from the base delay and stays inside the jitter window", () => {
    expect(backoffDelayMs(1, config, () => 0.5)).toBe(1000);
    expect(backoffDelayMs(2, config, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(3, config, () => 0.5)).toBe(4000);
    expect(backoffDelayMs(3, config, () => 0)).toBe(3200);
    expect(backoffDelayMs(3, config, () => 0.999999)).toBe(4800);
    expect(backoffWindowMs(3, config)).toEqual([3200, 4800]);
  });

  it("never exceeds the maximum delay, jitter included", () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.999999]) {
        const delay = backoffDelayMs(attempt, config, () => r);
        expect(delay).toBeLessThanOrEqual(30_000);
        expect(delay).toBeGreaterThanOrEqual(0);
      }
    }
    expect(backoffDelayMs(30, config, () => 0.5)).toBe(30_000);
  });

  it("is deterministic for an injected random source", () => {
    const seq = [0.1, 0.9, 0.3];
    const draw = () => {
      let i = 0;
      return () => seq[i++ % seq.length]!;
    };
    const a = draw();
    const b = draw();
    expect([1, 2, 3].map((n) => backoffDelayMs(n, config, a))).toEqual(
      [1, 2, 3].map((n) => backoffDelayMs(n, config, b)),
    );
  });
});

describe("decideAfterFailure", () => {
  it("retries a transient failure after the backoff", () => {
    expect(decideAfterFailure(transient, state(2), config, () => 0.5)).toEqual({
      kind: "retry",
      delayMs: 2000,
      refund: false,
    });
  });

  it("waits at least the provider's Retry-After, capped by configuration", () => {
    const limited = (ms: number) => new DeliveryError("rateLimited", "429", { retryAfterMs: ms });
    expect(decideAfterFailure(limited(45_000), state(1), config, () => 0.5)).toMatchObject({
      kind: "retry",
      delayMs: 45_000,
    });
    expect(decideAfterFailure(limited(10), state(1), config, () => 0.5)).toMatchObject({
      delayMs: 1000,
    });
    expect(decideAfterFailure(limited(3_600_000), state(1), config, () => 0.5)).toMatchObject({
      delayMs: 120_000,
    });
  });

  it("dead-letters a permanent failure at once, even on the first attempt", () => {
    expect(
      decideAfterFailure(new DeliveryError("permanent", "blocked"), state(1), config, Math.random),
    ).toEqual({ kind: "dead", reason: "permanent" });
  });

  it("dead-letters when the attempt budget is spent", () => {
    expect(decideAfterFailure(transient, state(5), config, () => 0.5)).toEqual({
      kind: "dead",
      reason: "exhausted",
    });
  });

  it("dead-letters instead of retrying past the deliver-by time", () => {
    expect(decideAfterFailure(transient, state(1, 500), config, () => 0.5)).toEqual({
      kind: "dead",
      reason: "expired",
    });
  });

  it("pauses the link for a link-level failure instead of spending attempts", () => {
    expect(
      decideAfterFailure(new DeliveryError("linkLevel", "revoked"), state(5), config, () => 0.5),
    ).toEqual({ kind: "pauseLink" });
  });

  it("retries at once in the new conversation when the conversation moved", () => {
    const moved = new DeliveryError("transient", "migrated", { conversationMovedTo: "-100123" });
    expect(decideAfterFailure(moved, state(1), config, () => 0.5)).toEqual({
      kind: "retry",
      delayMs: 0,
      refund: true,
      conversationId: "-100123",
    });
  });
});
