import { verifyStandardWebhookRequest } from "../../src/providers/webhook/standardWebhookSignature.ts";
import type { FaultLink } from "./faultTenants.ts";
import type { Receipt } from "./faultyProviders.ts";
import type { InboundEvent } from "./inboundDriver.ts";
import { type AttemptRow, countBy, type OutboxRow, type OutboxSnapshot } from "./outboxSnapshot.ts";

export interface InvariantInput {
  readonly snapshot: OutboxSnapshot;
  readonly links: readonly FaultLink[];
  /** Events the driver saw answered 200: each must be recorded once. */
  readonly accepted: readonly InboundEvent[];
  readonly receipts: readonly Receipt[];
  /** Final message states this scenario allows (default: executed). */
  readonly allowedMessageStates?: readonly string[];
}

export interface InvariantResult {
  readonly violations: string[];
  readonly figures: Record<string, unknown>;
}

const limit = (list: string[], max = 20) =>
  list.length > max ? [...list.slice(0, max), `… and ${list.length - max} more`] : list;

/** DESIGN.md's promises, checked from the tables and the fakes' receipts. */
export function checkInvariants(input: InvariantInput): InvariantResult {
  const { messages, outbox, attempts } = input.snapshot;
  const violations: string[] = [];
  const fail = (what: string, items: string[]) => {
    if (items.length > 0) violations.push(`${what} (${items.length}): ${limit(items).join("; ")}`);
  };
  const linkById = new Map(input.links.map((link) => [link.id, link]));
  const allowed = new Set(input.allowedMessageStates ?? ["executed"]);

  // Inbound: every accepted event recorded exactly once, in an allowed final state.
  const messageByKey = new Map(
    messages.map((m) => [`${m.channel_link_id}/${m.external_message_id}`, m]),
  );
  fail(
    "accepted events with no channel_messages row",
    input.accepted
      .filter((e) => !messageByKey.has(`${e.link.id}/${e.externalId}`))
      .map((e) => e.externalId),
  );
  fail(
    "messages not in an allowed final state",
    messages.filter((m) => !allowed.has(m.status)).map((m) => `${m.id}=${m.status}`),
  );

  // One reply (or its ordered parts) per executed message, none for the others.
  const partsByMessage = new Map<string, OutboxRow[]>();
  for (const row of outbox) {
    const parts = partsByMessage.get(row.channel_message_id) ?? [];
    parts.push(row);
    partsByMessage.set(row.channel_message_id, parts);
  }
  const badReplies: string[] = [];
  for (const message of messages) {
    const parts = (partsByMessage.get(message.id) ?? [])
      .map((p) => p.part_index)
      .sort((a, b) => a - b);
    const expected = message.status === "executed";
    const contiguous = parts.every((index, i) => index === i);
    if (expected ? parts.length === 0 || !contiguous : parts.length > 0) {
      badReplies.push(`${message.id} (${message.status}): parts [${parts.join(",")}]`);
    }
  }
  fail("messages without exactly one reply", badReplies);

  // Every row settled; dead only with a reason; attempt budget respected.
  fail(
    "rows left pending or sending",
    outbox
      .filter((r) => r.status !== "sent" && r.status !== "dead")
      .map((r) => `${r.id}=${r.status}`),
  );
  fail(
    "dead rows without a recorded reason",
    outbox.filter((r) => r.status === "dead" && (!r.dead_reason || !r.last_error)).map((r) => r.id),
  );
  fail(
    "rows over their attempt budget",
    outbox
      .filter((r) => r.attempt_count > r.max_attempts)
      .map((r) => `${r.id}: ${r.attempt_count}/${r.max_attempts}`),
  );
  fail(
    "exhausted rows that did not use their budget",
    outbox
      .filter((r) => r.dead_reason === "exhausted" && r.attempt_count < r.max_attempts)
      .map((r) => r.id),
  );

  // Receipts: each maps to a row by its unique content, carries that row's link credentials.
  const rowByContent = new Map(outbox.map((row) => [row.content, row]));
  const receiptsByRow = new Map<string, Receipt[]>();
  const phantom: string[] = [];
  const crossed: string[] = [];
  for (const receipt of input.receipts) {
    const row = receipt.content === undefined ? undefined : rowByContent.get(receipt.content);
    if (!row) {
      phantom.push(`${receipt.provider} ${receipt.request.path}`);
      continue;
    }
    const list = receiptsByRow.get(row.id) ?? [];
    list.push(receipt);
    receiptsByRow.set(row.id, list);
    const link = linkById.get(row.channel_link_id);
    const ownCredentials =
      link !== undefined &&
      (receipt.provider === "webhook"
        ? signedBy(receipt, link.outboundCredential) &&
          receipt.request.path === `/hooks/${link.tenantId}` &&
          receipt.request.headers["webhook-id"] === row.id
        : receipt.credential === link.outboundCredential);
    if (
      !ownCredentials ||
      receipt.conversationId !== row.conversation_id ||
      receipt.provider !== link?.provider
    ) {
      crossed.push(
        `${receipt.provider} receipt for row ${row.id} carried another link's credentials or conversation`,
      );
    }
  }
  fail("receipts that match no outbox row", phantom);
  fail("cross-tenant deliveries", crossed);

  const attemptsByRow = new Map<string, AttemptRow[]>();
  for (const attempt of attempts) {
    const list = attemptsByRow.get(attempt.outbox_id) ?? [];
    list.push(attempt);
    attemptsByRow.set(attempt.outbox_id, list);
  }
  const lost: string[] = [];
  const unexplained: string[] = [];
  const undercut: string[] = [];
  const answeredAfterTimeout: string[] = [];
  const permanentWithoutCause: string[] = [];
  let duplicateRows = 0;
  let extraCopies = 0;
  let deadButDelivered = 0;
  for (const row of outbox) {
    const received = (receiptsByRow.get(row.id) ?? []).sort(
      (a, b) => a.request.receivedAt.getTime() - b.request.receivedAt.getTime(),
    );
    const delivered = received.filter((r) => r.fault === "ok").length;
    if (row.status === "sent" && delivered === 0) lost.push(row.id);
    if (row.status === "dead" && delivered > 0) deadButDelivered += 1;
    if (delivered > 1) {
      duplicateRows += 1;
      extraCopies += delivered - 1;
      const explained = (attemptsByRow.get(row.id) ?? []).some(
        (a) => a.outcome === "abandoned" || a.ambiguous,
      );
      if (!explained) unexplained.push(`${row.id} received ${delivered}×`);
    }
    if (row.dead_reason === "permanent" && !received.some((r) => r.fault === "permanent")) {
      permanentWithoutCause.push(row.id);
    }
    for (let i = 0; i + 1 < received.length; i += 1) {
      const limited = received[i]!;
      if (limited.fault !== "rateLimited" || limited.retryAfterMs === undefined) continue;
      const gap = received[i + 1]!.request.receivedAt.getTime() - limited.answeredAt;
      if (gap < limited.retryAfterMs - 2) {
        const unheard = heardByNoOne(limited, attemptsByRow.get(row.id) ?? []);
        if (unheard) {
          answeredAfterTimeout.push(
            `${row.id}: attempt ${unheard.attempt_number} timed out after ${unheard.duration_ms} ms; the fake read it ${limited.request.receivedAt.getTime() - unheard.started_at.getTime()} ms after it started`,
          );
          continue;
        }
        // The evidence: every receipt (ms from the first) and every recorded attempt of the row.
        const first = received[0]!.request.receivedAt.getTime();
        const timeline = received
          .map((r) => `${r.fault}@${r.request.receivedAt.getTime() - first}`)
          .join(" ");
        const recorded = (attemptsByRow.get(row.id) ?? [])
          .map((a) => `${a.attempt_number}:${a.outcome}${a.ambiguous ? "?" : ""}`)
          .join(" ");
        undercut.push(
          `${row.id}: retried ${gap} ms after a Retry-After of ${limited.retryAfterMs} ms (received ${timeline}; attempts ${recorded})`,
        );
      }
    }
  }
  fail("sent rows never received by their provider (lost)", lost);
  fail("duplicate deliveries without an abandoned or ambiguous attempt", unexplained);
  fail("Retry-After undercut", undercut);
  fail("rows dead as permanent without a permanent answer", permanentWithoutCause);

  const durations = attempts.map((a) => a.duration_ms);
  return {
    violations,
    figures: {
      messages: messages.length,
      messagesByStatus: countBy(messages, (m) => m.status),
      outboxRows: outbox.length,
      outboxByStatus: countBy(outbox, (r) => r.status),
      deadByReason: countBy(
        outbox.filter((r) => r.status === "dead"),
        (r) => r.dead_reason ?? "none",
      ),
      attempts: attempts.length,
      attemptsByOutcome: countBy(attempts, (a) => a.outcome),
      attemptsByErrorClass: countBy(
        attempts.filter((a) => a.error_class),
        (a) => a.error_class ?? "",
      ),
      ambiguousAttempts: attempts.filter((a) => a.ambiguous).length,
      receipts: input.receipts.length,
      receiptsByFault: countBy(input.receipts, (r) => r.fault),
      lost: lost.length,
      crossTenantDeliveries: crossed.length,
      duplicateRows,
      duplicateCopies: extraCopies,
      deadButDelivered,
      // 429s with an undercut that no worker heard: the fake read the request after the
      // worker's send timeout had ended it (a late reader, e.g. a stalled fake). Not a violation.
      retryAfterAnsweredAfterTimeout: limit(answeredAfterTimeout, 5),
      maxAttemptCount: Math.max(0, ...outbox.map((r) => r.attempt_count)),
      maxSendingMs: Math.max(0, ...durations),
      // A live worker's longest claim-to-mark: beyond OUTBOX_STALE_SENDING_MS recovery takes it.
      maxMarkedSendingMs: Math.max(
        0,
        ...attempts.filter((a) => a.outcome !== "abandoned").map((a) => a.duration_ms),
      ),
      maxAbandonedSendingMs: Math.max(
        0,
        ...attempts.filter((a) => a.outcome === "abandoned").map((a) => a.duration_ms),
      ),
    },
  };
}

