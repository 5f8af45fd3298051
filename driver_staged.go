// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"math"
	"unsafe"
)

// stagedBlock is the largest number of rows stagedChunk stages at a time
// (fewer for a chunk of at most 64 rows): a multiple of the largest block
// of any tier (avx512's 16 rows), large enough that the calls of the block
// functions cost little per row, small enough that the staged rows stay in
// the L1 cache.
const stagedBlock = 16 * blockRows

// padCols is the width of the padded rows of 11 to 16 classes, on a tier
// with functions of 16 columns (kernels.sixteen).
const padCols = 16

// stagedChunk computes rows [c0, c1) of a batch whose rows the block
// functions of rows per lane (layout l: ten or 16 columns) cannot take as
// they are: the options path of ten classes (weights, label smoothing,
// ignored labels), every kind of batch of c < 10 classes on an assembly
// tier, and of 11 to 16 classes on a tier with functions of 16 columns. Row
// i's loss is added to acc[(i-c0)%8]. For each block of rows it builds on
// the stack what the block functions take:
//
//   - for c != pw (pw = l.cols()) or rows st = Options.Stride != c floats
//     apart, each row copied to pw columns, padded: the
//     logits with -Inf, the targets with -0 (see padRows for why this gives
//     the bits of the c-class specification); the outputs are written to
//     a padded block and their first c columns copied out;
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
// The staging buffers are arrays on the stack, which Go clears where it
// declares them: a chunk of few rows (a small batch) gets smaller ones.
func (b *batch) stagedChunk(l layout, c0, c1 int, acc *[8]float64) {
	switch n := c1 - c0; {
	case n <= 2*blockRows:
		var f [3 * 2 * blockRows * padCols]float32
		var i [2 * 2 * blockRows]int32
		var e [2 * blockRows]float32
		b.stagedRows(l, c0, c1, acc, f[:], i[:], e[:])
	case n <= 8*blockRows:
		var f [3 * 8 * blockRows * padCols]float32
		var i [2 * 8 * blockRows]int32
		var e [8 * blockRows]float32
		b.stagedRows(l, c0, c1, acc, f[:], i[:], e[:])
	default:
		var f [3 * stagedBlock * padCols]float32
		var i [2 * stagedBlock]int32
		var e [stagedBlock]float32
		b.stagedRows(l, c0, c1, acc, f[:], i[:], e[:])
	}
}

// stagedRows is stagedChunk in blocks of blk = len(e) rows, a multiple of
// blockRows, with the buffers f (the padded logits, outputs and targets of
// a block: 3·blk·padCols floats), i (its labels and the predictions of its
// ignored rows: 2·blk) and e (the log-sum-exps of its ignored rows).
func (b *batch) stagedRows(l layout, c0, c1 int, acc *[8]float64, f []float32, i []int32, e []float32) {
	blk := len(e)
	xs, gs, ts := f[:blk*padCols], f[blk*padCols:2*blk*padCols], f[2*blk*padCols:3*blk*padCols]
	buf, ipred, ilse := i[:blk], i[blk:2*blk], e
	c, pw, st := b.c, l.cols(), b.call.stride
	padded := c != pw || st != c
	negInf, negZero := math.Float32frombits(negInfBits), float32(math.Copysign(0, -1))
	// The effective target rows of a label: zero everywhere but one at
	// the label, the padded columns -0.
	keep, uni := b.call.keep, b.call.uni
	var zero, one [padCols]float32
	for j := range pw {
		zero[j], one[j] = negZero, negZero
		if j < c {
			zero[j] = float32(b.w[j] * (float32(keep*0) + uni))
			one[j] = float32(b.w[j] * (float32(keep*1) + uni))
		}
	}
	zero10 := [Classes]float32(zero[:])
	// byLabel[l] (byLabel10[l] for rows of ten columns) is the effective
	// target row of label l < c, for stageLabels.
	var byLabel [padCols][padCols]float32
	var byLabel10 [padCols][Classes]float32
	if b.kind == kindStaged && b.hasLabels {
		for l := range c {
			byLabel[l] = zero
			byLabel[l][l] = one[l]
			byLabel10[l] = [Classes]float32(byLabel[l][:Classes])
		}
	}
	if padded {
		// The padded columns of the rows that the blocks use, which only
		// an ignored row changes: every float is set, and the copies of
		// each block then write the first c columns of its rows.
		rows := min(c1-c0, blk) * pw
		fillAll(xs[:rows], negInf)
		if b.kind == kindTargets || b.kind == kindStaged {
			fillAll(ts[:rows], negZero)
		}
	}
	for b0 := c0; b0 < c1; b0 += blk {
		b1 := min(b0+blk, c1)
		n := b1 - b0
		x := rowSpan(b.call.logits, b0, b1, st)
		g := rowSpan(b.call.out, b0, b1, st)
		if padded {
			padRows(xs[:n*pw], x, n, c, st, pw)
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
			padRows(t, rowSpan(b.call.targets, b0, b1, st), n, c, st, pw)
		case kindStaged:
			t = ts[:n*pw]
			if labels != nil && !b.ignore {
				if pw == padCols {
					stageLabels(t, labels, &byLabel)
				} else {
					stageLabels(t, labels, &byLabel10)
				}
				break
			}
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
				tr := row(b.call.targets, b0+i, c, st)
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
				ipred[i], ilse[i] = rowOutputs(&b.call, row(b.call.logits, b0+i, c, st))
				clear(x[i*pw : (i+1)*pw])
			}
		}
		a := b.call.rows(b0, b1, st)
		a.logits, a.out, a.labels, a.targets, a.acc, a.stride = x, g, labels, t, acc, pw
		b.laneRows(l, &a)
		if padded && g != nil {
			unpadRows(rowSpan(b.call.out, b0, b1, st), g, n, c, st, pw)
		}
		if ignored {
			for i := range n {
				if labels[i] != b.ignoreLabel {
					continue
				}
				if padded {
					fillPads(x[i*pw:(i+1)*pw], c, pw, negInf)
				}
				if a.preds != nil {
					a.preds[i] = ipred[i]
				}
				if a.lse != nil {
					a.lse[i] = ilse[i]
				}
			}
		}
		if b.norm != 0 {
			for i, l := range a.losses {
				a.losses[i] = float32(math.Ldexp(float64(l), -b.norm))
			}
		}
	}
}

