// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// parallelBatch is a batch shared by several goroutines, each taking the
// next chunk in turn and storing its sum at the chunk's index.
type parallelBatch struct {
	batch
	sums    []float64
	next    atomic.Int64
	failure atomic.Pointer[error]
	wg      sync.WaitGroup
}

func (p *parallelBatch) worker() {
	defer p.wg.Done()
	p.work()
}

// work computes chunks until none is left. A panic (which validated input
// cannot cause) is recorded as an error wrapping ErrInternal, and stops the
// other workers at their next chunk.
func (p *parallelBatch) work() {
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("%w: %v", ErrInternal, r)
			p.failure.CompareAndSwap(nil, &err)
		}
	}()
	for {
		c := int(p.next.Add(1) - 1)
		if c >= len(p.sums) || p.failure.Load() != nil {
			return
		}
		c0 := c * ChunkRows
		p.sums[c] = p.chunk(c0, min(c0+ChunkRows, p.n))
	}
}
