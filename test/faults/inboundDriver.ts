import { randomBytes } from "node:crypto";
import { signStandardWebhook } from "../../src/providers/webhook/standardWebhookSignature.ts";
import {
  newWamid,
  signedSlackRequest,
  signedTelegramRequest,
  signedWhatsAppRequest,
  slackMessageEvent,
  telegramTextUpdate,
  whatsappWebhook,
} from "../helpers/signedRequests.ts";
import type { FaultLink } from "./faultTenants.ts";
import type { SeededRandom } from "./seededRandom.ts";

/** One inbound message as its provider would send it; `sign()` signs afresh on each delivery. */
export interface InboundEvent {
  readonly link: FaultLink;
  readonly externalId: string;
  readonly text: string;
  readonly conversationId: string;
  sign(): { headers: Record<string, string>; body: string };
}

let telegramUpdateId = 500_000_000 + Math.floor(Math.random() * 1_000_000);

export function makeInboundEvent(
  link: FaultLink,
  text: string,
  random: SeededRandom,
): InboundEvent {
  const conversationId = link.conversations[random.int(0, link.conversations.length - 1)]!;
  const base = { link, text, conversationId };
  switch (link.provider) {
    case "webhook": {
      const id = `msg_${randomBytes(8).toString("hex")}`;
      const body = JSON.stringify({
        type: "message",
        conversation_id: conversationId,
        sender_id: "u-1",
        text,
      });
      return {
        ...base,
        externalId: id,
        sign() {
          const ts = Math.floor(Date.now() / 1000);
          return {
            body,
            headers: {
              "content-type": "application/json",
              "webhook-id": id,
              "webhook-timestamp": String(ts),
              "webhook-signature": signStandardWebhook(link.inboundSecret, id, ts, body),
            },
          };
        },
      };
    }
    case "slack": {
      const eventId = `Ev${randomBytes(6).toString("hex").toUpperCase()}`;
      const body = slackMessageEvent({
        eventId,
        teamId: link.externalAccountId ?? undefined,
        channel: conversationId,
        user: "U0FAULT",
        text,
        ts: `${Math.floor(Date.now() / 1000)}.${String(random.int(0, 999_999)).padStart(6, "0")}`,
      });
      return {
        ...base,
        externalId: eventId,
        sign: () => ({ ...signedSlackRequest({ signingSecret: link.inboundSecret, body }) }),
      };
    }
    case "telegram": {
      telegramUpdateId += 1;
      const body = telegramTextUpdate({
        updateId: telegramUpdateId,
        chatId: Number(conversationId),
        text,
      });
      return {
        ...base,
        externalId: String(telegramUpdateId),
        sign: () => ({ ...signedTelegramRequest({ secretToken: link.inboundSecret, body }) }),
      };
    }
    case "whatsapp": {
      const id = newWamid();
      const body = whatsappWebhook([
        {
          phoneNumberId: link.externalAccountId ?? "",
          messages: [{ id, from: conversationId, text }],
        },
      ]);
      return {
        ...base,
        externalId: id,
        sign: () => ({ ...signedWhatsAppRequest({ appSecret: link.inboundSecret, body }) }),
      };
    }
  }
}

export interface DeliveryResult {
  readonly accepted: boolean;
  readonly posts: number;
  readonly statuses: readonly number[];
  readonly acceptedAt: number | undefined;
}

/** POSTs until a 200, redelivering after 5xx or a network error the way providers do. */
export async function deliverUntilAccepted(
  appUrl: string,
  event: InboundEvent,
  options: { deadline: number; backoffMs?: number },
): Promise<DeliveryResult> {
  const statuses: number[] = [];
  let wait = options.backoffMs ?? 200;
  for (;;) {
    const { headers, body } = event.sign();
    let status = 0;
    try {
      const response = await fetch(`${appUrl}/webhooks/${event.link.provider}/${event.link.id}`, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    statuses.push(status);
    if (status === 200)
      return { accepted: true, posts: statuses.length, statuses, acceptedAt: Date.now() };
    if (status >= 400 && status < 500) break;
    if (Date.now() + wait > options.deadline) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 2_000);
  }
  return { accepted: false, posts: statuses.length, statuses, acceptedAt: undefined };
}

export interface DriveSummary {
  readonly events: number;
  readonly posts: number;
  /** Deliveries of an already-sent event (at once or after its 200). */
  readonly duplicates: number;
  readonly redeliveries: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Events never answered 200 before the deadline, or refused with a 4xx. */
  readonly unaccepted: readonly string[];
  /** When each 200 arrived (ms since the epoch), for recovery times. */
  readonly acceptedTimes: readonly number[];
}

/** Sends every event with `concurrency` in flight; `duplicateRate` of them are delivered twice. */
export async function driveInbound(
  appUrl: string,
  events: readonly InboundEvent[],
  options: {
    concurrency: number;
    duplicateRate: number;
    random: SeededRandom;
    deadline: number;
    /** Counts originals answered 200, for scenarios that act mid-run. */
    progress?: { accepted: number };
    /** Each runner pauses this long between events, to spread traffic over time. */
    spacingMs?: number;
  },
): Promise<DriveSummary> {
  const statusCounts: Record<string, number> = {};
  const unaccepted: string[] = [];
  const acceptedTimes: number[] = [];
  let posts = 0;
  let duplicates = 0;
  let redeliveries = 0;
  const record = (event: InboundEvent, result: DeliveryResult, original: boolean) => {
    posts += result.posts;
    redeliveries += result.posts - 1;
    for (const status of result.statuses) statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (result.acceptedAt !== undefined) acceptedTimes.push(result.acceptedAt);
    if (result.accepted && original && options.progress) options.progress.accepted += 1;
    if (!result.accepted && original) {
      const tally = Object.entries(countStatuses(result.statuses)).map(([s, n]) => `${s}×${n}`);
      unaccepted.push(`${event.link.provider}/${event.externalId}: ${tally.join(",")}`);
    }
  };
  let next = 0;
  const runner = async () => {
    for (;;) {
      const event = events[next++];
      if (!event) return;
      const duplicate = options.random.chance(options.duplicateRate);
      const together = duplicate && options.random.chance(0.5);
      const first = deliverUntilAccepted(appUrl, event, { deadline: options.deadline });
      const second = together
        ? deliverUntilAccepted(appUrl, event, { deadline: options.deadline })
        : undefined;
      record(event, await first, true);
      if (second) {
        duplicates += 1;
        record(event, await second, false);
      } else if (duplicate) {
        duplicates += 1;
        record(
          event,
          await deliverUntilAccepted(appUrl, event, { deadline: options.deadline }),
          false,
        );
      }
      if (options.spacingMs) await new Promise((resolve) => setTimeout(resolve, options.spacingMs));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, runner));
  return {
    events: events.length,
    posts,
    duplicates,
    redeliveries,
    statusCounts,
    unaccepted,
    acceptedTimes,
  };
}

function countStatuses(statuses: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
