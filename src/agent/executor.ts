import type { NormalizedMessage } from "../providers/inboundProvider.ts";

export interface ExecutorInput {
  readonly tenantId: string;
  readonly linkId: string;
  readonly message: NormalizedMessage;
}

export type ExecutorDecision =
  | { readonly decision: "executed"; readonly reply?: string | undefined }
  | { readonly decision: "denied"; readonly reason: string };

/**
 * The tenant's agent. Throwing (or not answering before `signal` aborts) means the execution
 * failed: the use case records `execution_failed` and a redelivery tries again.
 */
export interface Executor {
  execute(input: ExecutorInput, options: { signal: AbortSignal }): Promise<ExecutorDecision>;
}

export class ExecutorError extends Error {
  override name = "ExecutorError";
}
