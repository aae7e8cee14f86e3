// Test helpers: small float64 networks with given weights.
import { Linear, ReLU, Sequential } from "@nnc/layers";

/** A `Linear` layer in float64 with the given weight rows and bias. */
export function linearOf(weight: number[][], bias: number[]): Linear {
  const l = new Linear(weight[0].length, weight.length, { dtype: "float64" });
  l.weight.data.data.set(weight.flat());
  l.bias!.data.data.set(bias);
  return l;
}

/** The notes' 1-D network of six ReLUs, Z = −n1 − n2 − n3 + n4 + n5 + n6 (000:L249–263). */
export function sixReluNetwork(): Sequential {
  return new Sequential(
    linearOf([[-5], [-1.2], [1.2], [1.2], [2], [5]], [-7.7, -1.3, 1, -0.2, -1.1, -5]),
    new ReLU(),
    linearOf([[-1, -1, -1, 1, 1, 1]], [0]),
  );
}
