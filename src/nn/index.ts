export { Tensor, type TensorInput } from '../wasm/index.js';
export { MLP, type MLPOptions, type Activation, type MLPInit, type PredictOptions, type MLPToJSONOptions, type MLPFromTorchOptions } from './mlp.js';
export { readSafetensors, readSafetensorsMetadata, type SafeTensor, type SafeTensorDtype } from './safetensors.js';
export type { TorchTensor, TorchTensors } from './torch.js';
export { Concat, Split, Fork, type ConcatForwardOptions } from './blocks.js';
export { type Piece, type BackwardOptions, type WithInputGradient, type WithoutInputGradient } from './piece.js';
export { SGD, Adam, AdamW, Optimizer, optimizerFromJSON, type SGDOptions, type AdamOptions, type OptimizerOptions, type Trainable } from './optim.js';
export { mse, bceWithLogits, softmaxCrossEntropy, type LossResult, type LossOptions } from './loss.js';
export { trainLoop, yieldToEventLoop, type EpochInfo, type FitOptions, type LoopOptions } from './train.js';
