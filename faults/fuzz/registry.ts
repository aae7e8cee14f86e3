/**
 * The fuzz registry: one entry for every exported function and class of every package (see
 * `_exports.ts`). `fuzz_fault.ts` fails when an export has no entry here and is not in
 * {@link EXCLUDED}, so a new export is noticed.
 *
 * Adding an entry for a new export `foo` of package `layers`:
 * - usually: add its name to the package's line in {@link AUTO}. Its arguments are then drawn
 *   from its signature (`deno doc --json`): right kinds and fitting shapes mostly, and wrong
 *   types, ranks, dtypes, NaN/Inf, empty and huge sizes, bad options at every level. A class is
 *   constructed, then one or two of its public methods (`forward` first for a Module) are called.
 * - when the generated calls cannot reach the interesting paths, or a call must be undone
 *   (global state), or the result's shape is known: a {@link FuzzEntry} in {@link CUSTOM}.
 * - only with a reason a reviewer accepts (it compiles C, it changes the process, it waits for
 *   input): a line in {@link EXCLUDED}.
 *
 * @module
 */
import fc from "fast-check";
import * as nd from "@nnc/tensor";
import * as ag from "@nnc/autograd";
import { DatasetNotFoundError } from "@nnc/datasets";
import { broadcast, shapeOf } from "./_contract.ts";
import { junk, ndarray, type Scene, tensor } from "./_values.ts";

/** How one export is fuzzed, beyond what its signature says. */
export interface FuzzEntry {
  /** Makes one call (replaces the generated one); returns its result. */
  call?: (s: Scene, fn: (...args: unknown[]) => unknown) => unknown;
  /** The expected shape of the result, when it can be told from the arguments. */
  shape?: (args: unknown[], result: unknown) => number[] | undefined;
  /**
   * Names an error message may use besides the export's own: the public function a variant is
   * documented as (`avgPool2d` → `avgPool`), or an option naming the operation
   * (`writeFileAtomic(path, data, { op })`).
   */
  names?: string[] | ((args: unknown[]) => unknown[]);
  /** For the check helpers: the index of the argument naming the operation their errors name. */
  opArg?: number;
  /** Error classes that are part of the function's contract (an assertion helper throws them). */
  errors?: (abstract new (...args: never[]) => Error)[];
  /** Reads or writes files: Deno's file-system errors are outcomes, not violations. */
  io?: boolean;
  /** Runs per call budget (default 1): lower for slow functions. */
  weight?: number;
  /** Time bound of one call in ms (default NNC_FUZZ_CALL_MS, 5 s), for legitimately long calls. */
  callMs?: number;
  /**
   * For the check helpers, whose other arguments configure the message: whether a call is held
   * to the naming contract (when false, any TypeError/RangeError will do).
   */
  strictWhen?: (args: unknown[]) => boolean;
  /** Runs code it is given (a model, a loss, callbacks): their errors pass through unchanged. */
  passThrough?: boolean;
  /** Restores global state after each call. */
  after?: () => void;
}

const PROBE_AT_START = nd.storageAddressProbe();

// ---------- shape oracles ----------

const same = (args: unknown[]) => shapeOf(args[0]);
/** The name `${family}${d}d` a shared base's errors use for its dimension argument d. */
const dimensioned = (family: string) => (args: unknown[]): string[] =>
  typeof args[0] === "number" ? [`${family}${args[0]}d`] : [];
const broadcast2 = (args: unknown[]) => {
  const a = shapeOf(args[0]), b = shapeOf(args[1]);
  return a && b ? broadcast(a, b) : undefined;
};
/** Reductions with `{ axis, keepDims }` (tensor) or positional options. */
const reduced = (args: unknown[]) => {
  const shape = shapeOf(args[0]);
  const o = args[1] as { axis?: number | number[]; keepDims?: boolean } | undefined;
  if (!shape || (o !== undefined && (o === null || typeof o !== "object"))) return undefined;
  const axes = o?.axis === undefined ? shape.map((_, i) => i) : [o.axis].flat();
  const norm = axes.map((a) => (a < 0 ? a + shape.length : a));
  if (norm.some((a) => !Number.isInteger(a) || a < 0 || a >= shape.length)) return undefined;
  return o?.keepDims === true
    ? shape.map((d, i) => (norm.includes(i) ? 1 : d))
    : shape.filter((_, i) => !norm.includes(i));
};
const matmulShape = (args: unknown[]) => {
  const a = shapeOf(args[0]), b = shapeOf(args[1]);
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a, b2 = b.length === 1 ? [b[0], 1] : b;
  if (a2[a2.length - 1] !== b2[b2.length - 2]) return undefined;
  const batch = broadcast(a2.slice(0, -2), b2.slice(0, -2));
  if (!batch) return undefined;
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
};

