// Node, Deno and Bun: import the installed package and print the scenario's result as JSON
// (with init({ threads: n }) when CROSSMODAL_THREADS=n).
import * as cm from 'crossmodal';
import { runScenario } from './scenario.js';

const threads = Number(globalThis.process?.env?.CROSSMODAL_THREADS ?? 1);
const result = await runScenario(cm, threads > 1 ? { threads } : {});
console.log(JSON.stringify(result));
