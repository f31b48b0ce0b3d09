// PLACEHOLDER: the optim kernels (see src/wasm/api.ts for the signatures) land here.
export const optim_placeholder: i32 = 0;
