/**
 * crossmodal: cross-modal learning on hand-written WebAssembly SIMD kernels.
 *
 * @example
 * import { init, CCA } from 'crossmodal';
 * await init();
 * const cca = new CCA({ components: 2 }).fit(X, Y);
 */
export { init, shutdown, memoryStats, isInitialized, wasmFeatures, type InitOptions, type InitInfo, type MemoryStats, type SimdChoice, type Build } from './wasm/index.js';
export { Matrix, Tensor, type MatrixInput, type TensorInput, type Shaped } from './wasm/index.js';
export * as linalg from './linalg/index.js';
export { columns, type Table, type ArrowLikeTable, type ArrowLikeColumn, type ParsedCsv, type Columns } from './data/tables.js';
export { parseCsv, type ParseCsvOptions } from './data/csv.js';
export {
  CrossmodalError, ShapeError, NonFiniteError, ValueError, NotFittedError, SingularMatrixError, ConvergenceError,
  MemoryLimitError, InitError, DisposedError, StaleForwardError, DivergenceError, FitRunningError, FormatError, UnsupportedError, OverflowError, SourceError, ThreadError,
} from './errors.js';
export { CCA, type CCAOptions, type CCAToJSONOptions, type CCACrossValidateOptions, type CCACrossValidationSettings, type Regularization, type Ridge, type MatrixResult, type CovariatesOption, type StructureCorrelations } from './models/linear/cca.js';
export type { CrossValidateOptions, CrossValidationResult, CrossValidationRow } from './models/linear/crossval.js';
export type { ComomentsQueryOptions, SqlDialect, SqlRow, SqlMoments, SqlMatrix } from './models/linear/sql.js';
export type { Moments, TwoViewMoments, ViewsMoments } from './models/linear/moments.js';
export { MCCA, GCCA, type MCCAOptions, type GCCAOptions, type MCCACrossValidateOptions, type ViewRidges } from './models/linear/mcca.js';
export { KernelCCA, type KernelCCAOptions, type Kernel, type NystromApproximation, type Landmarks } from './models/linear/kcca.js';
export { PLSRegression, PLSCanonical, PLSSVD, type PLSOptions, type PLSRegressionOptions, type PLSCanonicalOptions, type PLSSVDOptions, type PLSToJSONOptions } from './models/linear/pls.js';
export {
  SparseCCA, type SparseCCAOptions, type SparseCCAToJSONOptions, type SparseCCAPermuteOptions, type SparseCCACrossValidateOptions,
  type SparsePermutationResult, type SparsePermutationRow, type SparseCrossValidationResult, type SparseCrossValidationRow,
} from './models/linear/sparse_cca.js';
export { significance, formatSignificance, type SignificanceRow, type SignificanceRowAll, type SignificanceOptions, type MultivariateTest } from './models/linear/significance.js';
export type { PermutationTestOptions, PermutationTestResult } from './models/linear/permutation.js';
export type { BootstrapOptions, BootstrapResult, BootstrapInterval } from './models/linear/bootstrap.js';
export * as nn from './nn-namespace.js';
export { MLP, type MLPOptions, type Activation, type MLPInit, type PredictOptions, type MLPToJSONOptions, type MLPFromTorchOptions } from './nn/mlp.js';
export type { SafeTensor, SafeTensorDtype } from './nn/safetensors.js';
export type { TorchTensor, TorchTensors } from './nn/torch.js';
export type { ConcatForwardOptions } from './nn/blocks.js';
export type { Piece, BackwardOptions, WithInputGradient, WithoutInputGradient } from './nn/piece.js';
export type { OptimizerOptions, SGDOptions, AdamOptions, Trainable } from './nn/optim.js';
export type { EpochInfo, FitOptions, LoopOptions } from './nn/train.js';
export type { LossResult, LossOptions } from './nn/loss.js';
export type { MatmulOptions } from './linalg/ops.js';
export { DeepCCA, type DeepCCAOptions, type DeepCCAFitOptions, type DeepCCASourceFitOptions, type DeepCCAFromTorchOptions, type DeepCCALosses, type DeepCCAReconstructionOptions } from './models/neural/deepcca.js';
export type { DataSource, SourceChunk, ValidationSource } from './models/neural/source.js';
export { Classifier, type ClassifierOptions, type ClassifierFitOptions, type ClassifierSourceFitOptions, type ClassifierLosses } from './models/neural/classifier.js';
export type { TrainingOptions, NetworkOptions, OptimizerName } from './models/neural/training.js';
export type { NeuralFitOptions } from './models/neural/trainer.js';
export { ConditionalGAN, type ConditionalGANDiscriminator, type ConditionalGANLoss, type ConditionalGANOptions, type ConditionalGANFitOptions, type ConditionalGANSourceFitOptions, type ConditionalGANFromTorchOptions, type ConditionalGANLosses, type GenerateOptions } from './models/neural/cgan.js';
export {
  MultimodalAutoencoder, type MultimodalAutoencoderOptions, type MultimodalAutoencoderFromTorchOptions, type AutoencoderFitOptions, type AutoencoderSourceFitOptions, type AutoencoderLosses, type ViewsOptions, type ViewInput, type FloatResult, type SubsetError,
} from './models/neural/autoencoder.js';
export {
  MultimodalVAE, type MultimodalVAEOptions, type MultimodalVAEFromTorchOptions, type VAEFusion, type VAELikelihood, type VAEFitOptions, type VAESourceFitOptions, type VAELosses, type VAESampleOptions, type VAELogLikelihoodOptions, type VAEViewsOptions, type VAEEncoding, type VAELogLikelihood,
} from './models/neural/vae.js';
export * as metrics from './models/neural/metrics.js';
// types the public signatures refer to, named so that they can be imported
export type { Missing, Rows, RetrievalMetric } from './wasm/index.js';
export type { CCAObjectiveKind, DeepCCAObjectiveKind } from './models/neural/deepcca_objective.js';
export type { ReconstructionLosses, ReconstructionSettings } from './models/neural/deepcca_dccae.js';
export type { CVSettings } from './models/linear/cca_options.js';
export type { Penalty } from './models/linear/sparse_cca_select.js';
export type { KernelDistanceOptions, PrecisionRecallOptions, DensityCoverageOptions, FeatureExtractor, RowClassifier, RetrievalOptions, RetrievalResult } from './models/neural/metrics.js';
export type { RetrieveOptions, RetrieveResult } from './models/retrieve.js';
