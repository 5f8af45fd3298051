// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"math"
	"runtime"
)

// sum8 combines the eight accumulators of a chunk (numerics.md §2.5).
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
)

// A batch is one validated call, cut into chunks of chunkRows rows that are
// computed independently (by one or several goroutines) and whose loss sums
// are added in chunk order.
type batch struct {
	k         *kernels
	kind      kind
	n         int // rows
	c         int // classes: Classes, or any other count (see anyChunk)
	chunkRows int // ChunkRowsFor(c)
	grad      []float32
	logits    []float32
	hasLabels bool      // integer labels, in labels or wide
	labels    []int32   // int32 labels
	wide      labelView // labels of another integer type
	tgts      []float32 // kindTargets, kindStaged with targets
	losses    []float32
	scale     float32
	norm      int // the row losses are 2^norm times the true ones (see Options.batch)

	// The fused outputs (nil when not requested) and the z-loss
	// coefficient (0: none).
	preds []int32
	lse   []float32
	z     float32

	// kindStaged: class weights (1 without weights, times 2^norm; for
	// c <= padCols only), the caller's weights (nil: none), 1-ε and ε/c, and the
	// ignored label when ignore is set.
	w           [padCols]float32
	weights     []float32
	keep, uni   float32
	ignore      bool
	ignoreLabel int32
}

// newBatch returns a batch of n rows of c classes for the implementation
// in use.
func newBatch(kind kind, n, c int) batch {
	return batch{k: active.Load(), kind: kind, n: n, c: c, chunkRows: ChunkRowsFor(c)}
}

// labelBuf is the number of labels of another type than int32 that are
// converted at a time, on the stack; a multiple of blockRows.
const labelBuf = 32 * blockRows

// labelBlock returns the int32 labels of rows [r0, r1): a part of b.labels,
// or the labels of b.wide converted into buf (r1-r0 <= len(buf)).
func (b *batch) labelBlock(buf []int32, r0, r1 int) []int32 {
	if b.labels != nil || b.n == 0 {
		return b.labels[r0:r1]
	}
	l := buf[:r1-r0]
	for i := range l {
		l[i] = b.wide.at(r0 + i)
	}
	return l
}

// chunk computes rows [c0, c1), c0 a multiple of b.chunkRows, and returns the
// sum of their losses: row i is added to acc[(i-c0)%8] and the eight
// accumulators are combined by sum8. Whole blocks of blockRows rows go to
// b.k, the last rows of the batch to the generic code, which continues the
// accumulator pattern.
func (b *batch) chunk(c0, c1 int) float64 {
	if chunkHook != nil {
		chunkHook(c0)
	}
	if b.c > Classes && !(b.c <= padCols && b.k.sixteen) || b.c < Classes && b.k.tier == 0 {
		// The wide block functions, classes per lane: the class counts
		// above 10 (above 16 on a tier with functions of 16 columns), and
		// the generic code's below (the specification).
		return b.anyChunk(c0, c1)
	}
	// Other class counts: rows padded to ten (or 16) columns, rows per
	// lane, which take less time than the wide functions at every class
	// count from 2 to 16 (BenchmarkClassesSmall; see the README).
	if b.kind == kindStaged || b.c != Classes {
		return b.stagedChunk(c0, c1)
	}
	var acc [8]float64
	if b.kind == kindLabels && b.labels == nil {
		// Labels of another type than int32: labelBuf rows at a time.
		var buf [labelBuf]int32
		for p0 := c0; p0 < c1; p0 += labelBuf {
			p1 := min(p0+labelBuf, c1)
			b.rows(p0, p1, b.labelBlock(buf[:], p0, p1), &acc)
		}
		return sum8(&acc)
	}
	var labels []int32
	if b.kind == kindLabels {
		labels = b.labels[c0:c1]
	}
	b.rows(c0, c1, labels, &acc)
	return sum8(&acc)
}

// rows computes rows [p0, p1) of a chunk whose accumulators are acc, p0 - c0
// a multiple of blockRows; labels holds the labels of those rows for
// kindLabels.
func (b *batch) rows(p0, p1 int, labels []int32, acc *[8]float64) {
	var t []float32
	if b.kind == kindTargets {
		t = b.tgts[p0*Classes : p1*Classes]
	}
	b.tenRows(b.logits[p0*Classes:p1*Classes], part(b.grad, p0, p1, Classes), labels, t,
		part(b.losses, p0, p1, 1), part(b.preds, p0, p1, 1), part(b.lse, p0, p1, 1), acc)
}

