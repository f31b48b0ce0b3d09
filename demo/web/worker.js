// The demo page's Web Worker: every fit runs here, so the page stays responsive. Messages in:
// { id, type, ...options }; out: { id, type: 'progress' | 'done' | 'error', ... }.
// The recipes are the ones `npm run demo` uses, so the numbers agree for the same options.
import { init, CCA, DeepCCA, MultimodalAutoencoder, ConditionalGAN, formatSignificance, CrossmodalError, parseCsv, columns, metrics } from '../pkg/dist/browser.js';
import { parseDigits } from '../pkg/dist/datasets.js';

const ready = (async () => {
  // every core where the page is cross-origin isolated (demo:web sends the headers), else one
  const info = await init({ threads: 'auto' });
  const text = await (await fetch(new URL('../pkg/data/digits.csv', import.meta.url))).text();
  const d = parseDigits(text);
  return { info, d, trainX: d.left.slice(0, 1500), testX: d.left.slice(1500), trainY: d.right.slice(0, 1500), testY: d.right.slice(1500), labels: d.labels, testLabels: d.labels.slice(1500) };
})();

/** The first two columns of a transform's variates (a MatrixResult), one [a, b] per row. */
const firstTwo = (m) => Array.from({ length: m.rows }, (_, i) => [m.data[i * m.cols], m.data[i * m.cols + 1]]);

let abort = null; // the AbortController of the training in progress
const fitted = { cca: null, deepcca: null }; // the last fitted CCA and DeepCCA (the retrieval panel asks them)
let gan = null; // the last trained conditional GAN
let csv = null; // the last uploaded table, as parseCsv reads it: { names, data, rows, cols }
const wanted = Array.from({ length: 100 }, (_, i) => i % 10); // grid: row = class, ten samples each

const handlers = {
  async hello() {
    const { info, trainX, testX, testY, testLabels } = await ready;
    return { build: info.build, threads: info.threads, train: trainX.length, test: testX.length, testLabels, testX, testY };
  },

  /**
   * The retrieval panel: the five held-out right halves nearest to a left half (a held-out row's
   * index, or 32 drawn pixels) under each fitted model (model.retrieve: cosine in the shared
   * space, each component weighted by its canonical correlation), and each model's recall@1/5/10
   * over all held-out left halves (metrics.retrieval on the same weighted embeddings, paired:
   * row i's partner is right half i).
   */
  async retrieve({ index = null, pixels = null }) {
    const { testX, testY } = await ready;
    const query = index !== null ? testX[index] : pixels;
    if (!query || query.length !== 32) throw new Error('retrieve: a held-out row index or 32 pixels');
    const out = { index, query: Array.from(query) };
    for (const [name, model] of Object.entries(fitted)) {
      if (!model) continue;
      const top = model.retrieve([query], testY, { k: 5, from: 'x' });
      const rho = model.correlations;
      const weighted = (m) => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data, (x, j) => x * rho[j % m.cols]) });
      const [u, v] = model.transform(testX, testY);
      const r = metrics.retrieval(weighted(u), weighted(v), { k: [1, 5, 10] });
      out[name] = { indices: Array.from(top.indices), scores: Array.from(top.scores), recall: Array.from(r.recallAt), k: r.k };
    }
    return out;
  },

  async cca({ ridge = 1e-4 }) {
    const { trainX, trainY, testX, testY } = await ready;
    const t0 = performance.now();
    const cca = new CCA({ components: 10, regularization: ridge }).fit(trainX, trainY);
    const ms = performance.now() - t0;
    try {
      const [u] = cca.transform(testX, null);
      return { ms, train: Array.from(cca.correlations), test: Array.from(cca.score(testX, testY)), significance: formatSignificance(cca.significance().slice(0, 12)), space: firstTwo(u) };
    } finally {
      fitted.cca?.dispose();
      fitted.cca = cca;
    }
  },

  async deepcca({ epochs = 200, seed = 0 }, progress) {
    const { trainX, trainY, testX, testY } = await ready;
    const model = new DeepCCA({ components: 10, hidden: [256, 256], activation: 'leaky_relu', learningRate: 1e-3, batchSize: 500, epochs, seed });
    return train(model, (signal) => model.fit(trainX, trainY, { signal, onEpoch: (e) => progress({ epoch: e.epoch, epochs: e.epochs, loss: e.losses.correlation, seconds: e.seconds }) }), () => {
      const out = { train: Array.from(model.correlations), test: Array.from(model.score(testX, testY)), space: firstTwo(model.transform(testX, null)[0]) };
      fitted.deepcca?.dispose();
      fitted.deepcca = model;
      return out;
    }, true);
  },

  async autoencoder({ epochs = 300, seed = 0 }, progress) {
    const { trainX, trainY, testX, testY } = await ready;
    const model = new MultimodalAutoencoder({ batchSize: 100, epochs, seed });
    return train(model, (signal) => model.fit([trainX, trainY], { signal, onEpoch: (e) => progress({ epoch: e.epoch, epochs: e.epochs, loss: e.losses.loss, seconds: e.seconds }) }), () => {
      const shown = 16;
      const [, rightFromLeft] = model.reconstruct([testX.slice(0, shown), null]);
      const [leftFromRight] = model.reconstruct([null, testY.slice(0, shown)]);
      const table = model.evaluate([testX, testY]);
      const mse = (g) => table.find((t) => t.given.join() === g).mse;
      return {
        real: { left: testX.slice(0, shown), right: testY.slice(0, shown) },
        rightFromLeft: Array.from(rightFromLeft.data),
        leftFromRight: Array.from(leftFromRight.data),
        mse: { rightFromLeft: mse('0')[1], leftFromRight: mse('1')[0] },
      };
    });
  },

  async gan({ epochs = 100, seed = 0, sampleSeed = 1 }, progress) {
    const { d } = await ready;
    const model = new ConditionalGAN({ epochs, seed });
    const px = d.pixels.slice(0, 1500).map((r) => r.map((v) => v / 16));
    return train(model, (signal) => model.fit(px, ConditionalGAN.oneHot(d.labels.slice(0, 1500), 10), { signal, onEpoch: (e) => progress({ epoch: e.epoch, epochs: e.epochs, loss: e.losses.generator, discriminator: e.losses.discriminator, seconds: e.seconds }) }), () => {
      const out = sample(model, sampleSeed);
      gan?.dispose();
      gan = model;
      return out;
    }, true);
  },

  async generate({ seed = 1 }) {
    if (!gan) throw new Error('train the GAN first');
    return sample(gan, seed);
  },

  async saveGan() {
    if (!gan) throw new Error('train the GAN first');
    return { json: JSON.stringify(gan) };
  },

  async abort() {
    abort?.abort();
    return { aborting: !!abort };
  },

  async csv({ text, name }) {
    csv = null;
    const table = parseCsv(text, { name });
    if (table.rows < 2) throw new Error(`${name}: expected at least 2 rows of numbers, found ${table.rows}`);
    if (table.cols < 2) throw new Error(`${name}: expected at least 2 columns (one per view), found 1`);
    csv = table;
    return { columns: csv.names, rows: csv.rows };
  },

  async fitCsv({ x, y, regularization = 'auto' }) {
    if (!csv) throw new Error('upload a CSV file first');
    if (!x.length || !y.length) throw new Error('pick at least one column for each view');
    const overlap = x.filter((c) => y.includes(c));
    if (overlap.length) throw new Error(`a column cannot be in both views: ${overlap.map((c) => csv.names[c]).join(', ')}`);
    const X = columns(csv, x.map((c) => csv.names[c])), Y = columns(csv, y.map((c) => csv.names[c]));
    // scale: true: each column standardised first, so columns in different units weigh alike
    const cca = new CCA({ components: Math.min(x.length, y.length), regularization, scale: true });
    try {
      cca.fit(X, Y);
      const [u, v] = cca.transform(X, Y);
      let significance;
      try {
        significance = formatSignificance(cca.significance());
      } catch (e) {
        significance = e.message;
      }
      return { correlations: Array.from(cca.correlations), significance, shrinkage: cca.shrinkage, scatter: { u: Array.from({ length: u.rows }, (_, i) => u.data[i * u.cols]), v: Array.from({ length: v.rows }, (_, i) => v.data[i * v.cols]) } };
    } finally {
      cca.dispose();
    }
  },
};

