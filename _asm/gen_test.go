// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"bytes"
	"os"
	"path/filepath"
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
			t.Errorf("%s is stale: it differs from what the generator emits (run make generate)", name)
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
