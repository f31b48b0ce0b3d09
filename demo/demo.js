// npm run demo: linear CCA on the bundled digits halves (left 4 columns of each 8×8 image
// vs right 4 columns, pixels / 16; rows 0..1499 train, 1500..1796 held out; ridge 1e-4).
import { init, CCA, formatSignificance } from '../dist/index.js';
import { loadDigits } from '../dist/datasets.js';

const info = await init();
const digits = await loadDigits();
const [trainX, testX] = [digits.left.slice(0, 1500), digits.left.slice(1500)];
const [trainY, testY] = [digits.right.slice(0, 1500), digits.right.slice(1500)];
console.log(`crossmodal demo — wasm build: ${info.build}`);
console.log(`digits: ${trainX.length} training rows, ${testX.length} held-out rows, views of ${trainX[0].length} and ${trainY[0].length} pixels\n`);

const t0 = performance.now();
const cca = new CCA({ components: 10, regularization: 1e-4 }).fit(trainX, trainY);
const ms = performance.now() - t0;
const train = cca.correlations;
const held = cca.score(testX, testY);
const sum = (a) => a.reduce((s, v) => s + v, 0);

console.log(`Linear CCA (ridge 1e-4, 10 components), fitted in ${ms.toFixed(1)} ms`);
console.log(' k   train   held-out');
for (let k = 0; k < 10; k++) console.log(`${String(k).padStart(2)}  ${train[k].toFixed(4)}  ${held[k].toFixed(4)}`);
console.log(`sum ${sum(train).toFixed(4)}  ${sum(held).toFixed(4)}\n`);

console.log("Significance (H0: correlation k and all later ones are zero; Wilks' lambda, Bartlett chi², Rao F)");
console.log(formatSignificance(cca.significance().slice(0, 12)));
cca.dispose();
