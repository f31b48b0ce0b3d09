// Cloudflare workerd (and bundlers that honour the "workerd" condition): the baseline .wasm is
// imported as a compiled WebAssembly.Module, so plain init() works there (workerd refuses to
// compile wasm from bytes at run time).
import kernels from '../../build/kernels.wasm';
import { setDefaultModule } from './module.js';

setDefaultModule(kernels);
