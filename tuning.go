// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

// A tuning is how a tier's functions run on this CPU: the choices whose
// best value depends on the microarchitecture, measured there. Results
// are bit-identical whatever they are; only the time changes. The tunings
// of an architecture are a table in tuning_$GOARCH.go, each entry next to
// the measurement that justifies it.
type tuning struct {
	// chunk and chunkFar are the blocks of a chunk of the row-per-lane
	// functions (0: the tier's largest) for a batch whose logits take at
	// most farMin bytes, and for a larger one; farMin 0 is the size of
	// the L2 cache.
	chunk, chunkFar, farMin int
	// chunkFar16 is chunkFar for the functions of 16 columns, whose
	// blocks are 1.6 times the size of those of ten (0: chunkFar).
	chunkFar16 int
	// prefetchMin is the size in bytes of a batch's logits from which the
	// functions prefetch ahead (0: never).
	prefetchMin int
}

// tune sets the tuning fields of the record of a batch of layout l whose
// logits take bytes bytes, on tier k.
func (k *kernels) tune(a *blockArgs, bytes int, l layout) {
	t := &k.tuning
	a.chunk, a.prefetchMin = t.chunk, t.prefetchMin
	far := t.farMin
	if far == 0 {
		far = l2Bytes
	}
	chunkFar := t.chunkFar
	if l == layoutSixteen && t.chunkFar16 != 0 {
		chunkFar = t.chunkFar16
	}
	if bytes > far && chunkFar != 0 {
		a.chunk = chunkFar
	}
}
