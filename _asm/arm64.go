// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

import (
	"errors"

	"github.com/xentropy/kernel/_asm/seq"
)

// genARM64 returns kernel_arm64.s and kernel_arm64_stubs.go.
func genARM64(v *seq.Values) (map[string][]byte, error) {
	return nil, errors.New("arm64 backend: not written yet")
}
