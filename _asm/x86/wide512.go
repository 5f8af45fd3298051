// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package x86

import (
	"fmt"
	"strings"

	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/xentropy/kernel/_asm/seq"
)

// The wide functions on ZMM (the avx512 tier): the functions of
// wide.go, whose passes, loops and sequences they share, with a
// 16-class step in one ZMM register instead of two YMM registers. Here
// are the parts that differ.
//
// Lane k of an accumulator register is acc[k] of classSum: a step of 16
// classes j0..j0+15 adds term j0+k to lane k with one VADDPS, so that each
// accumulator sums its terms in increasing j; the accumulators start at
// -0. total(c) is the full 16-position tree of wideTotalZ, through which
// the absent accumulators (-0) pass unchanged, as on YMM.
//
// The last c mod 16 classes of a row are one step under the opmask of
// their lanes (frame word tail, bit k for class j0+k): loaded with
// VMOVUPS.Z (zero in the masked-out lanes), stored with VMOVUPS {k}, and
// added to the accumulators with a merge-masked VADDPS, which leaves the
// masked-out lanes' accumulators as they are. An EVEX masked memory access
// does not fault on a masked-out element (Intel SDM and AMD APM), so the
// masked step is the same for every row, the last rows of a call and the
// weights included: no lane-by-lane path, no copy in the frame. Only
// EVEX-masked VMOVUPS touch memory under a mask (never VMASKMOVPS, and no
// masked arithmetic with a memory operand).
//
// Masks are opmask registers (the comparisons of seq's sequences, x86Ops
// on a 16-lane tier): pass 1 keeps the ordered lanes (no NaN) in opmask
// chains, the argmax scan tests 16 classes at a time (KMOVW, BSFL), and
// the frame holds the masks all and tail as 16-bit words (KMOVW).
//
// On ZMM the exponentials of pass 2 are bound by the floating-point pipes
// (about 29 vector operations a step), passes 1 and 3 by memory: pass 2
// prefetches the next row of logits and of the output (PREFETCHT0), so that
// the next row's pass 1 and the stores of its pass 2 find their lines in
// the caches. No loop reads a constant of the table from memory (see
// wideConstsZ): the constants of pass 2 and 3 are in registers, the others
// are read once per row.

// cmpORD is the VCMPPS predicate ORD_Q: true where neither operand is NaN.
const cmpORD = 7

// wideZ reports whether the tier's wide functions are on ZMM.
func (g *x86Gen) wideZ() bool { return g.t.lanes == 16 }

// wideSchedZ is the schedule of pass 2 on ZMM: four 16-class steps (64
// classes) an iteration, their exponentials one scheduled region with up
// to 28 registers live, the 11 pinned constants included; m and the
// accumulator are live around it. Tried on a Zen 5 EPYC at 1000 and 32000
// classes, no better: limits of 24 to 30 registers; slower: two steps an
// iteration.
var wideSchedZ = wideSchedule{4, 28, 4, 0, 2, wideConstsZ}

// wideConstsZ are the constants of seq.Exp on AVX-512 (with Round and
// ScaleCut, see seq.ExpScaler) and 0 (of seq.TargetTerm), all kept in
// registers in the loops of passes 2 and 3 on ZMM. A constant of the
// table is a 64-byte vector that the Go linker aligns to 32 bytes only: at
// an address of 32 mod 64 every load of it from memory is split across two
// cache lines, which with the stores of the gradient in flight slowed pass
// 2 down on a Zen 5 EPYC, depending only on where the linker put the table.
var wideConstsZ = []seq.Const{seq.Log2e, seq.Ln2Hi, seq.Ln2Lo, seq.Q4, seq.Q3, seq.Q2, seq.Q1, seq.Q0, seq.One, seq.Cutoff, seq.Zero}

// wideRegsZ describes the general-purpose registers of a ZMM wide function.
const wideRegsZ = `SI = the row of logits, DI = the row of out (0 when nil), CX = c, R8 =
the rows, R10 = the row i, R9 = 4·stride (the bytes from a row to the
next), R11 =
the next row of logits (prefetched), AX = the byte offset of the classes
of a step, R12 = scratch (the NaN lanes after pass 1, a label, the
prediction, the next row of the output in pass 2)`

// wideAllocZ allocates the frame of a ZMM wide function.
func (g *x86Gen) wideAllocZ() *wideFrame {
	f := &wideFrame{}
	for _, s := range []*operand.Mem{&f.m, &f.f, &f.zv} {
		*s = g.AllocLocal(64)
	}
	for _, s := range []*operand.Mem{&f.all, &f.tail, &f.end16, &f.end32, &f.end64, &f.flags, &f.variant, &f.tp} {
		*s = g.AllocLocal(8)
	}
	return f
}

