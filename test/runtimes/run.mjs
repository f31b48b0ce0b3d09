// Node, Deno and Bun: import the installed package and print the scenario's result as JSON.
import * as cm from 'crossmodal';
import { runScenario } from './scenario.js';

const result = await runScenario(cm);
console.log(JSON.stringify(result));
