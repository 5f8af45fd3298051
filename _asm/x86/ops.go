// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package x86

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/xentropy/kernel/_asm/seq"
)

// x86Ops lowers the per-lane sequences of package seq to AVX instructions:
// it implements seq.Ops[operand.Op]. A value is an avo virtual vector
// register (the result of every method, allocated by avo after the whole
// function is built), a memory operand (a vector of the stack frame that
// the backend passes in, or a slot Park stored to) or a constant (the
// symbol k[c] of the constant table, a memory operand too).
//
// The VEX forms take their second source from memory, so a memory operand
// costs no instruction there: a - b, a·b, a < b, ... keep b in memory and
// load a into a register only when it is not one. A commutative operation
// (Add, Mul, Max, AddI, And) swaps a memory a with a register b, and with
// two memory operands keeps the constant in memory and loads the data.
//
// In Go's operand order, VSUBPS b, a, d computes d = a - b; the methods
// below are written in that order.
type x86Ops struct {
	g *x86Gen

	// parks are the frame slots Park stores to, taken in order; when none
	// is left Park keeps the register.
	parks []operand.Mem
	// reuse[m] = n: the register a load of the memory operand m fills
	// serves the next n reads of m as well, instead of a reload (see
	// share). copies holds those registers while they serve.
	reuse  map[string]int
	copies map[string]*regCopy

	// pinned holds the constants kept in registers (K returns them).
	pinned map[seq.Const]operand.Op

	// rec, while a schedule is recorded (see sched.go), collects the
	// instructions instead of emitting them.
	rec *schedule
}

type regCopy struct {
	r    reg.VecVirtual
	uses int
}

func newX86Ops(g *x86Gen) *x86Ops {
	return &x86Ops{g: g, reuse: map[string]int{}, copies: map[string]*regCopy{}, pinned: map[seq.Const]operand.Op{}}
}

// share declares that the first load of each m into a register also serves
// the next uses reads of m. Exp reads d three times (the first multiply,
// the first subtraction, the cutoff comparison): sharing the first load
// with the second read and reloading d for the third keeps four registers
// per column at most, and the reload can wait until the exponential is
// there (see anchors in sched.go). seq has no way to say this.
func (o *x86Ops) share(ms []operand.Op, uses int) {
	for _, m := range ms {
		if m, ok := m.(operand.Mem); ok {
			o.reuse[m.Asm()] = uses
		}
	}
}

// reset forgets the parks and register copies: it is called after each
// sequence, before the backend stores to the frame again.
func (o *x86Ops) reset() {
	o.parks = nil
	clear(o.reuse)
	clear(o.copies)
}

func (o *x86Ops) vec() reg.VecVirtual { return o.g.vec() }

// zmm reports whether the tier is AVX-512: its masks are opmask registers.
func (o *x86Ops) zmm() bool { return o.g.t.lanes == 16 }

// mask returns the result register of a comparison: an opmask register
// (AVX-512) or a vector.
func (o *x86Ops) mask() reg.Register {
	if o.zmm() {
		return o.g.K()
	}
	return o.vec()
}

// maskReg returns the opmask m in a register, loading it (KMOVW, 16 bits)
// if it is a frame slot.
func (o *x86Ops) maskReg(m operand.Op) operand.Op {
	m = o.resolve(m)
	if mm, ok := m.(operand.Mem); ok {
		k := o.g.K()
		o.op(clsLoad, o.g.KMOVW, mm, k)
		return k
	}
	return m
}

func isConst(m operand.Mem) bool { return m.Symbol.Name != "" }

// resolve replaces a memory operand that has a register copy by the copy.
func (o *x86Ops) resolve(a operand.Op) operand.Op {
	m, ok := a.(operand.Mem)
	if !ok {
		return a
	}
	key := m.Asm()
	c, ok := o.copies[key]
	if !ok {
		return a
	}
	if c.uses--; c.uses == 0 {
		delete(o.copies, key)
	}
	return c.r
}

