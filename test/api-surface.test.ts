// The public API stays what it was: the exported names of every entry point (values, types,
// namespaces, and the members of exported classes), read by the compiler from dist/*.d.ts,
// equal the committed list (test/fixtures/api-surface.json, written by
// `node scripts/api-surface.mjs > test/fixtures/api-surface.json` before the models were
// regrouped into folders). Adding an export means regenerating the file in the same commit.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { apiSurface, formatSurface } from '../scripts/api-surface.mjs';

describe('public API surface', () => {
  const surface = apiSurface();

  it('every entry point exports the committed names, kinds and class members', () => {
    const committed = JSON.parse(readFileSync(new URL('./fixtures/api-surface.json', import.meta.url), 'utf8'));
    const now = JSON.parse(formatSurface(surface));
    expect(now).toEqual(committed);
  });

  it('the comparison can fail: a dropped export and a dropped member are seen', () => {
    const now = surface;
    const { CCA, ...rest } = now['.']!;
    expect({ ...now, '.': rest }).not.toEqual(now);
    expect({ ...now, '.': { ...now['.'], CCA: { ...CCA!, members: CCA!.members!.slice(1) } } }).not.toEqual(now);
  });
});
