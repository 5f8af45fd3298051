// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"unsafe"
)

// rows returns the number of rows of logits.
func rows(logits []float32) (int, error) {
	if len(logits)%Classes != 0 {
		return 0, fmt.Errorf("%w: len(logits) = %d", ErrShape, len(logits))
	}
	return len(logits) / Classes, nil
}

// checkOut checks an output slice of n rows that may be exactly in, or
// disjoint from it.
func checkOut(name string, out []float32, n int, in []float32) error {
	if len(out) != n*Classes {
		return fmt.Errorf("%w: len(%s) = %d for %d rows", ErrLength, name, len(out), n)
	}
	if overlaps(out, in) && &out[0] != &in[0] {
		return fmt.Errorf("%w: %s overlaps its input without being it", ErrOverlap, name)
	}
	return nil
}

// overlaps reports whether a and b share memory.
func overlaps(a, b []float32) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	a0 := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
	b0 := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(len(b))*4 && b0 < a0+uintptr(len(a))*4
}
