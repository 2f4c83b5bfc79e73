/** pledge as a library: the same pipeline the CLI runs, with typed results. */
export { verifyDocuments, verifyDocumentStream, inspectDocuments, fetchKeys, threadsStarted, type VerifyRequest, type ManifestTail } from './pipeline/run.js';
export { verifyRepository, type RepositoryRequest } from './pipeline/verify-repository.js';
export type { DiscoveryRequest } from './pipeline/create-discovery.js';
export { loadConfig, findConfig, type RepositoryConfig } from './repo/load-config.js';
export { extractBlocks } from './extract/extract-blocks.js';
export { decodeDocument, readDocument } from './extract/read-document.js';
export { parseBlock } from './cleartext/parse-block.js';
export { Keyring } from './discovery/keyring.js';
export { checkSignature } from './verify/verify-signature.js';
export { createPolicy, type Policy } from './verify/policy.js';
export { DEFAULT_LIMITS, DEFAULT_KEY_LIMITS, type Limits, type KeyLimits } from './core/limits.js';
export * from './core/reasons.js';
export type * from './report/manifest.js';
export type { KeySource, KeyQuery, KeyLookup, KeyCandidate } from './discovery/key-source.js';
