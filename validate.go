// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"unsafe"
)

// rows returns the number of rows of logits of c classes.
func rows(logits []float32, c int) (int, error) {
	if len(logits)%c != 0 {
		return 0, fmt.Errorf("%w: len(logits) = %d for %d classes", ErrShape, len(logits), c)
	}
	return len(logits) / c, nil
}

// checkOut checks an output slice of n rows that has the length of in and
// may be exactly in, or disjoint from it.
func checkOut(name string, out []float32, n int, in []float32) error {
	if len(out) != len(in) {
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
