import { createHash, timingSafeEqual } from "node:crypto";

/** Compares two secrets without leaking where they differ, nor (through equal-length digests) their lengths. */
export function constantTimeEqualText(a: string, b: string): boolean {
  const digestA = createHash("sha256").update(a, "utf8").digest();
  const digestB = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(digestA, digestB);
}
