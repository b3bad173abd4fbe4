// Rego v1 parser: recursive descent over lexer tokens, producing the AST of modules, queries and terms.
import type { Body, ElseClause, Expr, ExprKind, Import, Loc, Module, Rule, RuleHead, Term, TermOf, WithModifier } from './ast.js';
import { refName, scalarTerm, varTerm } from './ast.js';
import type { RegoLocation } from './errors.js';
import { LexError, tokenize, type Token } from './lexer.js';
import { parseNumber } from './value.js';

export class ParseError extends Error {
  constructor(
    message: string,
    readonly loc: RegoLocation,
  ) {
    super(message);
  }
}

const KEYWORDS = new Set(['if', 'contains', 'in', 'some', 'every', 'not', 'with', 'as', 'default', 'else', 'package', 'import']);
const RELATIONS: Record<string, string> = { '==': 'equal', '!=': 'neq', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
const ARITH: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };
/** Imports that turn on `not { … }` bodies for the rest of the module, as in OPA. */
const NOT_BODY_IMPORTS = new Set(['rego.v2', 'future.keywords', 'future.keywords.not']);
const REGO_IMPORTS = new Set(['rego.v1', 'rego.v2']);

class Parser {
  private readonly toks: Token[];
  private pos = 0;
  /** `not {` opens a negated body (after `import rego.v2` or `import future.keywords.not`). */
  private notBodies = false;

  constructor(
    private readonly file: string,
    src: string,
  ) {
    try {
      this.toks = tokenize(file, src);
    } catch (e) {
      if (e instanceof LexError) throw new ParseError(e.message, e.loc);
      throw e;
    }
  }

  // ---- token helpers --------------------------------------------------------------------------

  private get tok(): Token {
    return this.toks[this.pos];
  }