// inReg returns a as a register, loading it if it is a memory operand
// (VMOVDQU for integer data, VMOVUPS for float data).
func (o *x86Ops) inReg(a operand.Op, integer bool) operand.Op {
	a = o.resolve(a)
	m, ok := a.(operand.Mem)
	if !ok {
		return a
	}
	r := o.vec()
	if o.zmm() && isConst(m) {
		o.op(clsLoad, o.g.VBROADCASTSS, m, r) // see form
	} else if integer && o.zmm() {
		o.op(clsLoad, o.g.VMOVDQU32, m, r)
	} else if integer {
		o.op(clsLoad, o.g.VMOVDQU, m, r)
	} else {
		o.op(clsLoad, o.g.VMOVUPS, m, r)
	}
	key := m.Asm()
	if n := o.reuse[key]; n > 0 {
		delete(o.reuse, key)
		o.copies[key] = &regCopy{r: r, uses: n}
	}
	return r
}

// binary emits d = a op b as inst(b, a, d), with b possibly in memory. A
// commutative operation loads the operand whose register serves later
// reads (share), else keeps a constant (or the other operand) in memory.
//
// bcst is the embedded-broadcast form of inst (AVX-512): see form.
func (o *x86Ops) binary(cls opClass, inst, bcst any, a, b operand.Op, commutative, integer bool) operand.Op {
	return o.binaryTo(cls, inst, bcst, a, b, commutative, integer, o.vec())
}

// form returns bcst, the embedded-broadcast form of an instruction
// ({1to16}: one float32 or int32 read from memory for every lane), when the
// tier is AVX-512 and its memory operand m is a constant, else inst. The
// Go linker aligns a data symbol to 32 bytes at most, so a 64-byte vector
// of the constant table may straddle two cache lines, and a load of it
// costs two; the broadcast form reads the constant's first 4 bytes.
func (o *x86Ops) form(inst, bcst any, m operand.Op) any {
	if mm, ok := m.(operand.Mem); ok && o.zmm() && bcst != nil && isConst(mm) {
		return bcst
	}
	return inst
}

// binaryTo is binary with the result register d.
func (o *x86Ops) binaryTo(cls opClass, inst, bcst any, a, b operand.Op, commutative, integer bool, d reg.Register) operand.Op {
	a, b = o.resolve(a), o.resolve(b)
	if commutative {
		ma, aMem := a.(operand.Mem)
		mb, bMem := b.(operand.Mem)
		switch {
		case bMem && o.reuse[mb.Asm()] > 0 && !(aMem && o.reuse[ma.Asm()] > 0):
			// b is loaded, and its register serves the next reads.
			a, b = b, a
		case aMem && o.reuse[ma.Asm()] > 0:
		case aMem && (!bMem || isConst(ma) && !isConst(mb)):
			a, b = b, a
		}
	}
	ra := o.inReg(a, integer)
	o.op(cls, o.form(inst, bcst, b), b, ra, d)
	return d
}

func (o *x86Ops) K(c seq.Const) operand.Op {
	if r, ok := o.pinned[c]; ok {
		return r
	}
	return o.g.k[c]
}

func (o *x86Ops) Add(a, b operand.Op) operand.Op {
	return o.binary(clsAdd, o.g.VADDPS, o.g.VADDPS_BCST, a, b, true, false)
}
func (o *x86Ops) Sub(a, b operand.Op) operand.Op {
	return o.binary(clsAdd, o.g.VSUBPS, o.g.VSUBPS_BCST, a, b, false, false)
}
func (o *x86Ops) Mul(a, b operand.Op) operand.Op {
	return o.binary(clsMul, o.g.VMULPS, o.g.VMULPS_BCST, a, b, true, false)
}
func (o *x86Ops) Div(a, b operand.Op) operand.Op {
	return o.binary(clsDiv, o.g.VDIVPS, o.g.VDIVPS_BCST, a, b, false, false)
}

// Max is VMAXPS, which returns its second source when the operands are
// ±0 or either is NaN: seq.Ops allows both (see max10).
func (o *x86Ops) Max(a, b operand.Op) operand.Op {
	return o.binary(clsLogic, o.g.VMAXPS, o.g.VMAXPS_BCST, a, b, true, false)
}

