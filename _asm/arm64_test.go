// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"path/filepath"
	"testing"

	"github.com/xentropy/kernel/_asm/seq"
)

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
