// The people export is made by the server (`exportPeople`: RFC 4180, cells a spreadsheet would run as a
// formula already escaped). Here: keep only the selected people's lines, and hand the file to the browser.

/// Splits CSV text into records of cells (quoted cells may hold commas, quotes and line breaks).
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

export const toCsv = (records: string[][]): string => records.map((record) => record.map(quote).join(',')).join('\r\n') + '\r\n';

/// The header and the lines whose first cell (the person's id) is in `ids`, and how many lines that is.
export function selectRows(csv: string, ids: Set<string>): { csv: string; rows: number } {
  const [header, ...rest] = parseCsv(csv);
  const kept = rest.filter((record) => ids.has(record[0] ?? ''));
  return { csv: toCsv(header ? [header, ...kept] : kept), rows: kept.length };
}

export function downloadCsv(csv: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