const UNARY =
  "abs ceil cos erf exp expm1 floor log log1p neg reciprocal relu round rsqrt sigmoid sign sin softplus sqrt square tan tanh trunc clone contiguous";
const BINARY =
  "add sub mul div pow maximum minimum mod atan2 eq ne lt le gt ge sigmoidCrossEntropy sigmoidCrossEntropyGrad";
const REDUCE = "sum mean max min prod";

/** Binary ops drawn with broadcast-compatible shapes half the time. */
function binaryCall(tensors: boolean): FuzzEntry["call"] {
  return (s, fn) => {
    const make = (shape?: number[]) => (tensors ? tensor(s, { shape }) : ndarray(s, { shape }));
    const k = s.draw(() => fc.integer({ min: 0, max: 5 }));
    const a = k === 5 ? junk(s) : make(s.base);
    const b = k === 0 ? s.draw(() => fc.constantFrom(2, -1, NaN, 0.5)) : k === 4 ? junk(s) : make();
    return fn(a, b);
  };
}

function family(pkg: "tensor" | "autograd"): Record<string, FuzzEntry> {
  const out: Record<string, FuzzEntry> = {};
  for (const n of UNARY.split(" ")) out[`${pkg}:${n}`] = { shape: same };
  for (const n of BINARY.split(" ")) {
    out[`${pkg}:${n}`] = { shape: broadcast2, call: binaryCall(pkg === "autograd") };
  }
  for (const n of REDUCE.split(" ")) out[`${pkg}:${n}`] = { shape: reduced };
  for (const n of ["softmax", "logSoftmax", "cumsum", "cumprod"]) {
    out[`${pkg}:${n}`] = { shape: same };
  }
  out[`${pkg}:matmul`] = {
    shape: matmulShape,
    call: (s, fn) => {
      const make = (shape: number[]) =>
        pkg === "autograd" ? tensor(s, { shape }) : ndarray(s, { shape });
      const [m, k, n] = [0, 0, 0].map(() => s.draw(() => fc.integer({ min: 0, max: 4 })));
      const lead = s.draw(() => fc.constantFrom<number[]>([], [], [2], [1], [2, 1]));
      const aShape = s.draw(() => fc.constantFrom<number[]>([...lead, m, k], [k]));
      const bShape = s.draw(() => fc.constantFrom<number[]>([k, n], [...lead, k, n], [k]));
      const which = s.draw(() => fc.integer({ min: 0, max: 5 }));
      return fn(make(aShape), which === 0 ? junk(s) : make(which === 1 ? [k + 1, n] : bShape));
    },
  };
  return out;
}

