// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import "math"

// The block functions below are the generic members of the implementation
// table (see kernels in impl.go) for rows of ten columns. Each computes the
// rows of its record a (see blockArgs), n = len(a.logits)/10; the assembly
// twins take whole blocks of rows, the generic ones any n. Row i's loss is
// added to a.acc[i%8] in float64 and, when a.losses is not nil, stored in
// a.losses[i]. a.out may be nil (no gradient) or alias a.logits. The fused
// outputs: a.preds, when not nil, receives argmax10 of each row, computed
// before the row's gradient is written (a.out may be a.logits); a.lse, when
// not nil, each row's log-sum-exp; a.z is the z-loss coefficient (0: none).
// Every row function reads the row's logits multiplied by the logit scale
// (row10); with row weights, a row is computed with the gradient factor
// rowScale and its loss multiplied by its weight (weighted).

// rowScale returns the gradient's factor of row i: a.scale, times the
// row's weight float32(scale·rowWeights[i]) when a has row weights.
func (a *blockArgs) rowScale(i int) float32 {
	if a.rowWeights == nil {
		return a.scale
	}
	return float32(a.scale * a.rowWeights[i])
}

// weighted returns the loss of row i (z-loss included) times the row's
// weight, float32(loss·rowWeights[i]), when a has row weights.
func (a *blockArgs) weighted(i int, loss float32) float32 {
	if a.rowWeights == nil {
		return loss
	}
	return float32(loss * a.rowWeights[i])
}

// row10 returns row i of the logits of a, each logit multiplied by the
// logit scale a.xscale, float32(x[j]·xs), in buf; or, when xs is 1, the row
// itself (a product by 1 changes no number).
func (a *blockArgs) row10(buf *[Classes]float32, i int) *[Classes]float32 {
	x := (*[Classes]float32)(a.logits[i*Classes:])
	if xs := a.xscale; xs != 1 {
		for j, v := range x {
			buf[j] = float32(v * xs)
		}
		return buf
	}
	return x
}

// rowGroup holds up to genericRows rows of a loss function of ten columns
// between the steps of their computation: the row functions
// (xentLabelsRow, xentTargetsRow) take their rows genericRows at a time,
// each row's steps up to s, then the logarithms of the rows next to each
// other (the longest chain of a row: the chains overlap in the processor),
// then the rest of each row. The operations of each row are those of its
// row function, in its order.
type rowGroup struct {
	buf, d, e [genericRows][Classes]float32
	m, s, ls  [genericRows]float32
}

// genericRows is the number of rows of a rowGroup.
const genericRows = 4

// start computes, for rows i to i+k-1 of a (k <= genericRows), the
// prediction (when a.preds is not nil: before any gradient is written), m,
// d, e and s, then ls = log32(s).
func (g *rowGroup) start(a *blockArgs, i, k int) {
	for r := range k {
		x := a.row10(&g.buf[r], i+r)
		if a.preds != nil {
			a.preds[i+r] = argmax10(x)
		}
		g.m[r], g.s[r] = expRow(&g.d[r], &g.e[r], x)
	}
	for r := range k {
		g.ls[r] = log32(g.s[r])
	}
}

// x returns the logits of row i+r of a as start read them: row10's buffer
// (the row scaled), or the row itself. (A rowGroup holds no pointer to
// itself, which would move it to the heap.)
func (g *rowGroup) x(a *blockArgs, i, r int) *[Classes]float32 {
	if a.xscale != 1 {
		return &g.buf[r]
	}
	return (*[Classes]float32)(a.logits[(i+r)*Classes:])
}

func xentLabelsGeneric(a *blockArgs) {
	labels := a.labels[:len(a.logits)/Classes]
	var g rowGroup
	for i := 0; i < len(labels); i += genericRows {
		k := min(genericRows, len(labels)-i)
		g.start(a, i, k)
		for r := range k {
			loss, lse := labelRowEnd(a.outRow10(i+r), g.x(a, i, r), &g.d[r], &g.e[r], g.m[r], g.s[r], g.ls[r], labels[i+r], a.rowScale(i+r), a.z)
			a.rowOut(i+r, loss, lse)
		}
	}
}

func xentTargetsGeneric(a *blockArgs) {
	n := len(a.logits) / Classes
	var g rowGroup
	for i := 0; i < n; i += genericRows {
		k := min(genericRows, n-i)
		g.start(a, i, k)
		for r := range k {
			t := (*[Classes]float32)(a.targets[(i+r)*Classes:])
			loss, lse := targetRowEnd(a.outRow10(i+r), g.x(a, i, r), t, &g.d[r], &g.e[r], g.m[r], g.s[r], g.ls[r], a.rowScale(i+r), a.z)
			a.rowOut(i+r, loss, lse)
		}
	}
}

// outRow10 returns row i of a.out, or nil without a gradient.
func (a *blockArgs) outRow10(i int) *[Classes]float32 {
	if a.out == nil {
		return nil
	}
	return (*[Classes]float32)(a.out[i*Classes:])
}