// stageLabels writes the effective target row tab[labels[i]] to row i of
// the rows t (rows of len(R) floats), for every i < len(labels): one copy
// of a whole row per row, from a row pointer that moves by a row (t holds
// len(labels) rows; the labels are in [0, c), c <= len(R)).
//
//go:noinline
func stageLabels[R [Classes]float32 | [padCols]float32](t []float32, labels []int32, tab *[padCols]R) {
	n := len(labels)
	if n == 0 {
		return
	}
	var r R
	_ = t[n*len(r)-1]
	d := unsafe.Pointer(unsafe.SliceData(t))
	for i, l := range labels {
		if i > 0 {
			d = unsafe.Add(d, unsafe.Sizeof(r))
		}
		*(*R)(d) = tab[l]
	}
}

// fillAll sets every float of dst to v: one store, then copies that double
// the part set (a few calls of memmove, where a loop would store the floats
// one at a time).
func fillAll(dst []float32, v float32) {
	if len(dst) == 0 {
		return
	}
	dst[0] = v
	for k := 1; k < len(dst); k *= 2 {
		copy(dst[k:], dst[:k])
	}
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

// padRows copies the n rows of c floats of src, st floats apart, to the
// first c columns of the rows of pw >= c floats of dst (pw = 10, or 16 for c
// > 10), whose other columns (see fillPads) the caller sets.
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
func padRows(dst, src []float32, n, c, st, pw int) {
	copyRows(dst, pw, src, st, n, c)
}

// unpadRows copies the first c columns of the n rows of pw >= c floats of
// src to the rows of dst, st floats apart.
func unpadRows(dst, src []float32, n, c, st, pw int) {
	copyRows(dst, st, src, pw, n, c)
}

// copyRows copies the first c floats (2 <= c <= 16) of n rows of
// src, whose rows start ss floats apart, to the rows of dst, ds floats
// apart. A row is copied as copies of 4 or 2 floats, which may overlap
// (the last one ends at the row's last float): a few moves, where a copy of
// c floats, or one of more than 4, would be a call of memmove. The bounds
// are checked once, at the last row's last float; the rows are then
// addressed from the slices' bases, inside them, with none of the slicing
// and bounds checks of each row, which cost more than the moves.
func copyRows(dst []float32, ds int, src []float32, ss, n, c int) {
	if n <= 0 {
		return
	}
	_ = dst[(n-1)*ds+c-1]
	_ = src[(n-1)*ss+c-1]
	d0, s0 := unsafe.Pointer(unsafe.SliceData(dst)), unsafe.Pointer(unsafe.SliceData(src))
	dp, sp := ds*4, ss*4
	last := (c - 4) * 4 // the byte offset of the last 4 floats of a row
	switch {
	case c == 2:
		for i := range n {
			*(*[2]float32)(unsafe.Add(d0, i*dp)) = *(*[2]float32)(unsafe.Add(s0, i*sp))
		}
	case c == 3:
		for i := range n {
			d, s := unsafe.Add(d0, i*dp), unsafe.Add(s0, i*sp)
			*(*[2]float32)(d) = *(*[2]float32)(s)
			*(*[2]float32)(unsafe.Add(d, 4)) = *(*[2]float32)(unsafe.Add(s, 4))
		}
	case c <= 8:
		for i := range n {
			d, s := unsafe.Add(d0, i*dp), unsafe.Add(s0, i*sp)
			*(*[4]float32)(d) = *(*[4]float32)(s)
			*(*[4]float32)(unsafe.Add(d, last)) = *(*[4]float32)(unsafe.Add(s, last))
		}
	case c <= 12:
		for i := range n {
			d, s := unsafe.Add(d0, i*dp), unsafe.Add(s0, i*sp)
			*(*[4]float32)(d) = *(*[4]float32)(s)
			*(*[4]float32)(unsafe.Add(d, 16)) = *(*[4]float32)(unsafe.Add(s, 16))
			*(*[4]float32)(unsafe.Add(d, last)) = *(*[4]float32)(unsafe.Add(s, last))
		}
	default:
		for i := range n {
			d, s := unsafe.Add(d0, i*dp), unsafe.Add(s0, i*sp)
			*(*[4]float32)(d) = *(*[4]float32)(s)
			*(*[4]float32)(unsafe.Add(d, 16)) = *(*[4]float32)(unsafe.Add(s, 16))
			*(*[4]float32)(unsafe.Add(d, 32)) = *(*[4]float32)(unsafe.Add(s, 32))
			*(*[4]float32)(unsafe.Add(d, last)) = *(*[4]float32)(unsafe.Add(s, last))
		}
	}
}