/** Exports fuzzed from their signatures alone, by package (space-separated names). */
export const AUTO: Record<string, string> = {
  tensor: `AssertionError Rng Storage argmax argmin argsort array 
    astype avgPool avgPool1d avgPool2d avgPool3d 
    
    chunk clamp col2im concat
    contiguousStrides decodeSafetensors describe dot dtypeOf empty encodeSafetensors eye
    fmtShape formatArray full fullLike gather im2col indexSelect isAtomicTempName isFloat
    itemSize linalg.cholesky linalg.det linalg.eigh linalg.inv linalg.lstsq linalg.norm
    linalg.qr linalg.slogdet linalg.solve linalg.svd linalg.svdvals linspace listBackends
    logsumexp maxPool maxPool1d maxPool2d maxPool3d maxPoolGrad oneHot ones
    onesLike outer pad promoteTypes rand randint randn randperm sameShape scatterAdd
    scatterAddInPlace sizeOf sort split stack std topk variance where windowOutputShape zeros
    zerosLike getBackend getPrintOptions defaultRng allocTyped allocForOverwrite assign
    CsrMatrix checkIndexList gruCell gruCellBackward lstmCell lstmCellBackward sddmm segmentArgReduce segmentCount segmentReduce segmentSoftmax spmm fusedAttention fusedAttentionBackward fusedLayerNorm fusedLayerNormBackward gelu geluGrad geluGradFromOutput sigmoidCrossEntropyWithGrad displayData
    convolution convolutionInputGrad convolutionWeightGrad convolutionMaxPool activationGrad batchNormalize batchNormalizeBackward`,
  autograd: `GradcheckError GraphNode Tensor adaptiveAvgPool1d adaptiveAvgPool2d addmm
    arange argmax argmin argsort astype avgPool avgPool1d avgPool2d avgPool3d chunk clamp
    concat conv1d conv2d conv3d convMaxPool convTranspose1d convTranspose2d convTranspose3d dot dropout
    einsum embedding empty expand eye flatten flip fold full fullLike gather indexSelect
    linalg.cholesky linalg.det linalg.eigh linalg.inv linalg.slogdet linalg.solve linspace
    logsumexp maxPool maxPool1d maxPool2d maxPool3d maxPoolWithIndices ones onesLike outer pad
    permute rand randint randn reshape scatterAdd slice sort split squeeze stack std tensor
    topk transpose unfold unsqueeze variance where zeros zerosLike isAnomalyEnabled
    isGradEnabled backward queueBackwardCallback
    gatherRows recurrence recurrenceReference sddmm segmentReduce segmentSoftmax spmm attentionWeights fusedAttention gelu geluGrad layerNorm packedAttention leakyRelu
    softmaxCrossEntropy spmmLinear isGraphOwned markGraphOwned peekGrad releaseGrad
    batchNormalize`,
  layers: `Abs AdaptiveAvgPool2d AvgPool1d AvgPool2d AvgPoolNd BCELoss BCEWithLogitsLoss
    BatchNorm1d BatchNorm2d BatchNormNd Bilinear Conv1d Conv2d Conv3d ConvNd ConvTranspose1d
    ConvTranspose2d ConvTranspose3d ConvTransposeNd CosineEmbeddingLoss CrossEntropyLoss
    DenseBlock Dropout Dropout2d ELU Embedding Flatten GELU GroupNorm HingeLoss HuberLoss
    Identity InstanceNorm1d InstanceNorm2d InstanceNormNd KLDivLoss L1Loss LayerNorm RMSNorm CosineSimilarity PairwiseDistance PixelShuffle PixelUnshuffle Fold Unfold LeakyReLU
    Linear LogSoftmax Loss MSELoss MaxPool1d MaxPool2d MaxPoolNd Maxout Module ModuleDict
    ModuleList NLLLoss Parameter ReLU ResidualBlock Sequential Sigmoid SmoothL1Loss Softmax
    Softplus Tanh Unflatten Upsample batchNorm bceLoss bceWithLogits bilinear
    cauchySchwarzDivergence cosineEmbeddingLoss crossEntropy dropout2d elu expectationLoss
    gelu groupNorm hingeLoss huberLoss init.calculateGain init.constant init.fans
    init.kaimingNormal init.kaimingUniform init.normal init.ones init.orthogonal init.uniform
    init.xavierNormal init.xavierUniform init.zeros interpolate klDiv l1Loss layerNorm rmsNorm cosineSimilarity pairwiseDistance pixelShuffle pixelUnshuffle gumbelSoftmax fold unfold
    leakyRelu linear maxout mseLoss nllLoss removeWeightNorm sigmoid smoothL1Loss softplus
    tanimotoLoss weightNorm spectralNorm removeSpectralNorm functionalCall keepsNoTensors
    AdditiveAttention AttentionalAggregation EdgeConv GATConv GCNConv GINConv GRU GRUCell GraphConv GraphMultiheadAttention GraphTransformerLayer LSTM LSTMCell LuongAttention MessagePassing RNN RNNBase RNNCell RecurrentCellBase SAGEConv gcnNorm globalAddPool globalMaxPool globalMeanPool lstmStateDictFromConcatenated normalizedAdjacency KVCache LearnedPositionalEmbedding MultiheadAttention RotaryEmbedding SelfAttention SinusoidalPositionalEncoding Transformer TransformerDecoder TransformerDecoderLayer TransformerEncoder TransformerEncoderLayer additiveMask causalMask scaledDotProductAttention selfAttention sinusoidalPositionalEncoding moduleTable moduleDisplayData
    bernoulliKlDivergence entropy gaussianKlDivergence jsDivergence klDivergence
    SiLU Mish SELU CELU Softsign LogSigmoid Tanhshrink Softmin silu mish selu celu softsign
    logSigmoid tanhshrink softmin Hardtanh ReLU6 Hardsigmoid Hardswish Hardshrink Softshrink
    Threshold hardtanh relu6 hardsigmoid hardswish hardshrink softshrink threshold GLU PReLU glu prelu
    MarginRankingLoss TripletMarginLoss TripletMarginWithDistanceLoss SoftMarginLoss MultiLabelSoftMarginLoss MultiMarginLoss MultiLabelMarginLoss PoissonNLLLoss GaussianNLLLoss marginRankingLoss tripletMarginLoss tripletMarginWithDistanceLoss softMarginLoss multiLabelSoftMarginLoss multiMarginLoss multiLabelMarginLoss poissonNllLoss gaussianNllLoss
    AdaptiveAvgPool1d AdaptiveMaxPool1d AdaptiveMaxPool2d adaptiveMaxPool1d adaptiveMaxPool2d MaxUnpool1d MaxUnpool2d MaxUnpoolNd maxUnpool1d maxUnpool2d EmbeddingBag embeddingBag
    ElasticWeightConsolidation ewcPenalty diagonalFisher`,
  optim:
    `Adadelta Adagrad Adam Adamax AdamW NAdam RAdam Rprop LBFGS CosineAnnealingLR CosineAnnealingWarmRestarts ExponentialLR LambdaLR MultiplicativeLR ConstantLR LinearLR PolynomialLR CyclicLR SequentialLR ChainedScheduler HyperbolicDecayLR
    LRScheduler LinearDecayLR LinearWarmup MultiStepLR OneCycleLR Optimizer RMSprop
    ReduceLROnPlateau SGD SignSGD StepLR clipGradNorm clipGradValue decodeOptimizerState
    encodeOptimizerState optimizerStateFromSafetensors optimizerStateToSafetensors`,
  datasets: `DataFormatError DataLoader DatasetNotFoundError Graph Subset TensorDataset
    Vocabulary additionTask anscombe blobs charCorpus circles compose copyTask decodeIdx
    decodeIdxHeader decodeNpy decodeNpyHeader encodeIdx encodeNpy gaussianNoise gunzip gzip
    helloSequence horizontalFlip isGzip karateClub noisyPolynomial normalize parseCsv
    parseCsvRecords randomCrop randomErasing randomGraphs randomSplit reverseTask spirals
    stochasticBlockModel twoMoons voxelShapes voxelize xor
    GraphBatch GraphData GraphDataLoader TextCorpus addingProblem batchGraphs fortunes motifGraphs oneHotDegree stripControls transliterate transliterationTask untransliterate`,
  plot: `decisionRuns historyChart historyChartSpec imageGrid lineChart lineChartSpec
    renderVegaLite scatterChart scatterChartSpec
    confusionMatrixChart confusionMatrixChartSpec contourChart contourChartSpec contourLines heatmapChart heatmapChartSpec histogram histogramChart histogramChartSpec voronoiCells xyChart xyChartSpec Figure show`,
  train: `Accuracy CsvLogger EarlyStopping History JsonlLogger ModelCheckpoint
    NonFiniteLossError Progress TopKAccuracy accuracy confusionMatrix evaluate
    formatConfusionMatrix formatLogValue precisionRecall predict predictBatches
    predictedClasses resolveMetrics topKAccuracy valKey historySvg TimeBudget WeightAverage
    updateBatchNorm`,
  "models/unsupervised": `CompetitiveLearning Hebbian Hopfield KMeans KMeansNetwork
    MiniBatchKMeans Oja PCA Sanger Willshaw hopfieldCapacity kmeansPlusPlus lloyd
    sparsePatterns`,
  "models/neurons": "McCullochPitts Perceptron",
  "models/mlp": "mlp",
  "models/cnn": "convNet lenet5 resnet",
  native: "createNativeBackend loadedNative nativeInfo",
  "models/classical":
    `GridSearch KNeighborsBase KNeighborsClassifier KNeighborsRegressor KernelRidge Lasso LinearRegression LinearRegressor LinearSVM LogisticRegression PolynomialFeatures Ridge SVC StandardScaler ballToCubeVolumeRatio countSeparableDichotomies coverCount crossValScore halfSpaceVcDimension isLinearlySeparable kFold l1Penalty l1PenaltySubgrad l2Penalty l2PenaltyGrad lagrangeQuadratic logisticLoss neighborhoodEdge pairwiseKernels samplesForDensity shatters sigmoidDerivative sigmoidSquaredLoss softThreshold trainTestSplit trainValTestSplit`,
  "models/gnn": `GAT GCN GraphClassifier GraphTransformerClassifier voxelCnn`,
  "models/rnn":
    `CharLM Seq2Seq beamSearch detachState generate sampleNext samplingDistribution sequenceLogProb`,
  "models/transformer": `GPT GPTState Seq2SeqTransformer Seq2SeqTransformerState`,
  distributed:
    `DistributedDataParallel DistributedSampler MpiError getCommunicator launchedByMpi mpirunCommand rankZeroOnly rankZeroProgress`,
  onnx: `toOnnx`,
  "models/robustness": `AdversarialTraining carliniWagnerL2 cwMargin deepFool fgsm
    linearMaxLinfAttack linearMinL2Attack linearMinLinfAttack pgd projectPerturbation
    robustAccuracy steepestDirection universalPerturbation`,
  "models/insight": `activationPatterns cam classActivationMap countLinearRegions gradCam
    integratedGradients linearPieces linearRegions saliencyMap smoothGrad`,
  "models/generative": `Autoencoder Conditional Corruption GanTrainer LinearAutoencoder
    NormalizingFlow PlanarFlow VAE contractivePenalty convVae dcganDiscriminator dcganGenerator
    discriminatorLoss generatorLoss gradientPenalty hw7Decoder hw7Encoder hw7Residuals hw7Vae
    interpolateLatents ksDistance latentGrid mlpAutoencoder mlpVae optimalDiscriminator planarFlow
    reconstructionError sparsityPenalty subspaceAngles`,
};