  private peek(n = 1): Token {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)];
  }

  private loc(t: Token = this.tok): Loc {
    return { file: this.file, row: t.row, col: t.col };
  }

  private is(text: string, t: Token = this.tok): boolean {
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }

  private accept(text: string): boolean {
    if (this.is(text)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(text: string): Token {
    if (!this.is(text)) this.fail(`expected ${text}`);
    return this.toks[this.pos++];
  }

  private fail(message: string, t: Token = this.tok): never {
    const found = t.kind === 'eof' ? 'EOF' : `${t.kind === 'string' ? 'string' : t.kind === 'number' ? 'number' : t.kind === 'ident' ? 'ident' : ''} ${t.text}`.trim();
    throw new ParseError(`unexpected ${found} token: ${message}`, this.loc(t));
  }

  get atEnd(): boolean {
    return this.tok.kind === 'eof';
  }

  // ---- modules --------------------------------------------------------------------------------

  parseModule(): Module {
    const pkgTok = this.tok;
    if (!this.is('package')) this.fail('expected package declaration');
    this.pos++;
    const pkg = this.parsePath();
    const imports: Import[] = [];
    const rules: Rule[] = [];
    while (!this.atEnd) {
      if (!this.tok.nl) this.fail('expected a new line before the next statement');
      if (this.is('import')) imports.push(this.parseImport());
      else if (this.is('package')) this.fail('unexpected package declaration');
      else rules.push(this.parseRule());
    }
    return { file: this.file, pkg, pkgLoc: this.loc(pkgTok), imports, rules };
  }

  private parsePath(): string[] {
    const out: string[] = [];
    if (this.tok.kind !== 'ident' || KEYWORDS.has(this.tok.text)) this.fail('expected package name');
    out.push(this.toks[this.pos++].text);
    for (;;) {
      if (this.is('.') && !this.tok.ws && this.peek().kind === 'ident') {
        this.pos++;
        out.push(this.toks[this.pos++].text);
      } else if (this.is('[') && !this.tok.ws && this.peek().kind === 'string' && this.is(']', this.peek(2))) {
        out.push(this.peek().value ?? '');
        this.pos += 3;
      } else break;
    }
    return out;
  }

  private parseImport(): Import {
    const loc = this.loc();
    this.pos++;
    const path = this.parsePostfix();
    if (path.type !== 'var' && path.type !== 'ref') this.fail('expected import path');
    let alias: string | undefined;
    if (this.accept('as')) {
      if (this.tok.kind !== 'ident' || KEYWORDS.has(this.tok.text)) this.fail('expected import alias');
      alias = this.toks[this.pos++].text;
    }
    const name = refName(path);
    const head = path.type === 'ref' ? path.head : path;
    if (head.type === 'var' && head.name === 'rego' && !REGO_IMPORTS.has(name ?? '')) {
      throw new ParseError(`invalid import \`${name ?? 'rego'}\`, must be \`rego.v1\` or \`rego.v2\``, path.loc);
    }
    if (name !== undefined && NOT_BODY_IMPORTS.has(name)) this.notBodies = true;
    return { path, alias, loc };
  }

  private parseRule(): Rule {
    const loc = this.loc();
    const isDefault = this.accept('default');
    if (this.tok.kind !== 'ident' || KEYWORDS.has(this.tok.text)) this.fail('expected rule head');
    const ref: Term[] = [scalarTerm(this.tok.text, this.loc())];
    this.pos++;
    for (;;) {
      if (this.is('.') && !this.tok.ws && this.peek().kind === 'ident') {
        this.pos++;
        ref.push(scalarTerm(this.tok.text, this.loc()));
        this.pos++;
      } else if (this.is('[') && !this.tok.ws) {
        this.pos++;
        ref.push(this.parseTermIn());
        this.expect(']');
      } else break;
    }
    const head: RuleHead = { ref, assign: false };
    let kind: Rule['kind'] = 'complete';
    if (this.is('(') && !this.tok.ws) {
      this.pos++;
      head.args = this.parseTermList(')');
      kind = 'function';
    }
    if (this.accept('contains')) {
      if (kind === 'function' || isDefault) this.fail('unexpected contains');
      kind = 'multi';
      head.value = this.parseTermIn();
    } else if (this.is(':=') || this.is('=')) {
      head.assign = this.tok.text === ':=';
      this.pos++;
      head.value = this.parseTermIn();
    }
    if (isDefault) {
      if (!head.value) this.fail('default rules must have a value');
      return { kind, isDefault, head, body: [trueExpr(loc)], elses: [], loc };
    }
    const body = this.parseRuleBody(loc);
    const elses: ElseClause[] = [];
    while (this.is('else')) {
      const eloc = this.loc();
      this.pos++;
      let value: Term | undefined;
      if (this.is(':=') || this.is('=')) {
        this.pos++;
        value = this.parseTermIn();
      }
      elses.push({ value, body: this.parseRuleBody(eloc), loc: eloc });
    }
    if (elses.length > 0 && kind === 'multi') this.fail('else keyword cannot be used on multi-value rules');
    return { kind, isDefault, head, body, elses, loc };
  }

  private parseRuleBody(loc: Loc): Body {
    if (this.accept('if')) {
      if (this.is('{')) {
        const start = this.pos;
        this.pos++;
        try {
          return this.parseBody('}');
        } catch (e) {
          // `if {k: v | ...}` is a one-expression body holding an object comprehension.
          if (!(e instanceof ParseError)) throw e;
          this.pos = start;
          try {
            return [this.parseLiteral()];
          } catch {
            throw e;
          }
        }
      }
      return [this.parseLiteral()];
    }
    if (this.is('{') && !this.tok.nl) this.fail('`if` keyword is required before rule body');
    return [trueExpr(loc)];
  }

  // ---- bodies and expressions -----------------------------------------------------------------

  parseBody(closer: string | null): Body {
    const body: Body = [];
    for (;;) {
      if (closer && this.is(closer)) {
        if (body.length === 0) this.fail('found empty body');
        this.pos++;
        return body;
      }
      if (!closer && this.atEnd) {
        if (body.length === 0) this.fail('empty query');
        return body;
      }
      if (body.length > 0 && !this.tok.nl) {
        if (!this.accept(';')) this.fail('expected ; or new line between expressions');
        if (closer && this.is(closer)) continue;
      }
      body.push(this.parseLiteral());
    }
  }

  parseLiteral(): Expr {
    const loc = this.loc();
    let kind: ExprKind;
    let negated = false;
    if (this.is('some')) {
      this.pos++;
      kind = this.parseSome();
    } else if (this.is('every')) {
      this.pos++;
      kind = this.parseEvery();
    } else {
      negated = this.accept('not');
      if (negated && this.notBodies && this.is('{')) return this.withModifiers({ kind: 'notbody', body: this.parseNotBody() }, false, loc);
      const left = this.parseTermIn();
      if (this.is(',')) {
        this.pos++;
        const value = this.parseTermRelation(false);
        this.expect('in');
        let term = call('internal.member_3', [left, value, this.parseTermRelation(false)], left.loc);
        while (this.is('in') && !this.tok.nl) {
          this.pos++;
          term = call('internal.member_2', [term, this.parseTermRelation(false)], left.loc);
        }
        kind = { kind: 'term', term };
      } else if (this.is(':=') || this.is('=')) {
        const assign = this.tok.text === ':=';
        this.pos++;
        const right = this.parseTermIn();
        kind = assign ? { kind: 'assign', left, right } : { kind: 'unify', left, right };
      } else kind = { kind: 'term', term: left };
    }
    return this.withModifiers(kind, negated, loc);
  }

  private withModifiers(kind: ExprKind, negated: boolean, loc: Loc): Expr {
    const withs: WithModifier[] = [];
    while (this.is('with')) {
      const wloc = this.loc();
      this.pos++;
      const target = this.parsePostfix();
      this.expect('as');
      const value = this.parseTermIn();
      withs.push({ target, value, loc: wloc });
    }
    return { ...kind, negated, with: withs, loc } as Expr;
  }

  /** The body of `not { … }`; braces holding a value instead are an error, as in OPA. */
  private parseNotBody(): Body {
    const start = this.pos;
    const braceLoc = this.loc();
    this.pos++;
    if (this.is('}')) this.fail('found empty body');
    try {
      return this.parseBody('}');
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.pos = start;
      let value: Term;
      try {
        value = this.parseTermIn();
      } catch {
        throw e;
      }
      throw new ParseError(`\`{...}\` in an operand position must contain expression(s), got: ${value.type}`, braceLoc);
    }
  }

  private parseSome(): ExprKind {
    const terms = [this.parseTermRelation(false)];
    while (this.accept(',')) terms.push(this.parseTermRelation(false));
    if (this.is('in')) {
      this.pos++;
      if (terms.length > 2) this.fail('expected at most two terms before in');
      const collection = this.parseTermRelation(false);
      return terms.length === 2 ? { kind: 'somein', key: terms[0], value: terms[1], collection } : { kind: 'somein', value: terms[0], collection };
    }
    const vars: TermOf<'var'>[] = [];
    for (const t of terms) {
      if (t.type !== 'var') throw new ParseError('unexpected term: expected var in some declaration', t.loc);
      vars.push(t);
    }
    return { kind: 'some', vars };
  }

  private parseEvery(): ExprKind {
    const first = this.parseTermRelation(false);
    let key: Term | undefined;
    let value = first;
    if (this.accept(',')) {
      key = first;
      value = this.parseTermRelation(false);
    }
    this.expect('in');
    const domain = this.parseTermRelation(false);
    this.expect('{');
    const body = this.parseBody('}');
    return { kind: 'every', key, value, domain, body };
  }

  // ---- terms ----------------------------------------------------------------------------------

  parseTermIn(noOr = false): Term {
    let lhs = this.parseTermRelation(noOr);
    while (this.is('in') && !this.tok.nl) {
      this.pos++;
      const rhs = this.parseTermRelation(noOr);
      lhs = call('internal.member_2', [lhs, rhs], lhs.loc);
    }
    return lhs;
  }

  private parseTermRelation(noOr: boolean): Term {
    let lhs = this.parseTermOr(noOr);
    while (this.tok.kind === 'punct' && RELATIONS[this.tok.text] && !this.tok.nl) {
      const op = RELATIONS[this.toks[this.pos++].text];
      lhs = call(op, [lhs, this.parseTermOr(noOr)], lhs.loc);
    }
    return lhs;
  }

  private parseTermOr(noOr: boolean): Term {
    let lhs = this.parseTermAnd();
    while (!noOr && this.is('|') && !this.tok.nl) {
      this.pos++;
      lhs = call('or', [lhs, this.parseTermAnd()], lhs.loc);
    }
    return lhs;
  }

  private parseTermAnd(): Term {
    let lhs = this.parseTermArith();
    while (this.is('&') && !this.tok.nl) {
      this.pos++;
      lhs = call('and', [lhs, this.parseTermArith()], lhs.loc);
    }
    return lhs;
  }

  private parseTermArith(): Term {
    let lhs = this.parseTermFactor();
    while (this.tok.kind === 'punct' && ARITH[this.tok.text] && !this.tok.nl) {
      const op = ARITH[this.toks[this.pos++].text];
      lhs = call(op, [lhs, this.parseTermFactor()], lhs.loc);
    }
    return lhs;
  }

  private parseTermFactor(): Term {
    let lhs = this.parseUnary();
    while (this.tok.kind === 'punct' && FACTOR[this.tok.text] && !this.tok.nl) {
      const op = FACTOR[this.toks[this.pos++].text];
      lhs = call(op, [lhs, this.parseUnary()], lhs.loc);
    }
    return lhs;
  }

  private parseUnary(): Term {
    if (this.is('-')) {
      const loc = this.loc();
      const next = this.peek();
      if (next.kind === 'number' && !next.ws) {
        this.pos += 2;
        const n = parseNumber('-' + next.text);
        return this.parsePostfixOn(scalarTerm(typeof n === 'number' && Object.is(n, -0) ? 0 : n, loc));
      }
      this.pos++;
      return call('minus', [scalarTerm(0, loc), this.parseUnary()], loc);
    }
    return this.parsePostfix();
  }

  parsePostfix(): Term {
    return this.parsePostfixOn(this.parsePrimary());
  }

  private parsePostfixOn(base: Term): Term {
    let t = base;
    for (;;) {
      if (this.tok.ws) return t;
      if (this.is('.') && this.peek().kind === 'ident' && !this.peek().ws) {
        this.pos++;
        t = appendRef(t, scalarTerm(this.tok.text, this.loc()));
        this.pos++;
      } else if (this.is('[')) {
        this.pos++;
        const key = this.parseTermIn();
        this.expect(']');
        t = appendRef(t, key);
      } else if (this.is('(')) {
        this.pos++;
        const args = this.parseTermList(')');
        if (t.type === 'var' && t.name === 'set' && args.length === 0) t = { type: 'set', items: [], loc: t.loc };
        else if (t.type === 'var' || t.type === 'ref') t = { type: 'call', fn: t, args, loc: t.loc };
        else this.fail('illegal call');
      } else return t;
    }
  }

  private parseTermList(closer: string): Term[] {
    const out: Term[] = [];
    while (!this.is(closer)) {
      out.push(this.parseTermIn());
      if (!this.accept(',')) break;
    }
    this.expect(closer);
    return out;
  }

  private parsePrimary(): Term {
    const t = this.tok;
    const loc = this.loc();
    switch (t.kind) {
      case 'number':
        this.pos++;
        return scalarTerm(parseNumber(t.text), loc);
      case 'string':
        this.pos++;
        return scalarTerm(t.value ?? '', loc);
      case 'ident':
        if (t.text === 'true' || t.text === 'false') {
          this.pos++;
          return scalarTerm(t.text === 'true', loc);
        }
        if (t.text === 'null') {
          this.pos++;
          return scalarTerm(null, loc);
        }
        if (KEYWORDS.has(t.text) && !(t.text === 'contains' && this.is('(', this.peek()) && !this.peek().ws)) this.fail('unexpected keyword');
        this.pos++;
        return varTerm(t.text, loc);
      case 'punct':
        if (t.text === '(') {
          this.pos++;
          let inner = this.parseTermIn();
          if (this.accept(',')) {
            const value = this.parseTermRelation(false);
            this.expect('in');
            inner = call('internal.member_3', [inner, value, this.parseTermRelation(false)], inner.loc);
          }
          this.expect(')');
          return inner;
        }
        if (t.text === '[') return this.parseArray();
        if (t.text === '{') return this.parseBrace();
        break;
      case 'eof':
        break;
    }
    return this.fail('expected term');
  }

  private parseArray(): Term {
    const loc = this.loc();
    this.pos++;
    if (this.accept(']')) return { type: 'array', items: [], loc };
    const first = this.parseTermIn(true);
    if (this.accept('|')) {
      const body = this.parseBody(']');
      return { type: 'arraycomp', term: first, body, loc };
    }
    const items = [first];
    while (this.accept(',')) {
      if (this.is(']')) break;
      items.push(this.parseTermIn());
    }
    this.expect(']');
    return { type: 'array', items, loc };
  }

  private parseBrace(): Term {
    const loc = this.loc();
    this.pos++;
    if (this.accept('}')) return { type: 'object', entries: [], loc };
    const first = this.parseTermIn(true);
    if (this.accept(':')) {
      const value = this.parseTermIn(true);
      if (this.accept('|')) {
        const body = this.parseBody('}');
        return { type: 'objectcomp', key: first, value, body, loc };
      }
      const entries: [Term, Term][] = [[first, value]];
      while (this.accept(',')) {
        if (this.is('}')) break;
        const k = this.parseTermIn();
        this.expect(':');
        entries.push([k, this.parseTermIn()]);
      }
      this.expect('}');
      return { type: 'object', entries, loc };
    }
    if (this.accept('|')) {
      const body = this.parseBody('}');
      return { type: 'setcomp', term: first, body, loc };
    }
    if (!this.is(',') && !this.is('}')) this.fail('non-terminated set');
    const items = [first];
    while (this.accept(',')) {
      if (this.is('}')) break;
      items.push(this.parseTermIn());
    }
    this.expect('}');
    return { type: 'set', items, loc };
  }
}

function call(name: string, args: Term[], loc: Loc): Term {
  const parts = name.split('.');
  const fn: Term =
    parts.length === 1
      ? varTerm(name, loc)
      : { type: 'ref', head: varTerm(parts[0], loc), path: parts.slice(1).map((p) => scalarTerm(p, loc)), loc };
  return { type: 'call', fn, args, loc, infix: true };
}

function appendRef(t: Term, key: Term): Term {
  if (t.type === 'ref') return { type: 'ref', head: t.head, path: [...t.path, key], loc: t.loc };
  return { type: 'ref', head: t, path: [key], loc: t.loc };
}

function trueExpr(loc: Loc): Expr {
  return { kind: 'term', term: scalarTerm(true, loc), negated: false, with: [], loc };
}

export function parseModuleAst(file: string, src: string): Module {
  return new Parser(file, src).parseModule();
}

export function parseQueryAst(file: string, src: string): Body {
  return new Parser(file, src).parseBody(null);
}

/** Parses one term (used for literal values such as input terms). */
export function parseTermAst(file: string, src: string): Term {
  const p = new Parser(file, src);
  const t = p.parseTermIn();
  if (!p.atEnd) throw new ParseError('unexpected token after term', t.loc);
  return t;
}
