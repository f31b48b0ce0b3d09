// The public `nn` namespace: the neural-network layer (src/nn/) plus Classifier, which is a
// model (src/models/) kept here under its earlier name. A top-level file, so src/nn/ itself
// never imports from src/models/.
export * from './nn/index.js';
export { Classifier, type ClassifierOptions } from './models/neural/classifier.js';
