export { Tensor, type TensorInput } from '../wasm/index.js';
export { MLP, type MLPOptions, type Activation, type MLPInit } from './mlp.js';
export { Concat, Split, Fork } from './blocks.js';
export { type Piece, type BackwardOptions } from './piece.js';
export { SGD, Adam, AdamW, Optimizer, optimizerFromJSON, type SGDOptions, type AdamOptions, type OptimizerOptions, type Trainable } from './optim.js';
export { mse, bceWithLogits, softmaxCrossEntropy, type LossResult } from './loss.js';
export { trainLoop, yieldToEventLoop, type EpochInfo, type FitOptions, type LoopOptions } from './train.js';
