// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import "fmt"

// TopK writes, for each row of logits (row-major [N][10]), the indices of
// its k largest logits to idx (row-major [N][k]) in descending order, ties
// to the lower index; NaNs rank above every number, in index order, so
// idx[i·k] is what Argmax returns for row i. When logp is not nil it
// receives their log-probabilities (row-major [N][k]), each bit-identical to
// the element LogSoftmax writes for that class. It is Options{}.TopK.
func TopK(idx []int32, logp []float32, logits []float32, k int) error {
	return Options{}.TopK(idx, logp, logits, k)
}

// TopK is the package-level TopK for rows of o.Classes classes (1 <= k <=
// C), computed with o.Workers on the logits multiplied by o.Scale; when
// o.LogSumExp is not nil it receives each row's log-sum-exp, as the loss
// functions write it. The other fields of Options do not apply. A row's
// logits are read once to find the candidates (a pass that keeps the
// indices of the logits above the k-th largest seen so far) and, when logp
// or LogSumExp is wanted, once more by the log-sum-exp pass of the loss
// functions. It does not allocate; on error nothing is written.
func (o Options) TopK(idx []int32, logp []float32, logits []float32, k int) error {
	if err := o.checkShared(); err != nil {
		return err
	}
	c := o.classes()
	n, err := o.rows(logits)
	if err != nil {
		return err
	}
	if k < 1 || k > c {
		return fmt.Errorf("%w: k = %d for %d classes (1 to %d)", ErrOption, k, c, c)
	}
	if len(idx) != n*k {
		return fmt.Errorf("%w: len(idx) = %d for %d rows of %d", ErrLength, len(idx), n, k)
	}
	if logp != nil && len(logp) != n*k {
		return fmt.Errorf("%w: len(logp) = %d for %d rows of %d", ErrLength, len(logp), n, k)
	}
	if e := o.LogSumExp; e != nil && len(e) != n {
		return fmt.Errorf("%w: %d log-sum-exps for %d rows", ErrLength, len(e), n)
	}
	if spanOf(idx).overlapsAny(spanOf(logits), spanOf(logp), spanOf(o.LogSumExp)) ||
		spanOf(logp).overlapsAny(spanOf(logits), spanOf(o.LogSumExp)) || overlaps(o.LogSumExp, logits) {
		return fmt.Errorf("%w: idx, logp, LogSumExp and logits", ErrOverlap)
	}
	var b batch
	o.newBatch(&b, kindTopK, n)
	b.call.logits, b.call.lse = logits, o.LogSumExp
	b.top = topOut{idx: idx, logp: logp, k: k}
	_, err = b.run(o.Workers)
	return err
}

// topOut holds the outputs of a TopK batch.
type topOut struct {
	idx  []int32
	logp []float32
	k    int
}

// topBlock is the number of logits of a row whose candidates are found by
// one call of the block function: the index buffer on the stack has room
// for every one of them.
const topBlock = 1024

// topRows computes rows [r0, r1) of a TopK batch: each row's k best with
// topRow, then, when logp or LogSumExp is wanted, the log-sum-exp pass of
// the loss functions on labelBuf rows at a time, with the row's best as the
// label. Its row loss is then ls = log(s) exactly (the loss is ls - d[l],
// and d[l] = x[l] - m is ±0 for the maximum), so that
//
//	logp[j] = (x[j] - m) - ls,  m = x[best] + 0
//
// is LogSoftmax's element bit for bit (for a row with a NaN, or of -Inf
// only, NaN like it).
func (b *batch) topRows(r0, r1 int) {
	c, k := b.c, b.top.k
	want := b.top.logp != nil || b.call.lse != nil
	var best [labelBuf]int32
	var ls [labelBuf]float32
	for p0 := r0; p0 < r1; p0 += labelBuf {
		p1 := min(p0+labelBuf, r1)
		for i := p0; i < p1; i++ {
			b.topRow(row(b.call.logits, i, c, b.call.stride), b.top.idx[i*k:(i+1)*k])
			best[i-p0] = b.top.idx[i*k]
		}
		if !want {
			continue
		}
		a := b.call.rows(p0, p1, b.call.stride)
		a.labels, a.losses, a.z = best[:p1-p0], ls[:p1-p0], 0
		b.k.call(fnWideLabels, &a)
		if b.top.logp == nil {
			continue
		}
		xs := b.call.xscale
		for i := p0; i < p1; i++ {
			x, idx, logp := row(b.call.logits, i, c, b.call.stride), b.top.idx[i*k:(i+1)*k], b.top.logp[i*k:(i+1)*k]
			m := float32(x[idx[0]]*xs) + 0
			for j, l := range idx {
				logp[j] = (float32(x[l]*xs) - m) - ls[i-p0]
			}
		}
	}
}

