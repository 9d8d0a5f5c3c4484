// Sorting and filtering of the supervisor tables (pure, tested on their own).
export type SortDir = 'asc' | 'desc';
export interface Sort<K extends string> {
  key: K;
  dir: SortDir;
}

export function toggleSort<K extends string>(cur: Sort<K>, key: K): Sort<K> {
  if (cur.key === key) return { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: 'asc' };
}

export function sortRows<R, K extends string>(rows: R[], sort: Sort<K>, value: (r: R, k: K) => string | number): R[] {
  const out = [...rows];
  out.sort((a, b) => {
    const va = value(a, sort.key);
    const vb = value(b, sort.key);
    let c: number;
    if (typeof va === 'number' && typeof vb === 'number') c = va - vb;
    else c = String(va).localeCompare(String(vb), 'en', { numeric: true, sensitivity: 'base' });
    return sort.dir === 'asc' ? c : -c;
  });
  return out;
}

export function filterRows<R>(rows: R[], query: string, text: (r: R) => string): R[] {
  const q = query.trim().toLowerCase();
  if (!q) return rows;
  const words = q.split(/\s+/);
  return rows.filter((r) => {
    const s = text(r).toLowerCase();
    return words.every((w) => s.includes(w));
  });
}
