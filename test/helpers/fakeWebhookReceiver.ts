import { verifyStandardWebhook } from "../../src/providers/webhook/standardWebhookSignature.ts";
import {
  type FakeProvider,
  type RecordedRequest,
  startFakeProviderServer,
} from "./fakeProviders/fakeProviderServer.ts";

/** A Standard Webhooks receiver on 127.0.0.1: accepts with 200 unless scripted otherwise. */
export function startFakeWebhookReceiver(): Promise<FakeProvider> {
  return startFakeProviderServer({
    defaultResponse: (_request, index) => ({ status: 200, body: { id: `received-${index}` } }),
  });
}

/** True when `request` carries a valid Standard Webhooks signature for `secret`. */
export function hasValidSignature(request: RecordedRequest, secret: string): boolean {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return verifyStandardWebhook({
    secret,
    id: header("webhook-id"),
    timestamp: header("webhook-timestamp"),
    signatureHeader: header("webhook-signature"),
    body: Buffer.from(request.rawBody),
    now: new Date(),
  }).ok;
}
