import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logging/logger.ts";
import {
  headerText,
  verifyStandardWebhookRequest,
} from "../providers/webhook/standardWebhookSignature.ts";

/**
 * The demo's stand-in for a customer's system: a Standard Webhooks receiver on 127.0.0.1 that
 * checks the signature of each reply Valinor delivers and logs it. Not part of Valinor proper.
 */
export async function startDemoReceiver(options: {
  port: number;
  secret: () => string | undefined;
  logger: Logger;
}): Promise<{ url: string; close(): Promise<void> }> {
  const log = options.logger.child({ component: "demo-receiver" });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const secret = options.secret();
    const verified =
      secret !== undefined &&
      verifyStandardWebhookRequest(secret, { headers: req.headers, body }, new Date()).ok;
    if (!verified) {
      log.warn("demo receiver: rejected a request without a valid signature");
      res.writeHead(401).end();
      return;
    }
    let text: unknown;
    try {
      text = (JSON.parse(body.toString("utf8")) as { text?: unknown }).text;
    } catch {
      text = undefined;
    }
    // The demo exists to show the reply arriving, so its text is logged here (Valinor itself never logs bodies).
    log.info(
      { outboxId: headerText(req.headers, "webhook-id"), reply: text },
      "demo receiver: reply delivered",
    );
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/replies`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
