// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import "math"

// This file is the specification of the package's arithmetic. Every other
// implementation (AVX2, NEON) produces results that are bit-identical to the
// functions here, so it is written to be read: each line is one float32
// operation, in the order the assembly performs it.
//
// Two rules make bit-identity possible on every architecture:
//
//   - No fused multiply-add. Every product is converted with float32(a*b)
//     before it is added; the Go specification guarantees that an explicit
//     conversion rounds, so the compiler cannot fuse it (it would on arm64,
//     and on amd64 with GOAMD64=v3).
//   - Every reduction has one fixed order: the maximum is a left-to-right
//     scan, and sums over the ten classes use the pairwise tree of sum10.

//go:generate sh -c "cd _asm && go run ."

// Constants of the exponential (see expRow). They, and every other constant
// of this file that the assembly uses, are read by the generator in _asm:
// after a change, run make generate (or go generate).
const (
	expMagic  = 0x1.8p23        // 1.5·2^23: adding it rounds a float32 in (-2^22, 2^22) to an integer
	expLog2e  = 0x1.715476p+0   // log2(e), rounded to float32
	expLn2Hi  = 0x1.63p-1       // ln 2, high part: 9 significant bits, so n·expLn2Hi is exact
	expLn2Lo  = -0x1.bd0106p-13 // ln 2 - expLn2Hi, rounded to float32
	expQ0     = 0x1.fffffcp-2   // Q(r) = q0 + r(q1 + r(q2 + r(q3 + r·q4))) ≈ (e^r - 1 - r)/r²,
	expQ1     = 0x1.555492p-3   // minimax for the relative error of e^r on [-ln2/2, ln2/2]
	expQ2     = 0x1.5558f2p-5   // (3.7e-9 with these float32 coefficients)
	expQ3     = 0x1.123ap-7
	expQ4     = 0x1.6a2404p-10
	expCutoff = -0x1.5d589ep+6 // ≈ -87.33654, the float32 just above -126·ln2: below it exp is +0

	mantBits   = 23         // bits of a float32's mantissa field: 2^n is (n + 127) << mantBits
	oneBits    = 0x3f800000 // the bits of float32 1: 127 << mantBits
	one        = 1          // float32 1 (added to e^r - 1, subtracted in log32)
	half       = 0.5        // float32 0.5 (the u²/2 of log32)
	negInfBits = 0xff800000 // the bits of float32 -Inf (see logSumExp)
)

// Constants of log32 (the Cephes logf polynomial).
const (
	logSqrtHalf = 0x1.6a09e6p-1 // √½ rounded to float32
	logP0       = 7.0376836292e-2
	logP1       = -1.1514610310e-1
	logP2       = 1.1676998740e-1
	logP3       = -1.2420140846e-1
	logP4       = 1.4249322787e-1
	logP5       = -1.6668057665e-1
	logP6       = 2.0000714765e-1
	logP7       = -2.4999993993e-1
	logP8       = 3.3333331174e-1
	logLn2Hi    = 0x1.63p-1       // = expLn2Hi
	logLn2Lo    = -0x1.bd0106p-13 // = expLn2Lo
	logExpInv   = 253             // (253-kb) << 23 is the float 2^-(kb-126)
	logExpBias  = 126             // k = kb - 126
)

// log32 returns the natural logarithm of a positive normal float32 x, with an
// error of at most 1 ulp on [1, 10] (where the row sums of exponentials
// lie), and NaN for NaN. Zero, negative, subnormal and infinite arguments are
// never passed by the package and are not specified.
//
// Range reduction: x = f·2^k with f in [√½, √2), computed without branches;
// f is obtained by multiplying x by 2^-k, which keeps a NaN a NaN. Then
// log x = k·ln2 + y with y = u - u²/2 + u³·Q(u), u = f - 1 (exact), and Q
// of degree 8 by Horner's rule.
func log32(x float32) float32 {
	bits := math.Float32bits(x)
	kb := bits >> mantBits                                           // biased exponent of x: x = m·2^(kb-127), m in [1, 2)
	f := float32(x * math.Float32frombits((logExpInv-kb)<<mantBits)) // x·2^-(kb-126): f in [0.5, 1)
	k := float32(int32(kb) - logExpBias)                             // x = f·2^k
	if f < logSqrtHalf {                                             // move f into [√½, √2)
		f = f + f
		k = k - one
	}
	u := f - one // exact (Sterbenz)
	z := float32(u * u)
	q := float32(logP0*u) + logP1
	q = float32(q*u) + logP2
	q = float32(q*u) + logP3
	q = float32(q*u) + logP4
	q = float32(q*u) + logP5
	q = float32(q*u) + logP6
	q = float32(q*u) + logP7
	q = float32(q*u) + logP8
	y := float32(float32(q*u) * z) // u³·Q(u)
	y = y + float32(k*logLn2Lo)    // + k·ln2lo
	y = y - float32(half*z)        // - u²/2
	y = u + y                      // log f + k·ln2lo
	return y + float32(k*logLn2Hi) // + k·ln2hi
}