// wideFrameDocZ describes the frame of wideAllocZ.
func wideFrameDocZ(f *wideFrame) string {
	return fmt.Sprintf(`Frame (bytes from SP): 64-byte vectors: %d m; %d f (the z-loss factors,
else 1); %d z; 8-byte words: %d all (the row's allNegInfRow, an opmask);
%d tail (the opmask of the last c mod 16 classes); %d, %d, %d the bytes
of the whole 16-, 32- and 64-class steps of a row; %d the flag word; %d
the form of the targets; %d the base of targets.`,
		f.m.Disp, f.f.Disp, f.zv.Disp, f.all.Disp, f.tail.Disp, f.end16.Disp, f.end32.Disp, f.end64.Disp, f.flags.Disp, f.variant.Disp, f.tp.Disp)
}

// rewrapZ wraps again, for a ZMM function, the header text of a wide
// function written around descriptions of varying length: a paragraph
// starts after a blank line and at "Registers:", "Vectors:" and "Frame".
func rewrapZ(text string) string {
	var out, para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, wrap(strings.Join(para, " "), 74)...)
			para = nil
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			out = append(out, "")
			continue
		case strings.HasPrefix(line, "Registers:"), strings.HasPrefix(line, "Vectors:"), strings.HasPrefix(line, "Frame"):
			flush()
		}
		para = append(para, line)
	}
	flush()
	return strings.Join(out, "\n")
}

// wideSetupZ computes, from CX = c > 0 and R9 = stride >= c, R9 =
// 4·stride (the bytes from a row to the next) and the frame words end16,
// end32, end64 and tail; f = 1. Uses AX.
func (g *x86Gen) wideSetupZ(f *wideFrame) {
	g.comment(`
R9 = 4·stride, the bytes from a row to the next; the bytes of the whole
16-, 32- and 64-class steps; tail = the opmask of the last c mod 16 classes (bit k < c%16, for
class j0+k: VPCMPGTD against the lane numbers); f = 1.`)
	g.SHLQ(operand.U8(2), reg.R9)
	for _, e := range []struct {
		slot  operand.Mem
		shift int
	}{{f.end16, 4}, {f.end32, 5}, {f.end64, 6}} {
		g.MOVQ(reg.RCX, reg.RAX)
		g.SHRQ(operand.U8(e.shift), reg.RAX)
		g.SHLQ(operand.U8(e.shift+2), reg.RAX)
		g.MOVQ(reg.RAX, e.slot)
	}
	g.MOVQ(reg.RCX, reg.RAX)
	g.ANDQ(operand.U8(15), reg.RAX)
	x, r, k := g.XMM(), g.ZMM(), g.K()
	g.VMOVD(reg.EAX, x)
	g.VPBROADCASTD(x, r)
	g.VPCMPGTD(wideK(kLanes, 0), r, k)
	g.KMOVW(k, f.tail)
	one := g.ZMM()
	g.VMOVUPS(g.k[seq.One], one)
	g.VMOVUPS(one, f.f)
}

// tailMaskZ loads the opmask of the masked step (KMOVW from the frame).
func (g *x86Gen) tailMaskZ(f *wideFrame) reg.Register {
	k := g.K()
	g.KMOVW(f.tail, k)
	return k
}

