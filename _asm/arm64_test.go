// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/xentropy/kernel/_asm/seq"
)

var updateARM64 = flag.Bool("update-arm64", false, "write the files of the arm64 backend (while the amd64 backend cannot run)")

// genARM64Files runs the arm64 backend alone on ../kernel_generic.go.
func genARM64Files(t *testing.T) map[string][]byte {
	t.Helper()
	v, err := seq.Load(filepath.Join("..", "kernel_generic.go"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := genARM64(v)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestARM64Fresh is TestFresh for the arm64 backend alone; with
// -update-arm64 it writes the files instead.
func TestARM64Fresh(t *testing.T) {
	files := genARM64Files(t)
	for _, name := range sortedNames(files) {
		path := filepath.Join("..", name)
		if *updateARM64 {
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", path)
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(old, files[name]) {
			t.Errorf("%s is stale: go test -run TestARM64Fresh -update-arm64", name)
		}
	}
}

// TestARM64Deterministic generates twice and compares.
func TestARM64Deterministic(t *testing.T) {
	a, b := genARM64Files(t), genARM64Files(t)
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}
