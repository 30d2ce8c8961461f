/** Bad arguments or an unknown id: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
