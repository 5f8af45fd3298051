// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Package seq holds the per-lane sequences of the kernel's numerical
// contract, written once for every SIMD backend.
//
// Each sequence is the operation-by-operation transcription of a function of
// kernel_generic.go (the specification), for one row per lane: the backend
// transposes a block of rows so that a vector holds one column, calls the
// sequence, and transposes back. A sequence only calls the methods of Ops,
// so an AVX2, AVX-512 or NEON backend (or an interpreter) decides how each
// operation is encoded, where values live and how registers are allocated.
//
// Sequences that take several independent inputs (Exp, Log) issue their
// operations step by step across all of them, so that the dependency chains
// of the columns are interleaved in program order.
package seq

// Const names a constant of the contract. Its value is read from
// kernel_generic.go by Load; Name gives the Go identifier there.
type Const int

const (
	Log2e    Const = iota // expLog2e
	Magic                 // expMagic
	Ln2Hi                 // expLn2Hi (= logLn2Hi)
	Ln2Lo                 // expLn2Lo (= logLn2Lo)
	Q0                    // expQ0
	Q1                    // expQ1
	Q2                    // expQ2
	Q3                    // expQ3
	Q4                    // expQ4
	Cutoff                // expCutoff
	OneBits               // oneBits: int32 127<<23, added to n<<23
	One                   // one: float32 1
	Half                  // half: float32 0.5
	SqrtHalf              // logSqrtHalf
	P0                    // logP0
	P1                    // logP1
	P2                    // logP2
	P3                    // logP3
	P4                    // logP4
	P5                    // logP5
	P6                    // logP6
	P7                    // logP7
	P8                    // logP8
	ExpInv                // logExpInv: int32 253
	ExpBias               // logExpBias: int32 126
	NegInf                // negInfBits: float32 -Inf (the bits 0xff800000)
	Zero                  // float32 +0, int32 0 (not read from the specification)
	NumConsts
)

// MantBits is the name of the shift count of the exponent field (23),
// read from kernel_generic.go like the constants.
const MantBits = "mantBits"

type constInfo struct {
	name   string // identifier in kernel_generic.go ("" for Zero)
	isInt  bool   // an int32 lane value rather than a float32
	isBits bool   // the bits of a float32, written as an integer constant
}

var consts = [NumConsts]constInfo{
	Log2e:    {"expLog2e", false, false},
	Magic:    {"expMagic", false, false},
	Ln2Hi:    {"expLn2Hi", false, false},
	Ln2Lo:    {"expLn2Lo", false, false},
	Q0:       {"expQ0", false, false},
	Q1:       {"expQ1", false, false},
	Q2:       {"expQ2", false, false},
	Q3:       {"expQ3", false, false},
	Q4:       {"expQ4", false, false},
	Cutoff:   {"expCutoff", false, false},
	OneBits:  {"oneBits", true, false},
	One:      {"one", false, false},
	Half:     {"half", false, false},
	SqrtHalf: {"logSqrtHalf", false, false},
	P0:       {"logP0", false, false},
	P1:       {"logP1", false, false},
	P2:       {"logP2", false, false},
	P3:       {"logP3", false, false},
	P4:       {"logP4", false, false},
	P5:       {"logP5", false, false},
	P6:       {"logP6", false, false},
	P7:       {"logP7", false, false},
	P8:       {"logP8", false, false},
	ExpInv:   {"logExpInv", true, false},
	ExpBias:  {"logExpBias", true, false},
	NegInf:   {"negInfBits", false, true},
	Zero:     {"", false, false},
}

// Name returns the identifier of c in kernel_generic.go ("zero" for Zero),
// which backends also use to name the constant in the assembly.
func (c Const) Name() string {
	if c == Zero {
		return "zero"
	}
	return consts[c].name
}

// IsInt reports whether c is an int32 lane value (OneBits, ExpInv,
// ExpBias) rather than a float32.
func (c Const) IsInt() bool { return consts[c].isInt }

// IsBits reports whether c is a float32 whose bits kernel_generic.go
// writes as an integer constant (NegInf).
func (c Const) IsBits() bool { return consts[c].isBits }

