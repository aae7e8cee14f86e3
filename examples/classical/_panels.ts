// Small Vega-Lite compositions for the classical examples, over @nnc/plot's chart specs: marking support
// vectors on a scatter chart, data points over a line chart, and panels side by side.
import type { VegaLiteSpec } from "@nnc/plot";

type Domain = { x: readonly [number, number]; y: readonly [number, number] };

/** Adds hollow black rings at `points` (`[x, y]` pairs) over a scatter-chart spec drawn on `domain`. */
export function withRings(spec: VegaLiteSpec, points: number[][], domain: Domain): VegaLiteSpec {
  const layers = spec.layer as VegaLiteSpec[];
  return {
    ...spec,
    layer: [
      ...layers,
      {
        data: { values: points.map(([px, py]) => ({ px, py })) },
        mark: {
          type: "point",
          shape: "circle",
          filled: false,
          size: 110,
          stroke: "#000",
          strokeWidth: 1.3,
        },
        encoding: {
          x: {
            field: "px",
            type: "quantitative",
            scale: { domain: domain.x, nice: false, zero: false },
          },
          y: {
            field: "py",
            type: "quantitative",
            scale: { domain: domain.y, nice: false, zero: false },
          },
        },
      },
    ],
  };
}

/** Puts a line-chart spec and grey data points on one plot, the y axis fixed to `yDomain` (lines clipped). */
export function withPoints(
  lineSpec: VegaLiteSpec,
  xs: readonly number[],
  ys: readonly number[],
  yDomain: readonly [number, number],
): VegaLiteSpec {
  const { data, mark, encoding, ...rest } = lineSpec as {
    data: unknown;
    mark: Record<string, unknown>;
    encoding: Record<string, Record<string, unknown>>;
  } & VegaLiteSpec;
  const y = { ...encoding.y, scale: { domain: yDomain, zero: false } };
  return {
    ...rest,
    layer: [
      { data, mark: { ...mark, clip: true }, encoding: { ...encoding, y } },
      {
        data: { values: xs.map((x, i) => ({ x, y: ys[i] })) },
        mark: { type: "circle", size: 40, color: "#444", clip: true },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative", scale: { domain: yDomain, zero: false } },
        },
      },
    ],
  };
}

/** Panels in rows of `columns`, with a title. */
export function panels(specs: VegaLiteSpec[], title: string, columns = specs.length): VegaLiteSpec {
  return { title, columns, concat: specs };
}
