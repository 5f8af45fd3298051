// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package x86

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/xentropy/kernel/_asm/seq"
)

// wideCandidates, TopK's filter (wideCandidatesGeneric): the indices j <
// n = min(len(logits), len(preds)) of the logits whose scaled value v =
// float32(x[j]·xscale) is not <= thr (every number above thr and every
// NaN), appended to preds in increasing order, their number to count.
// TopK calls it on up to 1024 logits of a row with the threshold of the
// k-th best so far, so that nearly every vector has no candidate: the
// main loop takes 4 vectors a step (64 logits on ZMM, 32 on YMM) with one
// compare each and a single branch, and the appending is out of line.
//
// The compare is VCMPPS with the predicate NLE_UQ (not less-or-equal,
// unordered true: v > thr or either is NaN), v = x·xscale first (VMULPS;
// a product by 1 changes no number, so that the loop of xscale = 1 skips
// it and compares the logits in memory with the equivalent NGE_UQ, thr
// not >= x). Its masks, OR-ed, branch to the append when one is not zero:
// on ZMM an opmask per vector (KORW, KORTESTW), whose indices VPCOMPRESSD
// packs from the index vector j0 + 0..15 (a register: the memory form is
// microcoded on Zen 4) and a 64-byte store writes at preds[count] (count
// <= j0, so the store ends at j0 + 16 <= n: inside preds), count +
// POPCNT; on YMM vector masks (VORPS, VTESTPS), VMOVMSKPS, and a store of
// each index j0 + BSF(bits) at preds[count] (no BMI instruction, which the
// tier does not check for, nor POPCNT). After the main loop, a vector at
// a time, then the last n mod 16 logits under an opmask (ZMM: a masked
// load, which does not fault past the slice, and a store masked to the
// count's lanes) or the last n mod 8 one at a time (YMM: VCMPSS NLE_UQ).
// Nothing is read past n nor written past preds[n-1].

// The VCMPPS predicates of the filter.
const (
	cmpNLEUQ = 0x16 // NLE_UQ: true where !(a <= b), NaN included
	cmpNGEUQ = 0x19 // NGE_UQ: true where !(a >= b), NaN included
)

