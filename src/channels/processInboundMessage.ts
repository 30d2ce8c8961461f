import type { Pool } from "pg";
import type { Executor } from "../agent/executor.ts";
import type { Logger } from "../logging/logger.ts";
import type { InboundLink, NormalizedMessage } from "../providers/inboundProvider.ts";
import { providerTextLimit, splitReply } from "../providers/splitReply.ts";
import { claimMessage } from "./claimMessage.ts";
import { recordDecision } from "./recordDecision.ts";
import { recordExecuted } from "./recordExecuted.ts";
import { runExecutor } from "./runExecutor.ts";

export type MessageOutcome =
  | "executed"
  | "denied"
  | "duplicate"
  | "in_progress"
  | "execution_failed"
  | "dispatch_failed";

export interface ProcessMessageDeps {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly executor: Executor;
  readonly agentTimeoutMs: number;
  /** How long a claim keeps redeliveries off the message: longer than the agent's timeout. */
  readonly leaseMs: number;
  readonly maxAttempts: number;
}

/**
 * DESIGN.md's flow for one message: tx1 records it once and takes the lease; the agent runs
 * outside any transaction; tx2 records the decision and, for an executed reply, enqueues it.
 * If tx2 fails the message is recorded `dispatch_failed` in its own transaction (fail closed).
 * Each transaction is one statement on the pool (a function that scopes itself to the
 * tenant), so a message costs two round trips besides the link lookup.
 */
export async function processInboundMessage(
  deps: ProcessMessageDeps,
  link: InboundLink,
  message: NormalizedMessage,
): Promise<MessageOutcome> {
  const { pool, logger } = deps;
  const tenantId = link.tenantId;
  const claim = await claimMessage(pool, {
    tenantId,
    linkId: link.id,
    message,
    leaseMs: deps.leaseMs,
  });
  if (claim.kind === "decided") return "duplicate";
  if (claim.kind === "inProgress") return "in_progress";
  const { messageId, leaseUntil } = claim;
  const log = logger.child({ messageId });

  const result = await runExecutor(
    deps.executor,
    { tenantId, linkId: link.id, message },
    deps.agentTimeoutMs,
  );

  if (result.decision === "failed") {
    log.warn({ reason: result.reason }, "agent execution failed");
    await recordDecision(pool, {
      tenantId,
      messageId,
      leaseUntil,
      status: "execution_failed",
      reason: result.reason,
    });
    return "execution_failed";
  }
  if (result.decision === "denied") {
    const recorded = await recordDecision(pool, {
      tenantId,
      messageId,
      leaseUntil,
      status: "denied",
      reason: result.reason,
    });
    return recorded ? "denied" : leaseLost(log);
  }

  const reply = result.reply?.trim() ? result.reply : undefined;
  const parts = reply === undefined ? [] : splitReply(reply, providerTextLimit(link.provider));
  try {
    const { recorded, outboxIds } = await recordExecuted(pool, {
      tenantId,
      messageId,
      leaseUntil,
      parts,
      maxAttempts: deps.maxAttempts,
    });
    if (!recorded) return leaseLost(log);
    if (outboxIds.length > 0) {
      log.info({ outboxId: outboxIds[0], parts: outboxIds.length }, "reply enqueued");
    }
    return "executed";
  } catch (error) {
    log.error({ err: error }, "enqueueing the reply failed; recording dispatch_failed");
    const reason = `enqueue failed: ${error instanceof Error ? error.message : "unknown error"}`;
    await recordDecision(pool, {
      tenantId,
      messageId,
      leaseUntil,
      status: "dispatch_failed",
      reason,
    });
    return "dispatch_failed";
  }
}

function leaseLost(log: Logger): MessageOutcome {
  // Our lease ran out and a redelivery took the message over; it decides, not us.
  log.warn("message lease lost to a redelivery; decision left to it");
  return "in_progress";
}
