// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"math"
	"slices"
)

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
// or LogSumExp is wanted, once more by the exponential pass of the loss
// functions, given the row's maximum (the value of the best): twice, as by
// the loss functions. It does not allocate; on error nothing is written.
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

// topBlock is the largest number of logits of a row whose candidates are
// found by one call of the block function: the index buffer of topScratch
// has room for every one of them.
const topBlock = 4096

// topCache is the number of bytes of logits whose rows topRows passes
// first to topRow, then to the log-sum-exp pass: a part of a core's L2
// cache, and a row at a time for rows of 64 KiB or more, the next row of
// which the log-sum-exp pass of avx512 prefetches.
const topCache = 64 << 10

// topRows computes rows [r0, r1) of a TopK batch: each row's k best with
// topRow, then, when logp or LogSumExp is wanted, the log-sum-exp pass of
// the loss functions (wideLabels with the row maxima given), with the row's best as the label, on
// topCache bytes of rows at a time (at most labelBuf rows, at least one),
// which topRow has left in the cache; it may prefetch the next row, which
// its slice of logits then holds. The row's maximum m = x[best] + 0,
// which is maxRow for a row without NaN (and a NaN for a row with one), is
// given to it, so that it does not read the row for it. Its row loss is
// then ls = log(s) exactly (the loss is ls - d[l], and d[l] = x[l] - m is
// ±0 for the maximum), so that
//
//	logp[j] = (x[j] - m) - ls
//
// is LogSoftmax's element bit for bit (for a row with a NaN, or of -Inf
// only, NaN like it).
//
// A row is ranked by topRowSmall for k <= topSmallK, else by topRowShort
// when it has at most topDirect classes, else by topRow. The memory of the
// candidates (topScratch) is declared only for rows of more than topDirect
// classes: Go clears it where it is declared, once per chunk.
func (b *batch) topRows(r0, r1 int) {
	if b.c <= topDirect {
		b.topRowsIn(r0, r1, nil)
		return
	}
	var sc topScratch
	b.topRowsIn(r0, r1, &sc)
}

// topRowsIn is topRows with the memory of topRow, nil for rows of at most
// topDirect classes.
func (b *batch) topRowsIn(r0, r1 int, sc *topScratch) {
	c, k := b.c, b.top.k
	want := b.top.logp != nil || b.call.lse != nil
	var best [labelBuf]int32
	var ls, mx [labelBuf]float32
	xs := b.call.xscale
	step := min(labelBuf, max(1, topCache/(4*c)))
	for p0 := r0; p0 < r1; p0 += step {
		p1 := min(p0+step, r1)
		for i := p0; i < p1; i++ {
			x := row(b.call.logits, i, c, b.call.stride)
			switch {
			case k <= topSmallK:
				b.topRowSmall(x, b.top.idx[i*k:(i+1)*k], sc)
			case sc == nil:
				b.topRowShort(x, b.top.idx[i*k:(i+1)*k])
			default:
				b.topRow(x, b.top.idx[i*k:(i+1)*k], sc)
			}
			best[i-p0] = b.top.idx[i*k]
			mx[i-p0] = float32(x[best[i-p0]]*xs) + 0
		}
		if !want {
			continue
		}
		a := b.call.rows(p0, p1, b.call.stride)
		a.labels, a.losses, a.z, a.rowMax = best[:p1-p0], ls[:p1-p0], 0, mx[:p1-p0]
		if p1 < r1 {
			// The logits up to row p1, which topRow reads next: the
			// function computes the rows of losses, and may prefetch it.
			a.logits = rowSpan(b.call.logits, p0, p1+1, b.call.stride)
		}
		b.k.call(fnWideLabels, &a)
		if b.top.logp == nil {
			continue
		}
		for i := p0; i < p1; i++ {
			x, idx, logp := row(b.call.logits, i, c, b.call.stride), b.top.idx[i*k:(i+1)*k], b.top.logp[i*k:(i+1)*k]
			m := float32(x[idx[0]]*xs) + 0
			for j, l := range idx {
				logp[j] = (float32(x[l]*xs) - m) - ls[i-p0]
			}
		}
	}
}

// topKey is the rank of class j whose scaled logit is v as one integer:
// a key ranks above another when it is larger. Its high word orders the
// values (v + 0, so that -0 and +0 are equal, by their ordered bits; every
// NaN above +Inf and equal to the others), its low word is ^j, so that
// among equal values the lower index ranks above. Keys of distinct classes
// differ.
func topKey(v float32, j int32) uint64 {
	o := uint32(math.MaxUint32)
	if v == v {
		b := math.Float32bits(v + 0)
		o = b ^ (uint32(int32(b)>>31) | 1<<31)
	}
	return uint64(o)<<32 | uint64(^uint32(j))
}

