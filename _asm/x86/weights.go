// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package x86

import (
	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// rowWeightSum emits rowWeightSumAVX2, the sum of the row weights
// (weightSumGeneric, kernel.go): w[i] converted to float64 (exact) and
// added to acc[i mod 16], 16 weights a step, for the whole steps of w; the
// result is nonzero when one of those weights has its sign bit set. Both
// tiers call it (AVX-512 adds nothing to a loop whose length is the chain
// of four float64 additions).
//
// The 16 accumulators are four YMM (acc[0..3], [4..7], [8..11],
// [12..15]); a step converts four groups of 4 float32 with VCVTPS2PD (a
// 16-byte memory operand) and adds each to its accumulator, so that
// every accumulator adds its weights in row order, as the Go loop does.
// The sign bits are OR-ed (VPOR) into one vector, read by VMOVMSKPS at the
// end.
func (g *x86Gen) rowWeightSum() {
	name := "rowWeightSum" + g.t.suffix
	g.Function(name)
	g.Doc(wrap(name+` is weightSumGeneric's loop over the whole steps of 16
weights of w: w[i] is added, in float64, to acc[i%16]. It returns a nonzero
value when one of those weights has its sign bit set. Nothing outside w and
acc is read or written.`, 74)...)
	g.Pragma("noescape")
	g.Attributes(attr.NOSPLIT)
	g.SignatureExpr("func(w []float32, acc *[16]float64) uint32")
	g.comment(`
Registers: SI = w, CX = the end of the whole steps (bytes), AX = the offset
of the step (bytes), DI = acc.`)
	g.Load(g.Param("w").Base(), reg.RSI)
	g.Load(g.Param("w").Len(), reg.RCX)
	g.Load(g.Param("acc"), reg.RDI)
	acc := []reg.VecVirtual{g.YMM(), g.YMM(), g.YMM(), g.YMM()}
	for i, a := range acc {
		g.VMOVUPD(mem(reg.RDI, 32*i), a)
	}
	sign := g.YMM()
	g.VXORPS(sign, sign, sign)
	g.ANDQ(operand.I8(-16), reg.RCX)
	g.SHLQ(operand.U8(2), reg.RCX)
	g.XORL(reg.EAX, reg.EAX)
	g.TESTQ(reg.RCX, reg.RCX)
	g.JZ(operand.LabelRef("weightsDone"))
	g.Label("weightsLoop")
	for i, a := range acc {
		d := g.YMM()
		g.VCVTPS2PD(operand.Mem{Base: reg.RSI, Index: reg.RAX, Scale: 1, Disp: 16 * i}, d)
		g.VADDPD(d, a, a)
	}
	for h := range 2 {
		g.VPOR(operand.Mem{Base: reg.RSI, Index: reg.RAX, Scale: 1, Disp: 32 * h}, sign, sign)
	}
	g.ADDQ(operand.U8(64), reg.RAX)
	g.CMPQ(reg.RAX, reg.RCX)
	g.JNE(operand.LabelRef("weightsLoop"))
	g.Label("weightsDone")
	for i, a := range acc {
		g.VMOVUPD(a, mem(reg.RDI, 32*i))
	}
	g.VMOVMSKPS(sign, reg.EAX)
	g.VZEROUPPER()
	g.Store(reg.EAX, g.ReturnIndex(0))
	g.RET()
}