const FILE_IO: string[] = [
  "tensor:loadSafetensors",
  "tensor:loadSafetensorsSync",
  "tensor:saveSafetensors",
  "tensor:saveSafetensorsSync",
  "tensor:writeFileAtomic",
  "tensor:writeFileAtomicSync",
  "tensor:removeStaleTempFiles",
  "layers:loadModel",
  "layers:loadModelSync",
  "layers:saveModel",
  "layers:saveModelSync",
  "optim:loadOptimizerState",
  "optim:loadOptimizerStateSync",
  "optim:saveOptimizerState",
  "optim:saveOptimizerStateSync",
  "datasets:readCharCorpus",
  "datasets:readCsv",
  "datasets:readIdx",
  "datasets:readNpy",
  "datasets:readText",
  "datasets:writeIdx",
  "datasets:writeNpy",
  "plot:saveImageGrid",
  "plot:saveSvg",
  "onnx:exportOnnx",
  "onnx:importOnnx",
];

/**
 * The argument checks of `@nnc/tensor`: their errors name the operation passed to them, and are
 * held to that only when the operation (and the name, bounds…) they are given are well formed.
 */
const wellFormed = (opArg: number, n: number) => (args: unknown[]) =>
  typeof args[opArg] === "string" && args[opArg] !== "" &&
  args.slice(1, n).every((a) => a === undefined || typeof a === "string" || typeof a === "number");
