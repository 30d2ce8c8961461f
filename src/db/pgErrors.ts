/** PostgreSQL error codes Valinor reacts to, mapped in one place. */
const codes = {
  "23505": "unique_violation",
  "23503": "foreign_key_violation",
  "23514": "check_violation",
  "23502": "not_null_violation",
  "22P02": "invalid_text_representation",
  "42501": "insufficient_privilege",
  "40001": "serialization_failure",
  "40P01": "deadlock_detected",
  "57P01": "admin_shutdown",
  "57P03": "cannot_connect_now",
  "08006": "connection_failure",
  "08001": "unable_to_connect",
} as const;

export type PgErrorKind = (typeof codes)[keyof typeof codes] | "other";

export function pgErrorCode(error: unknown): string | undefined {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

export function pgErrorKind(error: unknown): PgErrorKind {
  const code = pgErrorCode(error);
  return (code && codes[code as keyof typeof codes]) || "other";
}

export const isUniqueViolation = (error: unknown) => pgErrorKind(error) === "unique_violation";

/** A connection-level failure worth retrying after the database comes back. */
export function isConnectionError(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code?.startsWith("08") || code === "57P01" || code === "57P03") return true;
  return code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE";
}
