import { verifyStandardWebhookRequest } from "../../src/providers/webhook/standardWebhookSignature.ts";
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
  const body = Buffer.from(request.rawBody);
  return verifyStandardWebhookRequest(secret, { headers: request.headers, body }, new Date()).ok;
}