// wideCandidates emits wideCandidatesAVX512 or wideCandidatesAVX2.
func (g *x86Gen) wideCandidates() {
	// The labels of g.label are numbered from the counter at the start,
	// which goes back to its value at the end: the functions generated
	// after this one keep their labels.
	defer func(n int) { g.labels = n }(g.labels)
	z := g.wideZ()
	lanes := g.t.lanes
	step := 4 * lanes
	name := "wideCandidates" + g.t.suffix
	g.Function(name)
	g.Doc(wrap(fmt.Sprintf(`%s is wideCandidatesGeneric: a.preds receives, in increasing
order, the indices j < n = min(len(a.logits), len(a.preds)) of the logits
whose product by a.xscale is not <= a.thr (above it, or NaN), and a.count
their number; a.preds[a.count:n] may be written. Nothing outside the slices
is read or written; the other fields of a are not read.`, name), 74)...)
	g.Pragma("noescape")
	g.Attributes(attr.NOSPLIT)
	g.Signature(g.sig)
	appendDoc := `VMOVMSKPS, then for each set bit BSFL, a store of
the index at preds[count] and count + 1`
	tailDoc := `the last n mod 8 logits one at a time (VMULSS,
VCMPSS NLE_UQ, VMOVMSKPS)`
	if z {
		appendDoc = `KMOVW, VPCOMPRESSD.Z of the indices j0 + 0..15
(VPBROADCASTD, VPADDD lanes), a 64-byte store at preds[count] (count <= j0:
it ends inside preds), count + POPCNT`
		tailDoc = `the last n mod 16 logits under the opmask of their
lanes (VMOVUPS.Z: no fault past the slice), the indices stored under the
opmask of the count's lanes`
	}
	g.comment(rewrapZ(fmt.Sprintf(`
wideCandidatesGeneric, TopK's filter: %d logits a step (four vectors), v =
x·xscale (VMULPS; skipped by the loop of xscale = 1, which compares the
logits in memory with NGE_UQ: thr not >= x), the candidates by VCMPPS
NLE_UQ (v not <= thr: above it or NaN), their masks OR-ed into one branch;
a step with a candidate appends, for each vector with one, out of line:
%s. Then a vector at a time, then %s.

Registers: SI = logits, DI = preds, CX = n, AX = j0 (the index of the
step's first logit), DX = count, R9 = bits(xscale), R10 = the end of the
whole steps, R11 and R12 scratch.`, step, appendDoc, tailDoc)))
	g.Comment("")
	g.o = newX86Ops(g)

	g.args("The fields of the record a; thr and xscale in every lane.")
	g.Load(g.field("logits").Base(), reg.RSI)
	g.Load(g.field("preds").Base(), reg.RDI)
	g.Load(g.field("logits").Len(), reg.RCX)
	g.Load(g.field("preds").Len(), reg.RAX)
	g.CMPQ(reg.RAX, reg.RCX)
	g.CMOVQLT(reg.RAX, reg.RCX)
	thr, xs := g.vec(), g.vec()
	g.VBROADCASTSS(g.addr(g.field("thr")), thr)
	g.VBROADCASTSS(g.addr(g.field("xscale")), xs)
	g.MOVL(g.addr(g.field("xscale")), reg.R9L)
	g.argsDone()

	g.XORL(reg.EDX, reg.EDX)
	g.XORL(reg.EAX, reg.EAX)
	g.MOVQ(reg.RCX, reg.R10)
	g.ANDQ(operand.I8(int8(-step)), reg.R10)
	g.JZ(operand.LabelRef("candRest"))
	g.CMPL(reg.R9L, operand.U32(g.v.Bits[seq.One]))
	g.JEQ(operand.LabelRef("candPlain"))

	// hits holds the out-of-line appends, emitted after the return: the
	// label of each, its masks and where it goes back to.
	type hit struct {
		label, back string
		masks       []reg.Register
	}
	var hits []hit
	// compare returns the mask of the candidates of the vector of logits
	// at disp bytes from j0.
	compare := func(disp int, scaled bool) reg.Register {
		m := operand.Mem{Base: reg.RSI, Index: reg.RAX, Scale: 4, Disp: disp}
		var k reg.Register
		if z {
			k = g.K()
		} else {
			k = g.YMM()
		}
		if scaled {
			v := g.vec()
			g.VMULPS(m, xs, v)
			g.VCMPPS(operand.U8(cmpNLEUQ), thr, v, k)
		} else {
			g.VCMPPS(operand.U8(cmpNGEUQ), m, thr, k)
		}
		return k
	}
	// anyOf branches to label when one of the masks has a lane set.
	anyOf := func(masks []reg.Register, label string) {
		for len(masks) > 2 {
			var next []reg.Register
			for i := 0; i < len(masks); i += 2 {
				var o reg.Register
				if z {
					o = g.K()
					g.KORW(masks[i+1], masks[i], o)
				} else {
					o = g.YMM()
					g.VORPS(masks[i+1], masks[i], o)
				}
				next = append(next, o)
			}
			masks = next
		}
		switch {
		case z && len(masks) == 2:
			g.KORTESTW(masks[1], masks[0])
		case z:
			g.KORTESTW(masks[0], masks[0])
		case len(masks) == 2:
			o := g.YMM()
			g.VORPS(masks[1], masks[0], o)
			g.VTESTPS(o, o)
		default:
			g.VTESTPS(masks[0], masks[0])
		}
		g.JNE(operand.LabelRef(label))
	}
	for _, scaled := range []bool{true, false} {
		loop, hitAt, next := "candScaled", "candScaledHit", "candScaledNext"
		if scaled {
			g.comment(fmt.Sprintf("The main loop, %d logits a step: v = x·xscale; v not <= thr.", step))
		} else {
			loop, hitAt, next = "candPlain", "candPlainHit", "candPlainNext"
			g.comment(fmt.Sprintf("The main loop of xscale = 1, %d logits a step: thr not >= x.", step))
		}
		g.Label(loop)
		var masks []reg.Register
		for k := range 4 {
			masks = append(masks, compare(4*lanes*k, scaled))
		}
		anyOf(masks, hitAt)
		g.Label(next)
		g.ADDQ(operand.U8(step), reg.RAX)
		g.CMPQ(reg.RAX, reg.R10)
		g.JB(operand.LabelRef(loop))
		if scaled {
			g.JMP(operand.LabelRef("candRest"))
		}
		hits = append(hits, hit{hitAt, next, masks})
	}

	g.Label("candRest")
	g.comment(fmt.Sprintf("A vector (%d logits) at a time: v = x·xscale; v not <= thr.", lanes))
	g.MOVQ(reg.RCX, reg.R10)
	g.ANDQ(operand.I8(int8(-lanes)), reg.R10)
	g.Label("candVec")
	g.CMPQ(reg.RAX, reg.R10)
	g.JAE(operand.LabelRef("candTail"))
	mv := compare(0, true)
	anyOf([]reg.Register{mv}, "candVecHit")
	g.Label("candVecNext")
	g.ADDQ(operand.U8(lanes), reg.RAX)
	g.JMP(operand.LabelRef("candVec"))
	hits = append(hits, hit{"candVecHit", "candVecNext", []reg.Register{mv}})

	g.Label("candTail")
	if z {
		g.candTailZ(thr, xs)
	} else {
		g.candTailY(thr, xs)
	}

	g.Label("candDone")
	g.comment("a.count = count.")
	g.Store(reg.RDX, g.Dereference(g.Param("a")).Field("count"))
	g.VZEROUPPER()
	g.RET()

	for _, h := range hits {
		g.Label(h.label)
		g.comment("Append the candidates of each vector with one.")
		for k, m := range h.masks {
			g.candAppend(m, lanes*k, len(h.masks) > 1)
		}
		g.JMP(operand.LabelRef(h.back))
	}
}

