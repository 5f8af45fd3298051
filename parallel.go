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

// The state of parallel calls is reused, so that a call does not allocate
// once the pool holds a parallelBatch with room for its chunk sums.
var parallelBatches = sync.Pool{New: func() any { return new(parallelBatch) }}

// handoff passes a parallelBatch to a goroutine started by parallel. The
// goroutine is started with no argument (a function value with a captured
// variable would be allocated at every call) and receives the batch here.
// Each call sends exactly one value per goroutine it has started, so every
// goroutine receives one and ends after its work; which call's goroutine
// receives which batch does not matter.
var handoff = make(chan *parallelBatch, 64)

func parallelWorker() {
	p := <-handoff
	defer p.wg.Done()
	p.work()
}

// parallel computes the batch on workers goroutines (the caller's and
// workers-1 others).
func (b *batch) parallel(workers, chunks int) (float64, error) {
	p := parallelBatches.Get().(*parallelBatch)
	p.batch = *b
	if cap(p.sums) < chunks {
		p.sums = make([]float64, chunks)
	}
	p.sums = p.sums[:chunks]
	p.next.Store(0)
	p.failure.Store(nil)
	p.wg.Add(workers - 1)
	for range workers - 1 {
		go parallelWorker()
		handoff <- p
	}
	p.work()
	p.wg.Wait()
	var total float64
	for _, s := range p.sums {
		total += s
	}
	var err error
	if e := p.failure.Load(); e != nil {
		total, err = 0, *e
	}
	p.batch = batch{} // drop the caller's slices
	parallelBatches.Put(p)
	return total, err
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
		c0 := c * p.chunkRows
		p.sums[c] = p.chunk(c0, min(c0+p.chunkRows, p.n))
	}
}
