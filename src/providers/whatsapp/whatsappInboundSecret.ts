import { z } from "zod";

/** The WhatsApp link's inbound secret plaintext (see src/admin/linkSecrets.ts). */
export interface WhatsAppInboundSecret {
  /** The Meta app secret: the key of `X-Hub-Signature-256`. */
  readonly appSecret: string;
  /** The token typed into the webhook console, echoed in the GET handshake. */
  readonly verifyToken: string;
}

const secretShape = z.object({ appSecret: z.string().min(1), verifyToken: z.string().min(1) });

/** Parses the decrypted JSON; undefined when it is not the expected shape (verifies nothing). */
export function parseWhatsAppInboundSecret(plaintext: string): WhatsAppInboundSecret | undefined {
  try {
    const parsed = secretShape.safeParse(JSON.parse(plaintext));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