func (o *x86Ops) AddI(a, b operand.Op) operand.Op {
	return o.binary(clsLogic, o.g.VPADDD, o.g.VPADDD_BCST, a, b, true, true)
}
func (o *x86Ops) SubI(a, b operand.Op) operand.Op {
	return o.binary(clsLogic, o.g.VPSUBD, o.g.VPSUBD_BCST, a, b, false, true)
}

func (o *x86Ops) ShlI(a operand.Op, n int) operand.Op {
	ra := o.inReg(a, true)
	d := o.vec()
	o.op(clsShift, o.g.VPSLLD, operand.U8(n), ra, d)
	return d
}

func (o *x86Ops) ShrI(a operand.Op, n int) operand.Op {
	ra := o.inReg(a, true)
	d := o.vec()
	o.op(clsShift, o.g.VPSRLD, operand.U8(n), ra, d)
	return d
}

// CvtIF is VCVTDQ2PS, whose source may be in memory.
func (o *x86Ops) CvtIF(a operand.Op) operand.Op {
	d := o.vec()
	o.op(clsCvt, o.g.VCVTDQ2PS, o.resolve(a), d)
	return d
}

// cmp returns VCMPPS (or, with bcst, VCMPPS.BCST) with the predicate p,
// as an instruction of three operands.
func (o *x86Ops) cmp(p int, bcst bool) func(...operand.Op) {
	if bcst {
		return func(ops ...operand.Op) { o.g.VCMPPS_BCST(operand.U8(p), ops[0], ops[1], ops[2]) }
	}
	return func(ops ...operand.Op) { o.g.VCMPPS(operand.U8(p), ops[0], ops[1], ops[2]) }
}

// VCMPPS predicates: EQ_OQ (0) and LT_OS (1) are false for NaN; UNORD_Q
// (3) is true where an operand is NaN; NEQ_UQ (4) is true for NaN, as Go's
// != is.
const (
	cmpEQ    = 0
	cmpLT    = 1
	cmpUNORD = 3
	cmpNEQ   = 4
	cmpNLT   = 5 // NLT_US: true where a >= b or either is NaN
)

// The comparisons write a vector of all-ones or all-zeros lanes (AVX2),
// or an opmask register (AVX-512: VCMPPS with a ZMM writes a mask).

func (o *x86Ops) Less(a, b operand.Op) operand.Op {
	b = o.resolve(b)
	ra := o.inReg(a, false)
	d := o.mask()
	o.op(clsLogic, o.form(o.cmp(cmpLT, false), o.cmp(cmpLT, true), b), b, ra, d)
	return d
}

// Equal is VCMPPS EQ_OQ: false where either operand is NaN.
func (o *x86Ops) Equal(a, b operand.Op) operand.Op {
	return o.binaryTo(clsLogic, o.cmp(cmpEQ, false), o.cmp(cmpEQ, true), a, b, true, false, o.mask())
}

// IsNaN is VCMPPS UNORD of a with itself.
func (o *x86Ops) IsNaN(a operand.Op) operand.Op {
	ra := o.inReg(a, false)
	d := o.mask()
	o.op(clsLogic, o.g.VCMPPS, operand.U8(cmpUNORD), ra, ra, d)
	return d
}

// Index is the vector j of the index table (int32 j in every lane).
func (o *x86Ops) Index(j int) operand.Op { return o.g.index(j) }

func (o *x86Ops) NotZero(a operand.Op) operand.Op {
	ra := o.inReg(a, false)
	d := o.mask()
	z := o.K(seq.Zero)
	o.op(clsLogic, o.form(o.cmp(cmpNEQ, false), o.cmp(cmpNEQ, true), z), z, ra, d)
	return d
}

