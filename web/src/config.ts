/**
 * The Playground's settings and their defaults, with no imports, so that the page's main thread
 * can use them without loading the library (the worker does the computing).
 *
 * @module
 */

/** The data sets of the page. */
export const DATASETS = ["circles", "xor", "spirals", "moons", "blobs"] as const;
/** A data set of the page. */
export type DatasetName = typeof DATASETS[number];
/** The input features the network can see (the Playground's set). */
export const FEATURES = ["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"] as const;
/** An input feature. */
export type FeatureName = typeof FEATURES[number];
/** The hidden layers' activations. */
export const ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear"] as const;
/** A hidden activation. */
export type ActivationName = typeof ACTIVATIONS[number];

/** Everything that defines a run. */
export interface PlaygroundConfig {
  dataset: DatasetName;
  /** Noise level in [0, 0.5], as the Playground's 0–50 %. */
  noise: number;
  /** Number of points, split between training and test sets. */
  points: number;
  /** Share of the points used for training, in (0, 1). */
  trainFraction: number;
  features: FeatureName[];
  /** Widths of the hidden layers (0 to 6 layers of 1 to 8 units). */
  hidden: number[];
  activation: ActivationName;
  learningRate: number;
  batchSize: number;
  regularization: "none" | "l1" | "l2";
  regularizationRate: number;
  seed: number;
}

/** The page's defaults: circles learned by a small tanh network in a second or two. */
export const DEFAULT_CONFIG: PlaygroundConfig = {
  dataset: "circles",
  noise: 0,
  points: 500,
  trainFraction: 0.5,
  features: ["x1", "x2"],
  hidden: [8, 4],
  activation: "tanh",
  learningRate: 0.03,
  batchSize: 10,
  regularization: "none",
  regularizationRate: 0,
  seed: 1,
};

/** Half-width of the square the page shows: points and boundary live in [-6, 6]². */
export const DOMAIN = 6;

/** Losses and accuracies of the current network. */
export interface Scores {
  trainLoss: number;
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
}
