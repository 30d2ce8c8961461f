import { expect } from "vitest";
import { DeliveryError } from "../../../src/providers/deliveryError.ts";

/** Awaits a send that must fail and returns its DeliveryError. */
export async function captureDeliveryError(send: Promise<unknown>): Promise<DeliveryError> {
  const outcome = await send.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome))
    throw new Error(`expected a DeliveryError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(DeliveryError);
  return outcome.error as DeliveryError;
}

/** Everything a DeliveryError exposes as text, to check that no secret leaks into it. */
export function deliveryErrorText(error: DeliveryError): string {
  return [
    error.message,
    error.stack,
    error.providerCode,
    error.conversationMovedTo,
    String(error),
  ].join("\n");
}
