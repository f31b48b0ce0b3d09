// Types of crossmodal/kernels.wasm, crossmodal/kernels.relaxed.wasm and
// crossmodal/kernels.scalar.wasm as edge runtimes and bundlers import them: a compiled
// WebAssembly.Module, to hand to init({ module }).
declare const kernels: WebAssembly.Module;
export default kernels;
