// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import "runtime"

// sum8 combines the eight accumulators of a chunk (docs/numerics.md §2.5).
func sum8(a *[8]float64) float64 {
	return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
}

// A kind is the kind of batch a call runs.
type kind uint8

// The kinds of batch.
const (
	kindLabels     kind = iota // labels, no options: the label kernel
	kindTargets                // dense targets, no options: the target kernel
	kindStaged                 // options: effective target rows built per block
	kindSoftmax                // Softmax
	kindLogSoftmax             // LogSoftmax
	kindArgmax                 // Argmax: preds only
	kindTopK                   // TopK (see topk.go)
	numKinds
)

// blockTable is the routing of the driver: the block function that
// computes a kind of batch in each layout (see batch.layout).
var blockTable = [numKinds][numLayouts]blockFunc{
	//               layoutTen      layoutSixteen    layoutWide
	kindLabels:     {fnXentLabels, fnXentLabels16, fnWideLabels},
	kindTargets:    {fnXentTargets, fnXentTargets16, fnWideTargets},
	kindStaged:     {fnXentTargets, fnXentTargets16, fnWideTargets},
	kindSoftmax:    {fnSoftmax, fnSoftmax16, fnWideSoftmax},
	kindLogSoftmax: {fnLogSoftmax, fnLogSoftmax16, fnWideLogSoftmax},
	kindArgmax:     {fnArgmax, fnArgmax16, fnWideArgmax},
	kindTopK:       {fnWideCandidates, fnWideCandidates, fnWideCandidates}, // and fnWideLabels: see topRows
}

// A batch is one validated call, cut into chunks of chunkRows rows that are
// computed independently (by one or several goroutines) and whose loss sums
// are added in chunk order.
type batch struct {
	k         *kernels
	kind      kind
	n         int       // rows
	c         int       // classes: Classes, or any other count
	chunkRows int       // ChunkRowsFor(c)
	hasLabels bool      // integer labels, in call.labels or wide
	wide      labelView // labels of another integer type
	norm      int       // the row losses are 2^norm times the true ones (see Options.batch)

	// call is the record of the whole batch: its slices (logits, out,
	// labels when int32, targets, losses, preds, lse) and the values of
	// every block call (c, scale, z, the staged targets' weights, keep and
	// uni). A block call is call.rows(p0, p1, c), with what the driver
	// stages in place of the caller's slices.
	call blockArgs

	// kindTopK: the outputs.
	top topOut

	// kindStaged: class weights (1 without weights, times 2^norm; for
	// c <= padCols only) and the ignored label when ignore is set.
	w           [padCols]float32
	ignore      bool
	ignoreLabel int32
}

// layout returns the layout of the block functions that compute the batch
// on its tier, the one that takes the least time at its class count
// (BenchmarkClassesSmall; see the README):
//
//   - ten classes: rows of ten columns, a row per lane; with options
//     (kindStaged) the rows are staged (see stagedChunk);
//   - 2 to 9 classes on an assembly tier: rows padded to ten columns;
//   - 11 to 16 classes on a tier with functions of 16 columns: rows padded
//     to 16;
//   - every other class count, and every count but ten on the generic
//     code (the specification): the wide functions, classes per lane.
func (b *batch) layout() layout {
	switch {
	case b.c == Classes, b.c < Classes && b.k.tier != 0:
		return layoutTen
	case b.c > Classes && b.c <= padCols && b.k.sixteen:
		return layoutSixteen
	}
	return layoutWide
}

// labelBuf is the number of labels of another type than int32 that are
// converted at a time, on the stack; a multiple of blockRows.
const labelBuf = 32 * blockRows

// labelBlock returns the int32 labels of rows [r0, r1): a part of b.call.labels,
// or the labels of b.wide converted into buf (r1-r0 <= len(buf)).
func (b *batch) labelBlock(buf []int32, r0, r1 int) []int32 {
	if b.call.labels != nil || b.n == 0 {
		return b.call.labels[r0:r1]
	}
	l := buf[:r1-r0]
	for i := range l {
		l[i] = b.wide.at(r0 + i)
	}
	return l
}

// chunk computes rows [c0, c1), c0 a multiple of b.chunkRows, and returns the
// sum of their losses: row i is added to acc[(i-c0)%8] and the eight
// accumulators are combined by sum8.
func (b *batch) chunk(c0, c1 int) float64 {
	if chunkHook != nil {
		chunkHook(c0)
	}
	var acc [8]float64
	switch l := b.layout(); {
	case b.kind == kindTopK:
		b.topRows(c0, c1)
	case l == layoutWide:
		b.wideRows(c0, c1, c0, &acc)
	case b.kind == kindStaged || b.c != Classes || b.call.stride != b.c:
		b.stagedChunk(l, c0, c1, &acc)
	case b.kind == kindLabels && b.call.labels == nil:
		// Labels of another type than int32: labelBuf rows at a time.
		var buf [labelBuf]int32
		for p0 := c0; p0 < c1; p0 += labelBuf {
			p1 := min(p0+labelBuf, c1)
			b.rows(p0, p1, b.labelBlock(buf[:], p0, p1), &acc)
		}
	default:
		var labels []int32
		if b.kind == kindLabels {
			labels = b.call.labels[c0:c1]
		}
		b.rows(c0, c1, labels, &acc)
	}
	return sum8(&acc)
}

// rows computes rows [p0, p1) of a chunk of ten classes whose accumulators
// are acc, p0 - c0 a multiple of blockRows, straight from the caller's
// slices; labels holds the labels of those rows for kindLabels.
func (b *batch) rows(p0, p1 int, labels []int32, acc *[8]float64) {
	a := b.call.rows(p0, p1, Classes)
	a.labels, a.acc = labels, acc
	b.laneRows(layoutTen, &a)
}

// laneRows computes the rows of a record of a layout of rows per lane (ten
// or 16 columns): the whole blocks of blockRows rows with the tier, the
// rest (the last rows of the batch, or of a chunk) with the generic code,
// which continues the accumulator pattern.
func (b *batch) laneRows(l layout, a *blockArgs) {
	f, cols := blockTable[b.kind][l], l.cols()
	n := len(a.logits) / cols
	whole := n / blockRows * blockRows
	if whole == n {
		b.k.call(f, a)
		return
	}
	if whole > 0 {
		h := a.rows(0, whole, cols)
		b.k.call(f, &h)
	}
	h := a.rows(whole, n, cols)
	generic.call(f, &h)
}

// chunkHook, when set by a test, runs at the start of every chunk.
var chunkHook func(c0 int)

// run computes the whole batch on up to workers goroutines (0: automatic)
// and returns the sum of its row losses: the chunk sums added in chunk
// order, whatever the number of workers.
func (b *batch) run(workers int) (float64, error) {
	b.k.tune(&b.call, 4*len(b.call.logits), b.layout())
	chunks := (b.n + b.chunkRows - 1) / b.chunkRows
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers = min(workers, chunks); workers > 1 {
		return b.parallel(workers, chunks)
	}
	var total float64
	for c0 := 0; c0 < b.n; c0 += b.chunkRows {
		total += b.chunk(c0, min(c0+b.chunkRows, b.n))
	}
	return total, nil
}