// Ops is what a backend provides: one method per vertical (lane-wise)
// operation of the contract. V is the backend's operand type: a register, a
// memory operand or a constant; every method returns a new value and leaves
// its operands unchanged. Float operations are IEEE single precision with
// round-to-nearest-even and no flush to zero; no method may fuse a multiply
// with an add.
type Ops[V any] interface {
	// K returns the constant c in every lane.
	K(c Const) V

	Add(a, b V) V // float32 a + b
	Sub(a, b V) V // float32 a - b
	Mul(a, b V) V // float32 a · b
	Div(a, b V) V // float32 a / b (IEEE division)
	// Max returns max(a, b) for a and b not NaN (either operand's zero
	// when they are ±0); for a NaN operand any result is allowed (see
	// max10 in kernel_generic.go).
	Max(a, b V) V

	AddI(a, b V) V         // int32 a + b (wrapping)
	SubI(a, b V) V         // int32 a - b (wrapping)
	ShlI(a V, n int) V     // int32 a << n
	ShrI(a V, n int) V     // uint32 a >> n (logical)
	CvtIF(a V) V           // float32(int32 a), exact for the values used here
	Less(a, b V) V         // mask: all ones where a < b (false for NaN), else 0
	Equal(a, b V) V        // mask: all ones where a == b (false for NaN; -0 == +0), else 0
	IsNaN(a V) V           // mask: all ones where a is NaN, else 0
	Index(j int) V         // int32 j in every lane (0 <= j < 10)
	NotZero(a V) V         // mask: all ones where a != 0 (true for NaN), else 0
	And(mask, a V) V       // a where mask is set, +0 (all zero bits) elsewhere (a mask AND a mask too)
	AndNot(mask, a V) V    // a where mask is clear, +0 elsewhere
	Select(mask, a, b V) V // a where mask is set, b elsewhere (float32 or int32 lanes)

	// Park marks a value that is not read again for a while (k·ln2hi in
	// Log). A backend short of registers may store it and return a
	// memory operand; others return v.
	Park(v V) V
}

// Max10 returns m = max10(x) of kernel_generic.go: MaxTree10, plus +0 (a
// maximum of -0 becomes +0).
func Max10[V any](o Ops[V], x *[10]V) V {
	return o.Add(MaxTree10(o, x), o.K(Zero))
}

// MaxTree10 is the maximum of the ten columns by a tree of Max, without
// Max10's + 0: what Argmax compares with (== does not see the sign of a
// zero).
func MaxTree10[V any](o Ops[V], x *[10]V) V {
	a := o.Max(o.Max(x[0], x[1]), o.Max(x[2], x[3]))
	b := o.Max(o.Max(x[4], x[5]), o.Max(x[6], x[7]))
	return o.Max(o.Max(a, b), o.Max(x[8], x[9]))
}

// Sum10 returns sum10(v) of kernel_generic.go:
// ((v0+v1)+(v2+v3)) + ((v4+v5)+(v6+v7)), then + (v8+v9).
func Sum10[V any](o Ops[V], v *[10]V) V {
	a := o.Add(o.Add(v[0], v[1]), o.Add(v[2], v[3]))
	b := o.Add(o.Add(v[4], v[5]), o.Add(v[6], v[7]))
	return o.Add(o.Add(a, b), o.Add(v[8], v[9]))
}

// Max16 returns m = max16(x), the maximum of sixteen columns (the rows of
// sixteen columns of the padded functions): MaxTree16, plus +0.
func Max16[V any](o Ops[V], x *[16]V) V {
	return o.Add(MaxTree16(o, x), o.K(Zero))
}

// MaxTree16 is the maximum of the sixteen columns by a balanced tree of
// Max, without Max16's + 0.
func MaxTree16[V any](o Ops[V], x *[16]V) V {
	a := o.Max(o.Max(o.Max(x[0], x[1]), o.Max(x[2], x[3])), o.Max(o.Max(x[4], x[5]), o.Max(x[6], x[7])))
	b := o.Max(o.Max(o.Max(x[8], x[9]), o.Max(x[10], x[11])), o.Max(o.Max(x[12], x[13]), o.Max(x[14], x[15])))
	return o.Max(a, b)
}

