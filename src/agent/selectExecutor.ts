import type { InboundLink } from "../providers/inboundProvider.ts";
import { makeEchoExecutor } from "./echoExecutor.ts";
import type { Executor } from "./executor.ts";
import { makeHttpExecutor } from "./httpExecutor.ts";

export type ExecutorSelector = (link: InboundLink) => Executor;

/**
 * A link's settings choose its agent: `agentUrl` (an http(s) URL) overrides the global
 * executor, `agent: "echo"` picks the echo executor; otherwise the global one answers.
 */
export function makeExecutorSelector(options: {
  defaultExecutor: Executor;
  timeoutMs: number;
}): ExecutorSelector {
  const echo = makeEchoExecutor();
  return (link) => {
    const { agentUrl, agent } = link.settings;
    if (typeof agentUrl === "string" && /^https?:\/\//.test(agentUrl)) {
      // Cheap to build (no connection state of its own), so no cache to bound.
      return makeHttpExecutor({ url: agentUrl, timeoutMs: options.timeoutMs });
    }
    if (agent === "echo") return echo;
    return options.defaultExecutor;
  };
}
