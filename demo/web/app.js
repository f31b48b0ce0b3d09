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

// ---- SVG plots ----
const NS = 'http://www.w3.org/2000/svg';
function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}
/** Line plot of series [{ name, values, color, dash }] against 0..n−1 (or 1..n with one1). */
function linePlot(svg, series, { ymin = 0, ymax = 1, xLabel = '', one1 = false, markers = true } = {}) {
  svg.replaceChildren();
  const W = +svg.getAttribute('width'), H = +svg.getAttribute('height');
  const m = { l: 40, r: 10, t: 10, b: 34 };
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const x = (i) => m.l + ((W - m.l - m.r) * i) / (n - 1), y = (v) => H - m.b - ((H - m.t - m.b) * (v - ymin)) / (ymax - ymin || 1);
  el('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, stroke: '#999' }, svg);
  el('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, stroke: '#999' }, svg);
  for (let k = 0; k <= 4; k++) {
    const v = ymin + ((ymax - ymin) * k) / 4;
    el('text', { x: 4, y: y(v) + 4 }, svg).textContent = v.toFixed(2);
  }
  const ticks = Math.min(n, 10);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round(((n - 1) * k) / Math.max(1, ticks - 1));
    el('text', { x: x(i) - 4, y: H - m.b + 14 }, svg).textContent = String(one1 ? i + 1 : i);
  }
  el('text', { x: W / 2 - 40, y: H - 4 }, svg).textContent = xLabel;
  series.forEach((s, k) => {
    if (!s.values.length) return;
    el('polyline', { points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 1.6, 'stroke-dasharray': s.dash ?? '' }, svg);
    if (markers) for (const [i, v] of s.values.entries()) el('circle', { cx: x(i), cy: y(v), r: 2.2, fill: s.color }, svg);
    // the legend in the lower left (correlations fall from left to right; losses rise)
    el('text', { x: m.l + 8, y: H - m.b - 8 - 13 * (series.length - 1 - k), style: `fill: ${s.color}` }, svg).textContent = s.name;
  });
}
function scatter(svg, u, v) {
  svg.replaceChildren();
  const W = +svg.getAttribute('width'), H = +svg.getAttribute('height'), pad = 28;
  const lim = (a) => [Math.min(...a), Math.max(...a)];
  const [ux0, ux1] = lim(u), [vy0, vy1] = lim(v);
  const x = (t) => pad + ((W - 2 * pad) * (t - ux0)) / (ux1 - ux0 || 1), y = (t) => H - pad - ((H - 2 * pad) * (t - vy0)) / (vy1 - vy0 || 1);
  el('rect', { x: pad, y: pad, width: W - 2 * pad, height: H - 2 * pad, fill: 'none', stroke: '#999' }, svg);
  u.forEach((t, i) => el('circle', { cx: x(t), cy: y(v[i]), r: 3, fill: '#3465a4', 'fill-opacity': 0.7 }, svg));
  el('text', { x: W / 2 - 50, y: H - 6 }, svg).textContent = 'first X canonical variate';
  el('text', { x: 2, y: 14 }, svg).textContent = 'first Y variate';
}

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

// ---- CCA ----
const corr = { ccaTrain: [], ccaTest: [], dccaTrain: [], dccaTest: [] };
function drawCorrelations() {
  linePlot($('corr-plot'), [
    { name: 'CCA train', values: corr.ccaTrain, color: '#3465a4', dash: '4 3' },
    { name: 'CCA held-out', values: corr.ccaTest, color: '#3465a4' },
    { name: 'DeepCCA train', values: corr.dccaTrain, color: '#cc0000', dash: '4 3' },
    { name: 'DeepCCA held-out', values: corr.dccaTest, color: '#cc0000' },
  ], { xLabel: 'component', one1: false });
  const lines = [' k   CCA train  held-out' + (corr.dccaTest.length ? '   DeepCCA train  held-out' : '')];
  for (let k = 0; k < corr.ccaTrain.length; k++)
    lines.push(`${String(k).padStart(2)}   ${corr.ccaTrain[k].toFixed(6)}  ${corr.ccaTest[k].toFixed(6)}` + (corr.dccaTest.length ? `   ${corr.dccaTrain[k].toFixed(6)}      ${corr.dccaTest[k].toFixed(6)}` : ''));
  const sum = (a) => a.reduce((s, v) => s + v, 0);
  lines.push(`sum  ${sum(corr.ccaTrain).toFixed(6)}  ${sum(corr.ccaTest).toFixed(6)}` + (corr.dccaTest.length ? `   ${sum(corr.dccaTrain).toFixed(6)}      ${sum(corr.dccaTest).toFixed(6)}` : ''));
  $('corr-text').textContent = lines.join('\n');
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
    if (r.aborted) {
      showStatus(status, 'aborted: nothing kept; you can train again');
      demo[`${type}Aborted`] = true;
    } else {
      bar.value = 1;
      onDone(r);
    }
  } catch (e) {
    showError(status, e.message);
  } finally {
    setTraining(false);
  }
}

$('dcca-run').onclick = () => {
  const options = trainingOptions('dcca');
  if (!options) return;
  const losses = [];
  trainWith('dcca', 'deepcca', options, (r) => {
    corr.dccaTrain = r.train;
    corr.dccaTest = r.test;
    demo.deepcca = { train: r.train, test: r.test };
    drawCorrelations();
    showStatus($('dcca-status'), `trained ${options.epochs} epochs: held-out sum ${r.test.reduce((s, v) => s + v, 0).toFixed(3)}`);
  }, (p) => {
    losses.push(p.loss);
    if (losses.length % 2 === 1 || p.epoch === p.epochs) linePlot($('dcca-loss'), [{ name: 'batch correlation (sum)', values: losses, color: '#cc0000' }], { ymin: 0, ymax: 10, xLabel: 'epoch', markers: false, one1: true });
  });
};
$('dcca-abort').onclick = () => request('abort');

$('ae-run').onclick = () => {
  const options = trainingOptions('ae');
  if (!options) return;
  trainWith('ae', 'autoencoder', options, (r) => {
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
    showStatus($('ae-status'), `held-out MSE per pixel: right from left ${r.mse.rightFromLeft.toFixed(4)}, left from right ${r.mse.leftFromRight.toFixed(4)}`);
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
  trainWith('gan', 'gan', options, (r) => {
    drawGan(r);
    for (const id of ['gan-resample', 'gan-new-seed', 'gan-save']) $(id).disabled = false;
    showStatus($('gan-status'), `trained ${options.epochs} epochs; samples with seed ${r.seed}`);
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
    scatter($('csv-scatter'), r.scatter.u, r.scatter.v);
    demo.csv = { correlations: r.correlations };
    showStatus(msg, 'fitted');
  } catch (e) {
    showError(msg, e.message);
  }
};

// ---- start: the build, then CCA at once ----
request('hello').then(async (r) => {
  $('build').textContent = `${r.build}, ${r.threads} thread${r.threads > 1 ? 's' : ''}`;
  await runCca();
  demo.ready = true;
}, (e) => showError($('cca-status'), `could not start: ${e.message}`));