// wideMaxZ emits pass 1 over the row at SI and returns m = maxRow(x, xs)
// in every lane, float32(max(x)·xs) + 0 as on YMM (see wideMax); R12
// receives the NaN lanes (0: the row has no NaN).
func (g *x86Gen) wideMaxZ(f *wideFrame) reg.VecVirtual {
	g.comment(`
Pass 1. m = maxRow(x): VMAXPS into four registers in any order (exact for
a row without NaN; a row with a NaN has NaN outputs whatever m is), the
masked step merge-masked (its masked-out lanes keep the maxima); the
ordered lanes (no NaN) AND-ed into four opmask chains by VCMPPS ORD
masked by the chain (a masked-out lane is loaded as +0: ordered). The
chains 1-3 serve the 64-class iterations only: a row of fewer than 64
classes neither sets them up nor reduces them.`)
	ninf := g.ZMM()
	g.VMOVUPS(g.k[seq.NegInf], ninf)
	var mx [4]reg.VecVirtual
	var ord [4]reg.Register
	for k := range mx {
		mx[k], ord[k] = g.ZMM(), g.K()
	}
	// chains emits fn for chains 1-3 when the row has a 64-class step.
	chains := func(fn func()) {
		skip := g.label("oneChain")
		g.CMPQ(f.end64, operand.U8(0))
		g.JEQ(operand.LabelRef(skip))
		fn()
		g.Label(skip)
	}
	g.MOVL(operand.U32(0xffff), reg.EAX)
	g.VMOVAPS(ninf, mx[0])
	g.KMOVW(reg.EAX, ord[0])
	chains(func() {
		for k := 1; k < len(mx); k++ {
			g.VMOVAPS(ninf, mx[k])
			g.KMOVW(reg.EAX, ord[k])
		}
	})
	g.classLoop(f, 4, func(cols []int, tail bool) {
		for k, disp := range cols {
			x := g.ZMM()
			if tail {
				kt := g.tailMaskZ(f)
				g.VMOVUPS_Z(rowMem(reg.RSI, disp), kt, x)
				g.VMAXPS(x, mx[k], kt, mx[k])
			} else {
				g.VMOVUPS(rowMem(reg.RSI, disp), x)
				g.VMAXPS(x, mx[k], mx[k])
			}
			g.VCMPPS(operand.U8(cmpORD), x, x, ord[k], ord[k])
		}
	})
	g.comment("The maximum of the lanes, times xscale (see wideMax), + 0, in every lane; R12 = the NaN lanes (not ordered).")
	chains(func() {
		a, b := g.ZMM(), g.ZMM()
		g.VMAXPS(mx[1], mx[0], a)
		g.VMAXPS(mx[3], mx[2], b)
		g.VMAXPS(b, a, mx[0])
		k1, k2 := g.K(), g.K()
		g.KANDW(ord[1], ord[0], k1)
		g.KANDW(ord[3], ord[2], k2)
		g.KANDW(k2, k1, ord[0])
	})
	v := mx[0]
	y, y2 := g.YMM(), g.YMM()
	g.VEXTRACTF64X4(operand.U8(1), v, y)
	g.VMAXPS(y, v.AsY(), y2)
	bm, sm, m := g.ZMM(), g.ZMM(), g.ZMM()
	g.VBROADCASTSS(g.maxLanes(y2), bm)
	g.mulXS(bm, sm)
	g.VADDPS(g.k[seq.Zero], sm, m)
	g.KMOVW(ord[0], reg.R12L)
	g.XORL(operand.U32(0xffff), reg.R12L)
	g.VMOVUPS(m, f.m)
	return m
}

// wideAllZ stores to the frame the opmask all of allNegInfRow (when the
// flag word has flagLse): m == -Inf and no NaN (R12 == 0), as wideAll.
func (g *x86Gen) wideAllZ(f *wideFrame, m reg.VecVirtual) {
	g.comment(`
all = allNegInfRow(x, m) (when lse is computed): m == -Inf (VCMPPS EQ, an
opmask) and no NaN in the row (R12 == 0), else 0; stored to the frame.`)
	skip := g.label("noLse")
	g.TESTB(operand.U8(flagLse), f.flags)
	g.JZ(operand.LabelRef(skip))
	g.MOVQ(operand.U32(0), f.all)
	g.TESTL(reg.R12L, reg.R12L)
	g.JNZ(operand.LabelRef(skip))
	all := g.K()
	g.VCMPPS(operand.U8(cmpEQ), g.k[seq.NegInf], m, all)
	g.KMOVW(all, f.all)
	g.Label(skip)
}

// wideTotalZ returns total(c) of the accumulators a (lane k = acc[k]) in
// every lane: the balanced tree
// (((a0+a1)+(a2+a3))+((a4+a5)+(a6+a7))) +
// (((a8+a9)+(a10+a11))+((a12+a13)+(a14+a15))), each level one addition
// of a to a shuffle of itself (each sum exact in either operand order).
func (g *x86Gen) wideTotalZ(a reg.VecVirtual) reg.VecVirtual {
	t1, s1 := g.ZMM(), g.ZMM()
	g.VMOVSHDUP(a, t1)
	g.VADDPS(t1, a, s1) // lane 2i: a(2i) + a(2i+1)
	t2, s2 := g.ZMM(), g.ZMM()
	g.VPERMILPS(operand.U8(0x4e), s1, t2)
	g.VADDPS(t2, s1, s2) // lane 4q: (a(4q)+a(4q+1)) + (a(4q+2)+a(4q+3))
	t3, s3 := g.ZMM(), g.ZMM()
	g.VSHUFF32X4(operand.U8(0xb1), s2, s2, t3)
	g.VADDPS(t3, s2, s3) // lane 0: (a0..a3) + (a4..a7); lane 8: (a8..a11) + (a12..a15)
	h, r := g.YMM(), g.XMM()
	g.VEXTRACTF64X4(operand.U8(1), s3, h)
	g.VADDSS(h.AsX(), s3.AsX(), r) // (a0..a7) + (a8..a15)
	b := g.ZMM()
	g.VBROADCASTSS(r, b)
	return b
}
