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

var update = flag.Bool("update", false, "write the amd64 files (kernel_amd64.s, kernel_amd64_stubs.go) to the repository root")

// TestAMD64Fresh is TestFresh for the amd64 backend alone, so that it can
// be checked (and, with -update, written) while another backend is not
// ready: go test -run AMD64 -update.
func TestAMD64Fresh(t *testing.T) {
	v, err := seq.Load(filepath.Join("..", "kernel_generic.go"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := genAMD64(v)
	if err != nil {
		t.Fatal(err)
	}
	again, err := genAMD64(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedNames(files) {
		if !bytes.Equal(files[name], again[name]) {
			t.Errorf("%s differs between two runs", name)
		}
		path := filepath.Join("..", name)
		if *update {
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v (run go test -run AMD64 -update)", name, err)
			continue
		}
		if !bytes.Equal(old, files[name]) {
			t.Errorf("%s is stale: it differs from what genAMD64 emits", name)
		}
	}
}
