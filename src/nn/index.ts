export { Tensor, type TensorInput } from './tensor.js';
export { MLP, type MLPOptions, type Activation, type MLPInit } from './mlp.js';
export { SGD, Adam, AdamW, Optimizer, optimizerFromJSON, type SGDOptions, type AdamOptions, type OptimizerOptions } from './optim.js';
export { mse, bceWithLogits, softmaxCrossEntropy, type LossResult } from './loss.js';
export { trainLoop, yieldToEventLoop, type EpochInfo, type FitOptions, type LoopOptions } from './train.js';
export { Classifier, type ClassifierOptions } from './classifier.js';
