// The shipped types, as a consumer sees them: a fresh project with `strict`, `target es2022`,
// no `esnext.disposable` lib and no @types/node type-checks the examples of README.md and of
// docs/*.md (JavaScript, with checkJs) and typical TypeScript calls against dist/*.d.ts, and wrong calls marked
// `@ts-expect-error` must be rejected (an unused marker is itself an error).
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));

const CALLS = `
import { init, CCA, DeepCCA, MLP, Tensor, Matrix, Classifier, nn, linalg, type EpochInfo, type FitOptions, type CCAOptions, type DeepCCAOptions,
  type DeepCCAFitOptions, type ClassifierOptions, type MLPOptions, type InitOptions, type OptimizerOptions, type AdamOptions, type SGDOptions,
  type BackwardOptions, type MatmulOptions, type LossResult, type MatrixResult, type Piece, type CCAToJSONOptions, type MLPToJSONOptions,
  type PredictOptions, type LossOptions, type ConcatForwardOptions, MultimodalAutoencoder, type MultimodalAutoencoderOptions,
  type AutoencoderFitOptions, type FloatResult, type SubsetError, ConditionalGAN, type TrainingOptions,
  metrics, type RetrievalOptions, type RetrievalResult, type RetrieveOptions, type RetrieveResult } from 'crossmodal';
import { comomentsQuery, momentsFromSqlRows, quoteIdentifier, type ComomentsQueryOptions, type SqlMoments, type SqlRow } from 'crossmodal/sql';

await init();
// inputs: number[][], typed-array rows, readonly rows, { data, rows, cols }
const rows = [[1, 2], [2, 1], [3, 5], [4, 3]] as const;
const typed = [Float64Array.of(1, 0), Float64Array.of(2, 1), Float32Array.of(3, 0), Float64Array.of(4, 1)];
const cca = new CCA({ components: 1, regularization: 1e-3, scale: true }).fit(rows, typed);
const [u, v] = cca.transform(rows, typed);           // both views: two non-null results
const n: number = u.rows + v.rows;
const [onlyU, none] = cca.transform(rows);
const x: MatrixResult = onlyU;
const nothing: null = none;
const [no, onlyV] = cca.transform(null, typed);
const y: MatrixResult = onlyV;
cca.fit({ data: new Float64Array(8), rows: 4, cols: 2 }, typed);

const dcca = new DeepCCA({ components: 1, hidden: [4], epochs: 1, batchSize: 4 });
const epochs: EpochInfo[] = await dcca.fit(rows, typed, { onEpoch: (e: EpochInfo) => void e.batchSize });
const [du, dv] = dcca.transform(rows, typed);
const m: number = du.cols + dv.cols + epochs.length;

const net = new MLP({ layers: [2, 3, 1], activation: 'tanh' });
const out: Tensor = net.forward(rows);
const dx: Tensor = net.backward(Tensor.zeros(4, 1));
const frozen: Tensor = (net.forward(rows), net.backward(Tensor.zeros(4, 1), { parameterGradients: false }));
const none2: null = (net.forward(rows), net.backward(Tensor.zeros(4, 1), { inputGradient: false }));
const opt = new nn.Adam([net], { learningRate: 1e-3, maxGradNorm: 1 });
const cat = new nn.Concat([2, 1]);
const parts: Tensor[] = (cat.forward([rows, [[1], [2], [3], [4]]]), cat.backward(Tensor.zeros(4, 3)));
const piece: Piece = net;
const c = new Classifier({ layers: [2, 2], epochs: 1 });
const h: EpochInfo[] = await c.fit(rows, [0, 1, 0, 1]);
const loss: LossResult = nn.mse(out, [[0], [1], [0], [1]]);
const prod: Matrix = linalg.matmul(rows, rows, { transposeA: true } satisfies MatmulOptions);
const f: FitOptions = { signal: new AbortController().signal };
const hidden = [8, 4] as const;                         // readonly widths
new DeepCCA({ hidden }).dispose();
new MLP({ layers: hidden }).dispose();
const more: [CCAToJSONOptions, MLPToJSONOptions, PredictOptions, LossOptions, ConcatForwardOptions] = [{ statistics: true }, { optimizer: opt }, { batchSize: 2 }, {}, {}];
const o: [CCAOptions, DeepCCAOptions, DeepCCAFitOptions, ClassifierOptions, MLPOptions, InitOptions, OptimizerOptions, AdamOptions, SGDOptions, BackwardOptions] =
  [{}, {}, {}, { layers: [1, 2] }, { layers: [1, 1] }, {}, {}, {}, {}, {}];

const ae = new MultimodalAutoencoder({ hidden: [[4], [3]], outputActivation: ['sigmoid', 'identity'], epochs: 1, batchSize: 2 } satisfies MultimodalAutoencoderOptions);
const aeh: EpochInfo[] = await ae.fit([rows, [[1], null, [0], [1]]], { present: [[1, 1], [1, 0], [1, 1], [1, 1]] } satisfies AutoencoderFitOptions);
const filled: FloatResult[] = ae.reconstruct([rows, null]);
const shared: FloatResult = ae.encode([null, typed]);
const bySubset: SubsetError[] = ae.evaluate([rows, [[1], [0], [0], [1]]]);

// cross-validation: the grid's entry type comes back in best and table
const cvr = CCA.crossValidate(rows, typed, { regularization: [1e-3, [1e-2, 1]], folds: 2, components: 1 });
const bestRidge: number | [number, number] = cvr.best.regularization;
const foldScores: Float64Array = cvr.table[0]!.foldScores;
const applied: [number, number] | null = new CCA({ regularization: 'cv', crossValidation: { folds: 2 } }).appliedRegularization;

// SQL: the query's options and the rows a driver returns (counts as bigint or string)
const sqlText: string = comomentsQuery({ table: ['s', 't'], x: ['a'], y: ['b'], groupBy: ['day'], where: 'a > 0', dialect: 'bigquery' } satisfies ComomentsQueryOptions);
const sqlRow: SqlRow = { n: 3n, mean_x0: 0, mean_y0: 1, cov_x0_x0: 1, cov_y0_y0: 1, cov_x0_y0: 0.5 };
const sqlMoments: SqlMoments = momentsFromSqlRows([sqlRow, { ...sqlRow, n: '2' }]);
const fromSql: CCA = CCA.fromSqlRows([sqlRow], { components: 1 });
CCA.fromSqlRow(sqlRow).dispose();
const quoted: string = quoteIdentifier('a b', 'spark');
// @ts-expect-error: not a dialect
comomentsQuery({ table: 't', x: ['a'], y: ['b'], dialect: 'mysql' });
// @ts-expect-error: the table is required
comomentsQuery({ x: ['a'], y: ['b'] });

// typed histories: each model's losses by name, a misspelt one does not compile
const corr: number = (await dcca.fit(rows, typed, { warmStart: true, onEpoch: (e) => void e.losses.correlation }))[0]!.losses.correlation;
const mse1: number = ae.history[0]!.losses.mse1;
const gan = new ConditionalGAN({ noise: 2, hidden: [3], epochs: 1, batchSize: 2, optimizer: 'adamw', maxGradNorm: 1 });
const gl: number = (await gan.fit(rows, typed))[0]!.losses.realAccuracy;
const cl: number = h[0]!.losses.loss;
const trained: TrainingOptions = { optimizer: 'sgd', maxGradNorm: 5, weightDecay: 1e-4, epochs: 2 };
new Classifier({ hidden: [4], ...trained }).dispose();
// @ts-expect-error: DeepCCA reports correlation, not corelation
void dcca.history[0]!.losses.corelation;
// @ts-expect-error: the cGAN reports realAccuracy
void gan.history[0]!.losses.realAcc;
// @ts-expect-error: the autoencoder's per-modality parts are mse0, mse1, …
void ae.history[0]!.losses.mseX;
// @ts-expect-error: not an optimiser
new DeepCCA({ optimizer: 'rmsprop' });
// @ts-expect-error: warmStart is a boolean
await c.fit(rows, [0, 1, 0, 1], { warmStart: 1 });

// wrong calls the types reject
// @ts-expect-error: crossValidation settings take no components (the model's are used)
new CCA({ regularization: 'cv', crossValidation: { components: 2 } });
// @ts-expect-error: views are a list, one per modality
await ae.fit(rows);
// @ts-expect-error: not an activation for a head
new MultimodalAutoencoder({ outputActivation: 'softmax' });
// @ts-expect-error: an unknown option
new CCA({ component: 2 });
// @ts-expect-error: an unknown init option
await init({ thread: 2 });
// @ts-expect-error: not an activation
new MLP({ layers: [2, 1], activation: 'swish' });
// @ts-expect-error: the constructor is internal (use Tensor.from)
new Tensor([[1, 2]]);
// @ts-expect-error: a frozen backward without input gradient is null
const bad: Tensor = net.backward(Tensor.zeros(4, 1), { inputGradient: false });
// @ts-expect-error: strings are not numbers
cca.fit([['1', '2']], typed);
// @ts-expect-error: one view is not a pair
const [a1, a2]: [MatrixResult, MatrixResult] = cca.transform(rows);

// retrieval (issue 40): the metric's figures and a model's top rows, typed
const ret: RetrievalResult = metrics.retrieval(u, v, { k: [1, 2], relevance: [0, 1, 0, 1], metric: 'euclidean' } satisfies RetrievalOptions);
const recall1: number = ret.recallAt[0]! + ret.meanAveragePrecision + ret.medianRank;
const top: RetrieveResult = cca.retrieve(rows, typed, { k: 2, from: 'x' } satisfies RetrieveOptions);
const topIdx: Int32Array = top.indices;
// @ts-expect-error: from is 'x' or 'y'
cca.retrieve(rows, typed, { from: 'z' });
// @ts-expect-error: not a retrieval metric
metrics.retrieval(u, v, { metric: 'dot' });

for (const d of [cca, dcca, net, opt, cat, c, out, loss.grad, prod, ae, fromSql, gan]) d.dispose();
export { ret, recall1, top, topIdx, corr, mse1, gl, cl, n, x, nothing, no, y, m, dx, frozen, none2, parts, piece, h, f, o, more, bad, a1, a2, aeh, filled, shared, bySubset, bestRidge, foldScores, applied, sqlText, sqlMoments, quoted };
`;

