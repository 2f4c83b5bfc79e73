/** Resource limits, enforced before anything is parsed. Each can be raised by an option. */
export interface Limits {
  /** Largest document read, in bytes. */
  maxDocumentBytes: number;
  /** Longest line inside a block, in characters. */
  maxLineLength: number;
  /** Largest block (armor lines included), in characters. */
  maxBlockChars: number;
  /** Most blocks taken from one document. */
  maxBlocksPerDocument: number;
  /** Most signatures taken from one block. */
  maxSignaturesPerBlock: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDocumentBytes: 2 * 1024 * 1024,
  maxLineLength: 64 * 1024,
  maxBlockChars: 256 * 1024,
  maxBlocksPerDocument: 64,
  maxSignaturesPerBlock: 16,
};