// rowOut stores the outputs of row i of a ten-column loss function: its
// loss times its weight (weighted), stored when a.losses is not nil and
// added to a.acc[i%8], and its log-sum-exp when a.lse is not nil.
func (a *blockArgs) rowOut(i int, loss, lse float32) {
	loss = a.weighted(i, loss)
	if a.losses != nil {
		a.losses[i] = loss
	}
	if a.lse != nil {
		a.lse[i] = lse
	}
	a.acc[i%8] += float64(loss)
}

func softmaxGeneric(a *blockArgs) {
	var buf [Classes]float32
	for i := range len(a.logits) / Classes {
		softmaxRow((*[Classes]float32)(a.out[i*Classes:]), a.row10(&buf, i))
	}
}

func logSoftmaxGeneric(a *blockArgs) {
	var buf [Classes]float32
	for i := range len(a.logits) / Classes {
		logSoftmaxRow((*[Classes]float32)(a.out[i*Classes:]), a.row10(&buf, i))
	}
}

func argmaxGeneric(a *blockArgs) {
	preds := a.preds[:len(a.logits)/Classes]
	if a.xscale == 1 { // the rows themselves (see row10)
		for i := range preds {
			preds[i] = argmax10((*[Classes]float32)(a.logits[i*Classes:]))
		}
		return
	}
	var buf [Classes]float32
	for i := range preds {
		preds[i] = argmax10(a.row10(&buf, i))
	}
}

// The block functions of any class count c = a.c: the generic members of
// the implementation table for Options.Classes != 10 (see kernels). Each
// computes the rows of its record a, whose rows start a.stride floats
// apart: n = len(a.losses) for the loss functions, a.wideRows() for the
// others. A loss function stores row i's
// loss to a.losses[i] (required: the driver adds them up) and, when not
// nil, its prediction to a.preds[i] (before the row's gradient is written)
// and its log-sum-exp to a.lse[i]. a.out may be nil or alias a.logits.
// wideTargets computes the effective target rows of targetRow: the caller's
// targets, or the one-hot rows of a.labels when a.targets is nil, and when
// a.staged, a[j] = w[j]·((keep·t[j]) + uni) with w = a.weights (nil: every
// weight 1).

// wideLabelsGeneric computes the loss rows against the labels a.labels.
// With a.rowMax not nil, the maximum of row i is given, m = a.rowMax[i],
// in place of maxRow(x, xs), and there are no predictions (a.preds is not
// read): n = len(a.losses) rows (fewer if a.rowMax holds fewer). m must be
// maxRow(x, xs) for a row without NaN; for a row with a NaN it may be any
// NaN (every output of such a row is NaN whatever m is). The assembly then
// takes allNegInfRow as m == -Inf. TopK passes the value of the row's best
// class, + 0, which is maxRow for a row without NaN and a NaN for a row
// with one.
func wideLabelsGeneric(a *blockArgs) {
	c, st, n := a.c, a.stride, len(a.losses)
	if a.rowMax != nil {
		n = min(n, len(a.rowMax))
	}
	for i := range n {
		x, g := row(a.logits, i, c, st), a.outRow(i)
		var loss, ls float32
		if a.rowMax != nil {
			loss, ls = xentLabelsRowM(g, x, a.xscale, a.rowMax[i], a.labels[i], a.rowScale(i), a.z)
		} else {
			if a.preds != nil {
				a.preds[i] = argmaxRow(x, a.xscale)
			}
			loss, ls = xentLabelsRowC(g, x, a.xscale, a.labels[i], a.rowScale(i), a.z)
		}
		loss = a.weighted(i, loss)
		a.losses[i] = loss
		if a.lse != nil {
			a.lse[i] = ls
		}
	}
}

func wideTargetsGeneric(a *blockArgs) {
	c := a.c
	r := targetRow{staged: a.staged, w: a.weights, norm: a.norm, keep: a.keep, uni: a.uni}
	for i := range a.losses {
		x, g := row(a.logits, i, c, a.stride), a.outRow(i)
		if a.targets != nil {
			r.t = row(a.targets, i, c, a.stride)
		} else {
			r.label = a.labels[i]
		}
		if a.preds != nil {
			a.preds[i] = argmaxRow(x, a.xscale)
		}
		loss, ls := xentTargetsRowC(g, x, a.xscale, &r, a.rowScale(i), a.z)
		loss = a.weighted(i, loss)
		a.losses[i] = loss
		if a.lse != nil {
			a.lse[i] = ls
		}
	}
}

func wideSoftmaxGeneric(a *blockArgs) {
	c, st := a.c, a.stride
	for i := range a.wideRows() {
		softmaxRowC(row(a.out, i, c, st), row(a.logits, i, c, st), a.xscale)
	}
}