/** The grid's 100 samples (row = class) for a generation seed. */
function sample(model, seed) {
  const out = model.generate(ConditionalGAN.oneHot(wanted, 10), { seed });
  return { seed, data: Array.from(out.data), rows: out.rows, cols: out.cols };
}

/**
 * Runs a fit with an abort signal; resolves to the result and { aborted, epochs } (the epochs
 * the model holds). An abort keeps the weights of the last finished epoch as the fitted model
 * (the library's rule), so an aborted fit with one or more finished epochs gives its result as
 * a finished one does; before the first finished epoch it resolves to { aborted: true, epochs: 0 }.
 * The model is kept (not disposed) when `keep` and it has a result.
 */
async function train(model, fit, result, keep = false) {
  if (abort) throw new Error('a training is already running: abort it first');
  abort = new AbortController();
  let kept = false;
  try {
    let aborted = false;
    try {
      await fit(abort.signal);
    } catch (e) {
      if (!abort.signal.aborted) throw e;
      aborted = true;
      if (model.history.length === 0) return { aborted, epochs: 0 };
    }
    const out = result();
    kept = keep;
    return { ...out, aborted, epochs: model.history.length };
  } finally {
    abort = null;
    if (!kept) model.dispose();
  }
}

self.onmessage = async ({ data: msg }) => {
  const { id, type, ...options } = msg;
  const progress = (p) => self.postMessage({ id, type: 'progress', ...p });
  try {
    const handler = handlers[type];
    if (!handler) throw new Error(`unknown request ${type}`);
    self.postMessage({ id, type: 'done', ...(await handler(options, progress)) });
  } catch (e) {
    self.postMessage({ id, type: 'error', message: e instanceof CrossmodalError ? `${e.name}: ${e.message}` : String(e?.message ?? e) });
  }
};
