import { beforeAll, describe, expect, it } from 'vitest';
import { init, metrics, Classifier, ShapeError, ValueError, memoryStats } from '../src/index.js';

beforeAll(async () => {
  await init();
});

// a classifier by hand: the class is the index of the largest column
const argmax = (x: unknown) => (x as number[][]).map((r) => r.indexOf(Math.max(...r)));

describe('metrics.crossCoherence and metrics.jointCoherence (issue 38)', () => {
  it('cross-coherence: the share of generated rows classified as the class of the row they came from (counted by hand)', () => {
    const generated = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 2, 1]];
    expect(metrics.crossCoherence(argmax, generated, [0, 1, 2, 2, 1])).toBe(4 / 5);
    expect(metrics.crossCoherence(argmax, generated, Int32Array.from([2, 2, 2, 2, 2]))).toBe(1 / 5);
  });

  it('joint coherence: the share of rows whose modalities all classifiers put in one class (counted by hand); any number of modalities', () => {
    const a = [[1, 0], [0, 1], [1, 0], [0, 1]], b = [[2, 1], [0, 3], [0, 1], [5, 4]], c = [[1, 0], [0, 1], [0, 1], [1, 0]];
    expect(metrics.jointCoherence([argmax, argmax], [a, b])).toBe(2 / 4);
    expect(metrics.jointCoherence([argmax, argmax, argmax], [a, b, c])).toBe(2 / 4);
    expect(metrics.jointCoherence([argmax, argmax], [a, a])).toBe(1);
  });

  it('a Classifier works as the judge, as its predict', async () => {
    const X = Array.from({ length: 60 }, (_, i) => [i % 3 === 0 ? 1 : 0, i % 3 === 1 ? 1 : 0, i % 3 === 2 ? 1 : 0]);
    const y = X.map((_, i) => i % 3);
    const judge = new Classifier({ layers: [3, 3], epochs: 200, learningRate: 0.05, seed: 0 });
    await judge.fit(X, y);
    const p = Array.from(judge.predict(X));
    const byHand = p.filter((v, i) => v === y[i]).length / y.length;
    expect(metrics.crossCoherence(judge, X, y)).toBe(byHand);
    expect(metrics.jointCoherence([judge, argmax], [X, X])).toBe(p.filter((v, i) => v === argmax(X)[i]).length / X.length);
    judge.dispose();
  });

  it('bad input: typed errors naming the argument; nothing leaked', () => {
    const live = memoryStats().liveBytes;
    const g = [[1, 0], [0, 1]];
    expect(() => metrics.crossCoherence(42 as never, g, [0, 1])).toThrow(ValueError);
    expect(() => metrics.crossCoherence(42 as never, g, [0, 1])).toThrow(/^classifier: expected a Classifier or a function rows → integer labels/);
    expect(() => metrics.crossCoherence(() => [0], g, [0, 1])).toThrow(/^classifier\(generated\): expected 2 labels \(one per row\)/);
    expect(() => metrics.crossCoherence(() => [0, 0.5], g, [0, 1])).toThrow(/^classifier\(generated\)\[1\]: expected an integer label, got 0\.5/);
    expect(() => metrics.crossCoherence(argmax, g, [0])).toThrow(/^labels/);
    expect(() => metrics.crossCoherence(argmax, [[1, NaN]], [0])).toThrow(/^generated/);
    expect(() => metrics.jointCoherence([argmax], [g])).toThrow(ShapeError);
    expect(() => metrics.jointCoherence([argmax], [g, g])).toThrow(/^classifiers: expected 2 classifiers \(one per modality\)/);
    expect(() => metrics.jointCoherence([argmax, argmax], [g, [[1, 0]]])).toThrow(/^samples\[1\]: expected 2 rows \(as samples\[0\]\), got 1 rows/);
    expect(memoryStats().liveBytes).toBe(live);
  });
});
