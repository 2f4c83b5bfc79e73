#!/usr/bin/env bash
# Copies the documents the tests take from beside the project (../shared) into fixtures/, byte
# for byte, so that a clone anywhere runs every test: the 24 real-world cleartext-signed
# documents with their keys and verdicts (fixtures/realworld, see its README.md) and the seed
# post (fixtures/seeds). Run it again when ../shared changes; `git diff` then shows what did.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${1:-$here/../shared}"
[ -d "$shared/realworld" ] && [ -f "$shared/seeds/keybase-signed-post.md" ] || { echo "copy-shared: no $shared/realworld or seed post" >&2; exit 2; }
rm -rf "$here/fixtures/realworld" "$here/fixtures/seeds"
cp -R "$shared/realworld" "$here/fixtures/realworld"
mkdir -p "$here/fixtures/seeds"
cp "$shared/seeds/keybase-signed-post.md" "$here/fixtures/seeds/"
diff -r "$shared/realworld" "$here/fixtures/realworld" >/dev/null && echo "copy-shared: fixtures/realworld and fixtures/seeds match $shared"
