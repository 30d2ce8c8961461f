import { z } from "zod";

export const sendOutboundPayload = z.object({
  tenantId: z.uuid(),
  outboxId: z.uuid(),
});

export type SendOutboundPayload = z.infer<typeof sendOutboundPayload>;

declare global {
  namespace GraphileWorker {
    interface Tasks {
      sendOutbound: SendOutboundPayload;
      reconcileOutbox: unknown;
      retainOutbox: unknown;
    }
  }
}