// tenRows computes the rows of ten columns x (outputs g, losses, preds and
// lse, each nil or of x's rows; labels or targets t for the loss kinds;
// row i's loss added to acc[i%8]) with the ten-class block functions:
// whole blocks of blockRows rows with b.k, the rest (the last rows of the
// batch) with the generic code, which continues the accumulator pattern.
func (b *batch) tenRows(x, g []float32, labels []int32, t, losses []float32, preds []int32, lse []float32, acc *[8]float64) {
	n := len(x) / Classes
	whole := n / blockRows * blockRows
	for _, r := range [2][2]int{{0, whole}, {whole, n}} {
		r0, r1 := r[0], r[1]
		if r0 == r1 {
			continue
		}
		k := b.k
		if r1 != whole {
			k = generic
		}
		a := blockArgs{logits: x[r0*Classes : r1*Classes], out: part(g, r0, r1, Classes),
			losses: part(losses, r0, r1, 1), preds: part(preds, r0, r1, 1), lse: part(lse, r0, r1, 1),
			acc: acc, scale: b.scale, z: b.z}
		switch b.kind {
		case kindLabels:
			a.labels = labels[r0:r1]
		case kindTargets, kindStaged:
			a.targets = t[r0*Classes : r1*Classes]
		}
		k.call(fn(layoutTen, b.kind.op()), &a)
	}
}

// stagedBlock is the number of rows stagedChunk stages at a time: a
// multiple of the largest block of any tier (avx512's 16 rows), large
// enough that the calls of the block functions cost little per row, small
// enough that the staged rows stay in the L1 cache.
const stagedBlock = 16 * blockRows

// padCols is the width of the padded rows of 11 to 16 classes, on a tier
// with functions of 16 columns (kernels.sixteen).
const padCols = 16

