import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { readDemoLink } from "../demo/demoLink.ts";
import { sendDemoMessage } from "../demo/sendDemoMessage.ts";
import type { CliContext } from "./cliContext.ts";
import type { CommandResult } from "./output.ts";
import { UsageError } from "./usageError.ts";

export function demoStateFile(config: Config): string {
  return join(config.embedded.dir, "demo.json");
}

/** `valinor demo send [text]`: one signed message to the demo link that `npm start` created. */
export async function demoSend(args: string[], ctx: CliContext): Promise<CommandResult> {
  const demo = readDemoLink(demoStateFile(ctx.config));
  if (!demo) {
    throw new UsageError(
      `no demo link in ${demoStateFile(ctx.config)}: start the embedded default first (npm start, without DATABASE_URL)`,
    );
  }
  const text = args.filter((arg) => !arg.startsWith("--")).join(" ") || "Hello, Valinor!";
  const sent = await sendDemoMessage(demo, text);
  if (sent.status !== 200) {
    throw new UsageError(`the demo webhook answered ${sent.status} ${sent.body}`);
  }
  return {
    text: `sent ${sent.messageId} to ${demo.webhookUrl}: ${sent.status} ${sent.body}\nwatch the npm start log for "demo receiver: reply delivered", or run: npm run valinor -- outbox list --tenant ${demo.tenantId}`,
    json: {
      messageId: sent.messageId,
      status: sent.status,
      body: sent.body,
      tenantId: demo.tenantId,
    },
  };
}
