// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import (
	"encoding/binary"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

// decode returns the GNU syntax of w as golang.org/x/arch/arm64asm prints
// it, normalised to the spelling of the comments (binutils'):
//
//   - arm64asm prints the zero of the floating-point compares with zero
//     as "#0", binutils as "#0.0".
//
// Register and arrangement spellings (v1.4s, v31.s[2], 16b, 2d) agree.
func decode(w uint32) (string, error) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w)
	in, err := arm64asm.Decode(b[:])
	if err != nil {
		return "", err
	}
	s := arm64asm.GNUSyntax(in)
	if strings.HasPrefix(s, "fcm") && strings.HasSuffix(s, ", #0") {
		s += ".0"
	}
	return s, nil
}

var wordLine = regexp.MustCompile(`^\s*WORD\s+\$0x([0-9a-f]{8})\s+//\s+(.*)$`)

// checkWords decodes every WORD line of an assembly file.
func checkWords(t *testing.T, name string, text []byte) {
	n := 0
	for i, line := range strings.Split(string(text), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "WORD") {
			continue
		}
		m := wordLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s:%d: not of the form WORD $0x........ // mnemonic: %q", name, i+1, line)
			continue
		}
		w, _ := strconv.ParseUint(m[1], 16, 32)
		got, err := decode(uint32(w))
		if err != nil {
			t.Errorf("%s:%d: %s does not decode: %v", name, i+1, m[1], err)
			continue
		}
		if got != strings.TrimSpace(m[2]) {
			t.Errorf("%s:%d: %s decodes to %q, comment says %q", name, i+1, m[1], got, m[2])
		}
		n++
	}
	if n == 0 {
		t.Errorf("%s: no WORD", name)
	}
	t.Logf("%s: %d WORDs match their comments", name, n)
}

// TestWordsGenerated checks the words of the generated kernel_arm64.s.
func TestWordsGenerated(t *testing.T) {
	files := generated(t)
	checkWords(t, "kernel_arm64.s (generated)", files["kernel_arm64.s"])
}

// TestEncoders checks every encoder on every register number (and element
// index) against the decoder.
func TestEncoders(t *testing.T) {
	check := func(w word) {
		t.Helper()
		got, err := decode(w.bits)
		if err != nil {
			t.Fatalf("%08x (%s): %v", w.bits, w.gnu, err)
		}
		if got != w.gnu {
			t.Fatalf("%08x decodes to %q, encoder says %q", w.bits, got, w.gnu)
		}
	}
	for _, f := range []threeSame{fadd4s, fsub4s, fmul4s, fdiv4s, fmax4s, fcmgt4s, fcmge4s, fcmeq4s, fadd2d, bic16b, orn16b, faddp4s, fmaxp4s} {
		for r := range 32 * 32 * 32 {
			check(f.enc(r&31, r>>5&31, r>>10))
		}
	}
	for _, f := range []twoMisc{fcmeqz4s, scvtf4s, fcvtl2d, fcvtl22d, cmeqz4s} {
		for r := range 32 * 32 {
			check(f.enc(r&31, r>>5))
		}
	}
	for r := range 32 * 32 {
		check(fmaxv4s.enc(r&31, r>>5))
		check(uminv4s.enc(r&31, r>>5))
	}
	for d := range 32 {
		for imm := range 256 {
			check(movi4s(d, imm))
		}
	}
	for r := range 32 * 32 * 32 {
		for i := range 4 {
			check(fmulElem4s.enc(r&31, r>>5&31, r>>10, i))
		}
	}
}