// keyValue returns the value of the key q: v + 0 of topKey, or a NaN.
func keyValue(q uint64) float32 {
	o := uint32(q >> 32)
	switch {
	case o == math.MaxUint32:
		return float32(math.NaN())
	case o&(1<<31) != 0:
		return math.Float32frombits(o &^ (1 << 31))
	}
	return math.Float32frombits(^o)
}

// topScratch is the memory of topRow: the keys and the candidates of a
// block.
type topScratch struct {
	keys [topBuf]uint64
	cand [topBlock]int32
}

// topBuf is the capacity of topRow's buffer of keys, more than
// topSelect(k) for every k <= topHeap.
const topBuf = 2048

// topSelect is the number of keys in topRow's buffer from which it keeps
// the k best: twice k (so that a selection discards at least half of them),
// and at least 32.
func topSelect(k int) int { return max(2*k, 32) }

// topFirst is the length of topRow's first block after the first k
// logits: the blocks double from it, up to topBlock.
const topFirst = 64

// topRow writes to idx, in descending rank, the k = len(idx) best classes of
// the row x. It keeps the keys (topKey) of the classes that may be among
// them in a buffer: the first k, then the candidates the block function
// wideCandidates finds above the threshold thr, the value of the k-th best
// key so far (a class whose value is not above it ranks below k classes
// already seen: its index is larger). When the buffer holds topSelect(k)
// keys after a block, or is full within one, the k best are moved to its
// front (selectTop), the others dropped, and thr rises to the k-th. The
// blocks double in length from topFirst, so that while thr is still low
// (nearly every logit of the first block is a candidate) they are short.
func (b *batch) topRow(x []float32, idx []int32, sc *topScratch) {
	k, xs := len(idx), b.call.xscale
	if k > topHeap {
		// A large k: the heap is idx itself, with the values read again
		// from x.
		b.topRowLarge(x, idx, sc)
		return
	}
	buf := sc.keys[:k]
	low := uint64(math.MaxUint64)
	for j := range k {
		buf[j] = topKey(float32(x[j]*xs), int32(j))
		low = min(low, buf[j])
	}
	thr := keyValue(low)
	cand := sc.cand[:]
	a := b.call
	a.preds = cand
	for p0, l := k, topFirst; p0 < len(x) && thr == thr; p0, l = p0+l, min(2*l, topBlock) {
		p1 := min(p0+l, len(x))
		a.logits, a.thr = x[p0:p1], thr
		b.k.call(fnWideCandidates, &a)
		for _, j := range cand[:a.count] {
			if len(buf) == cap(buf) {
				selectTop(buf, k)
				buf = buf[:k]
				thr = keyValue(buf[k-1])
			}
			j += int32(p0)
			buf = append(buf, topKey(float32(x[j]*xs), j))
		}
		if len(buf) >= topSelect(k) {
			selectTop(buf, k)
			buf = buf[:k]
			thr = keyValue(buf[k-1])
		}
	}
	selectTop(buf, k)
	buf = buf[:k]
	slices.Sort(buf)
	for i, q := range buf {
		idx[k-1-i] = int32(^uint32(q))
	}
}

// topSmallK is the largest k for which topRowSmall ranks the rows.
const topSmallK = 16

// topRowSmall writes to idx, in descending rank, the k = len(idx) <=
// topSmallK best classes of the row x. It keeps the keys (topKey) of the k
// best so far in descending order, and a key passes down them with a
// compare-exchange at each place (the larger stays, the smaller moves on),
// without a branch on the keys. Every one of the first topFirst classes
// passes (every class when sc is nil: the rows of at most topDirect
// classes have no memory for candidates); after them, only the classes
// that the block function wideCandidates finds above the value of the
// k-th best so far, in blocks doubling from topFirst (a class whose value
// is not above it ranks below k classes already seen: its index is
// larger).
func (b *batch) topRowSmall(x []float32, idx []int32, sc *topScratch) {
	k, xs := len(idx), b.call.xscale
	var tops [topSmallK]uint64 // 0 ranks below every key
	top := tops[:k]
	first := len(x)
	if sc != nil {
		first = min(first, topFirst)
	}
	for j, v := range x[:first] {
		q := topKey(float32(v*xs), int32(j))
		for i, t := range top {
			top[i], q = max(t, q), min(t, q)
		}
	}
	if len(x) > first {
		cand := sc.cand[:]
		a := b.call
		a.preds = cand
		for p0, l := first, topFirst; p0 < len(x); p0, l = p0+l, min(2*l, topBlock) {
			thr := keyValue(top[k-1])
			if thr != thr {
				break // k NaNs: nothing later ranks above them
			}
			p1 := min(p0+l, len(x))
			a.logits, a.thr = x[p0:p1], thr
			b.k.call(fnWideCandidates, &a)
			for _, j := range cand[:a.count] {
				j += int32(p0)
				q := topKey(float32(x[j]*xs), j)
				for i, t := range top {
					top[i], q = max(t, q), min(t, q)
				}
			}
		}
	}
	for i, q := range top {
		idx[i] = int32(^uint32(q))
	}
}

