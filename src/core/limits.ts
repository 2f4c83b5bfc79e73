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
  /** Most armor header lines in a block (Hash: headers and signature armor headers together). */
  maxArmorHeaders: number;
  /** Most distinct signing keys one document may send pledge looking for on the network. */
  maxKeysPerDocument: number;
  /** Largest YAML front matter parsed, in characters; a larger one makes the document unreadable. */
  maxFrontMatterChars: number;
}

/** Limits on keys, whatever their source: a flooded key (150,000 certifications) is refused unread. */
export interface KeyLimits {
  /** Largest key data (all keys of one answer or file), in bytes. */
  maxKeyBytes: number;
  /** Most OpenPGP packets in one answer or file. */
  maxKeyPackets: number;
  /** Most distinct signing keys searched on the network in one run. */
  maxDistinctKeys: number;
}

export const DEFAULT_KEY_LIMITS: KeyLimits = {
  maxKeyBytes: 1024 * 1024,
  maxKeyPackets: 5_000,
  maxDistinctKeys: 10_000,
};

export const DEFAULT_LIMITS: Limits = {
  maxDocumentBytes: 2 * 1024 * 1024,
  maxLineLength: 64 * 1024,
  maxBlockChars: 256 * 1024,
  maxBlocksPerDocument: 64,
  maxSignaturesPerBlock: 16,
  maxArmorHeaders: 32,
  maxKeysPerDocument: 32,
  maxFrontMatterChars: 16 * 1024,
};
