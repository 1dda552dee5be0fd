// CSV export of what a section shows, as Swedish spreadsheets read it: semicolon-separated,
// decimal comma, UTF-8 with a byte-order mark so Excel shows å, ä and ö.

export type Cell = string | number | null;

export interface CsvTable {
  headers: string[];
  rows: Cell[][];
}

// Text a spreadsheet would run as a formula (OWASP, CSV injection): starting with = + - @, tab or
// carriage return. Such text gets an apostrophe in front and is quoted; numbers stay numbers. The
// same rule as the hub's CsvExport (hub/Norsjo.Retail.Hub/Exports/CsvExport.cs).
const formulaStart = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

function field(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(Math.round(cell * 10000) / 10000).replace('.', ',');
  const text = neutralise(cell);
  return /^'|[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(table: CsvTable): string {
  return [table.headers, ...table.rows].map((row) => row.map(field).join(';')).join('\r\n') + '\r\n';
}

export function download(fileName: string, table: CsvTable): void {
  const blob = new Blob(['\uFEFF' + toCsv(table)], { type: 'text/csv;charset=utf-8' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