// stagedChunk computes rows [c0, c1) of a batch whose rows the ten-class
// block functions cannot take as they are: the options path of ten
// classes (weights, label smoothing, ignored labels), every kind of batch
// of c < 10 classes on an assembly tier, and of 11 to 16 classes on a tier
// with functions of 16 columns. For each stagedBlock rows it builds on the
// stack what the ten-class (or 16-column) functions take:
//
//   - for c != 10, each row padded to pw = 10 (c < 10) or 16 (c > 10)
//     columns: the logits with -Inf, the targets with -0 (see padRows for
//     why this gives the bits of the c-class specification); the outputs
//     are written to a padded block and their first c columns copied out;
//   - with options, the effective target rows
//     a[j] = w[j]·((1-ε)·t[j] + ε/c),
//     where t is the one-hot row of the label or the caller's target row,
//     and -0 in the padded columns; for an ignored row, a row of zero
//     logits with zero targets, whose loss and gradient are exactly +0
//     (with a z-loss too: it is weighted by T = 0). The prediction and the
//     log-sum-exp of an ignored row are those of its logits: they are
//     computed by the generic code before the kernel runs (which may
//     overwrite the logits with the gradient) and replace what the kernel
//     wrote for the row of zeros.
//
// The functions of 16 columns take whole blocks of blockRows rows only:
// the last rows of a chunk that do not fill one go to anyRows, the wide
// functions, which continue the accumulator pattern.
func (b *batch) stagedChunk(c0, c1 int) float64 {
	var acc [8]float64
	var xs, gs, ts [stagedBlock * padCols]float32
	var buf [stagedBlock]int32
	var ipred [stagedBlock]int32
	var ilse [stagedBlock]float32
	c := b.c
	pw, end := Classes, c1
	if c > Classes {
		pw = padCols
		end = c0 + (c1-c0)/blockRows*blockRows
	}
	padded := c != Classes
	negInf, negZero := math.Float32frombits(negInfBits), float32(math.Copysign(0, -1))
	// The effective target rows of a label: zero everywhere but one at
	// the label, the padded columns -0.
	keep, uni := b.keep, b.uni
	var zero, one [padCols]float32
	for j := range pw {
		zero[j], one[j] = negZero, negZero
		if j < c {
			zero[j] = float32(b.w[j] * (float32(keep*0) + uni))
			one[j] = float32(b.w[j] * (float32(keep*1) + uni))
		}
	}
	zero10 := [Classes]float32(zero[:])
	if padded {
		// The padded columns, which only an ignored row changes.
		fillPads(xs[:], c, pw, negInf)
		fillPads(ts[:], c, pw, negZero)
	}
	for b0 := c0; b0 < end; b0 += stagedBlock {
		b1 := min(b0+stagedBlock, end)
		n := b1 - b0
		x := b.logits[b0*c : b1*c]
		g := part(b.grad, b0, b1, c)
		if padded {
			padRows(xs[:n*pw], x, c, pw)
			x = xs[:n*pw]
			if g != nil {
				g = gs[:n*pw]
			}
		}
		var labels []int32
		if b.hasLabels {
			labels = b.labelBlock(buf[:], b0, b1)
		}
		var t []float32
		ignored := false
		switch b.kind {
		case kindTargets:
			t = ts[:n*pw]
			padRows(t, b.tgts[b0*c:b1*c], c, pw)
		case kindStaged:
			t = ts[:n*pw]
			for i := range n {
				trow := t[i*pw : (i+1)*pw]
				if b.ignore && labels[i] == b.ignoreLabel {
					clear(trow)
					fillPads(trow, c, pw, negZero)
					ignored = true
					continue
				}
				if labels != nil {
					if pw == padCols {
						*(*[padCols]float32)(trow) = zero
					} else {
						*(*[Classes]float32)(trow) = zero10
					}
					trow[labels[i]] = one[labels[i]]
					continue
				}
				tr := b.tgts[(b0+i)*c : (b0+i+1)*c]
				for j, wj := range b.w[:c] {
					trow[j] = float32(wj * (float32(keep*tr[j]) + uni))
				}
			}
		}
		if ignored {
			if !padded {
				copy(xs[:], x)
				x = xs[:len(x)]
			}
			for i := range n {
				if labels[i] != b.ignoreLabel {
					continue
				}
				row := b.logits[(b0+i)*c : (b0+i+1)*c]
				if b.preds != nil {
					ipred[i] = argmaxRow(row)
				}
				if b.lse != nil {
					ilse[i] = lseOf(row)
				}
				clear(x[i*pw : (i+1)*pw])
			}
		}
		losses := part(b.losses, b0, b1, 1)
		preds, lse := part(b.preds, b0, b1, 1), part(b.lse, b0, b1, 1)
		if pw == padCols {
			b.rows16(x, g, labels, t, losses, preds, lse, &acc)
		} else {
			b.tenRows(x, g, labels, t, losses, preds, lse, &acc)
		}
		if padded && g != nil {
			unpadRows(b.grad[b0*c:b1*c], g, c, pw)
		}
		if ignored {
			for i := range n {
				if labels[i] != b.ignoreLabel {
					continue
				}
				if padded {
					fillPads(x[i*pw:(i+1)*pw], c, pw, negInf)
				}
				if preds != nil {
					preds[i] = ipred[i]
				}
				if lse != nil {
					lse[i] = ilse[i]
				}
			}
		}
		if b.norm != 0 {
			for i, l := range losses {
				losses[i] = float32(math.Ldexp(float64(l), -b.norm))
			}
		}
	}
	if end < c1 {
		b.anyRows(end, c1, c0, &acc)
	}
	return sum8(&acc)
}

// rows16 computes the rows of 16 columns x (outputs g, losses, preds and
// lse, each nil or of x's rows; labels or targets t for the loss kinds;
// row i's loss added to acc[i%8]), whole blocks of blockRows rows, with the
// tier's functions of 16 columns.
func (b *batch) rows16(x, g []float32, labels []int32, t, losses []float32, preds []int32, lse []float32, acc *[8]float64) {
	a := blockArgs{logits: x, out: g, labels: labels, targets: t, losses: losses, preds: preds, lse: lse,
		acc: acc, scale: b.scale, z: b.z}
	b.k.call(fn(layoutSixteen, b.kind.op()), &a)
}

