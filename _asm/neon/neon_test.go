// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xentropy/kernel/_asm/seq"
)

// generated runs Generate alone on the repository's kernel_generic.go.
func generated(t *testing.T) map[string][]byte {
	t.Helper()
	v, err := seq.Load(filepath.Join("..", "..", "kernel_generic.go"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(v)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRecord checks the arguments of the generated functions: each reads
// its one argument, the record pointer, into recordReg first, never writes
// recordReg again, and reads nothing else from the arguments. The one
// function that is not a block function, rowWeightSumNEON, takes w and acc
// (its frame is checked by go vet's asmdecl).
func TestRecord(t *testing.T) {
	text := string(generated(t)["kernel_arm64.s"])
	field := regexp.MustCompile(`^\(?blockArgs_[A-Za-z]+(\+` + strconv.FormatInt(sliceLen, 10) + `\))?\(` + recordReg + `\)$`)
	fn, first := "", false
	for i, line := range strings.Split(text, "\n") {
		code, _, _ := strings.Cut(line, "//")
		if strings.HasPrefix(code, "TEXT") {
			fn, first = strings.TrimSuffix(strings.Fields(code)[1], ","), true
			if fn == "·rowWeightSumNEON(SB)" {
				fn = ""
			}
			continue
		}
		if fn == "" || strings.TrimSpace(code) == "" {
			continue
		}
		if first {
			if code != loadRecord() {
				t.Errorf("%d: %s: the first instruction is %q, not %q", i+1, fn, code, loadRecord())
			}
			first = false
			continue
		}
		if strings.Contains(code, "(FP)") {
			t.Errorf("%d: %s: %q reads the arguments", i+1, fn, code)
		}
		for _, op := range strings.Split(strings.Join(strings.Fields(code)[1:], " "), ", ") {
			if strings.Contains(op, recordReg) && !field.MatchString(op) {
				t.Errorf("%d: %s: %q uses %s other than as the base of a field", i+1, fn, code, recordReg)
			}
		}
	}
}
