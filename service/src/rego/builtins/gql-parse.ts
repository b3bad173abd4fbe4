// GraphQL lexer and parser for the graphql.* builtins: query and schema documents parsed into
// nodes shaped like gqlparser's Go structs (same field names, zero values), with its error texts.
import { AuthzServiceError } from '../../errors/index.js';

/** Where a node starts: 1-based line and column counted in characters. */
export interface Pos {
  line: number;
  column: number;
  src: string;
}

/** Node fields starting with `_` are bookkeeping and never part of the AST's JSON. */
export interface GqlType {
  NamedType: string;
  Elem: GqlType | null;
  NonNull: boolean;
  _pos?: Pos;
}

export interface ChildValue {
  Name: string;
  Value: GqlValue | null;
  _pos?: Pos;
}

/** ValueKind, numbered as gqlparser numbers it. */
export const enum Kind {
  Variable = 0,
  Int = 1,
  Float = 2,
  String = 3,
  Block = 4,
  Boolean = 5,
  Null = 6,
  Enum = 7,
  List = 8,
  Object = 9,
}

export interface GqlValue {
  Raw: string;
  Children: ChildValue[] | null;
  Kind: Kind;
  _pos?: Pos;
}

export interface Argument {
  Name: string;
  Value: GqlValue | null;
  _pos?: Pos;
}

export interface Directive {
  Name: string;
  Arguments: Argument[] | null;
  Location: string;
  _pos?: Pos;
}

export interface Field {
  Alias: string;
  Name: string;
  Arguments: Argument[] | null;
  Directives: Directive[] | null;
  SelectionSet: Selection[] | null;
  _kind: 'field';
  _pos?: Pos;
}

export interface FragmentSpread {
  Name: string;
  Directives: Directive[] | null;
  _kind: 'spread';
  _pos?: Pos;
}

export interface InlineFragment {
  TypeCondition: string;
  Directives: Directive[] | null;
  SelectionSet: Selection[] | null;
  _kind: 'inline';
  _pos?: Pos;
}

export type Selection = Field | FragmentSpread | InlineFragment;

export interface VariableDefinition {
  Variable: string;
  Type: GqlType | null;
  DefaultValue: GqlValue | null;
  Directives: Directive[] | null;
  Used: boolean;
  _pos?: Pos;
}

export interface OperationDefinition {
  Operation: string;
  Name: string;
  VariableDefinitions: VariableDefinition[] | null;
  Directives: Directive[] | null;
  SelectionSet: Selection[] | null;
  _pos?: Pos;
}

export interface FragmentDefinition {
  Name: string;
  VariableDefinition: VariableDefinition[] | null;
  TypeCondition: string;
  Directives: Directive[] | null;
  SelectionSet: Selection[] | null;
  _pos?: Pos;
}

export interface QueryDocument {
  Operations: OperationDefinition[] | null;
  Fragments: FragmentDefinition[] | null;
}

export interface FieldDefinition {
  Description: string;
  Name: string;
  Arguments: FieldDefinition[] | null;
  DefaultValue: GqlValue | null;
  Type: GqlType | null;
  Directives: Directive[] | null;
  _pos?: Pos;
}

export interface EnumValueDefinition {
  Description: string;
  Name: string;
  Directives: Directive[] | null;
  _pos?: Pos;
}

export interface Definition {
  Kind: string;
  Description: string;
  Name: string;
  Directives: Directive[] | null;
  Interfaces: string[] | null;
  Fields: FieldDefinition[] | null;
  Types: string[] | null;
  EnumValues: EnumValueDefinition[] | null;
  BuiltIn: boolean;
  _pos?: Pos;
}

export interface DirectiveDefinition {
  Description: string;
  Name: string;
  Arguments: FieldDefinition[] | null;
  Locations: string[] | null;
  IsRepeatable: boolean;
  _pos?: Pos;
}

export interface OperationTypeDefinition {
  Operation: string;
  Type: string;
  _pos?: Pos;
}

export interface SchemaDefinition {
  Description: string;
  Directives: Directive[] | null;
  OperationTypes: OperationTypeDefinition[] | null;
  _pos?: Pos;
}