func wideLogSoftmaxGeneric(a *blockArgs) {
	c, st := a.c, a.stride
	for i := range a.wideRows() {
		logSoftmaxRowC(row(a.out, i, c, st), row(a.logits, i, c, st), a.xscale)
	}
}

func wideArgmaxGeneric(a *blockArgs) {
	c, st := a.c, a.stride
	for i := range a.wideRows() {
		a.preds[i] = argmaxRow(row(a.logits, i, c, st), a.xscale)
	}
}

// wideRows returns the rows of a wide call's logits: n such that (n-1)·stride
// + c <= len(logits) <= n·stride.
func (a *blockArgs) wideRows() int {
	n, _ := stridedRows(len(a.logits), a.c, a.stride)
	return n
}

// outRow returns row i of a.out, or nil when a has no out.
func (a *blockArgs) outRow(i int) []float32 {
	if a.out == nil {
		return nil
	}
	return row(a.out, i, a.c, a.stride)
}

// wideCandidatesGeneric writes to a.preds, in increasing order, the
// indices j in [0, n), n = min(len(a.logits), len(a.preds)), of the logits
// whose scaled value v = float32(x[j]·xscale) is above the threshold a.thr:
// !(v <= thr), every number above it and every NaN. a.count receives their
// number. TopK runs it over parts of a row, the threshold its k-th best
// value so far.
func wideCandidatesGeneric(a *blockArgs) {
	n := 0
	xs, thr := a.xscale, a.thr
	for j, x := range a.logits[:min(len(a.logits), len(a.preds))] {
		if v := float32(x * xs); !(v <= thr) {
			a.preds[n] = int32(j)
			n++
		}
	}
	a.count = n
}

// The generic functions of rows of 16 columns are the wide ones with c =
// 16 (the specification of the tiers' functions of 16 columns), the row
// losses added to acc as for ten columns. As for ten columns, the targets
// are the effective target rows: the fields of a staged call do not apply.
func sixteenGeneric(f blockFunc, a *blockArgs) {
	b := *a
	b.c, b.stride, b.staged, b.weights = padCols, padCols, false, nil
	var buf [blockRows]float32
	for r0 := 0; r0 < len(a.logits)/padCols; r0 += blockRows {
		r1 := min(r0+blockRows, len(a.logits)/padCols)
		h := b.rows(r0, r1, padCols)
		if h.losses == nil {
			h.losses = buf[:r1-r0]
		}
		switch f.op() {
		case opLabels:
			wideLabelsGeneric(&h)
		case opTargets:
			wideTargetsGeneric(&h)
		case opSoftmax:
			wideSoftmaxGeneric(&h)
		case opLogSoftmax:
			wideLogSoftmaxGeneric(&h)
		case opArgmax:
			wideArgmaxGeneric(&h)
		}
		if f.op() <= opTargets {
			for i, l := range h.losses {
				a.acc[(r0+i)%8] += float64(l)
			}
		}
	}
}

// callGeneric runs the generic block function f on the rows of a.
func callGeneric(f blockFunc, a *blockArgs) {
	switch f {
	case fnXentLabels:
		xentLabelsGeneric(a)
	case fnXentTargets:
		xentTargetsGeneric(a)
	case fnSoftmax:
		softmaxGeneric(a)
	case fnLogSoftmax:
		logSoftmaxGeneric(a)
	case fnArgmax:
		argmaxGeneric(a)
	case fnWideLabels:
		wideLabelsGeneric(a)
	case fnWideTargets:
		wideTargetsGeneric(a)
	case fnWideSoftmax:
		wideSoftmaxGeneric(a)
	case fnWideLogSoftmax:
		wideLogSoftmaxGeneric(a)
	case fnWideArgmax:
		wideArgmaxGeneric(a)
	case fnWideCandidates:
		wideCandidatesGeneric(a)
	default:
		sixteenGeneric(f, a)
	}
}

// weightSumGeneric adds each row weight w[i], converted to float64 (exact),
// to acc[i%16], each accumulator in row order, so that the weights of the
// rows of a whole step of 16 go to the 16 accumulators; sum16 combines them
// (docs/numerics.md §3.4a). It returns a nonzero value when one of the
// weights has its sign bit set.
func weightSumGeneric(w []float32, acc *[16]float64) uint32 {
	var bits uint32
	i := 0
	for ; i+16 <= len(w); i += 16 {
		v := (*[16]float32)(w[i:])
		for j, x := range v {
			acc[j] += float64(x)
			bits |= math.Float32bits(x)
		}
	}
	for j, x := range w[i:] {
		acc[j] += float64(x)
		bits |= math.Float32bits(x)
	}
	return bits & (1 << 31)
}

// sum16 combines the 16 accumulators of weightSumGeneric: acc[j] +
// acc[j+8], then sum8.
func sum16(acc *[16]float64) float64 {
	var h [8]float64
	for j := range h {
		h[j] = acc[j] + acc[j+8]
	}
	return sum8(&h)
}