// fillPads sets the columns c to pw-1 of the rows of pw floats of dst to
// fill.
func fillPads(dst []float32, c, pw int, fill float32) {
	for i := range len(dst) / pw {
		for j := c; j < pw; j++ {
			dst[i*pw+j] = fill
		}
	}
}

// padRows copies the rows of c floats of src to the first c columns of the
// rows of pw > c floats of dst (pw = 10, or 16 for c > 10), whose other
// columns (see fillPads) the caller sets.
//
// A row of c logits padded with -Inf, with targets padded with -0, gives in
// its first c columns the bits of the c-class specification (xentLabelsRowC,
// xentTargetsRowC, softmaxRowC, logSoftmaxRowC, argmaxRow, the log-sum-exp)
// under the pw-class one (the ten-class functions, or the row functions with
// c = 16):
//
//   - the maximum m is the same for a row without NaN (a row with a NaN is
//     NaN everywhere whatever m is), so are d[j] and e[j];
//   - classSum.total(c) is the tree of classSum.total(pw) (sum10 for pw =
//     10) with the leaves c to pw-1 left out, and a padded leaf that is an
//     identity of the addition gives the same sum: -0 (x + -0 is x for
//     every x) for the targets of T; e = exp(-Inf - m) = +0 for s, whose
//     partial sums are never -0; for D, a padded term is +0 (the term of a
//     zero target), which changes D only where the specification's D is
//     -0: then every real term is -0, so every t[j] is non-zero and x[j] =
//     m, s = c and log(s)·T is not -0 (T, a sum of non-zero terms, is not
//     -0), and log(s)·T - D is the same for D = ±0;
//   - the sum of the logits of logSumExp's special case is -Inf for the
//     padded row exactly where the real row's is (m = -Inf: only -Inf, or a
//     NaN and a NaN sum);
//   - the first maximum and the first NaN of argmax are real columns: a
//     padded -Inf equals m only when every real logit is -Inf.
func padRows(dst, src []float32, c, pw int) {
	copyRows(dst, pw, src, c, len(src)/c, c)
}

// unpadRows copies the first c columns of the rows of pw > c floats of src
// to the rows of c floats of dst.
func unpadRows(dst, src []float32, c, pw int) {
	copyRows(dst, c, src, pw, len(dst)/c, c)
}

