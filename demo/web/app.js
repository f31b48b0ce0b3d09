// The demo page: controls and drawings on the main thread; every fit in ./worker.js.
// window.demo holds what the page shows (the end-to-end test reads it).
const $ = (id) => document.getElementById(id);
// the training controls (epochs, seed, train button, progress, status) of each model section
for (const div of document.querySelectorAll('.controls')) {
  const { prefix, epochs, run } = div.dataset;
  div.innerHTML = `<label>epochs <input id="${prefix}-epochs" type="number" value="${epochs}" min="1"></label>
    <label>seed <input id="${prefix}-seed" type="number" value="0" min="0"></label>
    <button id="${prefix}-run">${run}</button>${'abort' in div.dataset ? ` <button id="${prefix}-abort" disabled>Abort</button>` : ''}
    <progress id="${prefix}-progress" max="1" value="0"></progress><span class="status" id="${prefix}-status"></span>`;
}
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 1;
const demo = (window.demo = { ready: false, busy: 0 });

worker.onmessage = ({ data }) => {
  const p = pending.get(data.id);
  if (!p) return;
  if (data.type === 'progress') return p.onProgress?.(data);
  pending.delete(data.id);
  demo.busy--;
  if (data.type === 'error') p.reject(new Error(data.message));
  else p.resolve(data);
};
worker.onerror = (e) => showError($('cca-status'), `the worker failed: ${e.message}`);

/** Sends a request to the worker; resolves with its answer, reports progress on the way. */
function request(type, options = {}, onProgress) {
  const id = nextId++;
  demo.busy++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, type, ...options });
  });
}

function showError(el, message) {
  el.textContent = message;
  el.classList.add('error');
}
function showStatus(el, message) {
  el.textContent = message;
  el.classList.remove('error');
}
const int = (id, min = 0) => {
  const v = Number($(id).value);
  if (!Number.isInteger(v) || v < min) throw new Error(`${$(id).previousSibling?.textContent?.trim() || id}: expected an integer ≥ ${min}, got ${$(id).value}`);
  return v;
};

// ---- charts: uPlot (demo/web/vendor/, copied from the devDependency by the build) ----
const uPlot = window.uPlot;
const FONT = '11px system-ui, sans-serif', LABEL_FONT = '12px system-ui, sans-serif';
const axis = (label, extra = {}) => ({ label, font: FONT, labelFont: LABEL_FONT, labelSize: 18, stroke: '#333', grid: { stroke: '#eee', width: 1 }, ticks: { stroke: '#999', width: 1, size: 5 }, ...extra });
/** integer ticks only (components, epochs) */
const integerAxis = (label) => axis(label, { space: 24, incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000], values: (u, splits) => splits.map((v) => String(v)) });
/** A legend marker per series that looks like its line: the series' colour and dash (CSS .lines makes it a stroke). */
const lineLegend = { live: false, markers: { width: 3, dash: (u, i) => (u.series[i].dash ? 'dashed' : 'solid'), fill: () => 'transparent' } };
/** a line chart of series [{ label, stroke, dash }] against data[0]; its y scale fixed to yRange */
function lineChart(target, { width, height, xLabel, yLabel, series, yRange, xRange = null, points = true, yDecimals = 2 }) {
  target.replaceChildren();
  return new uPlot({
    width, height,
    padding: [12, 24, 0, 0],
    scales: { x: { time: false, ...(xRange ? { range: xRange } : {}) }, y: { range: yRange } },
    axes: [{ ...integerAxis(xLabel), size: 30 }, axis(yLabel, { size: 46, values: (u, splits) => splits.map((v) => v.toFixed(yDecimals)) })],
    series: [{ label: xLabel }, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.8, dash: s.dash, spanGaps: false, points: { show: points, size: 5, fill: s.stroke, stroke: s.stroke } }))],
    legend: lineLegend,
    cursor: { drag: { x: false, y: false } },
  }, null, target);
}
// the ten digit classes' colours (Tableau 10)
const DIGIT_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#7f7f7f'];
/**
 * The data of a scatter of points [[a, b], …] (row order) in classes (an array of class
 * indices, or null for one class): uPlot wants x ascending, so the rows are sorted by a and
 * each class is a series holding b where the row is of that class (null elsewhere).
 * at[i] is row i's index in the sorted x.
 */
