// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import "math"

// Any class count. Options.Classes = C != 10 runs the row functions below,
// which generalise the ones above: for C = 10 they give the same bits (the
// 10-class calls run the functions above, whose fixed-size arrays the
// compiler unrolls). Every class sum (s, and T and D for dense targets)
// follows one summation rule, classSum, which for ten terms is sum10; the
// maximum, exp, log, the one division per row and the fused outputs are
// those above.

// sumAccs is the number of accumulators of the summation rule.
const sumAccs = 16

// classSum is the summation rule of every class sum: sumAccs strided
// accumulators, acc[k] summing the terms j ≡ k (mod 16) in increasing j
// (the first term of each is stored, not added to a zero), then a balanced
// pairwise tree over the accumulators (total). A SIMD path holds the
// accumulators in one 16-lane, two 8-lane or four 4-lane registers.
type classSum [sumAccs]float32

// add adds term j; the terms are added in increasing j, from j = 0.
func (a *classSum) add(j int, v float32) {
	if j < sumAccs {
		a[j] = v
	} else {
		a[j%sumAccs] = a[j%sumAccs] + v
	}
}

// total returns the sum of c terms: the accumulators are paired level by
// level, (a0+a1), (a2+a3), ..., an accumulator without a term (c < 16) is
// left out, and a node with one child passes it up unchanged. For 16
// accumulators it is (((a0+a1)+(a2+a3))+((a4+a5)+(a6+a7))) +
// (((a8+a9)+(a10+a11))+((a12+a13)+(a14+a15))); for 10, sum10.
func (a *classSum) total(c int) float32 {
	v := *a
	for n := min(c, sumAccs); ; n = (n + 1) / 2 {
		if n == 1 {
			return v[0]
		}
		for i := 0; i < n/2; i++ {
			v[i] = v[2*i] + v[2*i+1]
		}
		if n%2 == 1 {
			v[n/2] = v[n-1]
		}
	}
}

// The row functions of any class count read the logits x[j] of a row
// multiplied by the logit scale xs (Options.Scale, 1 when unset): every
// x[j] below is float32(x[j]·xs), one rounded product, computed where it is
// read. A product by 1 changes no number (a NaN stays a NaN), so an
// implementation may skip it when xs is 1.

// maxRow is max10 for a row of any length: the maximum, plus 0.
func maxRow(x []float32, xs float32) float32 {
	m := ordered(float32(x[0] * xs))
	for _, v := range x[1:] {
		m = max(m, ordered(float32(v*xs)))
	}
	return math.Float32frombits(uint32(m^(m>>31&0x7fffffff))) + 0
}

// argmaxRow is argmax10 for a row of any length.
func argmaxRow(x []float32, xs float32) int32 {
	for j, v := range x {
		if v := float32(v * xs); v != v {
			return int32(j)
		}
	}
	m := maxRow(x, xs)
	for j, v := range x {
		if float32(v*xs) == m {
			return int32(j)
		}
	}
	return 0 // a row without NaN has an element equal to its maximum
}

// allNegInfRow reports logSumExp's special case for a row of any length
// whose maximum is m: m == -Inf and the sum of the row by the summation rule
// is -Inf (a row of only -Inf).
func allNegInfRow(x []float32, xs, m float32) bool {
	negInf := math.Float32frombits(negInfBits)
	if m != negInf {
		return false
	}
	var a classSum
	for j, v := range x {
		a.add(j, float32(v*xs))
	}
	return a.total(len(x)) == negInf
}

// lseRow returns the log-sum-exp m + ls of a row, or -Inf when all is set.
func lseRow(m, ls float32, all bool) float32 {
	if all {
		return math.Float32frombits(negInfBits)
	}
	return m + ls
}

// expSumRow returns s, the sum of e[j] = expf(x[j] - m) by the summation
// rule, and stores e[j] to e when e is not nil (e may be x: each e[j] is
// written after x[j] is read).
func expSumRow(e, x []float32, xs, m float32) float32 {
	var a classSum
	for j, v := range x {
		ej := expf(float32(v*xs) - m)
		if e != nil {
			e[j] = ej
		}
		a.add(j, ej)
	}
	return a.total(len(x))
}

