import type { OutboxConfig } from "../config/config.ts";
import type { SecretBox } from "../crypto/secretBox.ts";
import type { Logger } from "../logging/logger.ts";
import type { AdapterRegistry } from "../providers/adapterRegistry.ts";
import { DeliveryError, toDeliveryError } from "../providers/deliveryError.ts";
import { type ClaimedRow, claimOutboxBatch } from "./claimOutbox.ts";
import { type Claim, markDead, markRetry, markSentBatch, pauseLinkForRow } from "./markOutbox.ts";
import type { Queryable } from "./outboxQueries.ts";
import { decideAfterFailure, type RandomSource } from "./retryPolicy.ts";

export interface DeliveryDeps {
  readonly config: OutboxConfig;
  readonly adapters: AdapterRegistry;
  readonly secretBox: SecretBox;
  readonly random: RandomSource;
  readonly logger: Logger;
}

export type DeliveryOutcome = "sent" | "retry" | "dead" | "link-paused" | "claim-lost";

interface Sent {
  readonly claim: Claim;
  readonly providerMessageId: string;
  readonly started: number;
  readonly log: () => Logger;
}

/** What the rows of one batch share while it runs. */
interface BatchState {
  /**
   * When this batch's sends must have ended, on this process's monotonic clock (see sendDeadline).
   */
  readonly sendDeadline: number;
  readonly sent: Sent[];
  /** Opened link credentials by sealed value: a batch's rows share one link. */
  readonly credentials: Map<string, string>;
}

/**
 * One sendOutbound job: claim the job's row and up to `claimBatchSize - 1` more due rows of
 * its link (one statement), send them all at once through the provider's adapter, then mark
 * every success sent (one statement); failures are recorded row by row as they happen. The
 * sends run in parallel so that a batch, like a single row, lasts at most one send timeout
 * (OUTBOX_STALE_SENDING_MS is checked against it), and never past the claim's lease (see
 * sendDeadline). No transaction is held while sending.
 * `signal` is the worker's shutdown signal.
 * Returns one outcome per claimed row: empty when the job's row was not claimable.
 */
export async function deliverOutbox(
  deps: DeliveryDeps,
  db: Queryable,
  job: { tenantId: string; outboxId: string },
  signal?: AbortSignal,
): Promise<DeliveryOutcome[]> {
  const sendDeadline = sendDeadlineFrom(performance.now(), deps.config);
  const rows = await claimOutboxBatch(db, job.tenantId, job.outboxId, deps.config.claimBatchSize);
  const state: BatchState = { sendDeadline, sent: [], credentials: new Map() };
  const outcomes = new Map<string, DeliveryOutcome>();
  const settled = await Promise.allSettled(
    rows.map(async (row) => {
      const outcome = await deliverRow(deps, db, row, state, signal);
      if (outcome) outcomes.set(row.id, outcome);
    }),
  );
  // Mark what was sent even if recording another row's failure threw: those rows went out.
  const applied = await markSentBatch(db, job.tenantId, state.sent);
  for (const { claim, started, log } of state.sent) {
    if (applied.has(claim.outboxId)) {
      // Checked first: the row's child logger would be built just to drop the line.
      if (deps.logger.isLevelEnabled("info")) {
        log().info({ durationMs: Math.round(performance.now() - started) }, "reply sent");
      }
      outcomes.set(claim.outboxId, "sent");
    } else {
      // Recovery took the row back while we were sending: it will be sent again (at-least-once).
      log().warn("sent, but the claim was lost to recovery; the row may be delivered twice");
      outcomes.set(claim.outboxId, "claim-lost");
    }
  }
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return rows.map((row) => outcomes.get(row.id) ?? "claim-lost");
}

/**
 * The claim's lease: recovery may take the rows back OUTBOX_STALE_SENDING_MS after the claim's
 * transaction began, which was no earlier than `claimRequestedAt`. A send must end before then,
 * with half of the margin between the stale timeout and the send timeout kept for recording
 * outcomes. Normally the send timeout ends sooner; after a stall between claim and send (a slow
 * claim, a blocked event loop) this deadline does, so that a request never reaches a provider
 * after recovery has handed its row to another worker, which would not know the answer.
 */
function sendDeadlineFrom(
  claimRequestedAt: number,
  config: Pick<DeliveryDeps["config"], "staleSendingMs" | "sendTimeoutMs">,
): number {
  const keptForMarks = (config.staleSendingMs - config.sendTimeoutMs) / 2;
  return claimRequestedAt + config.staleSendingMs - keptForMarks;
}