// And is VANDPS (AVX2); on AVX-512, KANDW of two masks, else a zeroing
// masked move, VMOVUPS.Z a, mask, d.
func (o *x86Ops) And(mask, a operand.Op) operand.Op {
	if !o.zmm() {
		return o.binary(clsLogic, o.g.VANDPS, nil, mask, a, true, false)
	}
	k := o.maskReg(mask)
	a = o.resolve(a)
	if isMask(a) {
		d := o.g.K()
		o.op(clsLogic, o.g.KANDW, a, k, d)
		return d
	}
	d := o.vec()
	o.op(clsLogic, o.g.VMOVUPS_Z, a, k, d)
	return d
}

// AndNot is VANDNPS a, mask, d: d = ^mask & a (AVX2); on AVX-512,
// VBLENDMPS zero, a, mask, d: +0 where the mask is set, a elsewhere.
func (o *x86Ops) AndNot(mask, a operand.Op) operand.Op {
	if o.zmm() {
		k := o.maskReg(mask)
		ra := o.inReg(a, false)
		d := o.vec()
		z := o.K(seq.Zero)
		o.op(clsLogic, o.form(o.g.VBLENDMPS, o.g.VBLENDMPS_BCST, z), z, ra, k, d)
		return d
	}
	a = o.resolve(a)
	rm := o.inReg(mask, false)
	d := o.vec()
	o.op(clsLogic, o.g.VANDNPS, a, rm, d)
	return d
}

// Select is VBLENDVPS mask, a, b, d: d = a where the mask's sign bit is set,
// b elsewhere (a compare mask is all ones or all zeros); on AVX-512,
// VBLENDMPS a, b, mask, d.
func (o *x86Ops) Select(mask, a, b operand.Op) operand.Op {
	if o.zmm() {
		k := o.maskReg(mask)
		a = o.resolve(a)
		rb := o.inReg(b, false)
		d := o.vec()
		o.op(clsLogic, o.form(o.g.VBLENDMPS, o.g.VBLENDMPS_BCST, a), a, rb, k, d)
		return d
	}
	a = o.resolve(a)
	rm := o.inReg(mask, false)
	rb := o.inReg(b, false)
	d := o.vec()
	o.op(clsLogic, o.g.VBLENDVPS, rm, a, rb, d)
	return d
}

// Scales reports whether ScaleCut is available: on AVX-512 (VSCALEFPS).
func (o *x86Ops) Scales() bool { return o.zmm() }

// Round is VRNDSCALEPS $0 (round to nearest even, no fraction bits kept).
func (o *x86Ops) Round(z operand.Op) operand.Op {
	z = o.resolve(z)
	d := o.vec()
	o.op(clsAdd, o.g.VRNDSCALEPS, operand.U8(0), z, d)
	return d
}

// ScaleCut is VCMPPS NLT_US (d >= cutoff, or NaN) into an opmask, then the
// zeroing masked VSCALEFPS.Z n, p, k, e: e = p·2^n in those lanes, +0 in
// the others (seq.ExpScaler).
func (o *x86Ops) ScaleCut(p, n, d operand.Op) operand.Op {
	rd := o.inReg(d, false)
	k := o.g.K()
	c := o.K(seq.Cutoff)
	o.op(clsLogic, o.form(o.cmp(cmpNLT, false), o.cmp(cmpNLT, true), c), c, rd, k)
	n = o.resolve(n)
	rp := o.inReg(p, false)
	e := o.vec()
	o.op(clsMul, o.g.VSCALEFPS_Z, n, rp, k, e)
	return e
}

// Park stores v to the next free slot of parks and returns the slot, a
// memory operand that the final addition of Log reads (k·ln2hi): it frees
// a register per column of LOG4 for its whole polynomial.
func (o *x86Ops) Park(v operand.Op) operand.Op {
	if len(o.parks) == 0 {
		return v
	}
	slot := o.parks[0]
	o.parks = o.parks[1:]
	o.op(clsStore, o.g.VMOVUPS, v, slot)
	return slot
}

var (
	_ seq.Ops[operand.Op]       = (*x86Ops)(nil)
	_ seq.ExpScaler[operand.Op] = (*x86Ops)(nil)
)
