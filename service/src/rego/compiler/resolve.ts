// Compiler stage "resolve": imports, rule names and builtins become absolute refs; local vars get unique names.
import type { Body, Expr, Loc, Module, Rule, Term } from '../ast.js';
import { scalarTerm, varTerm, walkTerm } from '../ast.js';
import type { ErrorList } from '../errors.js';

/** One body with its (optional) value, as a main rule body or an else clause. */
export interface Clause {
  args?: Term[];
  body: Body;
  value?: Term;
  loc: Loc;
}

export interface ResolvedRule {
  rule: Rule;
  module: Module;
  /** Absolute head ref: package path then the head's terms (name first). */
  path: Term[];
  clauses: Clause[];
  /** Unique var name → name written by the author. */
  names: Map<string, string>;
}

interface Env {
  imports: Map<string, Term>;
  ruleNames: Set<string>;
  pkg: string[];
  errors: ErrorList;
}

/** Var names with this prefix or containing '$' are generated, never user query bindings. */
export const GENERATED = '$';

class Scopes {
  private readonly stack: Map<string, string>[] = [new Map()];
  readonly names = new Map<string, string>();
  /** Names used as free (unification) vars so far, with the scope depth of the use. */
  readonly free = new Map<string, number>();
  private n = 0;

  constructor(private readonly prefix: string) {}

  push(): void {
    this.stack.push(new Map());
  }

  pop(): void {
    this.stack.pop();
  }

  lookup(name: string): string | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const u = this.stack[i].get(name);
      if (u !== undefined) return u;
    }
    return undefined;
  }

  declaredHere(name: string): boolean {
    return this.stack[this.stack.length - 1].has(name);
  }

  useFree(name: string): void {
    if (!this.free.has(name)) this.free.set(name, this.stack.length);
  }

  /** The name was used as a free var in the current scope (not only inside a nested one). */
  usedFreeHere(name: string): boolean {
    return this.free.get(name) === this.stack.length;
  }

  declare(name: string): string {
    const u = `${name}${GENERATED}${this.prefix}${this.n++}`;
    this.stack[this.stack.length - 1].set(name, u);
    this.names.set(u, name);
    return u;
  }

  wildcard(): string {
    const u = `${GENERATED}_${this.prefix}${this.n++}`;
    this.names.set(u, '_');
    return u;
  }
}

function dataRef(path: string[], loc: Loc): Term {
  return { type: 'ref', head: varTerm('data', loc), path: path.map((p) => scalarTerm(p, loc)), loc };
}

function joinRef(base: Term, path: Term[], loc: Loc): Term {
  if (path.length === 0) return base;
  if (base.type === 'ref') return { type: 'ref', head: base.head, path: [...base.path, ...path], loc };
  return { type: 'ref', head: base, path, loc };
}

class Resolver {
  constructor(
    private readonly env: Env,
    private readonly scopes: Scopes,
  ) {}

  private global(name: string, loc: Loc): Term | undefined {
    if (name === 'input' || name === 'data') return varTerm(name, loc);
    const imp = this.env.imports.get(name);
    if (imp) return imp;
    if (this.env.ruleNames.has(name)) return dataRef([...this.env.pkg, name], loc);
    return undefined;
  }

  term(t: Term): Term {
    switch (t.type) {
      case 'scalar':
        return t;
      case 'var': {
        if (t.name === '_') return varTerm(this.scopes.wildcard(), t.loc);
        const local = this.scopes.lookup(t.name);
        if (local) return varTerm(local, t.loc);
        const g = this.global(t.name, t.loc);
        if (g) return { ...g, loc: t.loc };
        this.scopes.useFree(t.name);
        return t;
      }
      case 'ref': {
        const head = this.term(t.head);
        return joinRef(head, t.path.map((p) => this.term(p)), t.loc);
      }
      case 'array':
      case 'set':
        return { type: t.type, items: t.items.map((x) => this.term(x)), loc: t.loc };
      case 'object':
        return { type: 'object', entries: t.entries.map(([k, v]) => [this.term(k), this.term(v)] as [Term, Term]), loc: t.loc };
      case 'arraycomp':
      case 'setcomp': {
        this.scopes.push();
        const body = this.body(t.body);
        const term = this.term(t.term);
        this.scopes.pop();
        return { type: t.type, term, body, loc: t.loc };
      }
      case 'objectcomp': {
        this.scopes.push();
        const body = this.body(t.body);
        const key = this.term(t.key);
        const value = this.term(t.value);
        this.scopes.pop();
        return { type: 'objectcomp', key, value, body, loc: t.loc };
      }
      case 'call':
        return { type: 'call', fn: t.infix ? t.fn : this.callee(t.fn), args: t.args.map((a) => this.term(a)), loc: t.loc, infix: t.infix };
    }
  }

