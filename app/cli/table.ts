/** A plain-text table for terminals: one header line, columns padded, long cells cut. */
export function renderTable<T extends object>(rows: T[], columns: (keyof T & string)[], maxCell = 60): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? "-" : String(value).replace(/\s+/g, " ");
    return text.length > maxCell ? text.slice(0, maxCell - 1) + "…" : text;
  };
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
