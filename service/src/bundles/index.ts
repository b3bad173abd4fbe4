// Public door of OPA bundles: reading, verifying, building and polling bundles, and the compiler
// that sends a bundle's policy.wasm through opa-wasm.
export { BundleError } from './errors.js';
export type { BundleErrorCode } from './errors.js';
export { buildBundle } from './build-bundle.js';
export type { BuildBundleOptions, BuiltBundle } from './build-bundle.js';
export { compileWasm, createPolicyCompiler } from './compile.js';
export type { PolicyCompilerOptions } from './compile.js';
export { createBundleLoader, loadBundleArchive } from './load-bundle.js';
export type { BundleLoaderOptions } from './load-bundle.js';
export { createBundlePoller } from './poll-bundle.js';
export type { BundlePoller, BundlePollerOptions, BundlePollResult } from './poll-bundle.js';
export { MANIFEST_FILE, readBundle } from './read-bundle.js';
export { BUNDLE_SIGNING_ALGORITHMS, SIGNATURES_FILE, signBundle, verifyBundle } from './signature.js';
export type { BundleSigningAlgorithm, BundleSigningOptions, BundleVerification, BundleVerificationKey } from './signature.js';
export { fileDigest } from './structured-hash.js';
export { readTarGz, writeTarGz, TarError } from './tar-gz.js';
export type { TarEntry, TarReadLimits } from './tar-gz.js';
