#!/usr/bin/env bash
# Regenerates the committed test fixtures from scratch:
#   fixtures/keys/*.asc        public keys (never secret keys)
#   fixtures/documents/*       the documents pledge reads
#   fixtures/blocks/*.asc      the un-rendered blocks GnuPG was run on
#   fixtures/cases.json        the case table (expected pledge verdicts + GnuPG's verdicts)
#   fixtures/README.md         the same table for people
#   examples/                  the bundled example post and its key
#
# Usage: bash scripts/make-fixtures.sh   (from anywhere; needs gpg 2.2, sq, node)
#
# All keys and signatures are made in a throw-away GNUPGHOME with --faked-system-time, so dates are
# fixed: keys are created 2024-01-01T00:00:00Z, signatures are dated 2024-2025 unless a case is about
# time. Keys are new on every run; cases, texts, dates and verdicts are the same.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
for tool in gpg gpgconf sq node; do
  command -v "$tool" >/dev/null || { echo "make-fixtures: '$tool' is required" >&2; exit 2; }
done
START=$SECONDS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pledge-fixtures.XXXXXX")
export GNUPGHOME="$WORK/gnupg-sign"
VERIFY_HOME="$WORK/gnupg-verify"
LOG="$WORK/tools.log"
mkdir -m 700 "$GNUPGHOME" "$VERIFY_HOME"
mkdir -p "$WORK/text" "$WORK/signed" "$WORK/secret"
cleanup() {
  gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
  gpgconf --homedir "$VERIFY_HOME" --kill all >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "make-fixtures: failed at line $LINENO; last tool output:" >&2; tail -n 20 "$LOG" >&2' ERR

KEY_TIME=20240101T000000 # every key is created at 2024-01-01T00:00:00Z
T_SIGN=20240301T120000   # the usual signature time, 2024-03-01T12:00:00Z
T_LATE=20240901T120000   # after the expiry/revocation date below
CHANGE_DATE=2024-06-01T00:00:00Z # expiry and revocation date of the keys that need one

# gpg in batch mode at a fixed time: gat TIME ARGS…
gat() {
  local time=$1
  shift
  gpg --batch --no-tty --pinentry-mode loopback --passphrase '' --faked-system-time "${time}!" "$@" >>"$LOG" 2>&1
}

declare -A FPR SIGNER # key name → primary fingerprint / fingerprint of the key that signs

# newkey NAME ALGO USAGE UID [SUBKEY-ALGO]: a primary key (and optionally a signing subkey)
newkey() {
  local name=$1 algo=$2 usage=$3 uid=$4 subalgo=${5:-}
  gat "$KEY_TIME" --quick-gen-key "$uid" "$algo" "$usage" never
  FPR[$name]=$(gpg --with-colons --list-keys "=$uid" 2>>"$LOG" | awk -F: '$1 == "fpr" { print $10; exit }')
  SIGNER[$name]=${FPR[$name]}
  if [[ -n $subalgo ]]; then
    gat "$KEY_TIME" --quick-add-key "${FPR[$name]}" "$subalgo" sign never
    SIGNER[$name]=$(gpg --with-colons --list-keys "${FPR[$name]}" 2>>"$LOG" | awk -F: '$1 == "fpr" { n++ } $1 == "fpr" && n == 2 { print $10; exit }')
  fi
  gpg --batch --armor --pinentry-mode loopback --passphrase '' --export-secret-keys "${FPR[$name]}" >"$WORK/secret/$name.asc" 2>>"$LOG"
}

# sign NAME TIME HASH "SIGNERS" [GPG-OPTIONS…] <TEXT: clearsigns TEXT into $WORK/signed/NAME.asc
sign() {
  local name=$1 time=$2 hash=$3 signers=$4
  shift 4
  local users=() s
  for s in $signers; do users+=(--local-user "${SIGNER[$s]}!"); done
  cat >"$WORK/text/$name.txt"
  gat "$time" --digest-algo "$hash" "${users[@]}" "$@" --clearsign --output "$WORK/signed/$name.asc" "$WORK/text/$name.txt"
}

craft() { node "$ROOT/scripts/fixtures/craft.mjs" "$@" >>"$LOG" 2>&1; }
sq_revoke() { # sq_revoke NAME REASON MESSAGE: revocation dated CHANGE_DATE, imported into the signing home
  sq revoke certificate --certificate "$WORK/secret/$1.asc" --time "$CHANGE_DATE" "$2" "$3" \
    >"$WORK/$1.rev" 2>>"$LOG"
  gat "$KEY_TIME" --import "$WORK/$1.rev"
}

echo "make-fixtures: keys"
newkey alice ed25519 sign 'Alice Fixture <alice@example.org>'
newkey bob rsa2048 sign 'Bob Fixture (RSA-2048) <bob@example.org>'
newkey carol rsa4096 sign 'Carol Fixture (RSA-4096) <carol@example.org>'
newkey dave ed25519 cert 'Dave Fixture (signing subkey) <dave@example.org>' ed25519
newkey erin ed25519 cert 'Erin Fixture (subkey without back-signature) <erin@example.org>' ed25519
newkey frank ed25519 sign 'Frank Fixture (expires 2024-06-01) <frank@example.org>'
newkey grace ed25519 sign 'Grace Fixture (revoked: compromised) <grace@example.org>'
newkey heidi ed25519 sign 'Heidi Fixture (revoked: no reason) <heidi@example.org>'
newkey ivan ed25519 sign 'Ivan Fixture (revoked without reason subpacket) <ivan@example.org>'
newkey judy ed25519 sign 'Judy Fixture (revoked: superseded) <judy@example.org>'
newkey ken ed25519 sign 'Ken Fixture (revoked: retired) <ken@example.org>'
newkey leo rsa1024 sign 'Leo Fixture (RSA-1024) <leo@example.org>'
newkey mia dsa2048 sign 'Mia Fixture (DSA-2048) <mia@example.org>'
newkey zed ed25519 sign 'Zed Unpublished <zed@example.org>' # never exported: "no public key"
newkey example ed25519 sign 'Example Signer <signer@example.org>'

echo "make-fixtures: signatures"
# --- statuses -----------------------------------------------------------------------------------
sign ed25519 "$T_SIGN" SHA512 alice <<'EOF'
Alice Fixture signs this statement with an Ed25519 key.
EOF
sign rsa2048 "$T_SIGN" SHA512 bob <<'EOF'
Bob Fixture signs this statement with an RSA-2048 key.
EOF
sign rsa4096 "$T_SIGN" SHA512 carol <<'EOF'
Carol Fixture signs this statement with an RSA-4096 key.
EOF
sign subkey "$T_SIGN" SHA512 dave <<'EOF'
Dave Fixture signs this statement with an Ed25519 signing subkey.
EOF
sign subkey-no-backsig "$T_SIGN" SHA512 erin <<'EOF'
Erin Fixture signs this with a subkey whose binding has no back-signature.
EOF
sign no-public-key "$T_SIGN" SHA512 zed <<'EOF'
Zed signs this statement; his public key is in no keyring.
EOF
sign expired-since "$T_SIGN" SHA512 frank <<'EOF'
Frank signs this on 2024-03-01; his key expires on 2024-06-01.
EOF
sign expired-before "$T_LATE" SHA512 frank <<'EOF'
Frank signs this on 2024-09-01, after his key expired on 2024-06-01.
EOF
sign revoked-compromised "$T_SIGN" SHA512 grace <<'EOF'
Grace signs this on 2024-03-01; her key is revoked as compromised on 2024-06-01.
EOF
sign revoked-no-reason "$T_SIGN" SHA512 heidi <<'EOF'
Heidi signs this on 2024-03-01; her key is revoked with reason "no reason" on 2024-06-01.
EOF
sign revoked-no-reason-subpacket "$T_SIGN" SHA512 ivan <<'EOF'
Ivan signs this on 2024-03-01; his key is revoked without a reason subpacket on 2024-06-01.
EOF
sign revoked-superseded-since "$T_SIGN" SHA512 judy <<'EOF'
Judy signs this on 2024-03-01; her key is superseded on 2024-06-01.
EOF
sign revoked-retired-before "$T_LATE" SHA512 ken <<'EOF'
Ken signs this on 2024-09-01, after retiring his key on 2024-06-01.
EOF
sign sha1 "$T_SIGN" SHA1 bob <<'EOF'
Bob signs this statement with a SHA-1 digest.
EOF
sign ripemd160 "$T_SIGN" RIPEMD160 bob <<'EOF'
Bob signs this statement with a RIPEMD-160 digest.
EOF
sign rsa1024 "$T_SIGN" SHA512 leo <<'EOF'
Leo signs this statement with an RSA-1024 key.
EOF
sign dsa2048 "$T_SIGN" SHA512 mia <<'EOF'
Mia signs this statement with a DSA-2048 key.
EOF
sign future 20990101T000000 SHA512 alice <<'EOF'
Alice signs this statement on 2099-01-01.
EOF
sign before-key 20230601T000000 SHA512 alice --ignore-time-conflict <<'EOF'
Alice signs this statement on 2023-06-01, before her key was made.
EOF
sign two-signers "$T_SIGN" SHA512 "alice bob" <<'EOF'
Alice and Bob both sign this statement.
EOF
sign good-and-unknown "$T_SIGN" SHA512 "alice zed" <<'EOF'
Alice and Zed both sign this statement; only Alice's key is known.
EOF
sign good-and-bad-1 "$T_SIGN" SHA512 alice <<'EOF'
Alice and Bob both sign this statement, or so it seems.
EOF
sign good-and-bad-2 "$T_SIGN" SHA512 bob <<'EOF'
Bob signed a different statement.
EOF

# --- document shapes (all by Alice) -------------------------------------------------------------
sign shape-plain "$T_SIGN" SHA512 alice <<'EOF'
This statement is a plain text file.
EOF
sign shape-asc "$T_SIGN" SHA512 alice <<'EOF'
This statement is an .asc file.
EOF
sign shape-backtick-fence "$T_SIGN" SHA512 alice <<'EOF'
This statement sits in a Markdown backtick fence under YAML front matter.
EOF
sign shape-tilde-fence "$T_SIGN" SHA512 alice <<'EOF'
This statement sits in a Markdown tilde fence.
EOF
sign shape-indented "$T_SIGN" SHA512 alice <<'EOF'
This statement sits in an indented code block.

It has an empty line.
EOF
sign shape-blockquote "$T_SIGN" SHA512 alice <<'EOF'
This statement is quoted in a Markdown blockquote.

Its empty line becomes a bare ">" line.
EOF
sign shape-list-2 "$T_SIGN" SHA512 alice <<'EOF'
This statement sits in a fence inside a "- " list item.
EOF
sign shape-list-3 "$T_SIGN" SHA512 alice <<'EOF'
This statement sits in a fence inside a "1. " list item.

It has an empty line.
EOF
sign shape-html-entities "$T_SIGN" SHA512 alice <<'EOF'
Fish & chips cost < 5 EUR, said the <sign>.
-- the management
EOF
sign shape-html-br "$T_SIGN" SHA512 alice <<'EOF'
This statement was published in HTML,
with line breaks between its lines.
EOF
sign shape-crlf "$T_SIGN" SHA512 alice <<'EOF'
This statement is stored with CRLF line endings.
It has two lines.
EOF
sign shape-bom "$T_SIGN" SHA512 alice <<'EOF'
This statement is stored with a UTF-8 byte order mark.
EOF
sign shape-several-1 "$T_SIGN" SHA512 alice <<'EOF'
First block: Alice signs.
EOF
sign shape-several-2 "$T_SIGN" SHA512 bob <<'EOF'
Second block: Bob signs.
EOF
sign shape-several-3 "$T_SIGN" SHA512 carol <<'EOF'
Third block: Carol signs.
EOF

# --- hostile cases (docs/threat-catalogue.md) ---------------------------------------------------------------
sign c01 "$T_SIGN" SHA512 alice <<'EOF'
I agree to the terms of the pledge.
EOF
sign base "$T_SIGN" SHA512 alice <<'EOF'
I agree to the terms of the pledge.
Signed in Berlin.
EOF
sign c04 "$T_SIGN" SHA512 alice --not-dash-escaped <<'EOF'
-- This line starts with dashes and is not dash-escaped.
I agree to the terms of the pledge.
EOF
sign c11-inner-line "$T_SIGN" SHA512 alice <<'EOF'
The terms end at the next line.
-----END OF TERMS-----
Agreed.
EOF
sign c12-1 "$T_SIGN" SHA512 alice <<'EOF'
First statement: I support the proposal.
EOF
sign c12-2 "$T_SIGN" SHA512 alice <<'EOF'
Second statement: I will donate 10 EUR.
EOF
sign c13-inner "$T_SIGN" SHA512 bob <<'EOF'
Bob's inner statement.
EOF
{
  echo "Alice forwards Bob's signed statement below; only this outer block is Alice's."
  echo
  cat "$WORK/signed/c13-inner.asc"
} | sign c13-outer "$T_SIGN" SHA512 alice
sign c19-notation "$T_SIGN" SHA512 alice --sig-notation '!unknown-critical@example.org=1' <<'EOF'
This signature carries a critical notation nobody knows.
EOF
printf 'Status: \e[31mAPPROVED\e[0m by the board.\nBell:\a backspace:\b end.\n' |
  sign c20 "$T_SIGN" SHA512 alice
printf 'Send the deposit to account \u202e1234-5678\u202c today.\n' |
  sign c21 "$T_SIGN" SHA512 alice
sign d01 "$T_SIGN" SHA512 alice <<'EOF'
I support moving the meeting to Friday.
EOF
sign d02-outside "$T_SIGN" SHA512 alice <<'EOF'
Alice & Bob agree: the meeting moves to Friday.
EOF
sign d02-inside "$T_SIGN" SHA512 alice <<'EOF'
I support the proposal.
I do not support the amendment.
EOF
sign d03-fences "$T_SIGN" SHA512 alice <<'EOF'
This block was split across two fences.
EOF
sign d03-quote "$T_SIGN" SHA512 alice <<'EOF'
This block leaves its blockquote half-way.
EOF
sign d03-indent "$T_SIGN" SHA512 alice <<'EOF'
This block loses its indentation half-way.
EOF
# C-22: an inline-signed message and a lone detached signature
printf 'I agree, in an inline-signed message.\n' >"$WORK/text/c22-inline.txt"
gat "$T_SIGN" --digest-algo SHA512 --local-user "${SIGNER[alice]}!" --armor --sign --compress-algo none \
  --output "$WORK/signed/c22-inline.asc" "$WORK/text/c22-inline.txt"
printf 'I agree, with a detached signature.\n' >"$WORK/text/c22-detached.txt"
gat "$T_SIGN" --digest-algo SHA512 --local-user "${SIGNER[alice]}!" --armor --detach-sign \
  --output "$WORK/signed/c22-detached.asc" "$WORK/text/c22-detached.txt"

# --- the example post ------------------------------------------------------------------------------
sign example 20241220T200057 SHA512 example <<'EOF'
I hereby commit to the neveragain.tech pledge. Please stand with me and hold me to it.
EOF

echo "make-fixtures: crafted keys and signatures"
# Frank: signed on 2024-03-01 and 2024-09-01 with a key that did not expire yet; the expiry
# (2024-06-01) is set afterwards by a newer self-signature, since GnuPG refuses to sign with an
# expired key.
gat 20240101T000100 --quick-set-expire "${FPR[frank]}" "seconds=$((152 * 86400 - 60))"
# Revocations dated 2024-06-01, made by sq after the signatures above; Ken signed on 2024-09-01,
# before his (older) revocation was imported, which GnuPG would otherwise refuse.
sq_revoke grace compromised 'The secret key was compromised.'
sq_revoke heidi unspecified 'No reason given.'
sq_revoke judy superseded 'Replaced by a new key.'
sq_revoke ken retired 'This key is retired.'
S=$WORK/signed
craft no-packets "$S/base.asc" "$S/c15-no-packets.asc"
craft unknown-version "$S/base.asc" "$S/c15-unknown-version.asc"
craft standalone "$WORK/secret/alice.asc" "$S/base.asc" 2024-03-01T12:00:00Z "$S/c16-standalone.asc"
craft timestamp "$WORK/secret/alice.asc" "$S/base.asc" 2024-03-01T12:00:00Z "$S/c16-timestamp.asc"
craft swap-issuer "$S/base.asc" "${FPR[bob]: -16}" "$S/c18-swapped-issuer.asc"
craft critical-subpacket "$WORK/secret/alice.asc" "$S/base.asc" 2024-03-01T12:00:00Z "$S/c19-subpacket.asc"
craft merge "$S/good-and-bad-1.asc" "$S/good-and-bad-2.asc" "$S/good-and-bad.asc"

echo "make-fixtures: public keys"
rm -rf fixtures/keys fixtures/documents fixtures/blocks fixtures/cases.json fixtures/README.md \
  examples/keys/example-signer.asc examples/signed-post.md examples/README.md
mkdir -p fixtures/keys fixtures/documents fixtures/blocks examples/keys
export_key() { gpg --batch --armor --export "${FPR[$1]}" >"$2" 2>>"$LOG"; }
export_key alice fixtures/keys/alice.asc
export_key bob fixtures/keys/bob-rsa2048.asc
export_key carol fixtures/keys/carol-rsa4096.asc
export_key dave fixtures/keys/dave-signing-subkey.asc
craft strip-backsig "$WORK/secret/erin.asc" fixtures/keys/erin-subkey-without-backsig.asc
export_key frank fixtures/keys/frank-expired.asc
export_key grace fixtures/keys/grace-revoked-compromised.asc
export_key heidi fixtures/keys/heidi-revoked-no-reason.asc
craft revoke-no-reason "$WORK/secret/ivan.asc" "$CHANGE_DATE" fixtures/keys/ivan-revoked-without-reason-subpacket.asc
export_key judy fixtures/keys/judy-revoked-superseded.asc
export_key ken fixtures/keys/ken-revoked-retired.asc
export_key leo fixtures/keys/leo-rsa1024.asc
export_key mia fixtures/keys/mia-dsa2048.asc
export_key example examples/keys/example-signer.asc
if grep -l 'PRIVATE KEY' fixtures/keys/*.asc examples/keys/*.asc; then
  echo "make-fixtures: a secret key reached a public key file" >&2
  exit 1
fi

echo "make-fixtures: GnuPG verify home"
for k in fixtures/keys/*.asc; do
  gpg --homedir "$VERIFY_HOME" --batch --no-tty --import "$k" >>"$LOG" 2>&1
done

echo "make-fixtures: documents, cases and checks"
node scripts/fixtures/build-cases.mjs "$WORK" "$VERIFY_HOME"

echo "make-fixtures: checking the example with GnuPG"
status=$(gpg --batch --no-tty --status-fd 1 --verify examples/signed-post.md 2>>"$LOG" || true)
grep -q "^\[GNUPG:\] VALIDSIG ${FPR[example]} " <<<"$status" || {
  echo "make-fixtures: GnuPG does not verify examples/signed-post.md" >&2
  exit 1
}

echo "make-fixtures: done in $((SECONDS - START)) s"
