import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { en, t } from './i18n';
import { errorText } from './errors';
import { duration } from './format';
import { filterRows, sortRows, toggleSort } from './table';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('i18n', () => {
  it('fills parameters', () => {
    expect(t('status.next', { name: 'Break' })).toBe('Next status: Break');
  });
  it('has every literal key the components use', () => {
    const src = files('src').filter((f) => f.endsWith('.svelte') || (f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('i18n.ts')));
    const missing: string[] = [];
    for (const f of src) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]*[a-zA-Z0-9_])'[,)]/g)) {
        if (!(m[1] in en)) missing.push(`${f}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
  it('turns error codes into sentences, never showing raw messages', () => {
    expect(errorText({ code: 'unreachable', message: 'dial tcp: refused' })).toBe(en['error.unreachable']);
    expect(errorText({ code: 'forbidden', permission: 'AccessMetrics' })).toContain('AccessMetrics');
    expect(errorText({ code: 'invalid', field: 'address' })).toBe(en['error.field.address']);
    expect(errorText({ code: 'weird' })).toBe(en['error.internal']);
  });
});

describe('format and tables', () => {
  it('formats durations', () => {
    expect(duration(0)).toBe('0:00');
    expect(duration(65_000)).toBe('1:05');
    expect(duration(3_725_000)).toBe('1:02:05');
    expect(duration(-5)).toBe('0:00');
  });
  it('sorts numbers and text, toggles direction, filters by every word', () => {
    const rows = [{ n: 'b', v: 2 }, { n: 'a10', v: 10 }, { n: 'a9', v: 1 }];
    expect(sortRows(rows, { key: 'v', dir: 'asc' }, (r, k) => r[k as 'v']).map((r) => r.v)).toEqual([1, 2, 10]);
    expect(sortRows(rows, { key: 'n', dir: 'asc' }, (r) => r.n).map((r) => r.n)).toEqual(['a9', 'a10', 'b']);
    expect(toggleSort({ key: 'n', dir: 'asc' }, 'n')).toEqual({ key: 'n', dir: 'desc' });
    expect(toggleSort({ key: 'n', dir: 'desc' }, 'v')).toEqual({ key: 'v', dir: 'asc' });
    expect(filterRows(rows, ' A ', (r) => r.n).length).toBe(2);
    expect(filterRows(rows, 'a 10', (r) => r.n).map((r) => r.n)).toEqual(['a10']);
  });
});