// candAppend appends to preds at count (DX) the indices AX + off + lane of
// the lanes set in the mask m (an opmask on ZMM, a vector mask on YMM);
// test: the mask may be empty. Uses R11 and R12.
func (g *x86Gen) candAppend(m reg.Register, off int, test bool) {
	skip := g.label("candNone")
	if g.wideZ() {
		g.KMOVW(m, reg.R11L)
		if test {
			g.TESTL(reg.R11L, reg.R11L)
			g.JZ(operand.LabelRef(skip))
		}
		idx, c := g.ZMM(), g.ZMM()
		g.LEAL(operand.Mem{Base: reg.RAX, Disp: off}, reg.R12L)
		g.VPBROADCASTD(reg.R12L, idx)
		g.VPADDD(wideK(kLanes, 0), idx, idx)
		g.VPCOMPRESSD_Z(idx, m, c)
		g.VMOVDQU32(c, operand.Mem{Base: reg.RDI, Index: reg.RDX, Scale: 4})
		g.POPCNTL(reg.R11L, reg.R11L)
		g.ADDQ(reg.R11, reg.RDX)
		g.Label(skip)
		return
	}
	loop := g.label("candBit")
	g.VMOVMSKPS(m, reg.R11L)
	if test {
		g.TESTL(reg.R11L, reg.R11L)
		g.JZ(operand.LabelRef(skip))
	}
	g.Label(loop)
	g.BSFL(reg.R11L, reg.R12L)
	g.LEAL(operand.Mem{Base: reg.RAX, Index: reg.R12, Scale: 1, Disp: off}, reg.R12L)
	g.MOVL(reg.R12L, operand.Mem{Base: reg.RDI, Index: reg.RDX, Scale: 4})
	g.INCQ(reg.RDX)
	g.LEAL(operand.Mem{Base: reg.R11, Disp: -1}, reg.R12L)
	g.ANDL(reg.R12L, reg.R11L)
	g.JNZ(operand.LabelRef(loop))
	g.Label(skip)
}

