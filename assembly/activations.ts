// PLACEHOLDER: the activations kernels (see src/wasm/api.ts for the signatures) land here.
export const activations_placeholder: i32 = 0;
