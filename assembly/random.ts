// PLACEHOLDER: the random kernels (see src/wasm/api.ts for the signatures) land here.
export const random_placeholder: i32 = 0;
