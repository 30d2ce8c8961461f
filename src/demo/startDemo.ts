import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { makeSecretBox } from "../crypto/secretBox.ts";
import { makePool } from "../db/pools.ts";
import type { Logger } from "../logging/logger.ts";
import { type DemoLink, ensureDemoLink } from "./demoLink.ts";
import { startDemoReceiver } from "./demoReceiver.ts";

/**
 * The embedded default's demo: a tenant with a `webhook` link whose replies go to a receiver
 * running beside Valinor (on PORT + 1), so one command shows a message accepted, its reply
 * enqueued and delivered.
 */
export async function startDemo(
  config: Config,
  apiUrl: string,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  if (!config.database.ownerUrl || !config.secretsKey)
    throw new Error("the demo needs the database");
  let demo: DemoLink | undefined;
  const receiver = await startDemoReceiver({
    port: config.port === 0 ? 0 : config.port + 1,
    secret: () => demo?.secret,
    logger,
  });
  const pool = makePool(config.database.ownerUrl, 1, logger);
  try {
    demo = await ensureDemoLink(pool, makeSecretBox(config.secretsKey), {
      stateFile: join(config.embedded.dir, "demo.json"),
      publicUrl: apiUrl,
      receiverUrl: receiver.url,
    });
  } finally {
    await pool.end();
  }
  logger.info(
    { tenantId: demo.tenantId, linkId: demo.linkId, receiver: receiver.url },
    'demo ready: send a signed test message with `npm run valinor -- demo send "Hello"` and watch for "demo receiver: reply delivered"',
  );
  return receiver;
}
