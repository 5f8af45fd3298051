// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

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

func xentLabelsGeneric(a *blockArgs) {
	grad, logits, losses, preds, lse := a.out, a.logits, a.losses, a.preds, a.lse
	var buf [Classes]float32
	for i, l := range a.labels[:len(logits)/Classes] {
		x := a.row10(&buf, i)
		var g *[Classes]float32
		if grad != nil {
			g = (*[Classes]float32)(grad[i*Classes:])
		}
		if preds != nil {
			preds[i] = argmax10(x)
		}
		loss, ls := xentLabelsRow(g, x, l, a.rowScale(i), a.z)
		loss = a.weighted(i, loss)
		if losses != nil {
			losses[i] = loss
		}
		if lse != nil {
			lse[i] = ls
		}
		a.acc[i%8] += float64(loss)
	}
}

func xentTargetsGeneric(a *blockArgs) {
	grad, logits, targets, losses, preds, lse := a.out, a.logits, a.targets, a.losses, a.preds, a.lse
	var buf [Classes]float32
	for i := range len(logits) / Classes {
		x := a.row10(&buf, i)
		t := (*[Classes]float32)(targets[i*Classes:])
		var g *[Classes]float32
		if grad != nil {
			g = (*[Classes]float32)(grad[i*Classes:])
		}
		if preds != nil {
			preds[i] = argmax10(x)
		}
		loss, ls := xentTargetsRow(g, x, t, a.rowScale(i), a.z)
		loss = a.weighted(i, loss)
		if losses != nil {
			losses[i] = loss
		}
		if lse != nil {
			lse[i] = ls
		}
		a.acc[i%8] += float64(loss)
	}
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
	var buf [Classes]float32
	for i := range len(a.logits) / Classes {
		a.preds[i] = argmax10(a.row10(&buf, i))
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

func wideLabelsGeneric(a *blockArgs) {
	c, st := a.c, a.stride
	for i := range a.losses {
		x, g := row(a.logits, i, c, st), a.outRow(i)
		if a.preds != nil {
			a.preds[i] = argmaxRow(x, a.xscale)
		}
		loss, ls := xentLabelsRowC(g, x, a.xscale, a.labels[i], a.rowScale(i), a.z)
		loss = a.weighted(i, loss)
		a.losses[i] = loss
		if a.lse != nil {
			a.lse[i] = ls
		}
	}
}

// wideLabelsMaxGeneric is wideLabelsGeneric with the maximum of row i
// given, m = a.rowMax[i], in place of maxRow(x, xs), and no predictions
// (a.preds is not read): n = len(a.losses) rows (fewer if a.rowMax holds
// fewer). m must be maxRow(x, xs) for a row without NaN; for a row with a
// NaN it may be any NaN (every output of such a row is NaN whatever m is).
// The assembly then takes allNegInfRow as m == -Inf. TopK passes the value
// of the row's best class, + 0, which is maxRow for a row without NaN and a
// NaN for a row with one.
func wideLabelsMaxGeneric(a *blockArgs) {
	c, st := a.c, a.stride
	for i := range a.losses[:min(len(a.losses), len(a.rowMax))] {
		x, g := row(a.logits, i, c, st), a.outRow(i)
		loss, ls := xentLabelsRowM(g, x, a.xscale, a.rowMax[i], a.labels[i], a.rowScale(i), a.z)
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
	case fnWideLabelsMax:
		wideLabelsMaxGeneric(a)
	default:
		sixteenGeneric(f, a)
	}
}
