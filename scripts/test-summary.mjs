// Prints the plain closing line "N passed, N failed" from vitest's JSON report
// (.vitest/results.json, written by the json reporter configured in vitest.config.ts).
import { readFileSync } from 'node:fs';

try {
  const r = JSON.parse(readFileSync(new URL('../.vitest/results.json', import.meta.url), 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
} catch (e) {
  console.log(`test summary unavailable: ${e.message}`);
}