// A top is a class and its scaled logit, ranked by above.
type top struct {
	v float32
	j int32
}

// above reports whether a ranks above b: a NaN above every number (the
// lower index first among NaNs), else the larger value, the lower index
// first among equal values (-0 and +0 are equal).
func (a top) above(b top) bool {
	an, bn := a.v != a.v, b.v != b.v
	switch {
	case an || bn:
		return an && (!bn || a.j < b.j)
	case a.v != b.v:
		return a.v > b.v
	}
	return a.j < b.j
}

// topRow writes to idx, in descending rank, the len(idx) best classes of
// the row x: a min-heap (by rank) of the best so far, and the logits that
// may enter it found by the block function wideCandidates, topBlock logits
// at a time, above the heap's worst value. Every candidate is checked
// again here: within a block the threshold rises as candidates enter.
func (b *batch) topRow(x []float32, idx []int32) {
	k, xs := len(idx), b.call.xscale
	var heap [topHeap]top
	h := heap[:0]
	if k > topHeap {
		// A large k: the heap is idx itself, with the values read again
		// from x.
		b.topRowLarge(x, idx)
		return
	}
	for j := range k {
		h = append(h, top{float32(x[j] * xs), int32(j)})
		siftUp(h, len(h)-1)
	}
	var buf [topBlock]int32
	a := b.call
	a.preds = buf[:]
	for p0 := k; p0 < len(x) && h[0].v == h[0].v; p0 += topBlock {
		a.logits, a.thr = x[p0:min(p0+topBlock, len(x))], h[0].v
		b.k.call(fnWideCandidates, &a)
		for _, j := range buf[:a.count] {
			if t := (top{float32(x[p0+int(j)] * xs), int32(p0) + j}); t.above(h[0]) {
				h[0] = t
				siftDown(h, 0)
			}
		}
	}
	// Sorted by descending rank: the worst out first, to the end.
	for n := k; n > 0; n-- {
		idx[n-1] = h[0].j
		h[0] = h[n-1]
		siftDown(h[:n-1], 0)
	}
}

// topHeap is the largest k whose heap is on the stack.
const topHeap = 256

// topRowLarge is topRow for k > topHeap: the heap is idx itself, indices
// ordered by the rank of their scaled logits (read again from x), sorted
// in place at the end.
func (b *batch) topRowLarge(x []float32, idx []int32) {
	k, xs := len(idx), b.call.xscale
	at := func(j int32) top { return top{float32(x[j] * xs), j} }
	// A min-heap of indices by rank.
	less := func(p, q int) bool { return at(idx[q]).above(at(idx[p])) }
	down := func(h []int32, i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			if r := l + 1; r < len(h) && less(r, l) {
				l = r
			}
			if !less(l, i) {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for j := range k {
		idx[j] = int32(j)
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(idx, i)
	}
	var buf [topBlock]int32
	a := b.call
	a.preds = buf[:]
	for p0 := k; p0 < len(x); p0 += topBlock {
		worst := at(idx[0])
		if worst.v != worst.v {
			break // k NaNs: nothing later ranks above them
		}
		a.logits, a.thr = x[p0:min(p0+topBlock, len(x))], worst.v
		b.k.call(fnWideCandidates, &a)
		for _, j := range buf[:a.count] {
			if at(int32(p0) + j).above(at(idx[0])) {
				idx[0] = int32(p0) + j
				down(idx, 0)
			}
		}
	}
	// Heap sort: the worst to the end.
	for n := k - 1; n > 0; n-- {
		idx[0], idx[n] = idx[n], idx[0]
		down(idx[:n], 0)
	}
}

// siftUp and siftDown keep h a min-heap by rank: h[0] is the worst.
func siftUp(h []top, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[p].above(h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown(h []top, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		if r := l + 1; r < len(h) && h[l].above(h[r]) {
			l = r
		}
		if !h[i].above(h[l]) {
			return
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
}