// sum10 is the fixed summation order of every ten-term sum in the package
// (docs/numerics.md §2.2): a pairwise tree of depth 4.
func sum10(v *[Classes]float32) float32 {
	return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])) + (v[8] + v[9])
}

// max10 returns the row maximum, plus 0: a maximum of ±0 becomes +0, so
// that d[j] = x[j] - m, and everything after it, is the same whichever zero
// a maximum instruction picks. For a row without NaN the result does not
// depend on the order of the comparisons, so SIMD paths may use any order
// and any maximum instruction. For a row with a NaN the result is not
// specified: every output of such a row is NaN whatever m is, because d[j]
// is NaN for the NaN entry.
//
// The Go code compares order-preserving integer images of the floats
// (see ordered), which the compiler turns into branch-free CMOVs.
func max10(x *[Classes]float32) float32 {
	m := max(max(max(ordered(x[0]), ordered(x[1])), max(ordered(x[2]), ordered(x[3]))),
		max(max(ordered(x[4]), ordered(x[5])), max(ordered(x[6]), ordered(x[7]))),
		max(ordered(x[8]), ordered(x[9])))
	return math.Float32frombits(uint32(m^(m>>31&0x7fffffff))) + 0
}

// ordered maps a float32 to an int32 such that a < b implies ordered(a) <
// ordered(b) for non-NaN a and b (with -0 below +0): negative floats have
// their magnitude bits flipped. The map is its own inverse.
func ordered(f float32) int32 {
	b := int32(math.Float32bits(f))
	return b ^ (b >> 31 & 0x7fffffff)
}

// expRow computes the shared first half of every row operation and returns
// m and s = sum10(e):
//
//	m    = max10(x)
//	d[j] = x[j] - m
//	e[j] = exp(d[j])
//
// A NaN or +Inf anywhere in the row, or a row of -Inf only, makes some d[j]
// NaN and therefore s NaN.
//
// The exponential of d <= 0 has an error below 1 ulp for d in [expCutoff, 0],
// is exactly +0 for d < expCutoff (so -Inf gives +0 and no result is
// subnormal), and NaN for NaN. Range reduction: d = n·ln2 + r with n =
// round(d·log2e) (ties to even, by the magic-bias addition) and |r| <= ln2/2,
// in two steps whose products are exact or nearly so (Cody and Waite). Then
// e^d = 2^n · (1 + (r + r²·Q(r))) with Q of degree 4 by Horner's rule; the
// small part r + r²·Q is summed before the 1 so that its rounding errors stay
// small. 2^n is built by shifting n into the exponent field; the final
// product by it is exact. The scalar exponential is expf.
func expRow(d, e *[Classes]float32, x *[Classes]float32) (m, s float32) {
	m = max10(x)
	for j := range x {
		dj := x[j] - m
		d[j] = dj
		// expf(dj), written out: the compiler does not inline expf.
		z := float32(dj*expLog2e) + expMagic
		n := z - expMagic
		r := dj - float32(n*expLn2Hi)
		r = r - float32(n*expLn2Lo)
		q := float32(expQ4*r) + expQ3
		q = float32(q*r) + expQ2
		q = float32(q*r) + expQ1
		q = float32(q*r) + expQ0
		r2 := float32(r * r)
		p := float32(r2*q) + r
		p = p + one
		ej := float32(p * math.Float32frombits(math.Float32bits(z)<<mantBits+oneBits))
		if dj < expCutoff {
			ej = 0
		}
		e[j] = ej
	}
	return m, sum10(e)
}