const CHECKS: Record<string, FuzzEntry> = Object.fromEntries([
  ...`checkBool checkDType checkFloatDType checkFunction checkInt checkNumber checkOneOf
    checkOptions checkPositive checkProbability asNDArray checkShape checkNDArray
    checkPath`.split(/\s+/).map((n) => [
    `tensor:${n}`,
    { opArg: 1, strictWhen: wellFormed(1, 5) },
  ]),
  ["tensor:checkIntTuple", { opArg: 2, strictWhen: wellFormed(2, 6) }],
  ["tensor:checkIndexList", { opArg: 2, strictWhen: wellFormed(2, 5) }],
  ...["normalizeAxis", "normalizeAxes", "broadcastShapes"].map((n) => [
    `tensor:${n}`,
    { opArg: 2, strictWhen: (args: unknown[]) => typeof args[2] === "string" && args[2] !== "" },
  ]),
  ["train:resolveMetrics", { opArg: 1, strictWhen: wellFormed(1, 2) }],
]);

/** Variants whose messages name the public function they are documented as a form of. */
const FAMILY: Record<string, string> = {
  "autograd:avgPool1d": "avgPool",
  "autograd:avgPool2d": "avgPool",
  "autograd:avgPool3d": "avgPool",
  "autograd:maxPool1d": "maxPool",
  "autograd:maxPool2d": "maxPool",
  "autograd:maxPool3d": "maxPool",
  "autograd:maxPoolWithIndices": "maxPool",
  "tensor:avgPool1d": "avgPool",
  "tensor:avgPool2d": "avgPool",
  "tensor:avgPool3d": "avgPool",
  "tensor:maxPool1d": "maxPool",
  "tensor:maxPool2d": "maxPool",
  "tensor:maxPool3d": "maxPool",
  "autograd:fold": "col2im",
  "autograd:unfold": "im2col",
  "datasets:decodeIdxHeader": "decodeIdx",
  "datasets:decodeNpyHeader": "decodeNpy",
  "plot:historyChartSpec": "historyChart",
  "plot:lineChartSpec": "lineChart",
  "plot:scatterChartSpec": "scatterChart",
  "plot:saveImageGrid": "imageGrid",
  "tensor:linalg.svdvals": "linalg.svd",
  "layers:init.ones": "constant",
  "layers:init.zeros": "constant",
  "layers:init.kaimingNormal": "fans",
  "layers:init.kaimingUniform": "fans",
  "layers:init.xavierNormal": "fans",
  "layers:init.xavierUniform": "fans",
  "layers:init.orthogonal": "fans",
};

