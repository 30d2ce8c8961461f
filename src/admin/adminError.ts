/** An operator asked for something that does not exist or cannot be done: exit code 2, no stack. */
export class AdminError extends Error {
  override name = "AdminError";
}
