/**
 * Loaders for the bundled example data (Node only: they read files next to the package).
 * See data/README.md for provenance and licences.
 */
export interface Digits {
  /** 1797 × 64 pixel values 0..16, row-major */
  pixels: number[][];
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

/** Parses digits.csv text (64 pixels then the label per line). */
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

/** The bundled digits data with its two views. */
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

/** The Linnerud data: exercise (Chins Situps Jumps) and physiological (Weight Waist Pulse). */
export async function loadLinnerud(): Promise<{ exercise: number[][]; physiological: number[][] }> {
  return { exercise: parseSpaced(await readText('linnerud_exercise.csv')), physiological: parseSpaced(await readText('linnerud_physiological.csv')) };
}
