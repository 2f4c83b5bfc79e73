/*
 * The pairing rule for detached signatures met in a directory (issue 14): a signature file
 * signs the file whose name is the longest prefix of its own name that ends at a dot, so
 * `X.asc`, `X.sig`, `X.sig.NAME`, `X.sign.NAME` and `X.NAME` all pair with `X`. Names only:
 * whether a file is a signature at all is for its content to say (cleartext/detached-signature.ts).
 */

/** One directory's file names, sorted by code unit, so the names that extend one are found by bisection. */
export class DirectoryNames {
  private readonly sorted: string[];
  private readonly present: Set<string>;

  constructor(names: Iterable<string>) {
    this.sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.present = new Set(this.sorted);
  }

  has(name: string): boolean {
    return this.present.has(name);
  }

  /** The file `name` would sign were it a signature: the longest other name it extends at a dot. */
  partnerOf(name: string): string | null {
    for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      const prefix = name.slice(0, dot);
      if (this.present.has(prefix)) return prefix;
    }
    return null;
  }

  /** The names whose partner is `name`: the signature files it may have, in name order. */
  signaturesOf(name: string): string[] {
    const start = `${name}.`;
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sorted[middle]! < start) low = middle + 1;
      else high = middle;
    }
    const found: string[] = [];
    for (let index = low; index < this.sorted.length && this.sorted[index]!.startsWith(start); index++) {
      const candidate = this.sorted[index]!;
      if (this.partnerOf(candidate) === name) found.push(candidate);
    }
    return found;
  }
}