/**
 * The attempt a 429 answered, when that attempt ended in the worker's own send timeout: the
 * worker then never received the answer, so it could not honour its Retry-After. The attempt is
 * the row's last one to start before the fake read the request, and the fake must have read it
 * only after the attempt had ended; anything else (an attempt that recorded the 429, an
 * abandoned one whose live worker may have heard it) stays a violation.
 */
function heardByNoOne(limited: Receipt, attempts: readonly AttemptRow[]): AttemptRow | undefined {
  const readAt = limited.request.receivedAt.getTime();
  let attempt: AttemptRow | undefined;
  for (const candidate of attempts) {
    const startedAt = candidate.started_at.getTime();
    if (startedAt <= readAt && (!attempt || startedAt > attempt.started_at.getTime())) {
      attempt = candidate;
    }
  }
  if (attempt?.provider_code !== "TimeoutError") return undefined;
  return attempt.started_at.getTime() + attempt.duration_ms <= readAt ? attempt : undefined;
}

/** The Standard Webhooks signature checked as of the moment it arrived. */
function signedBy(receipt: Receipt, secret: string): boolean {
  const { headers, rawBody, receivedAt } = receipt.request;
  return verifyStandardWebhookRequest(secret, { headers, body: Buffer.from(rawBody) }, receivedAt)
    .ok;
}
