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

// A span is the memory of a slice of any element type: its address and
// its size in bytes.
type span struct {
	p    uintptr
	size uintptr
}

// spanOf returns the memory of s.
func spanOf[T any](s []T) span {
	var zero T
	return span{uintptr(unsafe.Pointer(unsafe.SliceData(s))), uintptr(len(s)) * unsafe.Sizeof(zero)}
}

// overlaps reports whether a and b share memory.
func overlaps(a, b []float32) bool { return spanOf(a).overlaps(spanOf(b)) }

// overlaps reports whether a and b share memory.
func (a span) overlaps(b span) bool {
	if a.size == 0 || b.size == 0 {
		return false
	}
	return a.p < b.p+b.size && b.p < a.p+a.size
}

// overlapsAny reports whether a shares memory with one of bs.
func (a span) overlapsAny(bs ...span) bool {
	for _, b := range bs {
		if a.overlaps(b) {
			return true
		}
	}
	return false
}