// Sum16 returns sum16(v), classSum.total(16) of kernel_generic.go:
// (((v0+v1)+(v2+v3))+((v4+v5)+(v6+v7))) +
// (((v8+v9)+(v10+v11))+((v12+v13)+(v14+v15))), the tree of which Sum10 is
// the part over the leaves 0 to 9.
func Sum16[V any](o Ops[V], v *[16]V) V {
	return Sum16Of(o, func(j int) V { return v[j] })
}

// Sum16Of is Sum16 of the columns v(0), ..., v(15), each asked for once,
// in increasing j, where the tree first reads it: a backend short of
// registers computes a column there rather than holding all sixteen.
func Sum16Of[V any](o Ops[V], v func(j int) V) V {
	quad := func(j int) V { return o.Add(o.Add(v(j), v(j+1)), o.Add(v(j+2), v(j+3))) }
	a := o.Add(quad(0), quad(4))
	b := o.Add(quad(8), quad(12))
	return o.Add(a, b)
}

// SumCols returns Sum10 or Sum16 of the ten or sixteen columns v.
func SumCols[V any](o Ops[V], v []V) V {
	if len(v) == 16 {
		return Sum16(o, (*[16]V)(v))
	}
	return Sum10(o, (*[10]V)(v))
}

// Exp returns e[c] = exp(d[c]) for each column, the loop body of expRow:
//
//	z = d·log2e + magic; n = z - magic; 2^n = bits(z)<<23 + oneBits
//	r = d - n·ln2hi; r = r - n·ln2lo
//	q = r·Q4 + Q3; q = q·r + Q2; q = q·r + Q1; q = q·r + Q0; r2 = r·r
//	p = r2·q + r; p = p + 1; e = p·2^n; e = +0 where d < cutoff
//
// The columns are interleaved operation by operation. d[c] is read by the
// first multiply, the first subtraction and the final comparison (a
// backend may pass a memory operand). mantBits is the shift count (23).
//
// A backend that implements ExpScaler computes n with Round(d·log2e)
// and the last steps, from 2^n on, with ScaleCut(p, n, d) instead.
func Exp[V any](o Ops[V], d []V, mantBits int) []V {
	n := len(d)
	z, nn, r, q, r2, p, e := make([]V, n), make([]V, n), make([]V, n), make([]V, n), make([]V, n), make([]V, n), make([]V, n)
	each := func(f func(c int)) {
		for c := range d {
			f(c)
		}
	}
	scaler, scale := o.(ExpScaler[V])
	scale = scale && scaler.Scales()
	each(func(c int) { z[c] = o.Mul(d[c], o.K(Log2e)) })
	if scale {
		each(func(c int) { nn[c] = scaler.Round(z[c]) })
	} else {
		each(func(c int) { z[c] = o.Add(z[c], o.K(Magic)) })
		each(func(c int) { nn[c] = o.Sub(z[c], o.K(Magic)) })
		each(func(c int) { z[c] = o.ShlI(z[c], mantBits) })
		each(func(c int) { z[c] = o.AddI(z[c], o.K(OneBits)) }) // 2^n
	}
	each(func(c int) { r[c] = o.Mul(nn[c], o.K(Ln2Hi)) })
	each(func(c int) { r[c] = o.Sub(d[c], r[c]) })
	lo := make([]V, n)
	each(func(c int) { lo[c] = o.Mul(nn[c], o.K(Ln2Lo)) })
	each(func(c int) { r[c] = o.Sub(r[c], lo[c]) })
	each(func(c int) { q[c] = o.Mul(r[c], o.K(Q4)) })
	each(func(c int) { r2[c] = o.Mul(r[c], r[c]) })
	for _, k := range []Const{Q3, Q2, Q1} {
		each(func(c int) { q[c] = o.Add(q[c], o.K(k)) })
		each(func(c int) { q[c] = o.Mul(q[c], r[c]) })
	}
	each(func(c int) { q[c] = o.Add(q[c], o.K(Q0)) })
	each(func(c int) { p[c] = o.Mul(r2[c], q[c]) })
	each(func(c int) { p[c] = o.Add(p[c], r[c]) })
	each(func(c int) { p[c] = o.Add(p[c], o.K(One)) })
	if scale {
		each(func(c int) { e[c] = scaler.ScaleCut(p[c], nn[c], d[c]) })
		return e
	}
	each(func(c int) { p[c] = o.Mul(p[c], z[c]) })
	each(func(c int) { r[c] = o.Less(d[c], o.K(Cutoff)) })
	each(func(c int) { e[c] = o.AndNot(r[c], p[c]) })
	return e
}