// topDirect is the largest class count whose rows topRowShort ranks: for
// such a row the call of the candidates function, the selection and the
// sort of topRow cost more than ranking every class in Go.
const topDirect = 64

// topRowShort writes to idx, in descending rank, the k = len(idx) best
// classes of the row x of at most topDirect classes: the keys (topKey) of
// the k best so far, in descending order, each next class's key inserted
// where it ranks when it ranks above the k-th (the keys are distinct).
func (b *batch) topRowShort(x []float32, idx []int32) {
	k, xs := len(idx), b.call.xscale
	var top [topDirect]uint64
	n := 0 // the keys so far in top[:n]
	for j, v := range x {
		q := topKey(float32(v*xs), int32(j))
		if n == k {
			if q < top[k-1] {
				continue
			}
			n-- // the k-th leaves
		}
		i := n
		for ; i > 0 && top[i-1] < q; i-- {
			top[i] = top[i-1]
		}
		top[i] = q
		n++
	}
	for i, q := range top[:k] {
		idx[i] = int32(^uint32(q))
	}
}

// selectTop moves the k largest of the distinct keys q to q[:k], the k-th
// largest to q[k-1] (0 < k <= len(q)): a quickselect, the pivot the median
// of three, the partition without a branch on the keys (they come in no
// order: a branch on each would be mispredicted half the time).
func selectTop(q []uint64, k int) {
	lo, hi := 0, len(q) // the k-th largest is in q[lo:hi]
	for hi-lo > 4 {
		// The median of q[lo], q[m], q[hi-1] to q[hi-1].
		m := lo + (hi-lo)/2
		if q[m] > q[lo] {
			q[m], q[lo] = q[lo], q[m]
		}
		if q[hi-1] > q[lo] {
			q[hi-1], q[lo] = q[lo], q[hi-1]
		}
		if q[m] > q[hi-1] {
			q[m], q[hi-1] = q[hi-1], q[m]
		}
		p := q[hi-1]
		// The keys above p to q[lo:i], then p to q[i].
		i := lo
		for j := lo; j < hi-1; j++ {
			v := q[j]
			q[j] = q[i]
			q[i] = v
			i += b2i(v > p)
		}
		q[hi-1], q[i] = q[i], p
		switch {
		case k-1 < i:
			hi = i
		case k-1 > i:
			lo = i + 1
		default:
			return
		}
	}
	// Insertion sort of the last few (at most 4), descending.
	for i := lo + 1; i < hi; i++ {
		for j := i; j > lo && q[j] > q[j-1]; j-- {
			q[j], q[j-1] = q[j-1], q[j]
		}
	}
}

// b2i is 1 for true, 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// topHeap is the largest k whose heap is on the stack.
const topHeap = 256

// topRowLarge is topRow for k > topHeap: the heap is idx itself, indices
// ordered by the rank of their scaled logits (read again from x), sorted
// in place at the end.
func (b *batch) topRowLarge(x []float32, idx []int32, sc *topScratch) {
	k, xs := len(idx), b.call.xscale
	at := func(j int32) uint64 { return topKey(float32(x[j]*xs), j) }
	// A min-heap of indices by rank.
	less := func(p, q int) bool { return at(idx[p]) < at(idx[q]) }
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
	buf := sc.cand[:]
	a := b.call
	a.preds = buf
	for p0 := k; p0 < len(x); p0 += topBlock {
		worst := keyValue(at(idx[0]))
		if worst != worst {
			break // k NaNs: nothing later ranks above them
		}
		a.logits, a.thr = x[p0:min(p0+topBlock, len(x))], worst
		b.k.call(fnWideCandidates, &a)
		for _, j := range buf[:a.count] {
			if at(int32(p0)+j) > at(idx[0]) {
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
