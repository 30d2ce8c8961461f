import type { Executor } from "./executor.ts";

/** Replies with the message text: the demo's and the tests' agent. */
export function makeEchoExecutor(): Executor {
  return {
    async execute({ message }) {
      return { decision: "executed", reply: `echo: ${message.text}` };
    },
  };
}
