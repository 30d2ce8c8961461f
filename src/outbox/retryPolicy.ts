import type { OutboxConfig } from "../config/config.ts";
import type { DeliveryError } from "../providers/deliveryError.ts";

/** A source of numbers in [0, 1); injectable so tests are deterministic. */
export type RandomSource = () => number;

type BackoffConfig = Pick<OutboxConfig, "baseDelayMs" | "multiplier" | "maxDelayMs" | "jitter">;

/**
 * Exponential backoff with symmetric jitter, bounded by maxDelayMs: after attempt n the
 * delay is base·multiplier^(n−1), capped, then spread by ±jitter and capped again.
 */
export function backoffDelayMs(
  attempt: number,
  config: BackoffConfig,
  random: RandomSource,
): number {
  const exponential = config.baseDelayMs * config.multiplier ** Math.max(0, attempt - 1);
  const capped = Math.min(config.maxDelayMs, exponential);
  const spread = capped * config.jitter * (2 * random() - 1);
  return Math.round(Math.min(config.maxDelayMs, Math.max(0, capped + spread)));
}

/** The window backoffDelayMs draws from, for assertions and documentation. */
export function backoffWindowMs(attempt: number, config: BackoffConfig): [number, number] {
  const capped = Math.min(
    config.maxDelayMs,
    config.baseDelayMs * config.multiplier ** (attempt - 1),
  );
  return [
    Math.max(0, Math.floor(capped * (1 - config.jitter))),
    Math.min(config.maxDelayMs, Math.ceil(capped * (1 + config.jitter))),
  ];
}

export type FailureDecision =
  | { kind: "retry"; delayMs: number; refund: boolean; conversationId?: string }
  | { kind: "dead"; reason: "permanent" | "exhausted" | "expired" }
  | { kind: "pauseLink" };

export interface AttemptState {
  /** Attempts made so far, this one included. */
  readonly attemptCount: number;
  readonly maxAttempts: number;
  /** Milliseconds from now (database time) until the reply's deliver-by time. */
  readonly msUntilDeliverBy: number;
}

/** What to do with a row whose send just failed with `error`. */
export function decideAfterFailure(
  error: DeliveryError,
  state: AttemptState,
  config: OutboxConfig,
  random: RandomSource,
): FailureDecision {
  if (error.errorClass === "permanent") return { kind: "dead", reason: "permanent" };
  if (error.errorClass === "linkLevel") return { kind: "pauseLink" };
  if (error.conversationMovedTo) {
    // The conversation moved (e.g. a Telegram group upgraded): not the row's fault, go again now.
    return { kind: "retry", delayMs: 0, refund: true, conversationId: error.conversationMovedTo };
  }
  if (state.attemptCount >= state.maxAttempts) return { kind: "dead", reason: "exhausted" };
  let delayMs = backoffDelayMs(state.attemptCount, config, random);
  if (error.errorClass === "rateLimited" && error.retryAfterMs !== undefined) {
    delayMs = Math.max(delayMs, Math.min(error.retryAfterMs, config.retryAfterCapMs));
  }
  if (delayMs > state.msUntilDeliverBy) return { kind: "dead", reason: "expired" };
  return { kind: "retry", delayMs, refund: false };
}
