// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFresh regenerates every file in memory and fails while a checked-in
// copy differs: after an edit of kernel_generic.go or of the generator, run
// make generate.
func TestFresh(t *testing.T) {
	files, err := generate("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedNames(files) {
		old, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Errorf("%s: %v (run make generate)", name, err)
			continue
		}
		if !bytes.Equal(old, files[name]) {
			t.Errorf("%s is stale: it differs from what the generator emits (run make generate):\n%s", name, diff(old, files[name]))
		}
	}
}

// TestDeterministic generates twice and compares: map order, time or the
// environment must not leak into the output.
func TestDeterministic(t *testing.T) {
	a, err := generate("..")
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate("..")
	if err != nil {
		t.Fatal(err)
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// diff returns the first lines where the checked-in file old and the
// generated file new differ, with three lines of context, in the form of
// a unified diff hunk (at most 40 lines).
func diff(old, new []byte) string {
	a, b := strings.Split(string(old), "\n"), strings.Split(string(new), "\n")
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	ea, eb := len(a), len(b)
	for ea > i && eb > i && a[ea-1] == b[eb-1] {
		ea, eb = ea-1, eb-1
	}
	from := max(0, i-3)
	var out strings.Builder
	fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@ (checked in, generated)\n", from+1, ea-from, from+1, eb-from)
	lines := 0
	emit := func(prefix, line string) {
		if lines++; lines <= 40 {
			out.WriteString(prefix + line + "\n")
		}
	}
	for _, l := range a[from:i] {
		emit(" ", l)
	}
	for _, l := range a[i:ea] {
		emit("-", l)
	}
	for _, l := range b[i:eb] {
		emit("+", l)
	}
	if lines > 40 {
		fmt.Fprintf(&out, "... %d more lines\n", lines-40)
	}
	return out.String()
}
