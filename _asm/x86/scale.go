// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package x86

import (
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/xentropy/kernel/_asm/seq"
)

// The logit scale and the row weights of the record (blockArgs.xscale and
// blockArgs.rowWeights).
//
// Every logit a function reads is multiplied by the logit scale first,
// x'[j] = float32(x[j]·xscale), one VMULPS with the scale in every lane
// (never fused with anything). A product by 1 changes no number and keeps
// a NaN a NaN, so the functions skip it where that saves time when the
// scale is 1 (skipUnscaled: one compare and branch):
//
//   - the functions of rows per lane multiply the columns x[j] (and x[l])
//     in pass 1a, behind one branch per block (scaleCols);
//   - the wide functions multiply every vector of logits they load, in
//     each pass that reads them: the unrolled iterations of pass 2 have a
//     scheduled region for each case, behind one branch per iteration
//     (eitherScale); the other loads multiply in place behind a branch
//     (scaleInPlace), or always where a pass is not worth a branch.
//
// The scale lives in the frame: on ZMM the float32 (4 bytes), read by the
// embedded broadcast of VMULPS; on YMM a vector of 8 copies, a memory
// operand of VMULPS (its first 4 bytes are the float32 the test reads).
//
// Row weights: a loss function with rowWeights not nil (the pointer in a
// frame slot, 0 for nil) computes row i with the gradient factor
// sc = float32(scale·w[i]) in place of scale, and multiplies its loss
// (z-loss included) by w[i] before storing and accumulating it. The row
// functions copy the weights of a block (a vector: a weight per lane) to
// its record in pass 1a, multiply the losses of pass 2 by them and the
// scale of pass 3; the wide functions read w[i] where they need it. Each
// behind a test of the pointer, so that a call without weights runs the
// plain path and a few predictable branches.

// xscaleSetup, in the prologue, allocates the frame slot of the logit
// scale, g.xs, and copies a.xscale to it (xscaleAlloc, xscaleCopy).
func (g *x86Gen) xscaleSetup() {
	g.xscaleAlloc()
	g.xscaleCopy()
}

// xscaleAlloc allocates the frame slot of the logit scale, g.xs:
// xscaleBytes.
func (g *x86Gen) xscaleAlloc() { g.xs = g.AllocLocal(g.xscaleBytes()) }

// xscaleCopy, in the prologue, copies a.xscale to g.xs: the float32 on
// ZMM, 8 copies on YMM.
func (g *x86Gen) xscaleCopy() {
	if g.t.lanes == 16 {
		g.copyField(g.field("xscale"), g.xs)
		return
	}
	v := g.YMM()
	g.VBROADCASTSS(g.addr(g.field("xscale")), v)
	g.VMOVUPS(v, g.xs)
}

// xscaleDoc describes, for the header of a softmax function, the frame
// slots after the records: the prefetch limits, when the tier prefetches,
// the logit scale and the chunk.
func (g *x86Gen) xscaleDoc() string {
	doc := "xscale"
	if g.t.prefetch != 0 {
		doc = "the prefetch limits, then xscale"
	}
	if g.t.lanes != 16 {
		doc += " in every lane"
	}
	return doc + ", then the chunk (blocks)"
}

// xscaleBytes is the size of the frame slot of the logit scale.
func (g *x86Gen) xscaleBytes() int {
	if g.t.lanes == 16 {
		return 8
	}
	return 32
}

// skipUnscaled jumps to label when the logit scale is 1 (its bits).
func (g *x86Gen) skipUnscaled(label string) {
	g.CMPL(g.xs, operand.U32(g.v.Bits[seq.One]))
	g.JEQ(operand.LabelRef(label))
}

// mulXS emits d = x·xscale (x a register or memory).
func (g *x86Gen) mulXS(x operand.Op, d reg.VecVirtual) {
	if g.t.lanes == 16 {
		if m, ok := x.(operand.Mem); ok {
			g.VMOVUPS(m, d)
			x = d
		}
		g.VMULPS_BCST(g.xs, x, d)
		return
	}
	g.VMULPS(g.xs, x, d)
}

// scaleInPlace multiplies the register x by the logit scale, unless it
// is 1.
func (g *x86Gen) scaleInPlace(x reg.VecVirtual) {
	skip := g.label("unscaled")
	g.skipUnscaled(skip)
	g.mulXS(x, x)
	g.Label(skip)
}

