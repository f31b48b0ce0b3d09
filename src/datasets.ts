/**
 * The `crossmodal/datasets` entry: loaders for the bundled example data (Node only: they read
 * files next to the package). See data/README.md for provenance and licences.
 * @module crossmodal/datasets
 */

/** The digits data: every image's pixels and label, and its left and right halves as two views. */
export interface Digits {
  /** 1797 × 64 pixel values 0..16, row-major */
  pixels: number[][];
  /** the digit (0..9) of each image */
  labels: number[];
  /** left half of each image (columns 0..3 of every image row), 32 values, pixels / 16 */
  left: number[][];
  /** right half (columns 4..7), 32 values, pixels / 16 */
  right: number[][];
}

const dataUrl = (name: string) => new URL(`../data/${name}`, import.meta.url);

async function readText(name: string): Promise<string> {
  const fs = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  return fs.readFile(fileURLToPath(dataUrl(name)), 'utf8');
}

/**
 * Parses digits.csv text (64 pixels then the label per line).
 *
 * @example
 * ```ts
 * import { parseDigits } from 'crossmodal/datasets';
 * const digits = parseDigits(await (await fetch(url)).text()); // in a browser
 * ```
 */
export function parseDigits(text: string): Digits {
  const pixels: number[][] = [], labels: number[] = [], left: number[][] = [], right: number[][] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const v = line.split(',').map(Number);
    pixels.push(v.slice(0, 64));
    labels.push(v[64]!);
    const l: number[] = [], r: number[] = [];
    for (let row = 0; row < 8; row++)
      for (let col = 0; col < 8; col++) (col < 4 ? l : r).push(v[row * 8 + col]! / 16);
    left.push(l);
    right.push(r);
  }
  return { pixels, labels, left, right };
}

/**
 * The bundled digits data (UCI handwritten digits, 8×8) with its two views, the left and right halves.
 *
 * @example
 * ```ts
 * import { loadDigits } from 'crossmodal/datasets';
 * const { left, right, labels } = await loadDigits();
 * const cca = new CCA({ components: 2, regularization: 'auto' }).fit(left, right);
 * ```
 */
export async function loadDigits(): Promise<Digits> {
  return parseDigits(await readText('digits.csv'));
}

function parseSpaced(text: string): number[][] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/).map(Number));
}

/**
 * The Linnerud data (20 rows): exercise (Chins Situps Jumps) and physiological (Weight Waist Pulse).
 *
 * @example
 * ```ts
 * import { loadLinnerud } from 'crossmodal/datasets';
 * const { exercise, physiological } = await loadLinnerud();
 * const cca = new CCA({ components: 2, scale: true }).fit(exercise, physiological);
 * ```
 */
export async function loadLinnerud(): Promise<{ exercise: number[][]; physiological: number[][] }> {
  return { exercise: parseSpaced(await readText('linnerud_exercise.csv')), physiological: parseSpaced(await readText('linnerud_physiological.csv')) };
}