/** Sends one claimed row; a success is queued on `state.sent` for the batch's mark (undefined). */
async function deliverRow(
  deps: DeliveryDeps,
  db: Queryable,
  row: ClaimedRow,
  state: BatchState,
  signal?: AbortSignal,
): Promise<DeliveryOutcome | undefined> {
  // Bound on first use: a pino child per row costs more than most rows ever log.
  let child: Logger | undefined;
  const log = () =>
    (child ??= deps.logger.child({
      tenantId: row.tenantId,
      outboxId: row.id,
      linkId: row.channelLinkId,
      provider: row.provider,
      attempt: row.attemptCount,
    }));
  const claim: Claim = {
    tenantId: row.tenantId,
    outboxId: row.id,
    claimToken: row.claimToken,
    startedAt: new Date(),
  };
  const started = performance.now();
  const msUntilDeliverBy = row.createdAt.getTime() + deps.config.deliverByMs - row.dbNow.getTime();
  if (msUntilDeliverBy <= 0) {
    const applied = await markDead(
      db,
      claim,
      "expired",
      undefined,
      "older than the deliver-by age; not sent",
    );
    log().warn("reply dead: older than the deliver-by age");
    return applied ? "dead" : "claim-lost";
  }

  let providerMessageId: string;
  try {
    providerMessageId = await send(deps, row, state, signal);
  } catch (thrown) {
    const error = toDeliveryError(thrown);
    const elapsed = performance.now() - started;
    return recordFailure(deps, db, row, claim, error, msUntilDeliverBy - elapsed, log);
  }
  state.sent.push({ claim, providerMessageId, started, log });
  return undefined;
}

async function send(
  deps: DeliveryDeps,
  row: ClaimedRow,
  state: BatchState,
  shutdown?: AbortSignal,
) {
  const timeoutMs = Math.min(deps.config.sendTimeoutMs, state.sendDeadline - performance.now());
  if (timeoutMs < 1) {
    throw new DeliveryError("transient", "not sent: the claim's lease ran out before the send", {
      providerCode: "LeaseExpired",
    });
  }
  const opened = state.credentials;
  let credentials: string | null = null;
  if (row.sealedCredentials) {
    try {
      credentials = opened.get(row.sealedCredentials) ?? deps.secretBox.open(row.sealedCredentials);
      opened.set(row.sealedCredentials, credentials);
    } catch {
      throw new DeliveryError(
        "linkLevel",
        "the link's credentials cannot be decrypted (SECRETS_KEY?)",
      );
    }
  }
  const timeout = AbortSignal.timeout(Math.ceil(timeoutMs));
  const signal = shutdown ? AbortSignal.any([timeout, shutdown]) : timeout;
  const result = await deps.adapters(row.provider).send(
    {
      outboxId: row.id,
      tenantId: row.tenantId,
      provider: row.provider,
      conversationId: row.conversationId,
      threadRef: row.threadRef,
      content: row.content,
      partIndex: row.partIndex,
      attempt: row.attemptCount,
      link: {
        id: row.channelLinkId,
        tenantId: row.tenantId,
        externalAccountId: row.externalAccountId,
        credentials,
        settings: row.settings,
      },
    },
    { signal },
  );
  return result.providerMessageId;
}

async function recordFailure(
  deps: DeliveryDeps,
  db: Queryable,
  row: ClaimedRow,
  claim: Claim,
  error: DeliveryError,
  msUntilDeliverBy: number,
  log: () => Logger,
): Promise<DeliveryOutcome> {
  const decision = decideAfterFailure(
    error,
    { attemptCount: row.attemptCount, maxAttempts: row.maxAttempts, msUntilDeliverBy },
    deps.config,
    deps.random,
  );
  const failure = {
    errorClass: error.errorClass,
    providerStatus: error.providerStatus,
    providerCode: error.providerCode,
    ambiguous: error.ambiguous,
    error: error.message,
  };
  let applied: boolean;
  let outcome: DeliveryOutcome;
  if (decision.kind === "pauseLink") {
    applied = await pauseLinkForRow(db, claim, error);
    outcome = "link-paused";
    log().warn(failure, "link paused: the provider refused its credentials");
  } else if (decision.kind === "dead") {
    applied = await markDead(db, claim, decision.reason, error);
    outcome = "dead";
    log().warn({ ...failure, reason: decision.reason }, "reply dead");
  } else {
    applied = await markRetry(db, claim, decision, error);
    outcome = "retry";
    log().info({ ...failure, delayMs: decision.delayMs }, "send failed; retry scheduled");
  }
  if (!applied) {
    log().warn(failure, "send failed, and the claim was lost to recovery meanwhile");
    return "claim-lost";
  }
  return outcome;
}