// scaleCols multiplies, unless the logit scale is 1, the columns cols in
// place: registers, or (in a lean function) frame slots, loaded,
// multiplied and stored back.
func (g *x86Gen) scaleCols(cols []operand.Op) {
	g.comment("x[j] = x[j]·xscale, skipped when xscale is 1.")
	skip := g.label("unscaled")
	g.skipUnscaled(skip)
	var xs operand.Op = g.xs
	if g.t.lanes != 16 {
		r := g.YMM()
		g.VMOVUPS(g.xs, r)
		xs = r
	}
	for _, c := range cols {
		switch c := c.(type) {
		case reg.VecVirtual:
			if g.t.lanes == 16 {
				g.VMULPS_BCST(xs, c, c)
			} else {
				g.VMULPS(xs, c, c)
			}
		case operand.Mem:
			if g.t.lanes == 16 {
				g.fail("scaleCols: a column in memory on ZMM")
			}
			t := g.YMM()
			g.VMULPS(c, xs, t)
			g.VMOVUPS(t, c)
		default:
			g.fail("scaleCols: column %v", c)
		}
	}
	g.Label(skip)
}

// eitherScale emits body twice, behind a test of the logit scale:
// body(false) when it is 1, body(true) otherwise.
func (g *x86Gen) eitherScale(body func(scaled bool)) {
	scaled, join := g.label("scaled"), g.label("scaledDone")
	g.CMPL(g.xs, operand.U32(g.v.Bits[seq.One]))
	g.JNE(operand.LabelRef(scaled))
	body(false)
	g.JMP(operand.LabelRef(join))
	g.Label(scaled)
	body(true)
	g.Label(join)
}

// ScaleX returns a·xscale as an operation of x86Ops (recorded in a
// scheduled region).
func (o *x86Ops) ScaleX(a operand.Op) operand.Op {
	ra := o.inReg(a, false)
	d := o.vec()
	if o.zmm() {
		o.op(clsMul, o.g.VMULPS_BCST, o.g.xs, ra, d)
	} else {
		o.op(clsMul, o.g.VMULPS, o.g.xs, ra, d)
	}
	return d
}

// rowWeightsSetup, in the prologue, allocates the frame slot of the row
// weights pointer, g.rw, and copies the base of a.rowWeights to it (0:
// nil).
func (g *x86Gen) rowWeightsSetup() {
	g.rw = g.AllocLocal(8)
	g.rowWeightsCopy()
}

// rowWeightsCopy, in the prologue, copies the base of a.rowWeights to
// g.rw.
func (g *x86Gen) rowWeightsCopy() { g.copyField(g.field("rowWeights").Base(), g.rw) }

// skipUnweighted jumps to label when the call has no row weights.
func (g *x86Gen) skipUnweighted(label string) {
	g.CMPQ(g.rw, operand.U8(0))
	g.JEQ(operand.LabelRef(label))
}

// copyWeights, in pass 1a of a row function, copies the weights of the
// block to the record at wAt (from R11) and advances the pointer, when
// the call has row weights. Uses AX.
func (g *x86Gen) copyWeights(wAt int) {
	g.comment("The weights of the block's rows to the record (with row weights).")
	skip := g.label("unweighted")
	g.MOVQ(g.rw, reg.RAX)
	g.TESTQ(reg.RAX, reg.RAX)
	g.JZ(operand.LabelRef(skip))
	v := g.vec()
	g.VMOVUPS(mem(reg.RAX, 0), v)
	g.VMOVUPS(v, mem(reg.R11, wAt))
	g.ADDQ(operand.U32(g.vecBytes()), reg.RAX)
	g.MOVQ(reg.RAX, g.rw)
	g.Label(skip)
}

// weighLosses returns, for logLoop, the multiplication of the losses of
// the blocks of the records recs (offsets from R11) by their weights at
// wAt, when the call has row weights: loss = float32(loss·w).
func (g *x86Gen) weighLosses(wAt int) func(loss []operand.Op, recs []int) {
	return func(loss []operand.Op, recs []int) {
		g.comment("loss = loss·w (with row weights).")
		skip := g.label("unweighted")
		g.skipUnweighted(skip)
		for b, l := range loss {
			r := l.(reg.VecVirtual)
			g.VMULPS(mem(reg.R11, recs[b]+wAt), r, r)
		}
		g.Label(skip)
	}
}

// weighScale multiplies sc, scale in every lane, by the weights of the
// block at wAt (from R11), when the call has row weights: the gradient
// factor of each row, float32(scale·w).
func (g *x86Gen) weighScale(sc reg.VecVirtual, wAt int) {
	skip := g.label("unweighted")
	g.skipUnweighted(skip)
	g.VMULPS(mem(reg.R11, wAt), sc, sc)
	g.Label(skip)
}