/**
 * Exports that run code they are given (a model's forward, a loss, a callback, the layers they
 * build): those errors pass through unchanged, naming the layer that raised them, by design.
 */
const PASS_THROUGH: string[] = [
  // Runs the kernels of the backend it is given.
  "tensor:convThenMaxPool",
  "train:evaluate",
  "train:predict",
  "train:predictBatches",
  "train:fit",
  "train:updateBatchNorm",
  "layers:functionalCall",
  "layers:diagonalFisher",
  "models/cnn:lenet5",
  "models/cnn:convNet",
  "models/mlp:mlp",
  "autograd:grad",
  "autograd:valueAndGrad",
  "autograd:gradients",
  "autograd:jacobian",
  "autograd:hessian",
  "autograd:hessianVectorProduct",
  "autograd:vjp",
  "autograd:jvp",
  "autograd:gradcheck",
  "autograd:gradgradcheck",
  "autograd:noGrad",
  "autograd:enableGrad",
  "autograd:detectAnomaly",
  "models/generative:GanTrainer",
  "models/generative:gradientPenalty",
  "models/generative:hw7Residuals",
];

function merge(...parts: Record<string, FuzzEntry>[]): Record<string, FuzzEntry> {
  const out: Record<string, FuzzEntry> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) out[k] = { ...out[k], ...v };
  }
  return out;
}