// copyRows copies the first c floats (2 <= c <= 16, c != 10) of n rows of
// src, whose rows start ss floats apart, to the rows of dst, ds floats
// apart. A row is copied as copies of 4 or 2 floats, which may overlap, and
// one float: a few moves, where a copy of c floats, or one of more than 4,
// would be a call of memmove. Each c has its own constant offsets, so that
// the compiler drops the bounds checks of the copies: offsets computed
// from c took 2.3 times as long at c = 16 (128 rows in the L1 cache).
func copyRows(dst []float32, ds int, src []float32, ss, n, c int) {
	switch c {
	case 2:
		for i := range n {
			*(*[2]float32)(dst[i*ds:]) = [2]float32(src[i*ss:])
		}
	case 3:
		for i := range n {
			d, s := dst[i*ds:i*ds+3], src[i*ss:i*ss+3]
			*(*[2]float32)(d) = [2]float32(s)
			*(*[2]float32)(d[1:]) = [2]float32(s[1:])
		}
	case 4:
		for i := range n {
			*(*[4]float32)(dst[i*ds:]) = [4]float32(src[i*ss:])
		}
	case 5, 6, 7, 8:
		for i := range n {
			d, s := dst[i*ds:i*ds+c], src[i*ss:i*ss+c]
			*(*[4]float32)(d) = [4]float32(s)
			*(*[4]float32)(d[c-4:]) = [4]float32(s[c-4:])
		}
	case 9:
		for i := range n {
			d, s := dst[i*ds:i*ds+9], src[i*ss:i*ss+9]
			*(*[4]float32)(d) = [4]float32(s)
			*(*[4]float32)(d[4:]) = [4]float32(s[4:])
			d[8] = s[8]
		}
	case 11:
		for i := range n {
			d, s := dst[i*ds:i*ds+11], src[i*ss:i*ss+11]
			*(*[4]float32)(d) = [4]float32(s)
			*(*[4]float32)(d[4:]) = [4]float32(s[4:])
			*(*[4]float32)(d[7:]) = [4]float32(s[7:])
		}
	case 12:
		for i := range n {
			d, s := dst[i*ds:i*ds+12], src[i*ss:i*ss+12]
			*(*[4]float32)(d) = [4]float32(s)
			*(*[4]float32)(d[4:]) = [4]float32(s[4:])
			*(*[4]float32)(d[8:]) = [4]float32(s[8:])
		}
	case 13:
		for i := range n {
			d, s := dst[i*ds:i*ds+13], src[i*ss:i*ss+13]
			*(*[4]float32)(d) = [4]float32(s)
			*(*[4]float32)(d[4:]) = [4]float32(s[4:])
			*(*[4]float32)(d[8:]) = [4]float32(s[8:])
			*(*[4]float32)(d[9:]) = [4]float32(s[9:])
		}
	case 14:
		for i := range n {
			d, s := dst[i*ds:i*ds+14], src[i*ss:i*ss+14]
			*(*[4]float32)(d) = [4]float32(s)
			*(*[4]float32)(d[4:]) = [4]float32(s[4:])
			*(*[4]float32)(d[8:]) = [4]float32(s[8:])
			*(*[4]float32)(d[10:]) = [4]float32(s[10:])
		}
	case 15:
		for i := range n {
			d, s := dst[i*ds:i*ds+15], src[i*ss:i*ss+15]
			*(*[4]float32)(d) = [4]float32(s)
			*(*[4]float32)(d[4:]) = [4]float32(s[4:])
			*(*[4]float32)(d[8:]) = [4]float32(s[8:])
			*(*[4]float32)(d[11:]) = [4]float32(s[11:])
		}
	case 16:
		for i := range n {
			d, s := dst[i*ds:i*ds+16], src[i*ss:i*ss+16]
			*(*[4]float32)(d) = [4]float32(s)
			*(*[4]float32)(d[4:]) = [4]float32(s[4:])
			*(*[4]float32)(d[8:]) = [4]float32(s[8:])
			*(*[4]float32)(d[12:]) = [4]float32(s[12:])
		}
	}
}

// label returns the int32 label of row i.
func (b *batch) label(i int) int32 {
	if b.labels != nil {
		return b.labels[i]
	}
	return b.wide.at(i)
}

// anyChunk computes rows [c0, c1) of a batch of c > 10 classes (c > 16 on
// a tier with functions of 16 columns; any c != 10 on the generic code)
// with the wide block functions, and returns the sum of their losses (row
// i added to acc[(i-c0)%8], as chunk does). The rows go to the kernels labelBuf at a
// time, their losses to Losses or to a buffer on the stack. Options are
// applied in each row's effective targets (targetRow); an ignored row gets
// a loss and a gradient of +0, and the prediction and log-sum-exp of its
// logits, from the generic code; a batch whose weights are scaled by
// 2^norm (see Options.batch) runs the generic code.
func (b *batch) anyChunk(c0, c1 int) float64 {
	var acc [8]float64
	b.anyRows(c0, c1, c0, &acc)
	return sum8(&acc)
}