function scatterData(pointsAb, classes, nClasses) {
  const order = pointsAb.map((_, i) => i).sort((i, j) => pointsAb[i][0] - pointsAb[j][0]);
  const at = new Array(pointsAb.length);
  order.forEach((i, k) => (at[i] = k));
  const data = [order.map((i) => pointsAb[i][0])];
  for (let c = 0; c < nClasses; c++) data.push(order.map((i) => ((classes ? classes[i] : 0) === c ? pointsAb[i][1] : null)));
  return { data, at };
}
/** a scale's range: the data's span and 6 % more on each side, so no point sits on the plot's edge */
const padded = (u, min, max) => {
  const pad = 0.06 * (max - min || Math.abs(max) || 1);
  return [min - pad, max + pad];
};
/** a scatter chart: one series per class, points only */
function scatterChart(target, { width, height, xLabel, yLabel, classes }) {
  target.replaceChildren();
  return new uPlot({
    width, height,
    padding: [12, 24, 0, 0],
    scales: { x: { time: false, range: padded }, y: { range: padded } },
    axes: [axis(xLabel, { size: 30 }), axis(yLabel, { size: 46 })],
    series: [{ label: xLabel }, ...classes.map((c) => ({ label: c.label, stroke: c.colour, paths: () => null, points: { show: true, size: 6, width: 0, fill: c.colour + 'cc', stroke: c.colour } }))],
    legend: { live: false, markers: { width: 0, fill: (u, i) => classes[i - 1].colour } },
    cursor: { show: false, drag: { x: false, y: false } },
  }, null, target);
}
const charts = (demo.charts = {});
demo.scatter = {}; // per chart: the points shown (row order) and at (row → index in the chart's x)

// ---- digits on a canvas: 8×8 pixels in [0, 1] (ink dark), each a 6×6 square ----
const S = 6, GAP = 4;
function digitCanvas(canvas, rows, cols) {
  canvas.width = cols * (8 * S + GAP);
  canvas.height = rows * (8 * S + GAP);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  return (r, c, pixel) => {
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 8; j++) {
        const g = shade(pixel(i, j));
        ctx.fillStyle = `rgb(${g},${g},${g})`;
        ctx.fillRect(c * (8 * S + GAP) + j * S, r * (8 * S + GAP) + i * S, S, S);
      }
  };
}
/** The grey level of a pixel value (what the end-to-end test expects too). */
const shade = (v) => Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
demo.layout = { S, GAP };

