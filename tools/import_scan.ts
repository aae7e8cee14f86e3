/**
 * Finds the module specifiers a TypeScript source imports: static `import … from "x"`, `import "x"`,
 * `export … from "x"`, and `import("x")` with a literal argument (in code or in a type, as in
 * `typeof import("x")`). Comments, strings, template literals and regular expressions are skipped,
 * so imports quoted in JSDoc examples or in strings do not count.
 *
 * A small lexer rather than a TypeScript parser: imports are the only syntax it has to recognise,
 * and it must run over the whole repository in milliseconds inside `deno task test`.
 *
 * @example
 * ```ts
 * import { scanImports } from "./import_scan.ts";
 * const refs = scanImports('// import "x"\nimport type { A } from "@nnc/tensor";\n');
 * console.log(refs); // [ { specifier: "@nnc/tensor", line: 2, typeOnly: true } ]
 * ```
 *
 * @module
 */

/** One import of a module: the specifier as written, the 1-based line of its string literal. */
export interface ImportRef {
  specifier: string;
  line: number;
  /** `import type …` / `export type … from` (still a dependency of the package, for layering). */
  typeOnly: boolean;
}

type Token =
  | { kind: "word"; text: string; line: number }
  | { kind: "string"; text: string; line: number }
  | { kind: "punct"; text: string; line: number };

// After these, a `/` starts a regular expression rather than a division.
const REGEX_AFTER_WORDS = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);
const REGEX_AFTER_PUNCT = new Set("(,=:[!&|?{};+-*%<>~^".split(""));

/** The tokens of `source` that matter for imports: words, string literals and punctuation. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  // One entry per open `${` of a template literal: the brace depth inside that substitution.
  const templates: number[] = [];
  const n = source.length;

  const readTemplate = (): void => {
    // Just after a backtick or the `}` that closes a substitution; stops after the closing
    // backtick or after `${` (pushing a substitution).
    while (i < n) {
      const c = source[i];
      if (c === "\\") {
        if (source[i + 1] === "\n") line++;
        i += 2;
        continue;
      }
      if (c === "\n") line++;
      if (c === "`") {
        i++;
        return;
      }
      if (c === "$" && source[i + 1] === "{") {
        i += 2;
        templates.push(0);
        return;
      }
      i++;
    }
  };

  const previousAllowsRegex = (): boolean => {
    const prev = tokens[tokens.length - 1];
    if (prev === undefined) return true;
    if (prev.kind === "word") return REGEX_AFTER_WORDS.has(prev.text);
    if (prev.kind === "string") return false;
    return REGEX_AFTER_PUNCT.has(prev.text);
  };

  while (i < n) {
    const c = source[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      i += 2;
      while (i < n && !(source[i] === "*" && source[i + 1] === "/")) {
        if (source[i] === "\n") line++;
        i++;
      }
      i += 2;
    } else if (c === '"' || c === "'") {
      const start = line;
      let text = "";
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\") {
          text += source[i + 1];
          i += 2;
        } else text += source[i++];
      }
      i++;
      tokens.push({ kind: "string", text, line: start });
    } else if (c === "`") {
      i++;
      readTemplate();
      // A template is an expression operand, like a string; its text never names a module here.
      tokens.push({ kind: "string", text: "", line });
    } else if (c === "/" && previousAllowsRegex()) {
      i++;
      let inClass = false;
      while (i < n && source[i] !== "\n") {
        const d = source[i];
        if (d === "\\") {
          i += 2;
          continue;
        }
        if (d === "[") inClass = true;
        else if (d === "]") inClass = false;
        else if (d === "/" && !inClass) break;
        i++;
      }
      i++;
      while (i < n && /[a-z]/i.test(source[i])) i++;
      tokens.push({ kind: "string", text: "", line });
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(source[j])) j++;
      tokens.push({ kind: "word", text: source.slice(i, j), line });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(source[j])) j++;
      tokens.push({ kind: "word", text: source.slice(i, j), line });
      i = j;
    } else {
      if (templates.length > 0) {
        const top = templates.length - 1;
        if (c === "{") templates[top]++;
        else if (c === "}") {
          if (templates[top] === 0) {
            templates.pop();
            i++;
            readTemplate();
            tokens.push({ kind: "string", text: "", line });
            continue;
          }
          templates[top]--;
        }
      }
      tokens.push({ kind: "punct", text: c, line });
      i++;
    }
  }
  return tokens;
}

/**
 * The imports of a TypeScript or JavaScript source, in order.
 *
 * @example
 * ```ts
 * import { scanImports } from "./import_scan.ts";
 * const src = 'export { a } from "./a.ts";\nconst m = await import("npm:x@1");\n';
 * console.log(scanImports(src).map((r) => `${r.line}:${r.specifier}`)); // [ "1:./a.ts", "2:npm:x@1" ]
 * ```
 */
export function scanImports(source: string): ImportRef[] {
  const tokens = tokenize(source);
  const refs: ImportRef[] = [];
  const at = (k: number): Token | undefined => tokens[k];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== "word" || (t.text !== "import" && t.text !== "export")) continue;
    if (at(k - 1)?.text === ".") continue; // a property named import/export
    const next = at(k + 1);
    if (next === undefined) break;
    if (t.text === "import" && next.text === "(") {
      const arg = at(k + 2);
      if (arg?.kind === "string" && (at(k + 3)?.text === ")" || at(k + 3)?.text === ",")) {
        refs.push({ specifier: arg.text, line: arg.line, typeOnly: at(k - 1)?.text === "typeof" });
      }
      continue;
    }
    if (t.text === "import" && next.text === ".") continue; // import.meta
    if (t.text === "import" && next.kind === "string") {
      refs.push({ specifier: next.text, line: next.line, typeOnly: false });
      continue;
    }
    if (t.text === "export" && next.text !== "{" && next.text !== "*" && next.text !== "type") {
      continue; // export const / function / class / default …
    }
    const typeOnly = next.text === "type" && at(k + 2)?.text !== "from" &&
      at(k + 2)?.text !== ",";
    // Walk the import/export clause to its `from "…"`; a `;` or a new statement ends it.
    for (let j = k + 1; j < tokens.length && j < k + 2000; j++) {
      const u = tokens[j];
      if (u.kind === "punct" && u.text === ";") break;
      if (u.kind === "word" && (u.text === "import" || u.text === "export")) break;
      if (u.kind === "word" && u.text === "from" && at(j + 1)?.kind === "string") {
        const s = tokens[j + 1];
        refs.push({ specifier: s.text, line: s.line, typeOnly });
        break;
      }
    }
  }
  return refs;
}
