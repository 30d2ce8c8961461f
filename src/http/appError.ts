/** An error the web layer answers with its status and a short machine-readable code. */
export class AppError extends Error {
  override name = "AppError";
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string = code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
