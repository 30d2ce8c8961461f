import type { Executor, ExecutorDecision, ExecutorInput } from "../agent/executor.ts";

export type ExecutionResult =
  | ExecutorDecision
  | { readonly decision: "failed"; readonly reason: string };

/**
 * Runs the agent with a deadline. An executor that ignores its abort signal still loses the
 * race, so the webhook answers in bounded time.
 */
export async function runExecutor(
  executor: Executor,
  input: ExecutorInput,
  timeoutMs: number,
): Promise<ExecutionResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ExecutionResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error("agent timeout"));
      resolve({ decision: "failed", reason: `agent timed out after ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const execution = executor.execute(input, { signal: controller.signal }).then(
    (decision): ExecutionResult => decision,
    (error: unknown): ExecutionResult => ({
      decision: "failed",
      reason: error instanceof Error ? error.message : "agent failed",
    }),
  );
  try {
    return await Promise.race([execution, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
