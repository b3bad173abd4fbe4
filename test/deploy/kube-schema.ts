// Checks Kubernetes objects against the API schemas that kubernetes-models generates from the
// Kubernetes OpenAPI document, in two passes: its JSON-schema validators (types, formats, required
// fields) and the TypeScript compiler over its interfaces, whose excess-property check refuses
// fields the API does not know (the OpenAPI schemas allow extra fields, so the first pass cannot).
import ts from 'typescript';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  [key: string]: unknown;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** The kubernetes-models module of an object: core `v1` lives at `v1/`, groups at `<group>/<version>/`. */
function modulePath(object: KubeObject): string {
  if (!/^[a-z0-9.-]+(\/[a-z0-9]+)?$/.test(object.apiVersion) || !/^[A-Za-z]+$/.test(object.kind)) {
    throw new Error(`not a Kubernetes apiVersion/kind: ${object.apiVersion} ${object.kind}`);
  }
  return `kubernetes-models/${object.apiVersion}/${object.kind}`;
}

function label(object: KubeObject): string {
  return `${object.kind}/${object.metadata?.name ?? '?'}`;
}

/** Schema errors (types, formats, required fields) of one object; empty when valid. */
async function schemaErrors(object: KubeObject): Promise<string[]> {
  let exported: Record<string, unknown>;
  try {
    exported = (await import(modulePath(object))) as Record<string, unknown>;
  } catch {
    return [`${label(object)}: unknown apiVersion/kind ${object.apiVersion} ${object.kind}`];
  }
  const Model = exported[object.kind] as ModelClass | undefined;
  if (Model === undefined) return [`${label(object)}: no model for ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (err) {
    return [`${label(object)}: ${(err as Error).message}`];
  }
}

/** Unknown fields and wrong types, as the TypeScript compiler sees the objects as typed literals. */
function typeErrors(objects: KubeObject[]): string[] {
  // A virtual module beside this file, so that kubernetes-models resolves from the repository.
  const file = join(ROOT, 'test', 'deploy', '__manifests__.ts');
  const lines = objects.map((object, i) => `import type { I${object.kind} as T${i} } from '${modulePath(object)}';`);
  const owners: { line: number; name: string }[] = [];
  objects.forEach((object, i) => {
    owners.push({ line: lines.length, name: label(object) });
    lines.push(...`export const m${i}: T${i} = ${JSON.stringify(object, null, 2)};`.split('\n'));
  });
  const text = lines.join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === file ? text : readFile(name));
  host.fileExists = (name) => name === file || fileExists(name);
  host.getSourceFile = (name, version, onError, create) =>
    name === file ? ts.createSourceFile(name, text, version, true) : getSourceFile(name, version, onError, create);
  const program = ts.createProgram([file], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file?.fileName !== file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const owner = [...owners].reverse().find((o) => o.line <= line);
    return `${owner?.name ?? 'manifests'}: ${message}`;
  });
}

/** Every schema error of the objects, each prefixed with its Kind/name; empty when all are valid. */
export async function validateObjects(objects: KubeObject[]): Promise<string[]> {
  const errors: string[] = [];
  for (const object of objects) errors.push(...(await schemaErrors(object)));
  errors.push(...typeErrors(objects));
  return errors;
}