describe('the shipped types in a strict consumer project without esnext.disposable or @types/node', () => {
  it('type-check the README examples and typical calls, and reject the wrong ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossmodal-types-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(repo, join(dir, 'node_modules', 'crossmodal'), 'dir');
      // the SQL example (docs/data-scale.md) runs on DuckDB (a devDependency)
      symlinkSync(join(repo, 'node_modules', '@duckdb'), join(dir, 'node_modules', '@duckdb'), 'dir');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, types: [], skipLibCheck: false, allowJs: true, checkJs: true },
          include: ['*.ts', '*.js'],
        }),
      );
      // the examples of README.md and of the guides, docs/*.md (as test/readme.test.ts runs them)
      const pages = ['README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
      let count = 0;
      for (const page of pages) {
        const examples = [...readFileSync(join(repo, page), 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes("from 'crossmodal'"));
        examples.forEach((code, i) => writeFileSync(join(dir, `${page.replace(/\W/g, '-')}-${i + 1}.js`), `${code}\nexport {};\n`));
        count += examples.length;
      }
      expect(count).toBeGreaterThan(40);
      writeFileSync(join(dir, 'calls.ts'), CALLS);
      const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = await run(process.execPath, [tsc, '-p', dir]).then(
        () => ({ ok: true, out: '' }),
        (e: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
      );
      expect(r.out).toBe('');
      expect(r.ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('option types', () => {
  // every exported interface named …Options in src/ is exported from the package root, and
  // each of its properties says its default (or that it is required) in its doc comment
  it('are exported from the root and document every default', () => {
    const program = ts.createProgram([join(repo, 'src', 'index.ts')], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
    const checker = program.getTypeChecker();
    const root = checker.getSymbolAtLocation(program.getSourceFile(join(repo, 'src', 'index.ts'))!)!;
    const exported = new Set(checker.getExportsOfModule(root).map((s) => s.name));
    const found: string[] = [], problems: string[] = [];
    for (const file of program.getSourceFiles()) {
      if (!file.fileName.startsWith(join(repo, 'src'))) continue;
      file.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || !/Options$/.test(node.name.text)) return;
        if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
        const name = node.name.text;
        found.push(name);
        if (!exported.has(name)) problems.push(`${name} is not exported from the package root`);
        for (const member of node.members) {
          if (!ts.isPropertySignature(member) && !ts.isMethodSignature(member)) continue;
          const doc = ts.displayPartsToString(checker.getSymbolAtLocation(member.name)!.getDocumentationComment(checker));
          if (!/default|required/i.test(doc)) problems.push(`${name}.${member.name.getText(file)}: the doc comment does not state the default ("${doc}")`);
        }
      });
    }
    expect(found.length).toBeGreaterThan(15);
    expect(problems).toEqual([]);
  });
});