export interface SchemaDocument {
  Schema: SchemaDefinition[] | null;
  SchemaExtension: SchemaDefinition[] | null;
  Directives: DirectiveDefinition[] | null;
  Definitions: Definition[] | null;
  Extensions: Definition[] | null;
}

/** A parse or validation error at a position, as gqlerror reports it. */
export class GqlError extends AuthzServiceError<'ERR_GQL_SYNTAX'> {
  readonly code = 'ERR_GQL_SYNTAX';
  constructor(
    message: string,
    readonly pos: Pos | undefined,
  ) {
    super(message);
  }
}

// ---- lexer ----------------------------------------------------------------------------------

type TokKind =
  | 'Invalid' | '<EOF>' | '!' | '$' | '&' | '(' | ')' | '...' | ':' | '=' | '@' | '[' | ']' | '{' | '}' | '|'
  | 'Name' | 'Int' | 'Float' | 'String' | 'BlockString';

interface Token {
  kind: TokKind;
  value: string;
  pos: Pos;
  error?: GqlError;
}

const tokenText = (t: Token): string => (t.value !== '' ? `${t.kind} ${goQuoteAscii(t.value)}` : t.kind);

/** strconv.Quote for the texts that reach error messages. */
function goQuoteAscii(s: string): string {
  return JSON.stringify(s).replace(/\\u007f/g, '\\x7f');
}

const PUNCT = new Set(['!', '$', '&', '(', ')', ':', '=', '@', '[', ']', '{', '}', '|']);
const isNameStart = (c: string | undefined): boolean => c !== undefined && /^[_A-Za-z]$/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /^[_0-9A-Za-z]$/.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Common indentation removed and blank first/last lines dropped, as the spec's BlockStringValue. */
function blockStringValue(raw: string): string {
  const lines = raw.split('\n');
  let common = -1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const indent = line.length - line.replace(/^[ \t]*/, '').length;
    if (indent < line.length && (common === -1 || indent < common)) common = indent;
  }
  if (common > 0) for (let i = 1; i < lines.length; i++) lines[i] = lines[i].slice(Math.min(common, lines[i].length));
  const blank = (l: string): boolean => /^[ \t]*$/.test(l);
  while (lines.length > 0 && blank(lines[0])) lines.shift();
  while (lines.length > 0 && blank(lines[lines.length - 1])) lines.pop();
  return lines.join('\n');
}

class Lexer {
  private readonly chars: string[];
  private end = 0;
  private line = 1;
  private lineStart = 0;
  private start = 0;

  constructor(
    input: string,
    private readonly src: string,
  ) {
    this.chars = [...input];
  }

  private tok(kind: TokKind, value: string): Token {
    return { kind, value, pos: { line: this.line, column: this.start - this.lineStart + 1, src: this.src } };
  }

  private fail(message: string): Token {
    const pos = { line: this.line, column: this.end - this.lineStart + 1, src: this.src };
    return { kind: 'Invalid', value: '', pos, error: new GqlError(message, pos) };
  }

  private ws(): void {
    const c = this.chars;
    while (this.end < c.length) {
      const ch = c[this.end];
      if (ch === '\t' || ch === ' ' || ch === ',' || ch === '\ufeff') this.end++;
      else if (ch === '\n' || ch === '\r') {
        this.end++;
        if (ch === '\r' && c[this.end] === '\n') this.end++;
        this.line++;
        this.lineStart = this.end;
      } else return;
    }
  }

  read(): Token {
    const c = this.chars;
    for (;;) {
      this.ws();
      this.start = this.end;
      if (this.end >= c.length) return this.tok('<EOF>', '');
      const ch = c[this.end++];
      if (PUNCT.has(ch)) return this.tok(ch as TokKind, '');
      if (ch === '.' && c[this.end] === '.' && c[this.end + 1] === '.') {
        this.end += 2;
        return this.tok('...', '');
      }
      if (ch === '#') {
        while (this.end < c.length && (c[this.end].codePointAt(0) as number) > 0x1f) this.end++;
        while (this.end < c.length && c[this.end] === '\t') this.end++;
        continue;
      }
      if (isNameStart(ch)) {
        while (isNameChar(c[this.end])) this.end++;
        return this.tok('Name', c.slice(this.start, this.end).join(''));
      }
      if (ch === '-' || isDigit(ch)) return this.readNumber();
      if (ch === '"') return c[this.end] === '"' && c[this.end + 1] === '"' ? this.readBlockString() : this.readString();
      this.end--;
      const cp = ch.codePointAt(0) as number;
      if (cp < 0x20 && ch !== '\t' && ch !== '\n' && ch !== '\r') return this.fail(`Cannot contain the invalid character "\\u${String(cp).padStart(4, '0')}"`);
      if (ch === "'") return this.fail('Unexpected single quote character (\'), did you mean to use a double quote (")?');
      return this.fail(`Cannot parse the unexpected character "${ch}".`);
    }
  }