// expf returns the package's exp(d) for d <= 0 (or NaN), the sequence every
// implementation follows (see expRow).
func expf(d float32) float32 {
	z := float32(d*expLog2e) + expMagic // z = 1.5·2^23 + n: n sits in the low mantissa bits
	n := z - expMagic                   // n as a float32, exact
	r := d - float32(n*expLn2Hi)        // exact (Sterbenz)
	r = r - float32(n*expLn2Lo)         // |r| <= ln2/2 + tiny
	q := float32(expQ4*r) + expQ3
	q = float32(q*r) + expQ2
	q = float32(q*r) + expQ1
	q = float32(q*r) + expQ0
	r2 := float32(r * r)
	p := float32(r2*q) + r                                             // e^r - 1
	p = p + one                                                        // e^r
	s := math.Float32frombits(math.Float32bits(z)<<mantBits + oneBits) // 2^n = bits (n + 127) << 23
	e := float32(p * s)
	if d < expCutoff {
		e = 0
	}
	return e
}

// argmax10 returns the prediction of a row: the index of its first NaN if
// it has one (as numpy.argmax), else the first index j with x[j] == m, the
// row maximum (ties go to the lower index, as torch.argmax and
// numpy.argmax; -0 and +0 are equal). A SIMD path may compute it in any
// order, for instance as two chains of selects from j = 9 down to 0, the
// first on x[j] == m, the second on x[j] != x[j]: the result is unique.
// The Go code finds it in one scan of the order-preserving images of x[j]
// + 0 (see ordered; + 0 makes -0 equal to +0), keeping the first of equal
// ones, which the compiler turns into CMOVs.
func argmax10(x *[Classes]float32) int32 {
	for j, v := range x {
		if v != v {
			return int32(j)
		}
	}
	p, m := int32(0), ordered(x[0]+0)
	for j := 1; j < Classes; j++ {
		o := ordered(x[j] + 0)
		if o > m {
			p = int32(j)
		}
		m = max(m, o)
	}
	return p
}

// logSumExp returns the row's log-sum-exp, lse = m + log(s) in one float32
// addition, from ls = log32(s), except that a row of only -Inf gives -Inf
// (where m + ls would be NaN). Such a row is recognised by m == -Inf and
// sum10(x) == -Inf: without a NaN in the row, m is its exact maximum, so m
// == -Inf means that every x[j] is -Inf; a NaN makes the sum NaN, whatever
// m is (see max10). A NaN or +Inf row gives NaN, through ls.
func logSumExp(x *[Classes]float32, m, ls float32) float32 {
	if negInf := math.Float32frombits(negInfBits); m == negInf && sum10(x) == negInf {
		return negInf
	}
	return m + ls
}

// zTerms returns the z-loss terms of a row with coefficient z > 0 and
// log-sum-exp lse: c = z·lse, the row loss term zl = c·lse (z·lse², with
// the product by z first so that a small z does not let lse² overflow),
// and the gradient factor f = 1 + (c + c) = 1 + 2·z·lse, which multiplies
// the row's e[j]·q: d(z·lse²)/dx[j] = 2·z·lse·softmax[j].
func zTerms(z, lse float32) (zl, f float32) {
	c := float32(z * lse)
	return float32(c * lse), one + (c + c)
}

// xentLabelsRow computes one row of the label path and returns its loss and
// its log-sum-exp:
//
//	ls   = log32(s)
//	loss = ls - d[l]
//	lse  = logSumExp(x, m, ls)
//	q    = scale / s
//	g[j] = e[j]·q, then g[l] = g[l] - scale
//
// With a z-loss coefficient z != 0, from zl, f = zTerms(z, lse): loss =
// loss + zl, and q = q·f before the gradient. g may be nil (loss only) or
// alias x.
func xentLabelsRow(g, x *[Classes]float32, l int32, scale, z float32) (loss, lse float32) {
	var d, e [Classes]float32
	m, s := expRow(&d, &e, x)
	return labelRowEnd(g, x, &d, &e, m, s, log32(s), l, scale, z)
}

// labelRowEnd is the end of xentLabelsRow, from m and s = expRow(d, e, x)
// and ls = log32(s).
func labelRowEnd(g, x, d, e *[Classes]float32, m, s, ls float32, l int32, scale, z float32) (loss, lse float32) {
	lse = logSumExp(x, m, ls)
	loss, q := labelTail(s, ls, d[l], lse, scale, z)
	if g != nil {
		mul10(g, e, q)
		g[l] = g[l] - scale
	}
	return loss, lse
}

