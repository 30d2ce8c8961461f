import { describe, expect, it } from "vitest";
import { checkInvariants } from "./checkInvariants.ts";
import type { FaultLink } from "./faultTenants.ts";
import type { Fault, Receipt } from "./faultyProviders.ts";
import type { AttemptRow, OutboxRow } from "./outboxSnapshot.ts";

// Invariant 6 (Retry-After) on one Slack row: a 429 at t0, the next request 300 ms later.
const t0 = Date.parse("2026-12-05T10:00:00.000Z");
const link: FaultLink = {
  id: "link-1",
  tenantId: "tenant-1",
  provider: "slack",
  externalAccountId: "T1",
  inboundSecret: "inbound",
  outboundCredential: "xoxb-token",
  conversations: ["C1"],
};
const row: OutboxRow = {
  id: "row-1",
  tenant_id: link.tenantId,
  channel_message_id: "message-1",
  part_index: 0,
  channel_link_id: link.id,
  conversation_id: "C1",
  content: "echo: hello",
  status: "sent",
  attempt_count: 2,
  max_attempts: 10,
  dead_reason: null,
  last_error: null,
};

function receipt(fault: Fault, at: number): Receipt {
  return {
    provider: "slack",
    request: {
      method: "POST",
      path: "/",
      headers: {},
      rawBody: "",
      body: {},
      receivedAt: new Date(at),
    },
    fault,
    answeredAt: at,
    retryAfterMs: fault === "rateLimited" ? 1_000 : undefined,
    credential: link.outboundCredential,
    conversationId: row.conversation_id,
    content: row.content,
  };
}

function attempt(number: number, fields: Partial<AttemptRow> & { startedAt: number }): AttemptRow {
  const { startedAt, ...rest } = fields;
  return {
    outbox_id: row.id,
    attempt_number: number,
    outcome: "retry",
    error_class: "transient",
    ambiguous: false,
    provider_code: null,
    started_at: new Date(startedAt),
    duration_ms: 20,
    ...rest,
  };
}

/** Attempt 1 ended by the worker's own send timeout, recorded `durationMs` after it started. */
const timedOut = (startedAt: number, durationMs: number) =>
  attempt(1, {
    ambiguous: true,
    provider_code: "TimeoutError",
    startedAt,
    duration_ms: durationMs,
  });

function check(first: AttemptRow) {
  return checkInvariants({
    snapshot: {
      messages: [
        {
          id: row.channel_message_id,
          tenant_id: link.tenantId,
          channel_link_id: link.id,
          external_message_id: "m1",
          status: "executed",
          reason: null,
        },
      ],
      outbox: [row],
      attempts: [first, attempt(2, { outcome: "sent", error_class: null, startedAt: t0 + 290 })],
    },
    links: [link],
    accepted: [],
    receipts: [receipt("rateLimited", t0), receipt("ok", t0 + 300)],
  });
}

describe("checkInvariants: Retry-After", () => {
  it("fails a retry sooner than a Retry-After the worker recorded", () => {
    const result = check(attempt(1, { error_class: "rateLimited", startedAt: t0 - 10 }));
    expect(result.violations).toEqual([
      expect.stringMatching(/^Retry-After undercut \(1\): row-1: retried 300 ms/),
    ]);
    expect(result.figures.retryAfterAnsweredAfterTimeout).toEqual([]);
  });

  it("fails it after an abandoned attempt: its worker may have heard the 429", () => {
    const result = check(
      attempt(1, {
        outcome: "abandoned",
        ambiguous: true,
        startedAt: t0 - 4_100,
        duration_ms: 4_050,
      }),
    );
    expect(result.violations).toEqual([expect.stringMatching(/^Retry-After undercut \(1\)/)]);
  });

  it("fails it when the fake read the request before the timed-out attempt was recorded", () => {
    const result = check(timedOut(t0 - 2_000, 2_050));
    expect(result.violations).toEqual([expect.stringMatching(/^Retry-After undercut \(1\)/)]);
  });

  it("counts, and does not fail, a 429 the fake answered after the worker's send timeout ended the request", () => {
    const result = check(timedOut(t0 - 2_100, 2_040));
    expect(result.violations).toEqual([]);
    expect(result.figures.retryAfterAnsweredAfterTimeout).toEqual([
      "row-1: attempt 1 timed out after 2040 ms; the fake read it 2100 ms after it started",
    ]);
  });
});
