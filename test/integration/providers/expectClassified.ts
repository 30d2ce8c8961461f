import { expect } from "vitest";
import type { DeliveryError, DeliveryErrorClass } from "../../../src/providers/deliveryError.ts";
import type {
  FakeProvider,
  ScriptedResponse,
} from "../../helpers/fakeProviders/fakeProviderServer.ts";
import { captureDeliveryError, deliveryErrorText } from "./captureDeliveryError.ts";

/** One row of a provider's classification table: what the fake answers, what the adapter makes of it. */
export interface ClassificationCase {
  readonly name: string;
  readonly response: ScriptedResponse;
  readonly errorClass: DeliveryErrorClass;
  readonly ambiguous?: boolean;
  readonly retryAfterMs?: number;
  readonly conversationMovedTo?: string;
}

/**
 * Scripts the case's answer, sends once and checks the DeliveryError: class, ambiguity,
 * retry delay and moved conversation as the case says, no `token` anywhere in its text, and
 * exactly one request at the fake. Returns the error for the provider's own checks.
 */
export async function expectClassified(
  fake: FakeProvider,
  testCase: ClassificationCase,
  send: () => Promise<unknown>,
  token: string,
): Promise<DeliveryError> {
  fake.script([testCase.response]);

  const error = await captureDeliveryError(send());

  expect(error.errorClass).toBe(testCase.errorClass);
  expect(error.ambiguous).toBe(testCase.ambiguous ?? false);
  expect(error.retryAfterMs).toBe(testCase.retryAfterMs);
  expect(error.conversationMovedTo).toBe(testCase.conversationMovedTo);
  expect(deliveryErrorText(error)).not.toContain(token);
  expect(fake.requests).toHaveLength(1);
  return error;
}

/**
 * The fake never answers and the send's signal times out: a transient, ambiguous error (the
 * provider may have acted) after exactly one request, with no `token` in its text.
 */
export async function expectAbortedWhileHanging(
  fake: FakeProvider,
  send: (signal: AbortSignal) => Promise<unknown>,
  token: string,
): Promise<DeliveryError> {
  fake.script([{ hang: true }]);

  const error = await captureDeliveryError(send(AbortSignal.timeout(150)));

  expect(error.errorClass).toBe("transient");
  expect(error.ambiguous).toBe(true);
  expect(deliveryErrorText(error)).not.toContain(token);
  expect(fake.requests).toHaveLength(1);
  return error;
}
