// The contract every example keeps, so that one test can run them all in quick mode:
//   - `--quick` shrinks the work to seconds (small data, few steps);
//   - pictures and text go to `out/<family>/` (`--out-root DIR` puts them in `DIR/<family>/`);
//   - `out/<family>/<name>.summary.json` lists the files written and the figures measured, each
//     with the bounds it must meet ("accuracy above chance", "loss finite"), and the test checks them.
//
// Usage:
//   const report = new ExampleReport("rnn", "hello_rnn");
//   const steps = report.quick ? 50 : 2000;
//   await Deno.writeTextFile(report.path("loss.svg"), svg);   // records the file
//   report.metric("final loss", loss, { max: 1.0 });            // records a checked figure
//   await report.write();                                       // prints and writes the summary

/** Bounds a measured figure must meet in the example's own run (quick or full). */
export interface MetricBounds {
  /** Smallest acceptable value (inclusive). */
  min?: number;
  /** Largest acceptable value (inclusive). */
  max?: number;
}

/** A figure the example measured. */
export interface MetricRecord extends MetricBounds {
  /** The measured value (NaN and ±Infinity fail every check). */
  value: number;
}

/** What `<name>.summary.json` holds. */
export interface ExampleSummary {
  family: string;
  name: string;
  quick: boolean;
  seconds: number;
  files: string[];
  metrics: Record<string, MetricRecord>;
  notes: string[];
}

/** True when the script was started with `--quick`. */
export function isQuick(args: readonly string[] = Deno.args): boolean {
  return args.includes("--quick");
}

/** The number after `--name` on the command line, or the fallback. */
export function numberFlag(
  name: string,
  fallback: number,
  args: readonly string[] = Deno.args,
): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v)) throw new RangeError(`--${name} needs a number, got ${args[i + 1]}`);
  return v;
}

/** The text after `--name` on the command line, or the fallback. */
export function textFlag(
  name: string,
  fallback: string,
  args: readonly string[] = Deno.args,
): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

/** Collects an example's outputs and checked figures and writes its summary. */
export class ExampleReport {
  /** Family folder under `out/` (`rnn`, `transformer`, …). */
  readonly family: string;
  /** Script name without extension. */
  readonly name: string;
  /** Whether `--quick` was given. */
  readonly quick: boolean;
  /** The output folder, `out/<family>` (or `<--out-root>/<family>`). */
  readonly dir: string;
  readonly #files: string[] = [];
  readonly #metrics: Record<string, MetricRecord> = {};
  readonly #notes: string[] = [];
  readonly #start = performance.now();

  constructor(family: string, name: string, options: { quick?: boolean; outRoot?: string } = {}) {
    this.family = family;
    this.name = name;
    this.quick = options.quick ?? isQuick();
    this.dir = `${options.outRoot ?? textFlag("out-root", "out")}/${family}`;
    Deno.mkdirSync(this.dir, { recursive: true });
  }

  /** The path of an output file in `out/<family>/`, recorded as one the example writes. */
  path(file: string): string {
    const p = `${this.dir}/${file}`;
    if (!this.#files.includes(p)) this.#files.push(p);
    return p;
  }

  /** Records (and prints) a measured figure with the bounds it must meet. */
  metric(name: string, value: number, bounds: MetricBounds = {}): void {
    this.#metrics[name] = { value, ...bounds };
    console.log(`${name}: ${Number.isInteger(value) ? value : value.toPrecision(5)}`);
  }

  /** Records (and prints) a line of the text summary. */
  note(line: string): void {
    this.#notes.push(line);
    console.log(line);
  }

  /** Writes `out/<family>/<name>.summary.json` and says where the outputs are. */
  async write(): Promise<ExampleSummary> {
    const summary: ExampleSummary = {
      family: this.family,
      name: this.name,
      quick: this.quick,
      seconds: (performance.now() - this.#start) / 1000,
      files: [...this.#files],
      metrics: { ...this.#metrics },
      notes: [...this.#notes],
    };
    const path = `${this.dir}/${this.name}.summary.json`;
    await Deno.writeTextFile(path, JSON.stringify(summary, null, 2) + "\n");
    console.log(`wrote ${[...this.#files, path].join(", ")}`);
    return summary;
  }
}
