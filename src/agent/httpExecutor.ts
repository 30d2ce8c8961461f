import { z } from "zod";
import { type Executor, ExecutorError } from "./executor.ts";

/**
 * The agent over HTTP. Request: POST JSON
 * `{ tenantId, linkId, message: { externalMessageId, conversationId, senderId, threadRef, text } }`.
 * Answer (2xx JSON): `{ "reply": "…" }` → executed (no or empty reply: executed, nothing sent);
 * `{ "decision": "denied", "reason": "…" }` → denied. Anything else, a non-2xx or a timeout throws.
 */

const answerSchema = z.union([
  z.object({ decision: z.literal("denied"), reason: z.string().max(2000).default("denied") }),
  z.object({
    decision: z.literal("executed").optional(),
    reply: z.string().nullish(),
  }),
]);

export function makeHttpExecutor(options: { url: string; timeoutMs: number }): Executor {
  return {
    async execute(input, { signal }) {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({
            tenantId: input.tenantId,
            linkId: input.linkId,
            message: { ...input.message, threadRef: input.message.threadRef ?? null },
          }),
          signal: AbortSignal.any([signal, timeout]),
        });
      } catch (error) {
        if (timeout.aborted)
          throw new ExecutorError(`agent timed out after ${options.timeoutMs} ms`);
        if (signal.aborted) throw new ExecutorError("agent call aborted");
        throw new ExecutorError(`agent unreachable: ${(error as Error).message}`);
      }
      if (response.status < 200 || response.status > 299) {
        await response.body?.cancel().catch(() => undefined);
        throw new ExecutorError(`agent answered HTTP ${response.status}`);
      }
      let json: unknown;
      try {
        json = response.status === 204 ? {} : await response.json();
      } catch {
        throw new ExecutorError("agent answered a body that is not JSON");
      }
      const answer = answerSchema.safeParse(json);
      if (!answer.success) throw new ExecutorError("agent answered an unexpected shape");
      if (answer.data.decision === "denied") {
        return { decision: "denied", reason: answer.data.reason };
      }
      return { decision: "executed", reply: answer.data.reply ?? undefined };
    },
  };
}
