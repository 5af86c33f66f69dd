// A plain text table: the first column left-aligned, figures right-aligned,
// the last column (the reference) left-aligned.
export type Row = string[];

export function renderTable(header: Row, rows: Row[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? "").length)));
  const last = header.length - 1;
  const line = (row: Row) =>
    row
      .map((cell, c) => (c === 0 || c === last ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** A number for the table: fixed decimals, "n/a" when it was not measured. */
export function fmt(value: number | undefined, decimals = 0, unit = ""): string {
  if (value === undefined || Number.isNaN(value)) return "n/a";
  return `${value.toLocaleString("en", { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}${unit}`;
}
