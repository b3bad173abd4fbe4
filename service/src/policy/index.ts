// Public door of policy loading: directory loader, its errors and the document parser the CLI reuses.
export { loadPolicySources } from './loader.js';
export type { LoadedPolicy } from './loader.js';
export { PolicyLoadError } from './errors.js';
export type { PolicyLoadErrorCode } from './errors.js';
export { parseDocument, documentFormat, DocumentParseError } from './parse-document.js';
export type { DocumentFormat } from './parse-document.js';