// ---- retrieval: a left half against the held-out right halves ----
const held = { x: [], y: [], labels: [] }; // the held-out halves and labels (from the worker)
/** A canvas of an 8-row image `cols` wide (pixel(i, j) in [0, 1]), each pixel a scale × scale square. */
function smallDigit(pixel, cols, scale) {
  const c = document.createElement('canvas');
  c.width = cols * scale;
  c.height = 8 * scale;
  const ctx = c.getContext('2d');
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < cols; j++) {
      const g = shade(pixel(i, j));
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(j * scale, i * scale, scale, scale);
    }
  return c;
}
const PICKER_ROWS = 36; // the held-out left halves offered to click
const retrieval = { query: { index: 0 }, drawn: new Array(32).fill(0) };
function setupRetrieval() {
  const picker = $('ret-picker');
  for (let k = 0; k < PICKER_ROWS; k++) {
    const c = smallDigit((i, j) => held.x[k][i * 4 + j], 4, 5);
    c.dataset.index = String(k);
    c.title = `held-out row ${k} (a ${held.labels[k]})`;
    c.onclick = () => findRightHalves({ index: k });
    picker.appendChild(c);
  }
  drawGrid();
  const canvas = $('ret-draw');
  let ink = null; // 1 paints, 0 erases (what the first cell touched was not)
  const cell = (e) => {
    const r = canvas.getBoundingClientRect(), j = Math.floor(((e.clientX - r.left) / r.width) * 8), i = Math.floor(((e.clientY - r.top) / r.height) * 8);
    return i >= 0 && i < 8 && j >= 0 && j < 4 ? i * 4 + j : -1;
  };
  canvas.onpointerdown = (e) => {
    const q = cell(e);
    if (q < 0) return;
    ink = retrieval.drawn[q] > 0.5 ? 0 : 1;
    retrieval.drawn[q] = ink;
    drawGrid();
  };
  canvas.onpointermove = (e) => {
    const q = cell(e);
    if (ink === null || q < 0 || retrieval.drawn[q] === ink) return;
    retrieval.drawn[q] = ink;
    drawGrid();
  };
  window.addEventListener('pointerup', () => (ink = null));
  $('ret-clear').onclick = () => {
    retrieval.drawn.fill(0);
    drawGrid();
  };
  $('ret-search').onclick = () => findRightHalves({ pixels: retrieval.drawn.slice() });
}
/** The drawing grid: the left four columns to draw on, the right four (what is looked for) hatched. */
function drawGrid() {
  const canvas = $('ret-draw'), ctx = canvas.getContext('2d'), s = canvas.width / 8;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 4; j++) {
      const g = shade(retrieval.drawn[i * 4 + j]);
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(j * s, i * s, s, s);
    }
  ctx.fillStyle = '#eee';
  ctx.fillRect(4 * s, 0, 4 * s, canvas.height);
  ctx.strokeStyle = '#ccc';
  for (let k = 0; k <= 8; k++) {
    ctx.beginPath();
    ctx.moveTo(k * s + 0.5, 0);
    ctx.lineTo(k * s + 0.5, canvas.height);
    ctx.moveTo(0, k * s + 0.5);
    ctx.lineTo(canvas.width, k * s + 0.5);
    ctx.stroke();
  }
}
/** Asks the worker for the five nearest right halves under each fitted model and shows them. */
async function findRightHalves(query) {
  const status = $('ret-status');
  retrieval.query = query;
  for (const c of $('ret-picker').children) c.classList.toggle('picked', query.index !== undefined && Number(c.dataset.index) === query.index);
  try {
    const r = await request('retrieve', query);
    const left = r.query;
    for (const model of ['cca', 'deepcca']) {
      const m = r[model];
      if (!m) continue;
      $(`ret-${model}`).replaceChildren(...m.indices.map((g, rank) => {
        const c = smallDigit((i, j) => (j < 4 ? left[i * 4 + j] : held.y[g][i * 4 + j - 4]), 8, 5);
        c.dataset.index = String(g);
        c.title = `#${rank + 1}: held-out right half ${g} (of a ${held.labels[g]}), cosine ${m.scores[rank].toFixed(3)}${g === r.index ? ': the true partner' : ''}`;
        if (g === r.index) c.classList.add('partner');
        return c;
      }));
    }
    const rows = [['CCA', r.cca], ['DeepCCA', r.deepcca]].filter(([, m]) => m);
    $('ret-recall').innerHTML = `<tr><th></th>${rows[0][1].k.map((k) => `<th>recall@${k}</th>`).join('')}</tr>` + rows.map(([name, m]) => `<tr><td>${name}</td>${m.recall.map((v) => `<td>${v.toFixed(3)}</td>`).join('')}</tr>`).join('');
    demo.retrieval = r;
    showStatus(status, r.index !== null ? `held-out left half ${r.index} (a ${held.labels[r.index]}); its true partner is right half ${r.index}` : 'your drawing (it has no true partner)');
  } catch (e) {
    showError(status, e.message);
  }
}