/** Exports with an entry of their own. */
export const CUSTOM: Record<string, FuzzEntry> = merge(
  CHECKS,
  Object.fromEntries(Object.entries(FAMILY).map(([k, name]) => [k, { names: [name] }])),
  Object.fromEntries(PASS_THROUGH.map((k) => [k, { passThrough: true }])),
  {
    ...family("tensor"),
    ...family("autograd"),
    ...Object.fromEntries(FILE_IO.map((k) => [k, { io: true, weight: 0.5 }])),
    "tensor:assertClose": { errors: [nd.AssertionError] },
    "tensor:allclose": {},
    "autograd:gradcheck": { errors: [ag.GradcheckError], weight: 0.3 },
    "autograd:gradgradcheck": { errors: [ag.GradcheckError], weight: 0.3 },
    "autograd:grad": { weight: 0.5 },
    "autograd:valueAndGrad": { weight: 0.5 },
    "autograd:vjp": { weight: 0.5 },
    "autograd:jvp": { weight: 0.5 },
    "autograd:jacobian": { weight: 0.5 },
    "autograd:hessian": { weight: 0.3 },
    "autograd:hessianVectorProduct": { weight: 0.3 },
    // Builds and runs a ResNet per call (13 s of the JS run at full weight); layers raise its errors.
    "models/cnn:resnet": { passThrough: true, weight: 0.3 },
    "autograd:gradients": { weight: 0.5 },
    "autograd:applyPrimitive": { weight: 0.5 },
    "autograd:noGrad": { after: () => void ag.setGradEnabled(true) },
    "autograd:enableGrad": { after: () => void ag.setGradEnabled(true) },
    "autograd:setGradEnabled": { after: () => void ag.setGradEnabled(true) },
    "autograd:detectAnomaly": { after: () => void ag.setDetectAnomaly(false) },
    "autograd:setDetectAnomaly": { after: () => void ag.setDetectAnomaly(false) },
    "tensor:setPrintOptions": { after: () => nd.resetPrintOptions() },
    "tensor:resetPrintOptions": {},
    "tensor:manualSeed": { after: () => nd.manualSeed(0) },
    // Classes: the shared bases take the subclass's dimension or name, which their errors name.
    "layers:ConvNd": { names: dimensioned("Conv") },
    "layers:ConvTransposeNd": { names: dimensioned("ConvTranspose") },
    "layers:AvgPoolNd": { names: dimensioned("AvgPool"), weight: 0.5 },
    "layers:MaxPoolNd": { names: dimensioned("MaxPool"), weight: 0.5 },
    "layers:MaxUnpoolNd": { names: dimensioned("MaxUnpool"), weight: 0.5 },
    "layers:InstanceNormNd": { names: dimensioned("InstanceNorm"), weight: 0.5 },
    "layers:RNNBase": { opArg: 0, weight: 0.5 },
    "layers:RecurrentCellBase": { opArg: 0, weight: 0.5 },
    // Containers run their children, whose errors name the child (`Linear(2→2): expected …`).
    "layers:Sequential": { passThrough: true },
    "layers:ResidualBlock": { passThrough: true },
    "layers:DenseBlock": { passThrough: true },
    "layers:AttentionalAggregation": { passThrough: true },
    // Its second argument is the caller's name, which its messages begin with.
    "datasets:GraphData": { opArg: 1 },
    // Built around the caller's encoder and decoder, whose errors name themselves.
    "models/generative:Autoencoder": { passThrough: true },
    "models/generative:VAE": { passThrough: true },
    // Loggers and checkpoints write files: the system's errors (a folder given as a file) are theirs.
    "train:CsvLogger": { io: true },
    "train:JsonlLogger": { io: true },
    "train:ModelCheckpoint": { io: true, names: ["saveModel", "loadModel"] },
    // A default Transformer is 44 M parameters (d 512, 6 + 6 layers): 2.5 s a construction alone,
    // more beside the other fuzzers.
    "layers:Transformer": { weight: 0.05, callMs: 20_000 },
    "layers:TransformerEncoder": { weight: 0.2 },
    "layers:TransformerDecoder": { weight: 0.2 },
    "tensor:arange": {},
    // The storage pool is process state: a released array must be one nothing else uses (the
    // fuzzer's own arrays are shared between calls), and the limit and contents are restored.
    "tensor:releaseStorage": {
      call: (s, fn) =>
        fn(
          s.draw(() => fc.boolean())
            ? new Float32Array(1 << s.draw(() => fc.integer({ min: 4, max: 19 })))
            : junk(s),
        ),
      after: () => nd.emptyStoragePool(),
    },
    "tensor:takeStorage": { after: () => nd.emptyStoragePool() },
    "tensor:setStoragePoolLimit": {
      after: () => nd.setStoragePoolLimit(nd.STORAGE_POOL_DEFAULT_LIMIT),
    },
    "tensor:emptyStoragePool": {},
    "tensor:storagePoolLimit": {},
    "tensor:storagePoolStats": {},
    // The address probe is process state too: whatever a call installs, the probe of the start
    // (the native backend's, or none) is put back.
    "tensor:setStorageAddressProbe": { after: () => nd.setStorageAddressProbe(PROBE_AT_START) },
    "tensor:storageAddressProbe": {},
    "tensor:spansBuffer": {},
    // Opens a scope and closes it again (an open scope would note every later allocation).
    "tensor:recordAllocations": {
      call: (_s, fn) => {
        const scope = fn() as nd.AllocationScope;
        scope.close();
        return scope;
      },
    },
    // Switching backends in the middle of a run: only names that are not registered, or the
    // active one, so the run stays on the backend it tests.
    "tensor:useBackend": {
      call: (s, fn) =>
        fn(s.draw(() => fc.constantFrom<unknown>(nd.getBackend().name, "gpu", "", 3, null))),
    },
    "tensor:registerBackend": {
      call: (s, fn) =>
        fn(
          s.draw(() =>
            fc.constantFrom<unknown>(null, {}, { name: 3 }, "js", { name: "half", add: () => 0 }, {
              ...nd.referenceBackend(),
              name: "fuzz-copy",
            })
          ),
        ),
    },
    "tensor:referenceBackend": {
      call: (s, fn) => {
        const cases: unknown[][] = [[], [nd.getBackend()], [junk(s)]];
        return fn(...cases[s.draw(() => fc.integer({ min: 0, max: 2 }))]);
      },
    },
    "native:setNativeThreads": {
      call: (s, fn) => fn(s.draw(() => fc.constantFrom<unknown>(0, -1, 1.5, NaN, "2", 1e9))),
    },
    "train:fit": { weight: 0.3 },
    // Reads (and decompresses) the real data set when it is installed: a few calls suffice.
    "datasets:fashionMnist": { io: true, weight: 0.02, errors: [DatasetNotFoundError] },
    "datasets:mnist": { io: true, weight: 0.2, errors: [DatasetNotFoundError] },
    // Reads the installed fortune corpus (a few MB of text) when it is there.
    "datasets:fortunes": { io: true, weight: 0.05, errors: [DatasetNotFoundError] },
    "models/unsupervised:hopfieldCapacity": { callMs: 60_000, weight: 0.05 },
    "tensor:writeFileAtomic": {
      io: true,
      weight: 0.5,
      names: (args) => [(args[2] as { op?: unknown })?.op],
    },
    "tensor:writeFileAtomicSync": {
      io: true,
      weight: 0.5,
      names: (args) => [(args[2] as { op?: unknown })?.op],
    },
  },
);

