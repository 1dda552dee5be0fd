// CSV export of what a section shows, as Swedish spreadsheets read it: semicolon-separated,
// decimal comma, UTF-8 with a byte-order mark so Excel shows å, ä and ö.

export type Cell = string | number | null;

export interface CsvTable {
  headers: string[];
  rows: Cell[][];
}

function field(cell: Cell): string {
  if (cell === null) return '';
  const text = typeof cell === 'number' ? String(Math.round(cell * 10000) / 10000).replace('.', ',') : cell;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