// ---- CCA ----
const corr = { ccaTrain: [], ccaTest: [], dccaTrain: [], dccaTest: [] };
// four colours apart (blue and red families, light dashed for train, dark solid for held-out)
const CORR_SERIES = [
  { label: 'CCA train', key: 'ccaTrain', stroke: '#6a9fd4', dash: [6, 4] },
  { label: 'CCA held-out', key: 'ccaTest', stroke: '#1a3f8a' },
  { label: 'DeepCCA train', key: 'dccaTrain', stroke: '#f28e2b', dash: [6, 4] },
  { label: 'DeepCCA held-out', key: 'dccaTest', stroke: '#b8232a' },
];
function drawCorrelations() {
  const n = Math.max(2, corr.ccaTrain.length, corr.dccaTrain.length);
  charts.corr ??= lineChart($('corr-plot'), { width: 520, height: 280, xLabel: 'component', yLabel: 'canonical correlation', series: CORR_SERIES, yRange: [0, 1], xRange: () => [0, Math.max(2, corr.ccaTrain.length, corr.dccaTrain.length) - 1] });
  charts.corr.setData([Array.from({ length: n }, (_, k) => k), ...CORR_SERIES.map((s) => Array.from({ length: n }, (_, k) => corr[s.key][k] ?? null))]);
  const lines = [' k   CCA train  held-out' + (corr.dccaTest.length ? '   DeepCCA train  held-out' : '')];
  for (let k = 0; k < corr.ccaTrain.length; k++)
    lines.push(`${String(k).padStart(2)}   ${corr.ccaTrain[k].toFixed(6)}  ${corr.ccaTest[k].toFixed(6)}` + (corr.dccaTest.length ? `   ${corr.dccaTrain[k].toFixed(6)}      ${corr.dccaTest[k].toFixed(6)}` : ''));
  const sum = (a) => a.reduce((s, v) => s + v, 0);
  lines.push(`sum  ${sum(corr.ccaTrain).toFixed(6)}  ${sum(corr.ccaTest).toFixed(6)}` + (corr.dccaTest.length ? `   ${sum(corr.dccaTrain).toFixed(6)}      ${sum(corr.dccaTest).toFixed(6)}` : ''));
  $('corr-text').textContent = lines.join('\n');
}
/** The scatter of the held-out rows' first two canonical variates (left half), coloured by digit. */
function drawSpace(model, points) {
  const key = model === 'cca' ? 'spaceCca' : 'spaceDcca';
  const { data, at } = scatterData(points, demo.testLabels, 10);
  charts[key] ??= scatterChart($(model === 'cca' ? 'space-cca' : 'space-dcca'), { width: 440, height: 380, xLabel: 'canonical variate 1', yLabel: 'canonical variate 2', classes: DIGIT_COLOURS.map((colour, c) => ({ label: String(c), colour })) });
  charts[key].setData(data);
  demo.scatter[key] = { points, at };
}
async function runCca() {
  const status = $('cca-status');
  try {
    const ridge = Number($('cca-ridge').value);
    showStatus(status, 'fitting…');
    const r = await request('cca', { ridge });
    corr.ccaTrain = r.train;
    corr.ccaTest = r.test;
    demo.cca = { train: r.train, test: r.test };
    drawCorrelations();
    drawSpace('cca', r.space);
    await findRightHalves(retrieval.query);
    $('cca-significance').textContent = r.significance;
    showStatus(status, `fitted in ${r.ms.toFixed(1)} ms (ridge ${ridge})`);
  } catch (e) {
    showError(status, e.message);
  }
}
$('cca-run').onclick = runCca;

// ---- training with progress (DeepCCA, autoencoder, GAN) ----
const training = { running: false };
function setTraining(on) {
  training.running = on;
  for (const id of ['dcca-run', 'ae-run', 'gan-run']) $(id).disabled = on;
  $('dcca-abort').disabled = !on;
}
/** The section's epochs and seed (and extra fields), or null after showing what is wrong. */
function trainingOptions(prefix, extra = {}) {
  try {
    const o = { epochs: int(`${prefix}-epochs`, 1), seed: int(`${prefix}-seed`) };
    for (const [k, id] of Object.entries(extra)) o[k] = int(id);
    return o;
  } catch (e) {
    showError($(`${prefix}-status`), e.message);
    return null;
  }
}
async function trainWith(prefix, type, options, onDone, onEpoch) {
  const status = $(`${prefix}-status`), bar = $(`${prefix}-progress`);
  if (training.running) return showError(status, 'another training is running');
  setTraining(true);
  showStatus(status, 'starting…');
  try {
    const r = await request(type, options, (p) => {
      bar.value = p.epoch / p.epochs;
      showStatus(status, `epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}, ${p.seconds.toFixed(1)} s`);
      onEpoch?.(p);
    });
    if (r.aborted) demo[`${type}Aborted`] = true;
    if (r.aborted && r.epochs === 0) {
      showStatus(status, 'aborted before the first epoch finished: nothing of this training to keep; you can train again');
    } else {
      // an abort keeps the weights of the last finished epoch as the fitted model: shown as a finished one
      bar.value = r.epochs / options.epochs;
      onDone(r, r.aborted ? `aborted after ${r.epochs} of ${options.epochs} epochs, the model keeps epoch ${r.epochs}'s weights` : `trained ${r.epochs} epochs`);
    }
  } catch (e) {
    showError(status, e.message);
  } finally {
    setTraining(false);
  }
}

