import type { OutboxConfig } from "../config/config.ts";
import type { SecretBox } from "../crypto/secretBox.ts";
import type { Logger } from "../logging/logger.ts";
import type { AdapterRegistry } from "../providers/adapterRegistry.ts";
import { DeliveryError, toDeliveryError } from "../providers/deliveryError.ts";
import { type ClaimedRow, claimOutbox } from "./claimOutbox.ts";
import { type Claim, markDead, markRetry, markSent, pauseLinkForRow } from "./markOutbox.ts";
import type { Queryable } from "./outboxQueries.ts";
import { decideAfterFailure, type RandomSource } from "./retryPolicy.ts";

export interface DeliveryDeps {
  readonly config: OutboxConfig;
  readonly adapters: AdapterRegistry;
  readonly secretBox: SecretBox;
  readonly random: RandomSource;
  readonly logger: Logger;
}

export type DeliveryOutcome =
  | "nothing-to-claim"
  | "sent"
  | "retry"
  | "dead"
  | "link-paused"
  | "claim-lost";

/**
 * One delivery: claim the row, send it through its provider's adapter, record the outcome.
 * Two statements on the database (claim, mark), the send in between holds no transaction.
 * `signal` is the worker's shutdown signal; the send timeout is added here.
 */
export async function deliverOutbox(
  deps: DeliveryDeps,
  db: Queryable,
  job: { tenantId: string; outboxId: string },
  signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  const row = await claimOutbox(db, job.tenantId, job.outboxId);
  if (!row) return "nothing-to-claim";
  const log = deps.logger.child({
    tenantId: row.tenantId,
    outboxId: row.id,
    linkId: row.channelLinkId,
    provider: row.provider,
    attempt: row.attemptCount,
  });
  const claim: Claim = {
    tenantId: row.tenantId,
    outboxId: row.id,
    claimToken: row.claimToken,
    startedAt: new Date(),
  };
  const started = performance.now();
  const msUntilDeliverBy = row.createdAt.getTime() + deps.config.deliverByMs - row.dbNow.getTime();
  if (msUntilDeliverBy <= 0) {
    await markDead(db, claim, "expired", undefined, "older than the deliver-by age; not sent");
    log.warn("reply dead: older than the deliver-by age");
    return "dead";
  }

  let providerMessageId: string;
  try {
    providerMessageId = await send(deps, row, signal);
  } catch (thrown) {
    const error = toDeliveryError(thrown);
    const elapsed = performance.now() - started;
    return recordFailure(deps, db, row, claim, error, msUntilDeliverBy - elapsed, log);
  }
  if (!(await markSent(db, claim, providerMessageId))) {
    // Recovery took the row back while we were sending: it will be sent again (at-least-once).
    log.warn("sent, but the claim was lost to recovery; the row may be delivered twice");
    return "claim-lost";
  }
  log.info({ durationMs: Math.round(performance.now() - started) }, "reply sent");
  return "sent";
}

async function send(deps: DeliveryDeps, row: ClaimedRow, shutdown?: AbortSignal) {
  let credentials: string | null = null;
  if (row.sealedCredentials) {
    try {
      credentials = deps.secretBox.open(row.sealedCredentials);
    } catch {
      throw new DeliveryError(
        "linkLevel",
        "the link's credentials cannot be decrypted (SECRETS_KEY?)",
      );
    }
  }
  const timeout = AbortSignal.timeout(deps.config.sendTimeoutMs);
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
  log: Logger,
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
    log.warn(failure, "link paused: the provider refused its credentials");
  } else if (decision.kind === "dead") {
    applied = await markDead(db, claim, decision.reason, error);
    outcome = "dead";
    log.warn({ ...failure, reason: decision.reason }, "reply dead");
  } else {
    applied = await markRetry(db, claim, decision, error);
    outcome = "retry";
    log.info({ ...failure, delayMs: decision.delayMs }, "send failed; retry scheduled");
  }
  if (!applied) {
    log.warn(failure, "send failed, and the claim was lost to recovery meanwhile");
    return "claim-lost";
  }
  return outcome;
}
