// Public door of policy loading: directory loader, its errors and the document parser the CLI reuses.
export { loadPolicySources } from './loader.js';
export type { LoadedPolicy } from './loader.js';
export { PolicyLoadError } from './errors.js';
export { DataMerger } from './merge-data.js';
export type { PolicyLoadErrorCode } from './errors.js';
export { parseDocument, documentFormat, DocumentParseError } from './parse-document.js';
export type { DocumentFormat } from './parse-document.js';
export { createPolicyReloader } from './reload.js';
export type {
  CompiledPolicy, CompiledRegoPolicy, CompiledWasmPolicy, PolicyCompiler, PolicyDrift, PolicyReloader, PolicyReloaderOptions, PolicyReloadStatus,
  PolicySourceLoader, PolicySourceStatus, ReloadAttempt, ReloadResult,
} from './reload.js';
export type { PolicyReloadError } from './reload-errors.js';
export { createRegoCompiler } from './rego-compile.js';
export { pullPolicyRepo, GitPullError } from './git-pull.js';
export type { GitPullFailure, GitPullOptions } from './git-pull.js';
export { watchPolicyDir } from './watch.js';
export type { PolicyWatcher, PolicyWatchOptions } from './watch.js';