  /** A function position: user functions become data refs, everything else stays a builtin name. */
  callee(fn: Term): Term {
    const head = fn.type === 'var' ? fn : fn.type === 'ref' && fn.head.type === 'var' ? fn.head : undefined;
    if (!head || head.type !== 'var') return fn;
    const rest = fn.type === 'ref' ? fn.path : [];
    if (head.name === 'data') return fn;
    if (head.name === 'input' || this.scopes.lookup(head.name)) return fn;
    const imp = this.env.imports.get(head.name);
    if (imp) return joinRef(imp, rest, fn.loc);
    if (this.env.ruleNames.has(head.name)) return joinRef(dataRef([...this.env.pkg, head.name], fn.loc), rest, fn.loc);
    return fn;
  }

  /** Declares the vars of an assignment/some pattern in the current scope. */
  declarePattern(t: Term, checkAssigned: boolean): Term {
    switch (t.type) {
      case 'var':
        if (t.name === '_') return varTerm(this.scopes.wildcard(), t.loc);
        if (checkAssigned && this.scopes.declaredHere(t.name)) this.env.errors.add('rego_compile_error', `var ${t.name} assigned above`, t.loc);
        else if (checkAssigned && this.scopes.usedFreeHere(t.name)) this.env.errors.add('rego_compile_error', `var ${t.name} referenced above`, t.loc);
        return varTerm(this.scopes.declare(t.name), t.loc);
      case 'array':
        return { type: 'array', items: t.items.map((x) => this.declarePattern(x, checkAssigned)), loc: t.loc };
      case 'object':
        return { type: 'object', entries: t.entries.map(([k, v]) => [this.term(k), this.declarePattern(v, checkAssigned)] as [Term, Term]), loc: t.loc };
      case 'scalar':
        return t;
      default:
        if (checkAssigned) this.env.errors.add('rego_compile_error', `cannot assign to ${t.type}`, t.loc);
        return this.term(t);
    }
  }

  expr(e: Expr): Expr {
    const withs = e.with.map((w) => ({ target: this.withTarget(w.target), value: this.term(w.value), loc: w.loc }));
    const base = { negated: e.negated, with: withs, loc: e.loc };
    switch (e.kind) {
      case 'term':
        return { ...base, kind: 'term', term: this.term(e.term) };
      case 'unify':
        return { ...base, kind: 'unify', left: this.term(e.left), right: this.term(e.right) };
      case 'assign': {
        const right = this.term(e.right);
        const left = this.declarePattern(e.left, true);
        return { ...base, kind: 'assign', left, right };
      }
      case 'some':
        return { ...base, kind: 'some', vars: e.vars.map((v) => varTerm(v.name === '_' ? this.scopes.wildcard() : this.scopes.declare(v.name), v.loc)) };
      case 'somein': {
        const collection = this.term(e.collection);
        const key = e.key ? this.declarePattern(e.key, false) : undefined;
        const value = this.declarePattern(e.value, false);
        return { ...base, kind: 'somein', key, value, collection };
      }
      case 'every': {
        const domain = this.term(e.domain);
        this.scopes.push();
        const key = e.key ? this.declarePattern(e.key, false) : undefined;
        const value = this.declarePattern(e.value, false);
        const body = this.body(e.body);
        this.scopes.pop();
        return { ...base, kind: 'every', key, value, domain, body };
      }
      case 'notbody': {
        // Like a comprehension body: vars declared inside stay inside.
        this.scopes.push();
        const body = this.body(e.body);
        this.scopes.pop();
        return { ...base, kind: 'notbody', body };
      }
    }
  }