// anyRows computes rows [from, to) of the chunk that starts at row c0, as
// anyChunk does, row i's loss added to acc[(i-c0)%8].
func (b *batch) anyRows(from, to, c0 int, acc *[8]float64) {
	var lossBuf [labelBuf]float32
	var labBuf [labelBuf]int32
	c := b.c
	for p0 := from; p0 < to; p0 += labelBuf {
		p1 := min(p0+labelBuf, to)
		x := b.logits[p0*c : p1*c]
		g := part(b.grad, p0, p1, c)
		preds, lse := part(b.preds, p0, p1, 1), part(b.lse, p0, p1, 1)
		a := blockArgs{logits: x, out: g, preds: preds, lse: lse, c: c, scale: b.scale, z: b.z}
		switch b.kind {
		case kindSoftmax, kindLogSoftmax, kindArgmax:
			b.k.call(fn(layoutWide, b.kind.op()), &a)
			continue
		}
		losses := lossBuf[:p1-p0]
		if b.losses != nil {
			losses = b.losses[p0:p1]
		}
		var labels []int32
		if b.hasLabels {
			labels = b.labelBlock(labBuf[:], p0, p1)
		}
		a.losses = losses
		switch {
		case b.kind == kindLabels:
			a.labels = labels
			b.k.call(fnWideLabels, &a)
		case b.kind == kindTargets:
			a.targets = b.tgts[p0*c : p1*c]
			b.k.call(fnWideTargets, &a)
		case b.norm != 0:
			b.stagedRows(p0, p1, labels, losses)
		default:
			// Runs of rows that are not ignored go to the kernels.
			for r0 := 0; r0 < p1-p0; {
				if b.ignore && labels[r0] == b.ignoreLabel {
					b.ignoredRow(p0+r0, &losses[r0])
					r0++
					continue
				}
				r1 := r0 + 1
				for r1 < p1-p0 && !(b.ignore && labels[r1] == b.ignoreLabel) {
					r1++
				}
				q0, q1 := p0+r0, p0+r1
				s := blockArgs{logits: b.logits[q0*c : q1*c], out: part(b.grad, q0, q1, c), c: c,
					weights: b.weights, keep: b.keep, uni: b.uni, staged: true, scale: b.scale, z: b.z,
					losses: losses[r0:r1], preds: part(b.preds, q0, q1, 1), lse: part(b.lse, q0, q1, 1)}
				if b.hasLabels {
					s.labels = labels[r0:r1]
				} else {
					s.targets = b.tgts[q0*c : q1*c]
				}
				b.k.call(fnWideTargets, &s)
				r0 = r1
			}
		}
		for i, l := range losses {
			acc[(p0+i-c0)%8] += float64(l)
		}
		if b.norm != 0 && b.losses != nil {
			for i, l := range losses {
				losses[i] = float32(math.Ldexp(float64(l), -b.norm))
			}
		}
	}
}

// ignoredRow gives row i, whose label is ignored, a loss and a gradient of
// +0, and the prediction and log-sum-exp of its logits.
func (b *batch) ignoredRow(i int, loss *float32) {
	c := b.c
	x := b.logits[i*c : (i+1)*c]
	if b.preds != nil {
		b.preds[i] = argmaxRow(x)
	}
	if b.lse != nil {
		b.lse[i] = lseOf(x)
	}
	if b.grad != nil {
		clear(b.grad[i*c : (i+1)*c])
	}
	*loss = 0
}

// lseOf returns the log-sum-exp of the row x of any length.
func lseOf(x []float32) float32 {
	m := maxRow(x)
	return lseRow(m, log32(expSumRow(nil, x, m)), allNegInfRow(x, m))
}

// stagedRows computes rows [p0, p1) of a staged batch whose weights are
// scaled by 2^norm with the generic row function, which applies the scale.
func (b *batch) stagedRows(p0, p1 int, labels []int32, losses []float32) {
	c := b.c
	a := targetRow{staged: true, w: b.weights, norm: b.norm, keep: b.keep, uni: b.uni}
	for i := p0; i < p1; i++ {
		if b.hasLabels && b.ignore && labels[i-p0] == b.ignoreLabel {
			b.ignoredRow(i, &losses[i-p0])
			continue
		}
		x := b.logits[i*c : (i+1)*c]
		if b.preds != nil {
			b.preds[i] = argmaxRow(x)
		}
		if b.hasLabels {
			a.label = labels[i-p0]
		} else {
			a.t = b.tgts[i*c : (i+1)*c]
		}
		loss, lse := xentTargetsRowC(part(b.grad, i, i+1, c), x, &a, b.scale, b.z)
		losses[i-p0] = loss
		if b.lse != nil {
			b.lse[i] = lse
		}
	}
}

// chunkHook, when set by a test, runs at the start of every chunk.
var chunkHook func(c0 int)

// run computes the whole batch on up to workers goroutines (0: automatic)
// and returns the sum of its row losses: the chunk sums added in chunk
// order, whatever the number of workers.
func (b *batch) run(workers int) (float64, error) {
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

// op returns the op of the block functions of a kind of batch.
func (k kind) op() op {
	return [...]op{
		kindLabels:     opLabels,
		kindTargets:    opTargets,
		kindStaged:     opTargets,
		kindSoftmax:    opSoftmax,
		kindLogSoftmax: opLogSoftmax,
		kindArgmax:     opArgmax,
	}[k]
}
