#!/bin/sh
# Copyright 2026 The xentropy Authors. All rights reserved.
# Use of this source code is governed by a BSD-style license that can be
# found in the LICENSE file.

# check.sh verifies that every "WORD $0x........ // mnemonic" line of an
# arm64 assembly file encodes the GNU mnemonic in its comment: it assembles
# the mnemonics with the GNU assembler and compares the words in order.
#
#	internal/neonwords/check.sh [-w] [file.s]    (default: kernel_arm64.s)
#
# With -w it rewrites the words from the comments instead (after editing a
# mnemonic). Needs aarch64-linux-gnu-as and aarch64-linux-gnu-objdump
# (Debian: binutils-aarch64-linux-gnu). Exit status 0 when every word
# matches, 1 on a mismatch, 2 when the tools are missing.
set -eu

write=0
if [ "${1:-}" = "-w" ]; then
	write=1
	shift
fi
file=${1:-kernel_arm64.s}
AS=${AS:-aarch64-linux-gnu-as}
OBJDUMP=${OBJDUMP:-aarch64-linux-gnu-objdump}
for tool in "$AS" "$OBJDUMP"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "check.sh: $tool not found (apt-get install binutils-aarch64-linux-gnu)" >&2
		exit 2
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The WORD lines: the word, then the comment.
grep -n '^[[:space:]]*WORD[[:space:]]' "$file" >"$tmp/lines" || true
if ! [ -s "$tmp/lines" ]; then
	echo "check.sh: no WORD lines in $file" >&2
	exit 1
fi
if grep -v '^[0-9]*:[[:space:]]*WORD[[:space:]]*\$0x[0-9a-fA-F]\{8\}[[:space:]]*//[[:space:]]*[a-z]' "$tmp/lines" >"$tmp/bad"; then
	echo "check.sh: WORD lines without the form WORD \$0x........ // mnemonic:" >&2
	cat "$tmp/bad" >&2
	exit 1
fi
sed 's|^[^/]*//[[:space:]]*||' "$tmp/lines" >"$tmp/a.s"
"$AS" -o "$tmp/a.o" "$tmp/a.s"
"$OBJDUMP" -d "$tmp/a.o" |
	sed -n 's/^[[:space:]]*[0-9a-f]*:[[:space:]]*\([0-9a-f]\{8\}\)[[:space:]].*/\1/p' >"$tmp/want"
sed 's/^\([0-9]*\):[[:space:]]*WORD[[:space:]]*\$0x\([0-9a-fA-F]\{8\}\).*/\1 \2/' "$tmp/lines" >"$tmp/have"
n=$(wc -l <"$tmp/have")
if [ "$(wc -l <"$tmp/want")" -ne "$n" ]; then
	echo "check.sh: $n WORD lines but $(wc -l <"$tmp/want") assembled instructions" >&2
	exit 1
fi

if [ "$write" = 1 ]; then
	paste -d ' ' "$tmp/have" "$tmp/want" | awk '{print $1, $3}' >"$tmp/map"
	awk 'NR == FNR { w[$1] = $2; next }
		(FNR in w) { sub(/\$0x[0-9a-fA-F]+/, "$0x" w[FNR]) }
		{ print }' "$tmp/map" "$file" >"$tmp/new"
	cat "$tmp/new" >"$file"
	echo "check.sh: $n words written in $file"
	exit 0
fi

paste -d ' ' "$tmp/have" "$tmp/want" "$tmp/a.s" | awk -v f="$file" '
	tolower($2) != $3 {
		bad++
		line = $0
		sub(/^[^ ]* [^ ]* [^ ]* /, "", line)
		printf "%s:%s: WORD $0x%s, but %s is $0x%s\n", f, $1, $2, line, $3
	}
	END { exit bad > 0 }' || { echo "check.sh: FAIL" >&2; exit 1; }
echo "check.sh: $n WORDs in $file match their mnemonics"
