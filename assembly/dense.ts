// PLACEHOLDER: the dense kernels (see src/wasm/api.ts for the signatures) land here.
export const dense_placeholder: i32 = 0;
