export type DeliveryErrorClass = "transient" | "rateLimited" | "permanent" | "linkLevel";

export interface DeliveryErrorDetails {
  /** Rate limited: the provider's Retry-After, in milliseconds. */
  retryAfterMs?: number | undefined;
  providerStatus?: number | undefined;
  providerCode?: string | undefined;
  /** The provider may have acted on the request (timeout, Slack internal_error). */
  ambiguous?: boolean | undefined;
  /** The conversation moved (Telegram group → supergroup): retry there, at once. */
  conversationMovedTo?: string | undefined;
}

/**
 * What an adapter throws when a send did not succeed. The outbox reacts to the class only:
 * transient → retry with backoff; rateLimited → retry no earlier than retryAfterMs;
 * permanent → dead now; linkLevel → pause the link, keep the row's attempt budget.
 */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  readonly errorClass: DeliveryErrorClass;
  readonly retryAfterMs: number | undefined;
  readonly providerStatus: number | undefined;
  readonly providerCode: string | undefined;
  readonly ambiguous: boolean;
  readonly conversationMovedTo: string | undefined;

  constructor(errorClass: DeliveryErrorClass, message: string, details: DeliveryErrorDetails = {}) {
    super(message);
    this.errorClass = errorClass;
    this.retryAfterMs = details.retryAfterMs;
    this.providerStatus = details.providerStatus;
    this.providerCode = details.providerCode;
    this.ambiguous = details.ambiguous ?? false;
    this.conversationMovedTo = details.conversationMovedTo;
  }
}

/** Anything an adapter throws that is not a DeliveryError is a transient, ambiguous failure. */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError("transient", message, { ambiguous: true });
}