  private withTarget(t: Term): Term {
    const head = t.type === 'var' ? t : t.type === 'ref' && t.head.type === 'var' ? t.head : undefined;
    if (head?.type === 'var' && (head.name === 'input' || head.name === 'data')) return { ...t, path: t.type === 'ref' ? t.path.map((p) => this.term(p)) : [] } as Term;
    return this.callee(t);
  }

  body(b: Body): Body {
    return b.map((e) => this.expr(e));
  }
}

function importAlias(imp: Module['imports'][number], errors: ErrorList): [string, Term] | undefined {
  const path = imp.path;
  const head = path.type === 'var' ? path.name : path.type === 'ref' && path.head.type === 'var' ? path.head.name : '';
  if (head === 'future' || head === 'rego') return undefined;
  if (head !== 'data' && head !== 'input') {
    errors.add('rego_compile_error', `invalid path ${head}: path must begin with input or data`, imp.loc);
    return undefined;
  }
  let alias = imp.alias;
  if (!alias) {
    if (path.type === 'var') alias = path.name;
    else {
      const last = path.type === 'ref' ? path.path[path.path.length - 1] : undefined;
      alias = last?.type === 'scalar' && typeof last.value === 'string' ? last.value : undefined;
    }
  }
  if (!alias) return undefined;
  return [alias, path];
}

/** Resolves every rule of every module. `ruleNamesByPkg` maps a package key to its rule names. */
export function resolveModules(modules: Module[], errors: ErrorList): ResolvedRule[] {
  const ruleNamesByPkg = new Map<string, Set<string>>();
  for (const m of modules) {
    const key = m.pkg.join('.');
    const set = ruleNamesByPkg.get(key) ?? new Set<string>();
    for (const r of m.rules) set.add(String((r.head.ref[0] as { value: string }).value));
    ruleNamesByPkg.set(key, set);
  }
  const out: ResolvedRule[] = [];
  let ruleIndex = 0;
  for (const m of modules) {
    const imports = new Map<string, Term>();
    for (const imp of m.imports) {
      const entry = importAlias(imp, errors);
      if (entry) imports.set(entry[0], entry[1]);
    }
    const env: Env = { imports, ruleNames: ruleNamesByPkg.get(m.pkg.join('.')) ?? new Set(), pkg: m.pkg, errors };
    for (const rule of m.rules) {
      const scopes = new Scopes(`r${ruleIndex++}_`);
      const clauses: Clause[] = [];
      let path: Term[] = [];
      const sources: Clause[] = [{ args: rule.head.args, body: rule.body, value: rule.head.value, loc: rule.loc }];
      for (const e of rule.elses) sources.push({ args: rule.head.args, body: e.body, value: e.value ?? scalarTerm(true, e.loc), loc: e.loc });
      sources.forEach((src, i) => {
        scopes.free.clear();
        scopes.push();
        const r = new Resolver(env, scopes);
        const args = src.args?.map((a) => r.declarePattern(a, false));
        const body = r.body(src.body);
        const value = src.value ? r.term(src.value) : undefined;
        if (i === 0) {
          path = [...m.pkg.map((p) => scalarTerm(p, rule.loc)), rule.head.ref[0], ...rule.head.ref.slice(1).map((t) => r.term(t))];
        }
        scopes.pop();
        clauses.push({ args, body, value, loc: src.loc });
      });
      out.push({ rule, module: m, path, clauses, names: scopes.names });
    }
  }
  return out;
}

/** Resolves a query body against the root namespace (no package). */
export function resolveQuery(body: Body, errors: ErrorList): { body: Body; names: Map<string, string> } {
  const scopes = new Scopes('q');
  const r = new Resolver({ imports: new Map(), ruleNames: new Set(), pkg: [], errors }, scopes);
  const out = r.body(body);
  return { body: out, names: scopes.names };
}

/** Every var name (of local or free vars) in a term, skipping function positions of calls. */
export function termVars(t: Term, into: Set<string> = new Set()): Set<string> {
  walkTerm(t, (x) => {
    if (x.type === 'var' && x.name !== 'input' && x.name !== 'data') into.add(x.name);
    if (x.type === 'call') {
      x.args.forEach((a) => termVars(a, into));
      return false;
    }
    return undefined;
  });
  return into;
}
