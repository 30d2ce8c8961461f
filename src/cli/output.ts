/** Where the CLI writes: process.stdout/stderr, or a collector in tests. */
export interface Output {
  write(text: string): unknown;
}

/** What a command produced: the same facts for people (`text`) and scripts (`json`). */
export interface CommandResult {
  readonly text: string;
  readonly json: Record<string, unknown>;
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function truncate(text: string | null, max = 60): string | null {
  if (text === null || text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}

/** A plain aligned table, header in capitals; `(none)` when empty. */
export function formatTable<T>(
  rows: readonly T[],
  columns: ReadonlyArray<readonly [header: string, cell: (row: T) => unknown]>,
): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((row) => columns.map(([, cell]) => formatValue(cell(row))));
  const headers = columns.map(([header]) => header);
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((line) => (line[i] ?? "").length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i] ?? 0)))
      .join("  ");
  return [line(headers), ...cells.map(line)].join("\n");
}

/** `key: value` lines, keys aligned. */
export function formatFields(fields: ReadonlyArray<readonly [string, unknown]>): string {
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields
    .map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${formatValue(value)}`)
    .join("\n");
}