// labelTail is the per-row part of a label row after s, ls = log32(s),
// d[l] and lse: loss = ls - d[l] and q = scale / s, with the z-loss (z !=
// 0, zl, f = zTerms(z, lse)) loss = loss + zl and q = q·f.
func labelTail(s, ls, dl, lse, scale, z float32) (loss, q float32) {
	loss = ls - dl
	q = scale / s
	if z != 0 {
		zl, f := zTerms(z, lse)
		loss = loss + zl
		q = float32(q * f)
	}
	return loss, q
}

// targetTail is the per-row part of a dense-target row after s, ls =
// log32(s), T, D and lse: loss = ls·T - D and qt = (scale / s)·T, with the
// z-loss (z != 0, zl, f = zTerms(z, lse)) loss = loss + zl·T and qt =
// qt·f.
func targetTail(s, ls, tsum, dsum, lse, scale, z float32) (loss, qt float32) {
	loss = float32(ls*tsum) - dsum
	qt = float32((scale / s) * tsum)
	if z != 0 {
		zl, f := zTerms(z, lse)
		loss = loss + float32(zl*tsum)
		qt = float32(qt * f)
	}
	return loss, qt
}

// xentTargetsRow computes one row of the dense-target path and returns its
// loss and its log-sum-exp. With T = sum10(t) and D = sum10(t[j]·d[j]),
// where a term with t[j] == 0 is exactly 0 (even when d[j] is -Inf):
//
//	ls   = log32(s)
//	loss = ls·T - D
//	lse  = logSumExp(x, m, ls)
//	q    = scale / s
//	qt   = q·T
//	g[j] = e[j]·qt - t[j]·scale
//
// With a z-loss coefficient z != 0, from zl, f = zTerms(z, lse): loss =
// loss + zl·T (the row's z-loss weighted like its cross-entropy, by the
// total target T), and qt = qt·f before the gradient.
//
// For a one-hot t this is, bit for bit, xentLabelsRow (a product by T = 1
// is exact). g may be nil or alias x (but not t).
func xentTargetsRow(g, x, t *[Classes]float32, scale, z float32) (loss, lse float32) {
	var d, e [Classes]float32
	m, s := expRow(&d, &e, x)
	return targetRowEnd(g, x, t, &d, &e, m, s, log32(s), scale, z)
}

// targetRowEnd is the end of xentTargetsRow, from m and s = expRow(d, e, x)
// and ls = log32(s).
func targetRowEnd(g, x, t, d, e *[Classes]float32, m, s, ls, scale, z float32) (loss, lse float32) {
	var td [Classes]float32
	for j := range td {
		if t[j] != 0 {
			td[j] = float32(t[j] * d[j])
		}
	}
	lse = logSumExp(x, m, ls)
	loss, qt := targetTail(s, ls, sum10(t), sum10(&td), lse, scale, z)
	if g != nil {
		for j := range g {
			g[j] = float32(e[j]*qt) - float32(t[j]*scale)
		}
	}
	return loss, lse
}

// mul10 writes y[j] = float32(e[j]·q), written out in full because the
// compiler does not unroll loops.
func mul10(y, e *[Classes]float32, q float32) {
	y[0], y[1], y[2], y[3], y[4] = float32(e[0]*q), float32(e[1]*q), float32(e[2]*q), float32(e[3]*q), float32(e[4]*q)
	y[5], y[6], y[7], y[8], y[9] = float32(e[5]*q), float32(e[6]*q), float32(e[7]*q), float32(e[8]*q), float32(e[9]*q)
}

// softmaxRow writes y[j] = e[j]·(1/s). y may alias x.
func softmaxRow(y, x *[Classes]float32) {
	var d, e [Classes]float32
	_, s := expRow(&d, &e, x)
	mul10(y, &e, 1/s)
}

// logSoftmaxRow writes y[j] = d[j] - log(s). y may alias x.
func logSoftmaxRow(y, x *[Classes]float32) {
	var d, e [Classes]float32
	_, s := expRow(&d, &e, x)
	ls := log32(s)
	for j := range y {
		y[j] = d[j] - ls
	}
}
