// Merges data documents under their directory paths, like `opa eval -d`, naming both files on conflict.
import { PolicyLoadError } from './errors.js';

type JsonObject = Record<string, unknown>;

/** Defines an own property, so a key named `__proto__` stays data instead of changing the prototype. */
function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Accumulates data files into one base document and remembers which file defined each path. */
export class DataMerger {
  readonly data: JsonObject = {};
  private readonly owners = new Map<string, string>();

  /** Places `value` at `path` (directory segments) and merges objects key by key. */
  add(path: readonly string[], value: unknown, file: string): void {
    if (path.length === 0 && !isObject(value)) {
      throw new PolicyLoadError('policy_data_error', file, 'a data file at the root must hold an object');
    }
    let target = this.data;
    for (let i = 0; i < path.length - 1; i++) target = this.descend(target, path.slice(0, i + 1), file);
    if (path.length === 0) this.mergeObject(target, value as JsonObject, [], file);
    else this.mergeKey(target, path[path.length - 1], value, path, file);
  }

  private descend(parent: JsonObject, path: readonly string[], file: string): JsonObject {
    const key = path[path.length - 1];
    if (!Object.prototype.hasOwnProperty.call(parent, key)) {
      setOwn(parent, key, {});
      this.claim(path, file);
    }
    const next = parent[key];
    if (!isObject(next)) throw this.conflict(path, file);
    return next;
  }

  private mergeObject(target: JsonObject, source: JsonObject, path: readonly string[], file: string): void {
    for (const [k, v] of Object.entries(source)) this.mergeKey(target, k, v, [...path, k], file);
  }

  private mergeKey(target: JsonObject, key: string, value: unknown, path: readonly string[], file: string): void {
    if (!Object.prototype.hasOwnProperty.call(target, key)) {
      setOwn(target, key, value);
      this.claimTree(path, value, file);
      return;
    }
    const existing = target[key];
    if (!isObject(existing) || !isObject(value)) throw this.conflict(path, file);
    this.mergeObject(existing, value, path, file);
  }

  private claim(path: readonly string[], file: string): void {
    const k = JSON.stringify(path);
    if (!this.owners.has(k)) this.owners.set(k, file);
  }

  private claimTree(path: readonly string[], value: unknown, file: string): void {
    this.claim(path, file);
    if (isObject(value)) for (const [k, v] of Object.entries(value)) this.claimTree([...path, k], v, file);
  }

  private conflict(path: readonly string[], file: string): PolicyLoadError {
    const other = this.owners.get(JSON.stringify(path)) ?? 'another data file';
    const where = ['data', ...path].join('.');
    return new PolicyLoadError('policy_data_conflict', file, `${where} conflicts with ${other}`, other);
  }
}