// candTailZ emits the last n - j0 < 16 logits of wideCandidatesAVX512 at
// AX = j0: loaded under the opmask of their lanes (zero elsewhere, no
// fault past the slice), compared under it; the indices of the
// candidates compressed and stored under the opmask of the count's lanes.
func (g *x86Gen) candTailZ(thr, xs reg.VecVirtual) {
	g.comment(`
The last n mod 16 logits under the opmask of their lanes (lane < n - j0);
the indices of the candidates stored under that of the count's lanes.`)
	lanesBelow := func(r reg.Register) reg.Register {
		b, k := g.ZMM(), g.K()
		g.VPBROADCASTD(r, b)
		g.VPCMPGTD(wideK(kLanes, 0), b, k)
		return k
	}
	g.MOVQ(reg.RCX, reg.R11)
	g.SUBQ(reg.RAX, reg.R11)
	g.JZ(operand.LabelRef("candDone"))
	kt := lanesBelow(reg.R11L)
	v, w, k := g.ZMM(), g.ZMM(), g.K()
	g.VMOVUPS_Z(operand.Mem{Base: reg.RSI, Index: reg.RAX, Scale: 4}, kt, v)
	g.VMULPS(xs, v, w)
	g.VCMPPS(operand.U8(cmpNLEUQ), thr, w, kt, k)
	g.KMOVW(k, reg.R11L)
	g.TESTL(reg.R11L, reg.R11L)
	g.JZ(operand.LabelRef("candDone"))
	idx, c := g.ZMM(), g.ZMM()
	g.VPBROADCASTD(reg.EAX, idx)
	g.VPADDD(wideK(kLanes, 0), idx, idx)
	g.VPCOMPRESSD_Z(idx, k, c)
	g.POPCNTL(reg.R11L, reg.R11L)
	ks := lanesBelow(reg.R11L)
	g.VMOVDQU32(c, ks, operand.Mem{Base: reg.RDI, Index: reg.RDX, Scale: 4})
	g.ADDQ(reg.R11, reg.RDX)
}

// candTailY emits the last n - j0 < 8 logits of wideCandidatesAVX2 at AX
// = j0, one at a time: v = x·xscale (VMULSS), VCMPSS NLE_UQ, and the
// index stored at preds[count], count + 1, for a candidate.
func (g *x86Gen) candTailY(thr, xs reg.VecVirtual) {
	g.comment(`
The last n mod 8 logits one at a time: v = x·xscale (VMULSS); v not <= thr
(VCMPSS NLE_UQ, bit 0 of VMOVMSKPS): preds[count] = j, count + 1.`)
	loop, skip := "candTailLoop", "candTailNext"
	g.CMPQ(reg.RAX, reg.RCX)
	g.JAE(operand.LabelRef("candDone"))
	g.Label(loop)
	x, v, m := g.XMM(), g.XMM(), g.XMM()
	g.VMOVSS(operand.Mem{Base: reg.RSI, Index: reg.RAX, Scale: 4}, x)
	g.VMULSS(xs.AsX(), x, v)
	g.VCMPSS(operand.U8(cmpNLEUQ), thr.AsX(), v, m)
	g.VMOVMSKPS(m, reg.R11L)
	g.TESTL(operand.U32(1), reg.R11L)
	g.JZ(operand.LabelRef(skip))
	g.MOVL(reg.EAX, operand.Mem{Base: reg.RDI, Index: reg.RDX, Scale: 4})
	g.INCQ(reg.RDX)
	g.Label(skip)
	g.INCQ(reg.RAX)
	g.CMPQ(reg.RAX, reg.RCX)
	g.JB(operand.LabelRef(loop))
}