// ExpScaler is implemented by a backend with an instruction that scales
// by a power of two given as a float (AVX-512's VSCALEFPS).
// The two methods replace steps of Exp by instructions that give the same
// bits wherever the result of Exp depends on them: where d >= cutoff (or d
// is NaN).
type ExpScaler[V any] interface {
	Scales() bool // whether the methods are available (it may depend on the target)
	// Round returns z rounded to the nearest integer, ties to even (as a
	// float32): (z + magic) - magic of Exp, which is that for |z| < 2^22,
	// so for every d >= cutoff (|z| <= 126); a NaN z gives a NaN.
	Round(z V) V
	// ScaleCut returns the last steps of Exp: p·2^n where d is not below
	// the cutoff (d >= cutoff, or d NaN), +0 where d < cutoff, for n the
	// integer-valued float32 n of Exp. Where d >= cutoff, n >= -126 and
	// 2^n is the normal float32 that bits(z)<<23 + oneBits builds, so
	// p·2^n rounded once is the product of Exp bit for bit; a NaN d gives
	// a NaN p, and a NaN either way.
	ScaleCut(p, n, d V) V
}

// Log returns log32(s[c]) for each column (s positive and normal, or NaN),
// log32 of kernel_generic.go without branches:
//
//	kb = bits(s) >> 23; f = s · frombits((253 - kb) << 23); k = float32(kb - 126)
//	where f < √½: f = f + f, k = k - 1
//	u = f - 1; z = u·u
//	q = u·P0 + P1, then q = q·u + Pi for i = 2..8
//	y = (q·u)·z; y = y + k·ln2lo; y = y - 0.5·z; y = u + y; log = y + k·ln2hi
//
// The columns are interleaved operation by operation; s[c] is read twice
// (the exponent, then the product by 2^-k).
func Log[V any](o Ops[V], s []V, mantBits int) []V {
	n := len(s)
	kb, f, k, m, t, u, z, q, y := make([]V, n), make([]V, n), make([]V, n), make([]V, n), make([]V, n), make([]V, n), make([]V, n), make([]V, n), make([]V, n)
	each := func(fn func(c int)) {
		for c := range s {
			fn(c)
		}
	}
	each(func(c int) { kb[c] = o.ShrI(s[c], mantBits) })
	each(func(c int) { f[c] = o.SubI(o.K(ExpInv), kb[c]) })
	each(func(c int) { f[c] = o.ShlI(f[c], mantBits) })
	each(func(c int) { f[c] = o.Mul(f[c], s[c]) })
	each(func(c int) { k[c] = o.SubI(kb[c], o.K(ExpBias)) })
	each(func(c int) { k[c] = o.CvtIF(k[c]) })
	each(func(c int) { m[c] = o.Less(f[c], o.K(SqrtHalf)) })
	each(func(c int) { t[c] = o.Add(f[c], f[c]) })
	each(func(c int) { f[c] = o.Select(m[c], t[c], f[c]) })
	each(func(c int) { t[c] = o.Sub(k[c], o.K(One)) })
	each(func(c int) { k[c] = o.Select(m[c], t[c], k[c]) })
	each(func(c int) { t[c] = o.Park(o.Mul(k[c], o.K(Ln2Hi))) }) // k·ln2hi, added last
	each(func(c int) { k[c] = o.Mul(k[c], o.K(Ln2Lo)) })
	each(func(c int) { u[c] = o.Sub(f[c], o.K(One)) })
	each(func(c int) { z[c] = o.Mul(u[c], u[c]) })
	each(func(c int) { q[c] = o.Mul(u[c], o.K(P0)) })
	for _, p := range []Const{P1, P2, P3, P4, P5, P6, P7} {
		each(func(c int) { q[c] = o.Add(q[c], o.K(p)) })
		each(func(c int) { q[c] = o.Mul(q[c], u[c]) })
	}
	each(func(c int) { q[c] = o.Add(q[c], o.K(P8)) })
	each(func(c int) { q[c] = o.Mul(q[c], u[c]) })
	each(func(c int) { y[c] = o.Mul(q[c], z[c]) })
	each(func(c int) { y[c] = o.Add(y[c], k[c]) })
	each(func(c int) { z[c] = o.Mul(z[c], o.K(Half)) })
	each(func(c int) { y[c] = o.Sub(y[c], z[c]) })
	each(func(c int) { y[c] = o.Add(u[c], y[c]) })
	each(func(c int) { y[c] = o.Add(y[c], t[c]) })
	return y
}

