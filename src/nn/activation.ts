/**
 * The activations of MLP's dense layers and their codes in the kernels (assembly/: 0
 * identity, 1 relu, 2 leaky relu, 3 sigmoid, 4 tanh). Below both mlp.ts and torch.ts, which
 * name the type; mlp.ts re-exports both names.
 */

export type Activation = 'identity' | 'relu' | 'leaky_relu' | 'sigmoid' | 'tanh';
export const ACTIVATIONS: Record<Activation, number> = { identity: 0, relu: 1, leaky_relu: 2, sigmoid: 3, tanh: 4 };
