import type { ExecutorSelector } from "../agent/selectExecutor.ts";
import type { SecretBox } from "../crypto/secretBox.ts";
import type { InboundProviderRegistry, InboundRequest } from "../providers/inboundProvider.ts";
import {
  type MessageOutcome,
  type ProcessMessageDeps,
  processInboundMessage,
} from "./processInboundMessage.ts";
import { resolveInboundLink } from "./resolveInboundLink.ts";

export type WebhookOutcome =
  | MessageOutcome
  | "ignored"
  | "handshake"
  | "not_found"
  | "unauthorized"
  | "malformed";

export interface WebhookAnswer {
  readonly status: number;
  readonly body: string | Record<string, unknown>;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** One per message (a batch has several), or one for the whole request. */
  readonly outcomes: readonly WebhookOutcome[];
}

export interface HandleWebhookDeps extends Omit<ProcessMessageDeps, "executor"> {
  readonly secretBox: SecretBox;
  readonly providers: InboundProviderRegistry;
  readonly selectExecutor: ExecutorSelector;
  readonly now: () => Date;
}

const notFound: WebhookAnswer = {
  status: 404,
  body: { error: "not_found" },
  outcomes: ["not_found"],
};
const unauthorized: WebhookAnswer = {
  status: 401,
  body: { error: "invalid_signature" },
  outcomes: ["unauthorized"],
};

const forbidden: WebhookAnswer = {
  status: 403,
  body: { error: "forbidden" },
  outcomes: ["unauthorized"],
};

// A batch answers for its worst message: 500 and 503 make the provider redeliver, and the
// messages that were already decided are then acknowledged as duplicates. A message another
// delivery is processing is not done either: if that delivery dies with its process, only a
// redelivery after the lease can still process it, so the provider must not stop at a 200.
const severity: Record<MessageOutcome, number> = {
  executed: 0,
  denied: 0,
  duplicate: 0,
  in_progress: 1,
  execution_failed: 2,
  dispatch_failed: 3,
};

/**
 * `POST /webhooks/:provider/:linkId` (and the GET handshake): resolve the link, verify the raw
 * request, parse it, then process each message. The answer carries the HTTP status.
 */
export async function handleInboundWebhook(
  deps: HandleWebhookDeps,
  input: { provider: string; linkId: string; request: InboundRequest },
): Promise<WebhookAnswer> {
  const provider = deps.providers(input.provider);
  if (!provider) return notFound;
  const link = await resolveInboundLink(deps.pool, deps.secretBox, input.provider, input.linkId);
  if (!link) return notFound;
  const log = deps.logger.child({
    tenantId: link.tenantId,
    linkId: link.id,
    provider: link.provider,
  });
  const now = deps.now();

  if (input.request.method === "GET") {
    if (!provider.answerGet) return notFound;
    const answer = provider.answerGet(input.request, link, now);
    if (!answer.ok) {
      log.info({ reason: answer.reason }, "handshake rejected");
      return forbidden;
    }
    return { ...answer.answer, outcomes: ["handshake"] };
  }

  const verification = provider.verify(input.request, link, now);
  if (!verification.ok) {
    log.info({ reason: verification.reason }, "webhook signature rejected");
    return unauthorized;
  }
  const event = provider.parse(input.request, link);
  switch (event.kind) {
    case "malformed":
      log.info({ reason: event.reason }, "webhook body rejected");
      return { status: 400, body: { error: "malformed_body" }, outcomes: ["malformed"] };
    case "handshake":
      return { ...event, outcomes: ["handshake"] };
    case "ignore":
      return { status: 200, body: { status: "ignored" }, outcomes: ["ignored"] };
    case "messages":
      break;
  }

  const executor = deps.selectExecutor(link);
  const outcomes: MessageOutcome[] = [];
  for (const message of event.messages) {
    outcomes.push(await processInboundMessage({ ...deps, executor, logger: log }, link, message));
  }
  const worst = outcomes.reduce<MessageOutcome>(
    (a, b) => (severity[b] > severity[a] ? b : a),
    "executed",
  );
  if (worst === "dispatch_failed") {
    return { status: 500, body: { error: "dispatch_failed" }, outcomes };
  }
  if (worst === "execution_failed") {
    return { status: 503, body: { error: "execution_failed" }, outcomes };
  }
  if (worst === "in_progress") {
    const retryAfter = String(Math.ceil(deps.leaseMs / 1000));
    return {
      status: 503,
      body: { error: "in_progress" },
      headers: { "retry-after": retryAfter },
      outcomes,
    };
  }
  const status = outcomes.length === 1 ? outcomes[0] : "accepted";
  return { status: 200, body: { status }, outcomes };
}
