/*
 * The pairing rule for detached signatures met in a directory (issue 14): a signature file
 * signs the file whose name is the longest prefix of its own name that ends at a dot, so
 * `X.asc`, `X.sig`, `X.sig.NAME`, `X.sign.NAME` and `X.NAME` all pair with `X`. Names only:
 * whether a file is a signature at all is for its content to say (cleartext/detached-signature.ts).
 */

/** One directory's file names, each name's partner worked out once: a batch asks about every document. */
export class DirectoryNames {
  private readonly present: Set<string>;
  /** Partner → the names that would sign it, in code-unit order. */
  private readonly extending = new Map<string, string[]>();

  constructor(names: Iterable<string>) {
    this.present = new Set(names);
    for (const name of [...this.present].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const partner = this.partnerOf(name);
      if (partner === null) continue;
      const list = this.extending.get(partner);
      if (list) list.push(name);
      else this.extending.set(partner, [name]);
    }
  }

  /** The file `name` would sign were it a signature: the longest other name it extends at a dot. */
  partnerOf(name: string): string | null {
    for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      const prefix = name.slice(0, dot);
      if (this.present.has(prefix)) return prefix;
    }
    return null;
  }

  /** The names whose partner is `name`: the signature files it may have, in code-unit order. */
  signaturesOf(name: string): readonly string[] {
    return this.extending.get(name) ?? [];
  }
}