// The row tails: what each path computes after m, d, e and s.

// LabelLoss returns loss = log(s) - d[l] (xentLabelsRow), from ls = log(s).
func LabelLoss[V any](o Ops[V], ls, dl V) V { return o.Sub(ls, dl) }

// Quotient returns q = scale / s, the one division of a row.
func Quotient[V any](o Ops[V], scale, s V) V { return o.Div(scale, s) }

// Scaled returns g[j] = e[j]·q (mul10), before the label's g[l] - scale.
func Scaled[V any](o Ops[V], e, q V) V { return o.Mul(e, q) }

// TargetTerm returns td[j] = t[j]·d[j], or +0 where t[j] == 0, a term of
// D = sum10(td) in xentTargetsRow (exactly +0 even when d[j] is -Inf).
func TargetTerm[V any](o Ops[V], t, d V) V {
	return o.And(o.NotZero(t), o.Mul(t, d))
}

// TargetLoss returns loss = log(s)·T - D (xentTargetsRow).
func TargetLoss[V any](o Ops[V], ls, tsum, dsum V) V {
	return o.Sub(o.Mul(ls, tsum), dsum)
}

// TargetGrad returns g[j] = e[j]·qt - t[j]·scale (xentTargetsRow), where
// qt = q·T is computed once per row by Scaled(q, tsum).
func TargetGrad[V any](o Ops[V], e, qt, t, scale V) V {
	return o.Sub(o.Mul(e, qt), o.Mul(t, scale))
}

// Reciprocal returns 1/s (softmaxRow), which Scaled multiplies by e[j].
func Reciprocal[V any](o Ops[V], s V) V { return o.Div(o.K(One), s) }

// LogSoftmax returns y[j] = d[j] - log(s) (logSoftmaxRow).
func LogSoftmax[V any](o Ops[V], d, ls V) V { return o.Sub(d, ls) }

// The fused outputs and the z-loss.

// Argmax returns argmax10(x) of kernel_generic.go (argmaxRow of a row of
// len(x) columns), the prediction of each lane's row, as int32 lanes, from
// m = Max10(x) (or the maximum without its + 0: equality does not see the
// sign of a zero): two chains of Select from j = len(x)-1 down to 0, the first taking j where x[j] == m (the first maximum),
// the second j where x[j] is NaN (the first NaN, whatever m is).
func Argmax[V any](o Ops[V], x []V, m V) V {
	p := o.K(Zero)
	for j := len(x) - 1; j >= 0; j-- {
		p = o.Select(o.Equal(x[j], m), o.Index(j), p)
	}
	for j := len(x) - 1; j >= 0; j-- {
		p = o.Select(o.IsNaN(x[j]), o.Index(j), p)
	}
	return p
}

// AllNegInf returns the mask of logSumExp's special case, from the columns
// x and m = Max10(x): m == -Inf and sum10(x) == -Inf, which holds exactly
// for a row of only -Inf. x has ten or sixteen columns (SumCols).
func AllNegInf[V any](o Ops[V], x []V, m V) V {
	return o.And(o.Equal(m, o.K(NegInf)), o.Equal(SumCols(o, x), o.K(NegInf)))
}

// LogSumExp returns lse = logSumExp(x, m, ls): m + ls, or m (which is -Inf)
// where all, the mask of AllNegInf, is set.
func LogSumExp[V any](o Ops[V], all, m, ls V) V {
	return o.Select(all, m, o.Add(m, ls))
}

// ZTerms returns zTerms(z, lse) of kernel_generic.go: with c = z·lse, the
// loss term zl = c·lse and the gradient factor f = 1 + (c + c). The label
// path adds zl to the loss and multiplies q by f; the target path adds
// zl·T and multiplies qt by f.
func ZTerms[V any](o Ops[V], z, lse V) (zl, f V) {
	c := o.Mul(z, lse)
	return o.Mul(c, lse), o.Add(o.K(One), o.Add(c, c))
}