let lossEpochs = 2; // the loss chart's x runs over the epochs asked for
$('dcca-run').onclick = () => {
  const options = trainingOptions('dcca');
  if (!options) return;
  const losses = [];
  charts.loss ??= lineChart($('dcca-loss'), { width: 480, height: 240, xLabel: 'epoch', yLabel: 'sum of batch correlations', series: [{ label: 'batch correlation (sum of 10)', stroke: '#b8232a' }], yRange: [0, 10], yDecimals: 0, xRange: () => [1, lossEpochs], points: false });
  lossEpochs = Math.max(2, options.epochs);
  charts.loss.setData([[], []]);
  trainWith('dcca', 'deepcca', options, (r, what) => {
    corr.dccaTrain = r.train;
    corr.dccaTest = r.test;
    demo.deepcca = { train: r.train, test: r.test, epochs: r.epochs, aborted: r.aborted };
    drawCorrelations();
    drawSpace('deepcca', r.space);
    findRightHalves(retrieval.query);
    showStatus($('dcca-status'), `${what}: held-out sum ${r.test.reduce((s, v) => s + v, 0).toFixed(3)}`);
  }, (p) => {
    losses.push(p.loss);
    if (losses.length % 2 === 1 || p.epoch === p.epochs) charts.loss.setData([losses.map((_, i) => i + 1), losses.slice()]);
  });
};
$('dcca-abort').onclick = () => request('abort');

$('ae-run').onclick = () => {
  const options = trainingOptions('ae');
  if (!options) return;
  trainWith('ae', 'autoencoder', options, (r, what) => {
    const n = r.real.left.length, draw = digitCanvas($('ae-grid'), 3, n);
    // pixel (i, j) of a digit from its halves (4 columns each)
    const whole = (left, right) => (i, j) => (j < 4 ? left(i * 4 + j) : right(i * 4 + j - 4));
    for (let k = 0; k < n; k++) {
      const L = (q) => r.real.left[k][q], R = (q) => r.real.right[k][q];
      draw(0, k, whole(L, R));
      draw(1, k, whole(L, (q) => r.rightFromLeft[k * 32 + q]));
      draw(2, k, whole((q) => r.leftFromRight[k * 32 + q], R));
    }
    demo.autoencoder = r.mse;
    showStatus($('ae-status'), `${what}; held-out MSE per pixel: right from left ${r.mse.rightFromLeft.toFixed(4)}, left from right ${r.mse.leftFromRight.toFixed(4)}`);
  });
};

function drawGan(r) {
  const draw = digitCanvas($('gan-grid'), 10, 10);
  for (let s = 0; s < r.rows; s++) draw(s % 10, Math.floor(s / 10), (i, j) => r.data[s * r.cols + i * 8 + j]);
  demo.gan = { seed: r.seed, data: r.data, rows: r.rows, cols: r.cols };
  $('gan-sample-seed').value = String(r.seed);
}
$('gan-run').onclick = () => {
  const options = trainingOptions('gan', { sampleSeed: 'gan-sample-seed' });
  if (!options) return;
  trainWith('gan', 'gan', options, (r, what) => {
    drawGan(r);
    for (const id of ['gan-resample', 'gan-new-seed', 'gan-save']) $(id).disabled = false;
    showStatus($('gan-status'), `${what}; samples with seed ${r.seed}`);
  });
};
async function resample(seed) {
  try {
    drawGan(await request('generate', { seed }));
    showStatus($('gan-status'), `samples with seed ${seed}`);
  } catch (e) {
    showError($('gan-status'), e.message);
  }
}
$('gan-resample').onclick = () => {
  try {
    resample(int('gan-sample-seed'));
  } catch (e) {
    showError($('gan-status'), e.message);
  }
};
$('gan-new-seed').onclick = () => resample((Number($('gan-sample-seed').value) || 0) + 1);
$('gan-save').onclick = async () => {
  const { json } = await request('saveGan');
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  a.download = 'crossmodal-cgan.json';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
};

