// Public door of the decision log pipeline: buffer, masking, dedupe, sinks, in-process transport.
export type { DecisionLogSink, DecisionLogTransport, LogBatch, LogRecord } from './types.js';
export type { DecisionLogBuffer, DecisionLogBufferOptions } from './buffer.js';
export type { ArgumentMasker } from './mask.js';
export type { SeenIds } from './dedupe.js';
export type { SpillFile } from './spill.js';
export type { MemoryTransportOptions } from './memory-transport.js';
export type { JsonlFileSinkOptions } from './sinks/jsonl-file-sink.js';
export type { HttpSinkOptions } from './sinks/http-sink.js';
export type { StdoutSinkOptions } from './sinks/stdout-sink.js';
export { backoffMs } from './types.js';
export { createDecisionLogBuffer } from './buffer.js';
export { createArgumentMasker, isSecretKey, parseMaskPath, MASK } from './mask.js';
export { createSeenIds, withDedupe } from './dedupe.js';
export { createSpillFile } from './spill.js';
export { createMemoryLogTransport } from './memory-transport.js';
export { createJsonlFileSink, jsonlFiles, readLoggedIds } from './sinks/jsonl-file-sink.js';
export { createHttpSink, HttpSinkError } from './sinks/http-sink.js';
export { createStdoutSink } from './sinks/stdout-sink.js';