  private digits(): number {
    let n = 0;
    while (isDigit(this.chars[this.end])) {
      this.end++;
      n++;
    }
    return n;
  }

  private describeNext(): string {
    return this.end < this.chars.length ? `"${this.chars[this.end]}"` : '<EOF>';
  }

  private readNumber(): Token {
    const c = this.chars;
    this.end--;
    let float = false;
    if (c[this.end] === '-') this.end++;
    if (c[this.end] === '0') {
      this.end++;
      const n = this.digits();
      if (n !== 0) {
        this.end -= n;
        return this.fail(`Invalid number, unexpected digit after 0: ${this.describeNext()}.`);
      }
    } else if (this.digits() === 0) return this.fail(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    if (c[this.end] === '.') {
      this.end++;
      float = true;
      if (this.digits() === 0) return this.fail(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (c[this.end] === 'e' || c[this.end] === 'E') {
      this.end++;
      float = true;
      if (c[this.end] === '-' || c[this.end] === '+') this.end++;
      if (this.digits() === 0) return this.fail(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    return this.tok(float ? 'Float' : 'Int', c.slice(this.start, this.end).join(''));
  }

  private readString(): Token {
    const c = this.chars;
    let out = '';
    while (this.end < c.length) {
      const ch = c[this.end];
      if (ch === '\n' || ch === '\r') break;
      const cp = ch.codePointAt(0) as number;
      if (cp < 0x20 && ch !== '\t') return this.fail(`Invalid character within String: "\\u${String(cp).padStart(4, '0')}".`);
      if (ch === '"') {
        // gqlparser positions a string at its first character, after the quote.
        const t = this.tok('String', out);
        t.pos.column += 1;
        this.end++;
        return t;
      }
      if (ch === '\\') {
        const esc = c[this.end + 1];
        if (esc === undefined) {
          this.end++;
          return this.fail('Invalid character escape sequence.');
        }
        if (esc === 'u') {
          const hex = c.slice(this.end + 2, this.end + 6).join('');
          if (this.end + 6 >= c.length) {
            this.end++;
            return this.fail(`Invalid character escape sequence: \\${c.slice(this.end).join('')}.`);
          }
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
            this.end++;
            return this.fail(`Invalid character escape sequence: \\${c.slice(this.end, this.end + 5).join('')}.`);
          }
          out += String.fromCharCode(parseInt(hex, 16));
          this.end += 6;
          continue;
        }
        const simple: Record<string, string> = { '"': '"', '/': '/', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (simple[esc] === undefined) {
          this.end++;
          return this.fail(`Invalid character escape sequence: \\${esc}.`);
        }
        out += simple[esc];
        this.end += 2;
        continue;
      }
      out += ch;
      this.end++;
    }
    return this.fail('Unterminated string.');
  }

  private readBlockString(): Token {
    const c = this.chars;
    const startLine = this.line;
    const startCol = this.start - this.lineStart + 4;
    let raw = '';
    this.end += 2;
    while (this.end < c.length) {
      const ch = c[this.end];
      if (ch === '"' && c[this.end + 1] === '"' && c[this.end + 2] === '"') {
        this.end += 3;
        return { kind: 'BlockString', value: blockStringValue(raw), pos: { line: startLine, column: startCol, src: this.src } };
      }
      const cp = ch.codePointAt(0) as number;
      if (cp < 0x20 && ch !== '\t' && ch !== '\n' && ch !== '\r') return this.fail(`Invalid character within String: "\\u${String(cp).padStart(4, '0')}".`);
      if (ch === '\\' && c[this.end + 1] === '"' && c[this.end + 2] === '"' && c[this.end + 3] === '"') {
        raw += '"""';
        this.end += 4;
      } else if (ch === '\r' || ch === '\n') {
        if (ch === '\r' && c[this.end + 1] === '\n') this.end++;
        raw += '\n';
        this.end++;
        this.line++;
        this.lineStart = this.end;
      } else {
        raw += ch;
        this.end++;
      }
    }
    return this.fail('Unterminated string.');
  }
}

// ---- parser ---------------------------------------------------------------------------------

const LOCATIONS = new Set([
  'QUERY', 'MUTATION', 'SUBSCRIPTION', 'FIELD', 'FRAGMENT_DEFINITION', 'FRAGMENT_SPREAD', 'INLINE_FRAGMENT',
  'VARIABLE_DEFINITION', 'SCHEMA', 'SCALAR', 'OBJECT', 'FIELD_DEFINITION', 'ARGUMENT_DEFINITION', 'INTERFACE',
  'UNION', 'ENUM', 'ENUM_VALUE', 'INPUT_OBJECT', 'INPUT_FIELD_DEFINITION',
]);

const MAX_DEPTH = 512;

/** Stops parsing at the first error, as gqlparser's parser does. */
class Stop extends AuthzServiceError<'ERR_GQL_SYNTAX'> {
  readonly code = 'ERR_GQL_SYNTAX';
}

class Parser {
  private readonly lexer: Lexer;
  private peeked: Token | undefined;
  err: GqlError | undefined;
  private prev: Token | undefined;

  constructor(input: string, src: string) {
    this.lexer = new Lexer(input, src);
  }

  peek(): Token {
    this.peeked ??= this.lexer.read();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    this.prev = t;
    if (t.error) this.fail(t.error);
    return t;
  }

  fail(e: GqlError): never {
    this.err ??= e;
    throw new Stop();
  }

  error(tok: Token, message: string): never {
    return this.fail(new GqlError(message, tok.pos));
  }

  expect(kind: TokKind): Token {
    const t = this.peek();
    if (t.kind === kind) return this.next();
    return this.error(t, `Expected ${kind}, found ${t.kind}`);
  }

  expectKeyword(value: string): Token {
    const t = this.peek();
    if (t.kind === 'Name' && t.value === value) return this.next();
    return this.error(t, `Expected ${goQuoteAscii(value)}, found ${tokenText(t)}`);
  }

  skip(kind: TokKind): boolean {
    if (this.peek().kind !== kind) return false;
    this.next();
    return true;
  }

  unexpected(t: Token = this.peek()): never {
    return this.error(t, `Unexpected ${tokenText(t)}`);
  }

  /** Nesting of lists, objects and selection sets; bounded so deep input cannot exhaust the stack. */
  private depth = 0;

  nest<T>(body: () => T): T {
    if (++this.depth > MAX_DEPTH) this.error(this.peek(), `Nesting deeper than ${MAX_DEPTH} levels is not supported`);
    try {
      return body();
    } finally {
      this.depth--;
    }
  }

  many<T>(start: TokKind, end: TokKind, item: () => T): T[] | null {
    if (!this.skip(start)) return null;
    const out: T[] = [];
    while (this.peek().kind !== end) out.push(item());
    this.next();
    return out;
  }

  some<T>(start: TokKind, end: TokKind, item: () => T): T[] | null {
    if (!this.skip(start)) return null;
    const out: T[] = [];
    while (this.peek().kind !== end) out.push(item());
    if (out.length === 0) this.error(this.peek(), `expected at least one definition, found ${this.peek().kind}`);
    this.next();
    return out;
  }

  name(): string {
    return this.expect('Name').value;
  }

  pos(): Pos {
    return this.peek().pos;
  }

  // -- executable documents

  queryDocument(): QueryDocument {
    const doc: QueryDocument = { Operations: null, Fragments: null };
    while (this.peek().kind !== '<EOF>') {
      const t = this.peek();
      if (t.kind === 'Name' && (t.value === 'query' || t.value === 'mutation' || t.value === 'subscription')) {
        (doc.Operations ??= []).push(this.operation());
      } else if (t.kind === 'Name' && t.value === 'fragment') (doc.Fragments ??= []).push(this.fragmentDefinition());
      else if (t.kind === '{') (doc.Operations ??= []).push(this.operation());
      else this.unexpected();
    }
    return doc;
  }

  operation(): OperationDefinition {
    const _pos = this.pos();
    if (this.peek().kind === '{') {
      return { Operation: 'query', Name: '', VariableDefinitions: null, Directives: null, SelectionSet: this.requiredSelectionSet(), _pos };
    }
    const t = this.next();
    if (t.value !== 'query' && t.value !== 'mutation' && t.value !== 'subscription') this.unexpected(t);
    const Name = this.peek().kind === 'Name' ? this.next().value : '';
    const VariableDefinitions = this.many('(', ')', () => this.variableDefinition());
    const Directives = this.directives(false);
    return { Operation: t.value, Name, VariableDefinitions, Directives, SelectionSet: this.requiredSelectionSet(), _pos };
  }

  variableDefinition(): VariableDefinition {
    const _pos = this.pos();
    this.expect('$');
    const Variable = this.name();
    this.expect(':');
    const Type = this.typeRef();
    const DefaultValue = this.skip('=') ? this.value(true) : null;
    return { Variable, Type, DefaultValue, Directives: this.directives(false), Used: false, _pos };
  }

  requiredSelectionSet(): Selection[] | null {
    const t = this.peek();
    if (t.kind !== '{') this.error(t, `Expected {, found ${t.kind}`);
    return this.some('{', '}', () => this.selection());
  }

  selection(): Selection {
    return this.nest(() => this.selectionInner());
  }

  selectionInner(): Selection {
    if (this.peek().kind === '...') return this.fragment();
    const _pos = this.pos();
    const Alias = this.name();
    const Name = this.skip(':') ? this.name() : Alias;
    const Arguments = this.arguments(false);
    const Directives = this.directives(false);
    const SelectionSet = this.peek().kind === '{' ? this.some('{', '}', () => this.selection()) : null;
    return { Alias, Name, Arguments, Directives, SelectionSet, _kind: 'field', _pos };
  }

  arguments(isConst: boolean): Argument[] | null {
    return this.many('(', ')', () => {
      const _pos = this.pos();
      const Name = this.name();
      this.expect(':');
      return { Name, Value: this.value(isConst), _pos };
    });
  }

  fragment(): Selection {
    this.expect('...');
    const t = this.peek();
    if (t.kind === 'Name' && t.value !== 'on') {
      const _pos = this.pos();
      return { Name: this.fragmentName(), Directives: this.directives(false), _kind: 'spread', _pos };
    }
    const _pos = this.pos();
    let TypeCondition = '';
    if (t.value === 'on') {
      this.next();
      TypeCondition = this.name();
    }
    const Directives = this.directives(false);
    return { TypeCondition, Directives, SelectionSet: this.requiredSelectionSet(), _kind: 'inline', _pos };
  }

  fragmentDefinition(): FragmentDefinition {
    const _pos = this.pos();
    this.expectKeyword('fragment');
    const Name = this.fragmentName();
    const VariableDefinition = this.many('(', ')', () => this.variableDefinition());
    this.expectKeyword('on');
    const TypeCondition = this.name();
    const Directives = this.directives(false);
    return { Name, VariableDefinition, TypeCondition, Directives, SelectionSet: this.requiredSelectionSet(), _pos };
  }

  fragmentName(): string {
    if (this.peek().value === 'on') this.unexpected();
    return this.name();
  }

  value(isConst: boolean): GqlValue {
    return this.nest(() => this.valueInner(isConst));
  }

  valueInner(isConst: boolean): GqlValue {
    const t = this.peek();
    const _pos = t.pos;
    switch (t.kind) {
      case '[':
        return { Raw: '', Children: this.many('[', ']', () => ({ Name: '', Value: this.value(isConst) })), Kind: Kind.List, _pos };
      case '{':
        return {
          Raw: '',
          Children: this.many('{', '}', () => {
            const fpos = this.pos();
            const Name = this.name();
            this.expect(':');
            return { Name, Value: this.value(isConst), _pos: fpos };
          }),
          Kind: Kind.Object,
          _pos,
        };
      case '$':
        if (isConst) this.unexpected();
        this.next();
        return { Raw: this.name(), Children: null, Kind: Kind.Variable, _pos };
      case 'Int':
      case 'Float':
      case 'String':
      case 'BlockString':
      case 'Name': {
        const kind =
          t.kind === 'Int' ? Kind.Int
          : t.kind === 'Float' ? Kind.Float
          : t.kind === 'String' ? Kind.String
          : t.kind === 'BlockString' ? Kind.Block
          : t.value === 'true' || t.value === 'false' ? Kind.Boolean
          : t.value === 'null' ? Kind.Null
          : Kind.Enum;
        this.next();
        return { Raw: t.value, Children: null, Kind: kind, _pos };
      }
      default:
        return this.unexpected();
    }
  }

  directives(isConst: boolean): Directive[] | null {
    let out: Directive[] | null = null;
    while (this.peek().kind === '@') {
      this.expect('@');
      const _pos = this.pos();
      (out ??= []).push({ Name: this.name(), Arguments: this.arguments(isConst), Location: '', _pos });
    }
    return out;
  }

  typeRef(): GqlType {
    return this.nest(() => this.typeRefInner());
  }

  typeRefInner(): GqlType {
    let typ: GqlType;
    if (this.skip('[')) {
      const _pos = this.pos();
      typ = { NamedType: '', Elem: this.typeRef(), NonNull: false, _pos };
      this.expect(']');
    } else {
      const _pos = this.pos();
      typ = { NamedType: this.name(), Elem: null, NonNull: false, _pos };
    }
    if (this.skip('!')) {
      typ._pos = this.pos();
      typ.NonNull = true;
    }
    return typ;
  }

  // -- schema documents

  schemaDocument(): SchemaDocument {
    const doc: SchemaDocument = { Schema: null, SchemaExtension: null, Directives: null, Definitions: null, Extensions: null };
    while (this.peek().kind !== '<EOF>') {
      let description = '';
      if (this.peek().kind === 'BlockString' || this.peek().kind === 'String') description = this.next().value;
      const t = this.peek();
      if (t.kind !== 'Name') this.unexpected();
      switch (t.value) {
        case 'scalar':
        case 'type':
        case 'interface':
        case 'union':
        case 'enum':
        case 'input':
          (doc.Definitions ??= []).push(this.typeDefinition(description, false));
          break;
        case 'schema':
          (doc.Schema ??= []).push(this.schemaDefinition(description, false));
          break;
        case 'directive':
          (doc.Directives ??= []).push(this.directiveDefinition(description));
          break;
        case 'extend':
          if (description !== '') this.unexpected(this.prev);
          this.next();
          if (this.peek().value === 'schema') (doc.SchemaExtension ??= []).push(this.schemaDefinition('', true));
          else if (['scalar', 'type', 'interface', 'union', 'enum', 'input'].includes(this.peek().value)) {
            (doc.Extensions ??= []).push(this.typeDefinition('', true));
          } else this.unexpected();
          break;
        default:
          this.unexpected();
      }
    }
    return doc;
  }

  schemaDefinition(Description: string, extension: boolean): SchemaDefinition {
    this.expectKeyword('schema');
    const _pos = this.pos();
    const Directives = this.directives(true);
    const OperationTypes = this.some('{', '}', () => {
      const opPos = this.pos();
      const t = this.next();
      if (t.value !== 'query' && t.value !== 'mutation' && t.value !== 'subscription') this.unexpected(t);
      this.expect(':');
      return { Operation: t.value, Type: this.name(), _pos: opPos };
    });
    if (extension && Directives === null && OperationTypes === null) this.unexpected();
    return { Description, Directives, OperationTypes, _pos };
  }

  typeDefinition(Description: string, extension: boolean): Definition {
    const keyword = this.next().value;
    const _pos = this.pos();
    const Kind = { scalar: 'SCALAR', type: 'OBJECT', interface: 'INTERFACE', union: 'UNION', enum: 'ENUM', input: 'INPUT_OBJECT' }[keyword] as string;
    const def: Definition = {
      Kind, Description, Name: this.name(), Directives: null, Interfaces: null, Fields: null, Types: null, EnumValues: null, BuiltIn: false, _pos,
    };
    if (Kind === 'OBJECT' || (Kind === 'INTERFACE' && !extension)) def.Interfaces = this.implementsInterfaces();
    def.Directives = this.directives(Kind !== 'INPUT_OBJECT' || !extension);
    if (Kind === 'OBJECT' || Kind === 'INTERFACE') def.Fields = this.some('{', '}', () => this.fieldDefinition(true));
    else if (Kind === 'INPUT_OBJECT') def.Fields = this.some('{', '}', () => this.fieldDefinition(false));
    else if (Kind === 'UNION') def.Types = this.unionMembers();
    else if (Kind === 'ENUM') {
      def.EnumValues = this.some('{', '}', () => {
        const vpos = this.pos();
        const desc = this.description();
        return { Description: desc, Name: this.name(), Directives: this.directives(true), _pos: vpos };
      });
    }
    if (extension && def.Directives === null && def.Interfaces === null && def.Fields === null && def.Types === null && def.EnumValues === null) {
      this.unexpected();
    }
    return def;
  }

  description(): string {
    const t = this.peek();
    return t.kind === 'BlockString' || t.kind === 'String' ? this.next().value : '';
  }

  implementsInterfaces(): string[] | null {
    if (this.peek().value !== 'implements') return null;
    this.next();
    this.skip('&');
    const out = [this.name()];
    while (this.skip('&')) out.push(this.name());
    return out;
  }

  unionMembers(): string[] | null {
    if (!this.skip('=')) return null;
    this.skip('|');
    const out = [this.name()];
    while (this.skip('|')) out.push(this.name());
    return out;
  }

  /** A field definition (with arguments) or an input value definition (with a default). */
  fieldDefinition(withArgs: boolean): FieldDefinition {
    const _pos = this.pos();
    const Description = this.description();
    const Name = this.name();
    const Arguments = withArgs ? this.argumentDefs() : null;
    this.expect(':');
    const Type = this.typeRef();
    const DefaultValue = !withArgs && this.skip('=') ? this.value(true) : null;
    return { Description, Name, Arguments, DefaultValue, Type, Directives: this.directives(true), _pos };
  }

  argumentDefs(): FieldDefinition[] | null {
    return this.some('(', ')', () => {
      const _pos = this.pos();
      const Description = this.description();
      const Name = this.name();
      this.expect(':');
      const Type = this.typeRef();
      const DefaultValue = this.skip('=') ? this.value(true) : null;
      return { Description, Name, Arguments: null, DefaultValue, Type, Directives: this.directives(true), _pos };
    });
  }

  directiveDefinition(Description: string): DirectiveDefinition {
    this.expectKeyword('directive');
    this.expect('@');
    const _pos = this.pos();
    const Name = this.name();
    const Arguments = this.argumentDefs();
    let IsRepeatable = false;
    if (this.peek().kind === 'Name' && this.peek().value === 'repeatable') {
      IsRepeatable = true;
      this.next();
    }
    this.expectKeyword('on');
    this.skip('|');
    const Locations = [this.directiveLocation()];
    while (this.skip('|')) Locations.push(this.directiveLocation());
    return { Description, Name, Arguments, Locations, IsRepeatable, _pos };
  }

  directiveLocation(): string {
    const t = this.expect('Name');
    if (!LOCATIONS.has(t.value)) this.unexpected(t);
    return t.value;
  }
}

function run<T>(input: string, src: string, body: (p: Parser) => T): T {
  const p = new Parser(input, src);
  try {
    return body(p);
  } catch (e) {
    if (e instanceof Stop && p.err) throw p.err;
    throw e;
  }
}

/** parser.ParseQuery. */
export function parseQueryDocument(input: string): QueryDocument {
  return run(input, '', (p) => p.queryDocument());
}

/** parser.ParseSchema; `src` names the source in errors ("" for policy input). */
export function parseSchemaDocument(input: string, src = ''): SchemaDocument {
  return run(input, src, (p) => p.schemaDocument());
}