/** Exports not fuzzed, with the reason (keep this list short: reviewers read it). */
export const EXCLUDED: Record<string, string> = {
  "tensor:NDArray":
    "the raw constructor is the hot path of every op and wraps a storage, shape and strides its caller vouches for (documented); arrays are built by array/zeros/…, and NDArray's methods are fuzzed through their function forms",
  "native:compileInCache":
    "runs the C compiler for seconds per call; its errors are tested in native/",
  "native:loadNative": "opens and links the shared library; covered by native/ffi_test.ts",
  "distributed:initDistributed":
    "joins an MPI job once per process (MPI_Init, MPI_Finalize at exit); covered by distributed/init_test.ts and the mpi_tests",
  "distributed:relaunchWithMpirun":
    "starts mpirun with the running script; covered by the examples",
  "distributed:mpiInfo":
    "compiles the MPI shim with mpicc on first use; covered by distributed/init_test.ts",
  "distributed:MpiCommunicator": "needs an initialised MPI; covered by distributed/mpi_tests",
  "distributed:SingleProcessCommunicator":
    "its abort() exits the process by design; its collectives are tested in distributed/communicator_test.ts",
};

/**
 * Known violations of the naming contract, by export: calls whose TypeError/RangeError names
 * another operation (`batchNorm` → `reshape: …`), comes from the engine without a name
 * (`Cannot read properties of null (reading 'name')` for `options: null`), or is another class.
 * Crashes, hangs, wrong shapes and malformed arrays are never listed: they always fail the test.
 * This is debt, mostly `options = {}` defaults that let `null` through and messages that
 * interpolate a junk value; most of it goes as the checks move to `@nnc/tensor`'s check.ts. The
 * fuzz test fails when an export not listed here violates the contract (so a new export or a
 * regression is caught) and prints the listed ones that no longer do (remove them).
 */
export const KNOWN_VIOLATIONS: string[] = [];
