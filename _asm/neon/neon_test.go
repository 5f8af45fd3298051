// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import (
	"path/filepath"
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
