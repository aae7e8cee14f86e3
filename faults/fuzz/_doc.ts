// Signatures of the public API, read from `deno doc --json` of every package's entry point: the
// fuzzer generates arguments from these types, so a new export gets arguments of the right kinds
// (and wrong ones) without code.

/** A TypeScript type as `deno doc --json` prints it (the parts the fuzzer reads). */
export interface DocType {
  repr?: string;
  kind: string;
  // deno-lint-ignore no-explicit-any
  value?: any;
}

/** One parameter. */
export interface DocParam {
  name: string;
  optional: boolean;
  rest: boolean;
  type: DocType | null;
}

/** A property of an interface or type literal. */
export interface DocProperty {
  name: string;
  optional: boolean;
  type: DocType | null;
}

/** A method of a class. */
export interface DocMethod {
  name: string;
  isStatic: boolean;
  params: DocParam[];
}

/** A class: constructor parameters, methods (own and inherited), base class name. */
export interface DocClass {
  params: DocParam[];
  methods: DocMethod[];
  extends: string | null;
  isAbstract: boolean;
}

/** Everything the fuzzer knows about the types of the public API. */
export interface DocIndex {
  /** Functions and classes by entry point (the file URL of a `mod.ts`), then by export name. */
  modules: Map<string, { functions: Map<string, DocParam[]>; classes: Map<string, DocClass> }>;
  /** Classes of every module by name (for base classes exported elsewhere). */
  classes: Map<string, DocClass>;
  interfaces: Map<string, DocProperty[]>;
  aliases: Map<string, DocType>;
}

// deno-lint-ignore no-explicit-any
type Json = any;

function param(p: Json): DocParam {
  if (p.kind === "assign") return { ...param(p.left), optional: true };
  if (p.kind === "rest") {
    return { name: p.arg?.name ?? "rest", optional: true, rest: true, type: p.tsType ?? null };
  }
  return {
    name: p.name ?? "arg",
    optional: Boolean(p.optional),
    rest: false,
    type: p.tsType ?? null,
  };
}

/**
 * Reads the signatures of the given entry points (file paths) with `deno doc --json`, run in
 * `cwd` (the workspace root, whose deno.json maps the package names).
 */
export async function readDoc(entries: string[], cwd?: string): Promise<DocIndex> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...entries],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`deno doc failed: ${new TextDecoder().decode(out.stderr)}`);
  const json = JSON.parse(new TextDecoder().decode(out.stdout));
  const index: DocIndex = {
    modules: new Map(),
    classes: new Map(),
    interfaces: new Map(),
    aliases: new Map(),
  };
  type Module = { functions: Map<string, DocParam[]>; classes: Map<string, DocClass> };
  const visit = (symbols: Json[], prefix: string, mod: Module) => {
    for (const s of symbols) {
      for (const d of s.declarations ?? []) {
        const name = prefix + s.name;
        if (d.kind === "function" && !mod.functions.has(name)) {
          mod.functions.set(name, d.def.params.map(param));
        } else if (d.kind === "class") {
          const ctor = d.def.constructors?.[0];
          const cls: DocClass = {
            params: (ctor?.params ?? []).map(param),
            methods: (d.def.methods ?? []).filter((m: Json) =>
              m.kind === "method" && m.accessibility !== "private" &&
              m.accessibility !== "protected" && !String(m.name).startsWith("#")
            ).map((m: Json) => ({
              name: m.name,
              isStatic: Boolean(m.isStatic),
              params: (m.functionDef?.params ?? []).map(param),
            })),
            extends: typeof d.def.extends === "string" ? d.def.extends : null,
            isAbstract: Boolean(d.def.isAbstract),
          };
          mod.classes.set(name, cls);
          if (!index.classes.has(name)) index.classes.set(name, cls);
        } else if (d.kind === "interface") {
          const props: DocProperty[] = (d.def.properties ?? []).map((p: Json) => ({
            name: p.name,
            optional: Boolean(p.optional),
            type: p.tsType ?? null,
          }));
          for (const e of d.def.extends ?? []) {
            const base = index.interfaces.get(e.repr ?? e.value?.typeName);
            if (base) props.push(...base.filter((b) => !props.some((p) => p.name === b.name)));
            else props.push({ name: `...${e.repr ?? e.value?.typeName}`, optional: true, type: e });
          }
          if (!index.interfaces.has(name)) index.interfaces.set(name, props);
        } else if (d.kind === "typeAlias" && !index.aliases.has(name)) {
          index.aliases.set(name, d.def.tsType);
        } else if (d.kind === "namespace") {
          visit(d.def.elements ?? [], `${name}.`, mod);
        }
      }
    }
  };
  for (const [url, node] of Object.entries(json.nodes) as [string, Json][]) {
    const mod: Module = { functions: new Map(), classes: new Map() };
    index.modules.set(url, mod);
    visit(node.symbols, "", mod);
  }
  // Interfaces extending one read later: resolve the placeholders now.
  for (const [name, props] of index.interfaces) {
    const expanded: DocProperty[] = [];
    for (const p of props) {
      if (!p.name.startsWith("...")) expanded.push(p);
      else {
        for (const b of index.interfaces.get(p.name.slice(3)) ?? []) {
          if (!props.some((q) => q.name === b.name)) expanded.push(b);
        }
      }
    }
    index.interfaces.set(name, expanded);
  }
  return index;
}

/** The methods of a class with those of its bases (nearest first). */
export function methodsOf(index: DocIndex, name: string): DocMethod[] {
  const out: DocMethod[] = [];
  const seen = new Set<string>();
  for (let c = index.classes.get(name), guard = 0; c && guard < 10; guard++) {
    for (const m of c.methods) {
      if (!seen.has(m.name)) {
        seen.add(m.name);
        out.push(m);
      }
    }
    c = c.extends ? index.classes.get(c.extends.replace(/<.*$/, "")) : undefined;
  }
  return out;
}

/** A class's constructor parameters, from the nearest class that declares a constructor. */
export function constructorOf(index: DocIndex, name: string): DocParam[] {
  for (let c = index.classes.get(name), guard = 0; c && guard < 10; guard++) {
    if (c.params.length > 0 || !c.extends) return c.params;
    c = index.classes.get(c.extends.replace(/<.*$/, ""));
  }
  return [];
}