// ---- your data ----
async function loadCsv(file) {
  const msg = $('csv-message');
  $('csv-fit').disabled = true;
  $('csv-columns').replaceChildren();
  try {
    if (file.size > 200 * 2 ** 20) throw new Error(`${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MiB: the page takes files up to 200 MiB`);
    const r = await request('csv', { text: await file.text(), name: file.name });
    const table = document.createElement('table');
    table.className = 'cols';
    table.innerHTML = '<tr><th>column</th><th>X</th><th>Y</th></tr>';
    const half = Math.ceil(r.columns.length / 2);
    r.columns.forEach((name, j) => {
      const tr = table.insertRow();
      tr.insertCell().textContent = name;
      for (const view of ['x', 'y']) {
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.dataset.view = view;
        box.dataset.col = String(j);
        box.checked = view === 'x' ? j < half : j >= half;
        tr.insertCell().appendChild(box);
      }
    });
    $('csv-columns').appendChild(table);
    $('csv-fit').disabled = false;
    showStatus(msg, `${file.name}: ${r.rows} rows, ${r.columns.length} columns`);
  } catch (e) {
    showError(msg, e.message);
  }
}
$('csv-file').onchange = () => $('csv-file').files[0] && loadCsv($('csv-file').files[0]);
document.body.addEventListener('dragover', (e) => e.preventDefault());
document.body.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = e.dataTransfer?.files?.[0];
  if (f) loadCsv(f);
});
$('csv-fit').onclick = async () => {
  const msg = $('csv-message');
  const pick = (view) => [...document.querySelectorAll(`#csv-columns input[data-view=${view}]`)].filter((b) => b.checked).map((b) => Number(b.dataset.col));
  const regText = $('csv-reg').value.trim();
  const regularization = regText === 'auto' ? 'auto' : Number(regText);
  if (regularization !== 'auto' && !(regularization >= 0)) return showError(msg, `regularization: expected 'auto' or a ridge ≥ 0, got ${JSON.stringify(regText)}`);
  showStatus(msg, 'fitting…');
  try {
    const r = await request('fitCsv', { x: pick('x'), y: pick('y'), regularization });
    $('csv-corr').textContent = ['canonical correlations', ...r.correlations.map((c, k) => `${String(k).padStart(2)}  ${c.toFixed(6)}`)].join('\n') + (r.shrinkage ? `\nshrinkage λ ${r.shrinkage[0].toFixed(4)} (Schäfer–Strimmer: every correlation of the joined views times 1 − λ; the same in any column units)` : '');
    $('csv-significance').textContent = r.significance;
    const pts = r.scatter.u.map((a, i) => [a, r.scatter.v[i]]);
    charts.csv ??= scatterChart($('csv-scatter'), { width: 360, height: 320, xLabel: 'first X canonical variate', yLabel: 'first Y canonical variate', classes: [{ label: 'rows', colour: '#4e79a7' }] });
    charts.csv.setData(scatterData(pts, null, 1).data);
    demo.scatter.csv = { points: pts, at: scatterData(pts, null, 1).at };
    demo.csv = { correlations: r.correlations };
    showStatus(msg, 'fitted');
  } catch (e) {
    showError(msg, e.message);
  }
};

// ---- start: the build, then CCA at once ----
request('hello').then(async (r) => {
  $('build').textContent = `${r.build}, ${r.threads} thread${r.threads > 1 ? 's' : ''}`;
  demo.testLabels = r.testLabels;
  Object.assign(held, { x: r.testX, y: r.testY, labels: r.testLabels });
  setupRetrieval();
  await runCca();
  demo.ready = true;
}, (e) => showError($('cca-status'), `could not start: ${e.message}`));