// xentLabelsRowC is xentLabelsRow for a row of any length C = len(x),
// label l in [0, C). g may be nil or alias x.
func xentLabelsRowC(g, x []float32, xs float32, l int32, scale, z float32) (loss, lse float32) {
	return xentLabelsRowM(g, x, xs, maxRow(x, xs), l, scale, z)
}

// xentLabelsRowM is xentLabelsRowC with the row's maximum m = maxRow(x, xs)
// given (see wideLabelsGeneric).
func xentLabelsRowM(g, x []float32, xs, m float32, l int32, scale, z float32) (loss, lse float32) {
	dl := float32(x[l]*xs) - m
	all := allNegInfRow(x, xs, m)
	s := expSumRow(g, x, xs, m) // g holds e[j]
	ls := log32(s)
	lse = lseRow(m, ls, all)
	loss, q := labelTail(s, ls, dl, lse, scale, z)
	if g != nil {
		for j := range g {
			g[j] = float32(g[j] * q)
		}
		g[l] = g[l] - scale
	}
	return loss, lse
}

// targetRow gives the effective target row a of a row for
// xentTargetsRowC: a[j] = t[j] (the caller's targets, or the one-hot row of
// a label), or, when staged, a[j] = w[j]·((keep·t[j]) + uni) (class
// weights, 1-ε and ε/C; see Options).
type targetRow struct {
	t         []float32 // the dense targets of the row, or nil for label
	label     int32
	staged    bool
	w         []float32 // nil: every weight 1
	norm      int       // the weights are scaled by 2^norm (see Options.batch)
	keep, uni float32
}

func (r *targetRow) at(j int) float32 {
	t := float32(0)
	if r.t != nil {
		t = r.t[j]
	} else if int32(j) == r.label {
		t = 1
	}
	if !r.staged {
		return t
	}
	w := float32(1)
	if r.w != nil {
		w = r.w[j]
	}
	if r.norm != 0 {
		w = float32(math.Ldexp(float64(w), r.norm))
	}
	return float32(w * (float32(r.keep*t) + r.uni))
}

// xentTargetsRowC is xentTargetsRow for a row of any length C = len(x)
// against the effective targets a. g may be nil or alias x (but not the
// targets).
func xentTargetsRowC(g, x []float32, xs float32, a *targetRow, scale, z float32) (loss, lse float32) {
	m := maxRow(x, xs)
	all := allNegInfRow(x, xs, m)
	var sa, ta, da classSum
	for j, v := range x {
		dj := float32(v*xs) - m
		ej := expf(dj)
		aj := a.at(j)
		td := float32(0)
		if aj != 0 {
			td = float32(aj * dj)
		}
		if g != nil {
			g[j] = ej
		}
		sa.add(j, ej)
		ta.add(j, aj)
		da.add(j, td)
	}
	c := len(x)
	s := sa.total(c)
	ls := log32(s)
	lse = lseRow(m, ls, all)
	loss, qt := targetTail(s, ls, ta.total(c), da.total(c), lse, scale, z)
	if g != nil {
		for j := range g {
			g[j] = float32(g[j]*qt) - float32(a.at(j)*scale)
		}
	}
	return loss, lse
}

// softmaxRowC is softmaxRow for a row of any length; y may alias x.
func softmaxRowC(y, x []float32, xs float32) {
	s := expSumRow(y, x, xs, maxRow(x, xs))
	r := 1 / s
	for j := range y {
		y[j] = float32(y[j] * r)
	}
}

// logSoftmaxRowC is logSoftmaxRow for a row of any length; y may alias x.
func logSoftmaxRowC(y, x []float32, xs float32) {
	m := maxRow(x, xs)
	ls := log32(expSumRow(nil, x, xs, m))
	for j, v := range x {
		y[j] = (float32(v*xs) - m) - ls
	}
}

// rowOutputs returns the prediction and the log-sum-exp of a row x of any
// length under the per-call values of a: those of an ignored row, whose
// loss and gradient are +0.
func rowOutputs(a *blockArgs, x []float32) (pred int32, lse float32) {
	xs := a.xscale
	m := maxRow(x, xs)
	return argmaxRow(x, xs), lseRow(m, log32(expSumRow(nil, x, xs, m)), allNegInfRow(x, xs, m))
}
