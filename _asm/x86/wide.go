// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package x86

import (
	"fmt"
	"maps"
	"strings"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/xentropy/kernel/_asm/seq"
)

// The wide functions: the block functions of any class count c
// (wideLabelsGeneric and the others at the end of kernel_generic.go),
// vectorised over the classes of a row instead of over rows. A row is
// processed in passes over its classes, 16 classes a step: two YMM vectors
// (avx2, described here) or one ZMM vector (avx512: the same functions,
// whose parts that differ, masks and tails, are in wide512.go):
//
//   - pass 1: m = maxRow(x, xs) (VMAXPS in any order, times the logit
//     scale xs, then + 0: see wideMax) and a NaN flag (VCMPPS UNORD), for
//     argmaxRow and allNegInfRow;
//   - pass 2: d[j] = x[j]·xs - m, e[j] = expf(d[j]) (seq.Exp), stored to
//     the gradient or output row when there is one, and the class sums;
//   - the row's scalar work (seq.Log, the one division, seq.ZTerms, the
//     row's weight, ...) on vectors whose lanes all hold the same value,
//     or, in wideLabels and wideTargets, on vectors with a row per
//     lane, after passes 1 and 2 of a group of rows (wideGroups), so
//     that the serial work of a row is done once for many rows;
//   - pass 3: the outputs (g[j] = e[j]·q, ...).
//
// Every logit read after pass 1 is multiplied by xs where it is read (the
// product is the same at every read), skipped where that saves time when
// xs is 1 (see scale.go). The loss functions with row weights multiply
// scale and the row's loss by its weight w[i], read from rowWeights.
//
// Row i of logits, out and targets is the c floats at i·stride (the
// record's stride >= c; stride = c for contiguous rows): the row pointers
// advance by 4·stride bytes (R9), and a slice of l floats holds the rows
// that end in it, the last one possibly cut after its last class
// (stridedRows): (l - c)/stride + 1, none when l < c (minRows). The columns
// c to stride-1 of a row are neither read nor written: every access stays
// within the row's c classes, the masked ones included (a masked-out lane
// is neither loaded nor stored).
//
// The summation rule classSum maps onto two YMM registers: lane k of the
// first is acc[k], lane k of the second acc[8+k]; a step of 16 classes j0
// .. j0+15 (j0 a multiple of 16) adds term j0+k to acc[k] with one VADDPS
// per register, so each accumulator sums its terms in increasing j. The
// accumulators start at -0, the identity of IEEE addition (-0 + v is v for
// every v, -0 and +0 included), so the first term of each is in effect
// stored. The last c mod 16 classes of a row are loaded with VMASKMOVPS
// and stored with VMASKMOVPS, and the accumulators of the masked-out lanes
// are kept by VBLENDVPS: they get no term. A masked vector access spans
// 32 bytes, past the row's end: it is used only where those 32 bytes lie
// inside the slices (rows i < safeRows), since whether a masked-out lane
// may fault is implementation-defined (AMD documents it so, and QEMU
// faults); the last rows of a call, whose tails reach past the slices'
// ends, and the weights (whose tail is past their end for every row) are
// read and written lane by lane (VINSERTPS, VEXTRACTPS) or through a copy
// in the frame. total(c)
// is the balanced tree over accumulator positions 0..15 with the absent
// ones left out; an absent accumulator holds -0, which every addition of
// the full 16-position tree passes through unchanged, so the full tree
// (VHADDPS, VHADDPS, VEXTRACTF128 + VADDPS, VMOVSHDUP + VADDSS) gives
// total(c) bit for bit for every c.

// wideFrame holds the frame slots of a wide function.
type wideFrame struct {
	maskLo, maskHi operand.Mem // lanes of the last c mod 16 classes: k < c%16, 8+k < c%16
	mask8          operand.Mem // lanes of the last c mod 8 classes: k < c%8
	bits8          operand.Mem // VMOVMSKPS of mask8: (1 << (c%8)) - 1
	end8, end16    operand.Mem // bytes of the classes in whole vectors, whole 16-steps
	all            operand.Mem // allNegInfRow of the row, a mask in every lane
	m              operand.Mem // m in every lane
	f              operand.Mem // the z-loss factor f of the row, 1 without z-loss
	zv             operand.Mem // z in every lane (z-loss)
	flags          operand.Mem // flagLse, flagZ
	lab            operand.Mem // the label in every int32 lane (targets from labels)
	keep, uni      operand.Mem // keep and uni in every lane (staged targets)
	variant        operand.Mem // wideTargets: the form of the effective targets
	tp             operand.Mem // wideTargets: the base of targets (nil: from labels)
	safeRows       operand.Mem // the rows whose masked accesses stay in the slices
	tailK          operand.Mem // scratch: the rows at the end whose accesses do not
	n0, n1, n8     operand.Mem // the classes of the masked vectors: min(c%16, 8), max(c%16-8, 0), c%8
	wtail          operand.Mem // wideTargets: the last c mod 16 weights, +0 after them (64 bytes)

	// The values the loops of a loss function read from the frame,
	// copied from the record in the prologue (see wideBegin): scale;
	// wideTargets: the base of labels. Zero Disp: none.
	scale, labelBase operand.Mem

	// wideLabelsAVX512: the rows whose next row pass 2 may prefetch
	// (with a.rowMax, those of the slice of logits, or of out when out is
	// not nil; else R8), when pfLogits.
	pfRows   operand.Mem
	pfLogits bool

	// wideLabels: the base of a.rowMax (0: nil).
	rowMax operand.Mem

	// ZMM (wide512.go): the opmask of the last c mod 16 classes,
	// the bytes of the whole 32- and 64-class steps; the label counter
	// at the start of the function (see wideBegin).
	tail         operand.Mem
	end32, end64 operand.Mem
	labels       int

	// wideTargets: where wideTarget reads keep, uni and the label in
	// every lane: the frame slots (YMM) or registers (ZMM); ZMM: int32 16
	// in every lane, in a register.
	keepV, uniV, labV operand.Op
	sixteen           reg.VecVirtual
}

// The names of the extra constants of the wide functions.
const (
	kNegZero = "negZero" // float32 -0 in every lane
	kLanes   = "lanes"   // int32 0, 1, ..., 15: the lane numbers of two vectors
	kEight   = "eight"   // int32 8 in every lane
	kSixteen = "sixteen" // int32 16 in every lane
)

// wideConstants emits the constants of the wide functions.
func (g *x86Gen) wideConstants() {
	data := func(name string, v func(l int) uint32, n int) {
		g.StaticGlobal(name)
		g.DataAttributes(attr.RODATA | attr.NOPTR)
		for l := 0; l < n; l++ {
			g.AddDatum(4*l, operand.U32(v(l)))
		}
	}
	data(kNegZero, func(int) uint32 { return 0x80000000 }, 16)
	data(kLanes, func(l int) uint32 { return uint32(l) }, 16)
	data(kEight, func(int) uint32 { return 8 }, 8)
	data(kSixteen, func(int) uint32 { return 16 }, 16)
}

// stepVecs is the number of vectors of a 16-class step: 2 YMM or 1 ZMM.
func (g *x86Gen) stepVecs() int { return 16 / g.t.lanes }

// wideSteps is the number of 16-class steps an iteration of the loops of
// passes 1 and 3 takes: 2 (four YMM), 4 (four ZMM).
func (g *x86Gen) wideSteps() int {
	if g.wideZ() {
		return 4
	}
	return 2
}

// wideTargetSteps is that of the loops of wideTargets: 1 (two YMM), 2 (two
// ZMM).
func (g *x86Gen) wideTargetSteps() int {
	if g.wideZ() {
		return 2
	}
	return 1
}

// movInts copies int32 lanes (VMOVDQU, or VMOVDQU32 on ZMM).
func (g *x86Gen) movInts(src, dst operand.Op) {
	if g.wideZ() {
		g.VMOVDQU32(src, dst)
	} else {
		g.VMOVDQU(src, dst)
	}
}

// nextIdx advances the class indices idx by a vector (VPADDD 8, or 16
// from a register on ZMM).
func (g *x86Gen) nextIdx(f *wideFrame, idx reg.VecVirtual) {
	if g.wideZ() {
		g.VPADDD(f.sixteen, idx, idx)
	} else {
		g.VPADDD(wideK(kEight, 0), idx, idx)
	}
}

func wideK(name string, disp int) operand.Mem {
	return operand.NewDataAddr(operand.NewStaticSymbol(name), disp)
}

// rowMem is disp(base)(AX*1): a vector of the row at base, AX the byte
// offset of the current step's first class.
func rowMem(base reg.Register, disp int) operand.Mem {
	return operand.Mem{Base: base, Index: reg.RAX, Scale: 1, Disp: disp}
}

// perRow is (base)(R10*4): element i of a slice of one value per row.
func perRow(base reg.Register) operand.Mem {
	return operand.Mem{Base: base, Index: reg.R10, Scale: 4}
}

// The frame slots for fields of the record that the loops of a wide
// function read (wideBegin).
const (
	slotScale      = 1 << iota // scale
	slotLabels                 // the base of labels
	slotRowWeights             // the base of rowWeights (0: nil)
)

// wideBegin starts a wide function: as begin, with the frame allocated
// before the header comment, which header writes from it; slots are the
// frame slots of fields of the record it needs (slotScale, ...), after
// the others, and then the logit scale (g.xs, every wide function). The
// labels of a ZMM function are numbered from the counter at its start,
// which wideRows restores at its end (Go's assembler scopes labels to a
// function): the AVX2 functions generated after them keep their labels.
func (g *x86Gen) wideBegin(name string, slots int, doc []string, header func(f *wideFrame) string) *wideFrame {
	g.Function(name + g.t.suffix)
	if g.t.suffix != avx2.suffix {
		// The doc is written for AVX2: name the tier, wrap it again.
		doc = wrap(strings.ReplaceAll(strings.Join(doc, " "), avx2.suffix, g.t.suffix), 74)
	}
	g.Doc(doc...)
	g.Pragma("noescape")
	g.Attributes(0)
	g.Signature(g.sig)
	var f *wideFrame
	if g.wideZ() {
		f = g.wideAllocZ()
	} else {
		f = g.wideAlloc()
	}
	if slots&slotScale != 0 {
		f.scale = g.AllocLocal(8)
	}
	if slots&slotLabels != 0 {
		f.labelBase = g.AllocLocal(8)
	}
	g.rw = operand.Mem{}
	if slots&slotRowWeights != 0 {
		g.rw = g.AllocLocal(8)
	}
	g.xscaleAlloc()
	if g.wideZ() {
		g.comment(rewrapZ(header(f)))
	} else {
		g.comment(header(f))
	}
	g.Comment("")
	g.o = newX86Ops(g)
	f.labels = g.labels
	return f
}

// wideAlloc allocates the frame of a wide function.
func (g *x86Gen) wideAlloc() *wideFrame {
	f := &wideFrame{}
	for _, s := range []*operand.Mem{&f.maskLo, &f.maskHi, &f.mask8, &f.m, &f.all, &f.f, &f.zv, &f.lab, &f.keep, &f.uni} {
		*s = g.AllocLocal(32)
	}
	for _, s := range []*operand.Mem{&f.bits8, &f.end8, &f.end16, &f.flags, &f.variant, &f.tp, &f.safeRows, &f.tailK, &f.n0, &f.n1, &f.n8} {
		*s = g.AllocLocal(8)
	}
	f.wtail = g.AllocLocal(64)
	return f
}

// wideFrameDoc describes the frame of wideAlloc (or wideAllocZ) and the
// slots of wideBegin.
func (g *x86Gen) wideFrameDoc(f *wideFrame) string {
	doc := ""
	if g.wideZ() {
		doc = wideFrameDocZ(f)
	} else {
		doc = wideFrameDocY(f)
	}
	doc = strings.TrimSuffix(doc, ".")
	if f.scale.Disp != 0 {
		doc += fmt.Sprintf("; %d scale", f.scale.Disp)
	}
	if f.labelBase.Disp != 0 {
		doc += fmt.Sprintf("; %d the base of labels", f.labelBase.Disp)
	}
	if g.rw.Disp != 0 {
		doc += fmt.Sprintf("; %d the base of rowWeights (0: nil)", g.rw.Disp)
	}
	if g.wideZ() {
		doc += fmt.Sprintf("; %d xscale", g.xs.Disp)
	} else {
		doc += fmt.Sprintf("; %d xscale in every lane (32 bytes)", g.xs.Disp)
	}
	return doc + "."
}

// wideFrameDocY describes the frame of wideAlloc.
func wideFrameDocY(f *wideFrame) string {
	return fmt.Sprintf(`Frame (bytes from SP): %d, %d the masks of the last c mod 16 classes
(lanes 0-7, 8-15); %d the mask of the last c mod 8 classes; %d m; %d all (the
row's allNegInfRow); %d f (the z-loss factors, else 1); %d z; %d the
label (targets from labels); %d keep; %d uni; 8-byte words: %d the bits of
the last c mod 8 classes; %d, %d the bytes of the whole vectors and of
the whole 16-class steps of a row; %d the flag word; %d the form of the
targets; %d the base of targets; %d safeRows (the rows whose masked accesses
stay inside the slices); %d scratch; %d, %d, %d the classes of the masked
vectors (min(c%%16, 8), max(c%%16-8, 0), c%%8); 64 bytes at %d the last c
mod 16 weights, then +0.`,
		f.maskLo.Disp, f.maskHi.Disp, f.mask8.Disp, f.m.Disp, f.all.Disp, f.f.Disp, f.zv.Disp,
		f.lab.Disp, f.keep.Disp, f.uni.Disp, f.bits8.Disp, f.end8.Disp, f.end16.Disp, f.flags.Disp,
		f.variant.Disp, f.tp.Disp, f.safeRows.Disp, f.tailK.Disp, f.n0.Disp, f.n1.Disp, f.n8.Disp, f.wtail.Disp)
}

// wideSetup computes, from CX = c > 0 and R9 = stride >= c, R9 =
// 4·stride (the bytes from a row to the next), R11 = the bytes of the
// whole 32-class steps, and the frame words and masks of the tail
// (maskLo, maskHi, mask8, bits8, end8, end16, n0, n1, n8, safeRows); f = 1.
// Uses AX.
func (g *x86Gen) wideSetup(f *wideFrame) {
	if g.wideZ() {
		g.wideSetupZ(f)
		return
	}
	g.comment(`
R9 = 4·stride, the bytes from a row to the next; R11 = 128·(c/32), the
bytes of the whole 32-class steps; the bytes of the whole 16-class steps
and of the whole vectors; the masks of the last c mod 16 classes (lane k <
c%16 for classes j0..j0+7, 8+k < c%16 for j0+8..j0+15) and of the last c
mod 8 (VPCMPGTD against the lane numbers); f = 1.`)
	g.SHLQ(operand.U8(2), reg.R9)
	g.MOVQ(reg.RCX, reg.R11)
	g.SHRQ(operand.U8(5), reg.R11)
	g.SHLQ(operand.U8(7), reg.R11)
	for _, e := range []struct {
		slot  operand.Mem
		shift int
	}{{f.end16, 4}, {f.end8, 3}} {
		g.MOVQ(reg.RCX, reg.RAX)
		g.SHRQ(operand.U8(e.shift), reg.RAX)
		g.SHLQ(operand.U8(e.shift+2), reg.RAX)
		g.MOVQ(reg.RAX, e.slot)
	}
	for _, e := range []struct {
		and  int
		disp int
		slot operand.Mem
	}{{15, 0, f.maskLo}, {15, 32, f.maskHi}, {7, 0, f.mask8}} {
		g.MOVQ(reg.RCX, reg.RAX)
		g.ANDQ(operand.U8(e.and), reg.RAX)
		x, r, mk := g.XMM(), g.YMM(), g.YMM()
		g.VMOVD(reg.EAX, x)
		g.VPBROADCASTD(x, r)
		g.VPCMPGTD(wideK(kLanes, e.disp), r, mk)
		g.VMOVDQU(mk, e.slot)
		if e.slot == f.mask8 {
			g.VMOVMSKPS(mk, reg.EAX)
			g.MOVQ(reg.RAX, f.bits8)
		}
	}
	one := g.YMM()
	g.VMOVUPS(g.k[seq.One], one)
	g.VMOVUPS(one, f.f)

	g.comment(`
The classes of the masked vectors: n0 = min(c%16, 8), n1 = max(c%16-8, 0),
n8 = c%8. safeRows = R8 - k, where k is the number of rows at the end whose
masked step (16 floats from the row's last c mod 16 classes) may reach past
the end of the last row, (R8-1)·stride + c floats, which every slice of rows
holds: k = ceil((16 - c%16)/stride) when c%16 != 0, else 0 (row i's step
ends 16 - c%16 floats after its last class, (R8-1-i)·stride floats before
that of the last row).`)
	g.MOVQ(reg.RCX, reg.RAX)
	g.ANDQ(operand.U8(15), reg.RAX)
	g.MOVQ(reg.RAX, f.n0)
	g.MOVQ(operand.U32(0), f.n1)
	small := g.label("n0small")
	g.CMPQ(reg.RAX, operand.U8(8))
	g.JLE(operand.LabelRef(small))
	g.MOVQ(operand.U32(8), f.n0)
	g.SUBQ(operand.U8(8), reg.RAX)
	g.MOVQ(reg.RAX, f.n1)
	g.Label(small)
	g.MOVQ(reg.RCX, reg.RAX)
	g.ANDQ(operand.U8(7), reg.RAX)
	g.MOVQ(reg.RAX, f.n8)
	g.MOVQ(operand.U32(0), f.tailK)
	kDone, kLoop := g.label("tailKDone"), g.label("tailK")
	g.MOVQ(reg.RCX, reg.RAX)
	g.ANDQ(operand.U8(15), reg.RAX)
	g.JZ(operand.LabelRef(kDone))
	g.NEGQ(reg.RAX)
	g.ADDQ(operand.U8(16), reg.RAX)
	g.SHLQ(operand.U8(2), reg.RAX)
	g.Label(kLoop)
	g.INCQ(f.tailK)
	g.SUBQ(reg.R9, reg.RAX)
	g.JG(operand.LabelRef(kLoop))
	g.Label(kDone)
	g.MOVQ(reg.R8, reg.RAX)
	g.SUBQ(f.tailK, reg.RAX)
	g.MOVQ(reg.RAX, f.safeRows)
}

// maskedLoad loads into x the vector at mem, masked by mask (VMASKMOVPS,
// zero in the masked-out lanes), for a row i = R10 < safeRows; for the
// last rows, lane by lane: the first n lanes (n the frame word), zeros
// after them.
func (g *x86Gen) maskedLoad(f *wideFrame, mem operand.Mem, mask operand.Op, n operand.Mem, x reg.VecVirtual) {
	slow, join := g.label("maskedLoadLanes"), g.label("maskedLoaded")
	g.CMPQ(reg.R10, f.safeRows)
	g.JGE(operand.LabelRef(slow))
	g.VMASKMOVPS(mem, mask, x)
	g.JMP(operand.LabelRef(join))
	g.Label(slow)
	lo, hi := g.YMM(), g.XMM()
	g.VXORPS(lo, lo, lo)
	g.VXORPS(hi, hi, hi)
	lanes := g.label("lanesDone")
	for i := range 8 {
		g.CMPQ(n, operand.U8(i))
		g.JLE(operand.LabelRef(lanes))
		m := mem
		m.Disp += 4 * i
		if i < 4 {
			g.VINSERTPS(operand.U8(i<<4), m, lo.AsX(), lo.AsX())
		} else {
			g.VINSERTPS(operand.U8((i-4)<<4), m, hi, hi)
		}
	}
	g.Label(lanes)
	g.VINSERTF128(operand.U8(1), hi, lo, x)
	g.Label(join)
}

// maskedStore stores the vector v to mem, masked by mask (VMASKMOVPS), for
// a row i = R10 < safeRows; for the last rows, lane by lane: the first n
// lanes (n the frame word).
func (g *x86Gen) maskedStore(f *wideFrame, v operand.Op, mem operand.Mem, mask operand.Op, n operand.Mem) {
	slow, join := g.label("maskedStoreLanes"), g.label("maskedStored")
	vr := g.o.inReg(v, false).(reg.VecVirtual)
	g.CMPQ(reg.R10, f.safeRows)
	g.JGE(operand.LabelRef(slow))
	g.VMASKMOVPS(vr, mask, mem)
	g.JMP(operand.LabelRef(join))
	g.Label(slow)
	hi := g.XMM()
	g.VEXTRACTF128(operand.U8(1), vr, hi)
	for i := range 8 {
		g.CMPQ(n, operand.U8(i))
		g.JLE(operand.LabelRef(join))
		m := mem
		m.Disp += 4 * i
		if i < 4 {
			g.VEXTRACTPS(operand.U8(i), vr.AsX(), m)
		} else {
			g.VEXTRACTPS(operand.U8(i-4), hi, m)
		}
	}
	g.Label(join)
}

// tailN is the frame word of the classes of the masked step's vector k.
func (f *wideFrame) tailN(k int) operand.Mem {
	if k == 0 {
		return f.n0
	}
	return f.n1
}

// minRows lowers R8 (the rows) to the rows of a slice: perRowLen false,
// rows of c (CX) floats stride (R9) apart, (len - c)/stride + 1, or none
// when len < c (stridedRows); perRowLen, one value per row, its length. A
// nil slice (base not nil) does not count. Uses AX and DX.
func (g *x86Gen) minRows(l length, perRowLen bool) {
	skip := ""
	if l.base != nil || !perRowLen {
		skip = g.label("isNil")
	}
	if l.base != nil {
		g.CMPQ(l.base, operand.U8(0))
		g.JEQ(operand.LabelRef(skip))
	}
	g.MOVQ(l.len, reg.RAX)
	if !perRowLen {
		some := g.label("someRows")
		g.SUBQ(reg.RCX, reg.RAX)
		g.JGE(operand.LabelRef(some))
		g.XORL(reg.R8L, reg.R8L) // len < c: no row
		g.JMP(operand.LabelRef(skip))
		g.Label(some)
		g.XORL(reg.EDX, reg.EDX)
		g.DIVQ(reg.R9)
		g.INCQ(reg.RAX)
	}
	g.CMPQ(reg.RAX, reg.R8)
	g.CMOVQLT(reg.RAX, reg.R8)
	if skip != "" {
		g.Label(skip)
	}
}

// classLoop emits a loop over the classes of the row, AX the byte offset
// of the step's first class: iterations of steps 16-class steps (2: 32
// classes while the bytes of the whole 32-class steps allow, then one step
// of 16 if c%32 >= 16; 1: 16 classes while end16 allows; 4 (ZMM): 64
// classes, then steps of 16 while end16 allows), then the last c mod 16
// classes as a masked step. body gets the byte displacements (from AX) of
// the vectors of an iteration, in increasing class order (vector k holds
// the classes of accumulator positions k%stepVecs), and whether it is the
// masked step.
func (g *x86Gen) classLoop(f *wideFrame, steps int, body func(cols []int, tail bool)) {
	loop, rest, tail, done := g.label("classes"), g.label("rest"), g.label("tail"), g.label("classesDone")
	vb, sv := g.vecBytes(), g.stepVecs()
	stepCols := func(n int) []int {
		cols := make([]int, n*sv)
		for k := range cols {
			cols[k] = vb * k
		}
		return cols
	}
	g.XORL(reg.EAX, reg.EAX)
	g.Label(loop)
	g.CMPQ(reg.RAX, g.stepEnd(f, steps))
	g.JAE(operand.LabelRef(rest))
	body(stepCols(steps), false)
	g.ADDQ(operand.U32(16*4*steps), reg.RAX)
	g.JMP(operand.LabelRef(loop))
	g.Label(rest)
	switch steps {
	case 2:
		g.TESTQ(operand.U32(16), reg.RCX)
		g.JZ(operand.LabelRef(tail))
		body(stepCols(1), false)
		g.ADDQ(operand.U32(64), reg.RAX)
	case 4:
		single := g.label("single")
		g.Label(single)
		g.CMPQ(reg.RAX, f.end16)
		g.JAE(operand.LabelRef(tail))
		body(stepCols(1), false)
		g.ADDQ(operand.U32(64), reg.RAX)
		g.JMP(operand.LabelRef(single))
	}
	g.Label(tail)
	g.TESTQ(operand.U32(15), reg.RCX)
	g.JZ(operand.LabelRef(done))
	body(stepCols(1), true)
	g.Label(done)
}

// stepEnd is the bound of AX for iterations of steps 16-class steps: the
// bytes of the whole steps·16-class groups of a row (R11 for 32 classes
// on YMM, else a frame word).
func (g *x86Gen) stepEnd(f *wideFrame, steps int) operand.Op {
	switch {
	case steps == 1:
		return f.end16
	case steps == 2 && !g.wideZ():
		return reg.R11
	case steps == 2:
		return f.end32
	case steps == 4 && g.wideZ():
		return f.end64
	}
	g.fail("classLoop: no bound for %d steps", steps)
	return f.end16
}

// tailMask loads the mask of the masked step's vector k (0: classes
// j0..j0+7, 1: j0+8..j0+15).
func (g *x86Gen) tailMask(f *wideFrame, k int) reg.VecVirtual {
	mk := g.YMM()
	if k == 0 {
		g.VMOVUPS(f.maskLo, mk)
	} else {
		g.VMOVUPS(f.maskHi, mk)
	}
	return mk
}

// loadRow loads the vector at disp(base)(AX), masked in the masked step.
func (g *x86Gen) loadRow(f *wideFrame, base reg.Register, disp, k int, tail bool) reg.VecVirtual {
	x := g.vec()
	switch {
	case !tail:
		g.VMOVUPS(rowMem(base, disp), x)
	case g.wideZ():
		g.VMOVUPS_Z(rowMem(base, disp), g.tailMaskZ(f), x)
	default:
		g.maskedLoad(f, rowMem(base, disp), g.tailMask(f, k), f.tailN(k), x)
	}
	return x
}

// storeRow stores v at disp(base)(AX), masked in the masked step.
func (g *x86Gen) storeRow(f *wideFrame, v operand.Op, base reg.Register, disp, k int, tail bool) {
	switch {
	case !tail:
		g.VMOVUPS(v, rowMem(base, disp))
	case g.wideZ():
		g.VMOVUPS(g.o.inReg(v, false), g.tailMaskZ(f), rowMem(base, disp))
	default:
		g.maskedStore(f, v, rowMem(base, disp), g.tailMask(f, k), f.tailN(k))
	}
}

// accumulateTerm adds the term v to the accumulator register acc in place; in
// the masked step, the lanes without a class keep acc (VBLENDVPS; on ZMM,
// the addition merge-masked).
func (g *x86Gen) accumulateTerm(f *wideFrame, acc reg.VecVirtual, v operand.Op, k int, tail bool) {
	if !tail {
		g.VADDPS(v, acc, acc)
		return
	}
	if g.wideZ() {
		g.VADDPS(g.o.inReg(v, false), acc, g.tailMaskZ(f), acc)
		return
	}
	s := g.YMM()
	g.VADDPS(v, acc, s)
	g.VBLENDVPS(g.tailMask(f, k), s, acc, acc)
}

// maxLanes returns, in lane 0 of an XMM, the maximum of the 8 lanes of the
// YMM v: a tree of VMAXPS over halves, pairs and neighbours.
func (g *x86Gen) maxLanes(v reg.VecVirtual) reg.VecVirtual {
	h, a, b, c, d, e := g.XMM(), g.XMM(), g.XMM(), g.XMM(), g.XMM(), g.XMM()
	g.VEXTRACTF128(operand.U8(1), v, h)
	g.VMAXPS(h, v.AsX(), a)
	g.VPERMILPS(operand.U8(0x4e), a, b)
	g.VMAXPS(b, a, c)
	g.VPERMILPS(operand.U8(0xb1), c, d)
	g.VMAXPS(d, c, e)
	return e
}

// wideMax emits pass 1 over the row at SI and returns m = maxRow(x, xs)
// in every lane; R12 receives the VMOVMSKPS of the NaN lanes (0: the row
// has no NaN).
//
// Pass 1 reads the logits unscaled: m is the maximum of the row times the
// logit scale, float32(max(x)·xs), + 0. It is the maximum of the products
// float32(x[j]·xs) that maxRow takes: rounding is monotonic, so a product
// by xs > 0 keeps the order of the logits (x[j] <= max(x) gives
// float32(x[j]·xs) <= float32(max(x)·xs), with equality for the maximum
// itself; -0 and +0 become +0 by the + 0), and a NaN stays a NaN (xs is
// finite and positive), so the NaN lanes are those of the products.
func (g *x86Gen) wideMax(f *wideFrame) reg.VecVirtual {
	if g.wideZ() {
		return g.wideMaxZ(f)
	}
	g.comment(`
Pass 1. m = maxRow(x): VMAXPS into two registers in any order (exact for a
row without NaN; a row with a NaN has NaN outputs whatever m is), the
masked-out lanes of the last step at -Inf; the NaN lanes OR-ed by VCMPPS
UNORD into two registers.`)
	ninf := g.YMM()
	g.VMOVUPS(g.k[seq.NegInf], ninf)
	mx := [2]reg.VecVirtual{g.YMM(), g.YMM()}
	u := [2]reg.VecVirtual{g.YMM(), g.YMM()}
	for k := range mx {
		g.VMOVAPS(ninf, mx[k])
		g.VXORPS(u[k], u[k], u[k])
	}
	g.classLoop(f, 2, func(cols []int, tail bool) {
		for k, disp := range cols {
			x := g.loadRow(f, reg.RSI, disp, k, tail)
			if tail {
				g.VBLENDVPS(g.tailMask(f, k), x, ninf, x)
			}
			g.VMAXPS(x, mx[k%2], mx[k%2])
			g.VCMPPS(operand.U8(cmpUNORD), x, u[k%2], u[k%2])
		}
	})
	g.comment("The maximum of the lanes, times xscale, + 0, in every lane; R12 = the NaN lanes.")
	v := g.YMM()
	g.VMAXPS(mx[1], mx[0], v)
	bm, sm, m := g.YMM(), g.YMM(), g.YMM()
	g.VBROADCASTSS(g.maxLanes(v), bm)
	g.mulXS(bm, sm)
	g.VADDPS(g.k[seq.Zero], sm, m)
	un := g.YMM()
	g.VORPS(u[1], u[0], un)
	g.VMOVMSKPS(un, reg.R12L)
	g.VMOVUPS(m, f.m)
	return m
}

// wideAll stores to the frame the mask all of allNegInfRow (when the flag
// word has flagLse): m == -Inf and no NaN (R12 == 0), which holds exactly
// for a row of only -Inf, whose class sum is -Inf; for any other row the
// sum is not -Inf (a NaN makes it NaN; a finite or +Inf element makes m
// finite or +Inf).
func (g *x86Gen) wideAll(f *wideFrame, m reg.VecVirtual) {
	if g.wideZ() {
		g.wideAllZ(f, m)
		return
	}
	g.comment(`
all = allNegInfRow(x, m) (when lse is computed): m == -Inf (VCMPPS EQ) and
no NaN in the row (R12 == 0); stored to the frame.`)
	skip, set := g.label("noLse"), g.label("allSet")
	g.TESTB(operand.U8(flagLse), f.flags)
	g.JZ(operand.LabelRef(skip))
	all := g.YMM()
	g.VXORPS(all, all, all)
	g.TESTL(reg.R12L, reg.R12L)
	g.JNZ(operand.LabelRef(set))
	g.VCMPPS(operand.U8(cmpEQ), g.k[seq.NegInf], m, all)
	g.Label(set)
	g.VMOVUPS(all, f.all)
	g.Label(skip)
}

// wideMaxPreds emits pass 1 of a loss function's row (wideMax, wideAll)
// and, when preds (R13) is not nil, preds[i] = argmaxRow(x) before any
// write; it returns m.
func (g *x86Gen) wideMaxPreds(f *wideFrame) reg.VecVirtual {
	m := g.wideMax(f)
	g.wideAll(f, m)
	g.comment("preds[i] = argmaxRow(x) (when preds is not nil), before any write.")
	noPreds := g.label("noPreds")
	g.TESTQ(reg.R13, reg.R13)
	g.JZ(operand.LabelRef(noPreds))
	g.widePreds(f, m, perRow(reg.R13))
	g.Label(noPreds)
	return m
}

// widePreds stores argmaxRow(x, xs) of the row at SI to dst, from m and
// R12 (the NaN lanes of pass 1): with a NaN, the index of the first NaN
// (VCMPPS UNORD; x[j] is NaN where x[j]·xs is), else the first index j
// with x[j]·xs == m (VMULPS, VCMPPS EQ_OQ),
// scanning a vector at a time (YMM: 8 classes, VMOVMSKPS, the last c mod
// 8 masked; ZMM: 16 classes, the compare into an opmask and KMOVW, the
// last c mod 16 masked), BSFL. Uses AX and R12.
func (g *x86Gen) widePreds(f *wideFrame, m reg.VecVirtual, dst operand.Mem) {
	z := g.wideZ()
	found, notFound, store := g.label("found"), g.label("notFound"), g.label("storePred")
	scan := func(nan bool) {
		loop, tail := g.label("scan"), g.label("scanTail")
		g.XORL(reg.EAX, reg.EAX)
		g.Label(loop)
		if z {
			g.CMPQ(reg.RAX, f.end16)
		} else {
			g.CMPQ(reg.RAX, f.end8)
		}
		g.JAE(operand.LabelRef(tail))
		// hit sets R12 to the lanes of x that are NaN (nan) or whose
		// product by xscale equals m, within the opmask k when not nil.
		hit := func(x reg.VecVirtual, k reg.Register) {
			var c reg.Register
			if z {
				c = g.K()
			} else {
				c = g.YMM()
			}
			pred, y := operand.U8(cmpEQ), operand.Op(m)
			if nan {
				pred, y = operand.U8(cmpUNORD), x
			} else {
				g.mulXS(x, x)
			}
			if k != nil {
				g.VCMPPS(pred, x, y, k, c)
			} else {
				g.VCMPPS(pred, x, y, c)
			}
			if z {
				g.KMOVW(c, reg.R12L)
			} else {
				g.VMOVMSKPS(c, reg.R12L)
			}
		}
		x := g.vec()
		g.VMOVUPS(rowMem(reg.RSI, 0), x)
		hit(x, nil)
		g.TESTL(reg.R12L, reg.R12L)
		g.JNZ(operand.LabelRef(found))
		g.ADDQ(operand.U8(g.vecBytes()), reg.RAX)
		g.JMP(operand.LabelRef(loop))
		g.Label(tail)
		if z {
			g.TESTQ(operand.U32(15), reg.RCX)
			g.JZ(operand.LabelRef(notFound))
			kt, xt := g.tailMaskZ(f), g.ZMM()
			g.VMOVUPS_Z(rowMem(reg.RSI, 0), kt, xt)
			hit(xt, kt)
			g.TESTL(reg.R12L, reg.R12L)
		} else {
			g.TESTQ(operand.U32(7), reg.RCX)
			g.JZ(operand.LabelRef(notFound))
			mk, xt := g.YMM(), g.YMM()
			g.VMOVUPS(f.mask8, mk)
			g.maskedLoad(f, rowMem(reg.RSI, 0), mk, f.n8, xt)
			hit(xt, nil)
			g.ANDL(f.bits8, reg.R12L)
		}
		g.JNZ(operand.LabelRef(found))
		g.JMP(operand.LabelRef(notFound))
	}
	eq := g.label("scanEq")
	g.TESTL(reg.R12L, reg.R12L)
	g.JZ(operand.LabelRef(eq))
	scan(true)
	g.Label(eq)
	scan(false)
	g.Label(notFound)
	g.XORL(reg.R12L, reg.R12L)
	g.JMP(operand.LabelRef(store))
	g.Label(found)
	g.BSFL(reg.R12L, reg.R12L)
	g.SHRQ(operand.U8(2), reg.RAX)
	g.ADDL(reg.EAX, reg.R12L)
	g.Label(store)
	g.MOVL(reg.R12L, dst)
}

// wideTotal returns total(c) of the accumulators in every lane: on YMM,
// lo = acc[0] (acc[0..7]) and hi = acc[1] (acc[8..15]); on ZMM acc[0]
// (wideTotalZ). The full 16-position tree, through which the absent
// accumulators (-0) pass unchanged.
func (g *x86Gen) wideTotal(acc []reg.VecVirtual) reg.VecVirtual {
	if g.wideZ() {
		return g.wideTotalZ(acc[0])
	}
	lo, hi := acc[0], acc[1]
	v, w := g.YMM(), g.YMM()
	g.VHADDPS(hi, lo, v) // a0+a1, a2+a3, a8+a9, a10+a11 | a4+a5, a6+a7, a12+a13, a14+a15
	g.VHADDPS(v, v, w)   // (a0..a3), (a8..a11), ... | (a4..a7), (a12..a15), ...
	h, s, t, r := g.XMM(), g.XMM(), g.XMM(), g.XMM()
	g.VEXTRACTF128(operand.U8(1), w, h)
	g.VADDPS(h, w.AsX(), s) // (a0..a7), (a8..a15)
	g.VMOVSHDUP(s, t)
	g.VADDSS(t, s, r) // (a0..a7) + (a8..a15)
	b := g.YMM()
	g.VBROADCASTSS(r, b)
	return b
}

// wideExpSum emits pass 2 of a row without targets: d[j] = x[j]·xs - m,
// e[j] = expf(d[j]) (seq.Exp), stored at DI when store, and the
// accumulators of s, returned (one per vector of a 16-class step). m is
// mAt (a frame slot on YMM, a register on ZMM); the constants of the
// tier's schedule (pin) are loaded into registers for the pass. The
// unrolled iterations are one scheduled region (sched.go) of their
// exponentials, one for xs = 1 (d[j] = x[j] - m) and one for any other
// xs, chosen per iteration (eitherScale); the others take a vector at a
// time, multiplied by xs whatever it is. On ZMM the unrolled iterations
// also prefetch the same classes of the next row of logits (R11, see
// wideRows) and, when store, of the output (R12), so that pass 1 of the
// next row and the stores of its pass 2 find their lines in the caches:
// pass 2 is bound by the floating-point pipes, passes 1 and 3 by memory.
func (g *x86Gen) wideExpSum(f *wideFrame, mAt operand.Op, store bool) []reg.VecVirtual {
	sched := g.wideSchedule()
	acc := make([]reg.VecVirtual, g.stepVecs())
	for k := range acc {
		acc[k] = g.vec()
	}
	for _, a := range acc {
		g.VMOVUPS(wideK(kNegZero, 0), a)
	}
	if g.wideZ() && store {
		g.comment("R12 = the next row of the output (this one for the last row), prefetched in pass 2.")
		g.LEAQ(operand.Mem{Base: reg.RDI, Index: reg.R9, Scale: 1}, reg.R12)
		g.CMPQ(reg.R11, reg.RSI)
		g.CMOVQEQ(reg.RDI, reg.R12)
	}
	pins := map[seq.Const]operand.Op{}
	for _, c := range sched.pin {
		r := g.vec()
		g.VMOVUPS(g.k[c], r)
		pins[c] = r
	}
	// ZMM: the constants stay in registers for every step of the pass
	// (see wideConstsZ); YMM: for the scheduled region.
	if g.wideZ() {
		maps.Copy(g.o.pinned, pins)
	}
	// unrolled emits an unrolled iteration, one scheduled region, with
	// d = x·xscale - m when scaled, else d = x - m.
	unrolled := func(cols []int, scaled bool) {
		if !g.wideZ() {
			maps.Copy(g.o.pinned, pins)
			defer clear(g.o.pinned)
		}
		g.o.record(sched.limit, sched.reserve, sched.open, sched.anchor)
		ds := make([]operand.Op, len(cols))
		for k, disp := range cols {
			var x operand.Op = rowMem(reg.RSI, disp)
			if scaled {
				x = g.o.ScaleX(x)
			}
			ds[k] = g.o.Sub(x, mAt)
		}
		es := seq.Exp(g.o, ds, g.v.MantBits)
		if store {
			for k, e := range es {
				g.o.store(e, rowMem(reg.RDI, cols[k]))
			}
		}
		g.o.emit()
		g.o.reset()
		if g.wideZ() {
			for _, disp := range cols {
				g.PREFETCHT0(rowMem(reg.R11, disp))
				if store {
					g.PREFETCHT0(rowMem(reg.R12, disp))
				}
			}
		}
		for k, e := range es {
			g.VADDPS(e, acc[k%len(acc)], acc[k%len(acc)])
		}
	}
	g.classLoop(f, sched.steps, func(cols []int, tail bool) {
		if !tail && len(cols) > len(acc) {
			g.eitherScale(func(scaled bool) { unrolled(cols, scaled) })
			return
		}
		for k, disp := range cols {
			x := g.loadRow(f, reg.RSI, disp, k, tail)
			g.mulXS(x, x)
			e := seq.Exp(g.o, []operand.Op{g.o.Sub(x, mAt)}, g.v.MantBits)[0]
			if store {
				g.storeRow(f, e, reg.RDI, disp, k, tail)
			}
			g.accumulateTerm(f, acc[k], e, k, tail)
		}
	})
	clear(g.o.pinned)
	return acc
}

// wideSchedule is the schedule of pass 2 (wideExpSum): the 16-class steps
// of an unrolled iteration, and the list schedule (sched.go) of its
// exponentials: the vector registers it may keep live (the pinned
// constants included; the accumulators are live around it), the registers
// a new chain leaves free, the most chains open at once (0: any), the
// anchor depth, and the constants kept in registers for the pass.
type wideSchedule struct {
	steps, limit, reserve, open, anchor int
	pin                                 []seq.Const
}

// wideSched is the schedule of the YMM tier: the four exponentials of a
// 32-class step. Chosen with llvm-mca (znver3: the FP units take two loads
// a cycle, so constants read from memory in every exponential limit it)
// and short benchmarks on a Zen 3 EPYC; 13 registers with 4 or 6 pinned
// constants need more than 16 registers in the label function (m or a
// mask live).
var wideSched = wideSchedule{2, 12, 3, 0, 2, []seq.Const{seq.Magic, seq.Log2e, seq.Ln2Hi}}

// wideSchedule returns the tier's schedule of pass 2.
func (g *x86Gen) wideSchedule() wideSchedule {
	if g.wideZ() {
		return wideSchedZ
	}
	return wideSched
}

// wideMulRow emits pass 3 y[j] = y[j]·q over the row at DI (seq.Scaled).
func (g *x86Gen) wideMulRow(f *wideFrame, q operand.Op) {
	sv := g.stepVecs()
	g.classLoop(f, g.wideSteps(), func(cols []int, tail bool) {
		for k, disp := range cols {
			e := g.loadRow(f, reg.RDI, disp, k%sv, tail)
			g.storeRow(f, seq.Scaled[operand.Op](g.o, e, q), reg.RDI, disp, k%sv, tail)
		}
	})
}

// newVecs returns n new vector registers of the tier's width.
func (g *x86Gen) newVecs(n int) []reg.VecVirtual {
	vs := make([]reg.VecVirtual, n)
	for k := range vs {
		vs[k] = g.vec()
	}
	return vs
}

// wideM is m as pass 2 reads it: the frame slot (YMM: one register fewer
// in the exponentials) or the register m (ZMM).
func (g *x86Gen) wideM(f *wideFrame, m reg.VecVirtual) operand.Op {
	if g.wideZ() {
		return m
	}
	return f.m
}

// wideRows emits the row loop: R10 = i from 0 while i < R8; body computes
// row i at SI (logits) and DI (grad or dst, 0 when nil); then SI and DI
// (when not nil) advance by a row. On ZMM, R11 = the next row of logits
// (SI for the last row), for the prefetches of pass 2. It ends the
// function (on ZMM, the label counter goes back to its value at
// wideBegin).
func (g *x86Gen) wideRows(f *wideFrame, name string, body func()) {
	loop, done := name+"Row", name+"Done"
	g.XORL(reg.R10L, reg.R10L)
	g.Label(loop)
	g.CMPQ(reg.R10, reg.R8)
	g.JAE(operand.LabelRef(done))
	if g.wideZ() {
		g.nextRowPrefetch(f)
	}
	body()
	g.nextRow()
	g.JMP(operand.LabelRef(loop))
	g.end(done)
	if g.wideZ() {
		g.labels = f.labels
	}
}

// nextRowPrefetch sets R11 = the next row of logits (this one for the
// last row), which pass 2 prefetches. The prefetches (PREFETCHT0, which
// never faults) read only rows of the slices: the next row, or this one
// for the last (the rows are R8, or the frame word pfRows with pfLogits).
// Uses R12.
func (g *x86Gen) nextRowPrefetch(f *wideFrame) {
	g.comment("R11 = the next row of logits (this one for the last row), prefetched in pass 2.")
	g.LEAQ(operand.Mem{Base: reg.RSI, Index: reg.R9, Scale: 1}, reg.R11)
	g.LEAQ(operand.Mem{Base: reg.R10, Disp: 1}, reg.R12)
	if f.pfLogits {
		g.CMPQ(reg.R12, f.pfRows)
	} else {
		g.CMPQ(reg.R12, reg.R8)
	}
	g.CMOVQCC(reg.RSI, reg.R11)
}

// nextRow advances R10 and the row pointers SI and DI (when not nil) by
// a row.
func (g *x86Gen) nextRow() {
	g.comment("Next row.")
	g.INCQ(reg.R10)
	g.ADDQ(reg.R9, reg.RSI)
	skip := g.label("noOut")
	g.TESTQ(reg.RDI, reg.RDI)
	g.JZ(operand.LabelRef(skip))
	g.ADDQ(reg.R9, reg.RDI)
	g.Label(skip)
}

// wideStart starts the prologue (args): it loads CX = a.c, R9 =
// a.stride (floats; wideSetup makes it bytes) and SI = a.logits, returns
// to done when c <= 0 or stride < c (which the driver never passes), sets
// R8 = the rows of a.logits (minRows) and copies a.xscale to the frame.
func (g *x86Gen) wideStart(done string) {
	g.args("The fields of the record a; R8 = the rows (those of every slice read or written, logits first).")
	g.Load(g.field("c"), reg.RCX)
	g.Load(g.field("stride"), reg.R9)
	g.Load(g.field("logits").Base(), reg.RSI)
	g.TESTQ(reg.RCX, reg.RCX)
	g.JLE(operand.LabelRef(done))
	g.CMPQ(reg.R9, reg.RCX)
	g.JLT(operand.LabelRef(done))
	g.MOVQ(operand.U64(1<<62), reg.R8)
	g.minRows(g.slice("logits", false), false)
	g.xscaleCopy()
}

// wideVecRegs returns the description of the vector registers of a
// function, ymm on YMM, zmm on ZMM.
func (g *x86Gen) wideVecRegs(ymm, zmm string) string {
	if g.wideZ() {
		return zmm
	}
	return ymm
}

// wideRegs describes the general-purpose registers of a wide function.
func (g *x86Gen) wideRegs() string {
	if g.wideZ() {
		return wideRegsZ
	}
	return `SI = the row of logits, DI = the row of out (0 when nil),
CX = c, R8 = the rows, R10 = the row i, R9 = 4·stride (the bytes from a
row to the next), R11 = the bytes of the whole 32-class steps, AX = the byte offset of the
classes of a step, R12 = scratch (the NaN lanes after pass 1, a label,
the prediction)`
}

// strideDoc describes, for the doc of a wide function, the rows of
// a.logits and of the slices of rows named by others.
func strideDoc(others string) string {
	return `Row i of a.logits` + others + ` is the a.c floats at i·a.stride
(a.stride >= a.c): a slice holds the rows that end in it, (len - a.c) /
a.stride + 1 (none when len < a.c), the last one possibly cut after its
last class.`
}

// outsideDoc ends the doc of a wide function.
const outsideDoc = `Nothing outside the slices, nor the columns a.c to a.stride-1 of a
row, is read or written; the other fields of a are not read.`

// wideLabels emits wideLabelsAVX2.
func (g *x86Gen) wideLabels() {
	f := g.wideBegin("wideLabels", slotScale|slotRowWeights,
		wrap(`wideLabelsAVX2 is wideLabelsGeneric for n = len(a.losses) rows (fewer
if a.labels, a.logits, or a.out, a.rowMax, a.preds (without a.rowMax), a.lse
or a.rowWeights when not nil, holds fewer), a.c >= 1 classes, the classes
of a row in vectors. `+strideDoc(" and a.out")+` The logits are multiplied
by a.xscale. The labels must be in [0, a.c). With a.rowMax not nil, the
maximum m of row i is a.rowMax[i] in place of pass 1 (all = m == -Inf),
and a.preds is not read. a.out, the gradient times a.scale (times
a.rowWeights[i] for row i when not nil), may be nil or a.logits itself;
a.losses receives the row losses (times a.rowWeights[i]). `+outsideDoc, 74), func(f *wideFrame) string {
			return fmt.Sprintf(`
wideLabelsGeneric, in groups of rows (see wideGroups): passes 1 and 2 of
each row of a group, the classes in vectors (see the overview of the wide
functions), the logits times xs = xscale; the scalar work of the group's
rows, a row per lane; pass 3 of each row.

Registers: %s, BX = labels, DX = losses, R13 = preds (or nil; not read
with rowMax), R14 = lse (or nil). %s
%s`, g.wideRegs(), g.wideVecRegs(
				`Pass 1 (or m = rowMax[i]): m, the maxima and NaN lanes; pass 2: m, the
accumulators of s, the registers of two exponentials; pass 3: q.`,
				`
Vectors: pass 1 (or m = rowMax[i]), m, four maxima, four opmask chains of
the ordered lanes; pass 2, m, the accumulator of s, six constants
(wideSchedZ), the registers of four exponentials; pass 3, q.`), g.wideFrameDoc(f))
		})
	g.wideStart("wideLabelsDone")
	f.rowMax = g.AllocLocal(8)
	gr := g.groupSlots()
	g.groupFrameDoc(gr)
	g.groupRows(gr)
	if g.wideZ() {
		// With rowMax (TopK), the caller passes the rows of logits up to
		// the next row it reads, so that pass 2 of the last row
		// prefetches it too.
		f.pfRows, f.pfLogits = g.AllocLocal(8), true
		g.comment(fmt.Sprintf(`
%d(SP) = the rows that pass 2 prefetches (the next row when it is one of
them): with rowMax, those of logits (of out when out is not nil), else R8.`, f.pfRows.Disp))
		g.MOVQ(reg.R8, f.pfRows)
	}
	g.Load(g.field("out").Base(), reg.RDI)
	g.Load(g.field("labels").Base(), reg.RBX)
	g.Load(g.field("losses").Len(), reg.RAX)
	g.CMPQ(reg.RAX, reg.R8)
	g.CMOVQLT(reg.RAX, reg.R8)
	g.minRows(g.slice("labels", false), true)
	g.minRows(g.slice("out", true), false)
	if f.pfLogits {
		noOut := g.label("pfNoOut")
		g.TESTQ(reg.RDI, reg.RDI)
		g.JZ(operand.LabelRef(noOut))
		g.MOVQ(reg.R8, f.pfRows)
		g.Label(noOut)
	}
	g.comment(fmt.Sprintf("%d(SP) = the base of rowMax (nil: pass 1 computes m), read by the rows.", f.rowMax.Disp))
	g.Load(g.field("rowMax").Base(), reg.RAX)
	g.MOVQ(reg.RAX, f.rowMax)
	given, rowsDone := g.label("rowMax"), g.label("rowsBound")
	g.TESTQ(reg.RAX, reg.RAX)
	g.JNZ(operand.LabelRef(given))
	g.minRows(g.slice("preds", true), true)
	if f.pfLogits {
		g.MOVQ(reg.R8, f.pfRows)
	}
	g.JMP(operand.LabelRef(rowsDone))
	g.Label(given)
	g.minRows(g.slice("rowMax", false), true)
	g.Label(rowsDone)
	g.minRows(g.slice("lse", true), true)
	g.minRows(g.slice("rowWeights", true), true)
	g.Load(g.field("losses").Base(), reg.RDX)
	g.fusedSetup(f.flags, f.zv)
	g.comment("scale and the base of rowWeights, read by the loops from the frame.")
	g.copyField(g.field("scale"), f.scale)
	g.rowWeightsCopy()
	g.argsDone()
	g.wideSetup(f)
	scale := f.scale

	// Phase a: passes 1 and 2 of each row of a group, its per-row values
	// to lane r of the group's frame vectors.
	phaseA := func() {
		if g.wideZ() {
			g.nextRowPrefetch(f)
		}
		m := g.vec()
		computed, haveMax := g.label("maxPass"), g.label("haveMax")
		g.MOVQ(f.rowMax, reg.R12)
		g.TESTQ(reg.R12, reg.R12)
		g.JZ(operand.LabelRef(computed))
		g.comment("m = rowMax[i] in every lane, to the frame; R12 = 0 (no NaN lanes: all is m == -Inf).")
		g.VBROADCASTSS(perRow(reg.R12), m)
		g.VMOVUPS(m, f.m)
		g.XORL(reg.R12L, reg.R12L)
		g.wideAll(f, m)
		g.JMP(operand.LabelRef(haveMax))
		g.Label(computed)
		g.VMOVAPS(g.wideMaxPreds(f), m)
		g.Label(haveMax)
		g.groupRowValues(f, gr, m)
		g.comment("d[l] = x[l]·xs - m, before any write, to lane r.")
		g.MOVLQSX(perRow(reg.RBX), reg.R12)
		xl := g.vec()
		g.VBROADCASTSS(operand.Mem{Base: reg.RSI, Index: reg.R12, Scale: 4}, xl)
		g.mulXS(xl, xl)
		dl := g.o.Sub(xl, m).(reg.VecVirtual)
		g.groupLane(gr)
		g.VMOVSS(dl.AsX(), gr.lane(gr.dl))

		g.comment(`
Pass 2. e[j] = expf(x[j]·xs - m) (seq.Exp), stored to g (when grad is not
nil); s accumulated by classSum. Two loops: with and without grad.`)
		acc := g.newVecs(g.stepVecs())
		noGrad, summed := g.label("noGrad"), g.label("summed")
		g.TESTQ(reg.RDI, reg.RDI)
		g.JZ(operand.LabelRef(noGrad))
		for k, a := range g.wideExpSum(f, g.wideM(f, m), true) {
			g.VMOVAPS(a, acc[k])
		}
		g.JMP(operand.LabelRef(summed))
		g.Label(noGrad)
		for k, a := range g.wideExpSum(f, g.wideM(f, m), false) {
			g.VMOVAPS(a, acc[k])
		}
		g.Label(summed)
		g.comment("s = total(c) of the accumulators, to lane r.")
		s := g.wideTotal(acc)
		g.groupLane(gr)
		g.VMOVSS(s.AsX(), gr.lane(gr.s))
	}

	// Phase b: the scalar work of the group's rows, a row per lane.
	phaseB := func() {
		g.comment(`
The rows of the group, one per lane (lanes past the group's rows hold
values of no row, ordinary numbers: see groupRows; never stored): ls = log32(s) (seq.Log); loss = ls - d[l]
(seq.LabelLoss); lse = lseRow(m, ls, all) (seq.LogSumExp) when lse is
computed; with the z-loss, zl, f = zTerms(z, lse) (seq.ZTerms), loss =
loss + zl, f to the frame (1 without); loss = loss·w; with a gradient, sc
= scale·w and q = (sc / s)·f (seq.Quotient).`)
		ls := seq.Log(g.o, []operand.Op{gr.s}, g.v.MantBits)[0]
		g.o.reset()
		loss := seq.LabelLoss[operand.Op](g.o, ls, gr.dl).(reg.VecVirtual)
		g.groupFused(f, gr, ls, loss, nil)
		g.groupWeighLoss(gr, loss)
		noGrad := g.label("noGrad")
		g.TESTQ(reg.RDI, reg.RDI)
		g.JZ(operand.LabelRef(noGrad))
		sc := g.groupScale(gr, scale)
		q := seq.Quotient[operand.Op](g.o, sc, gr.s)
		g.VMOVUPS(g.o.Mul(q, f.f), gr.q)
		g.Label(noGrad)
	}

	// Phase c: the outputs of each row of the group.
	phaseC := func() {
		g.groupStores(gr)
		g.comment(`
Pass 3 (with a gradient). q and sc = scale (times w[i] with row weights)
from lane r; g[j] = e[j]·q (seq.Scaled); then g[l] = g[l] - sc.`)
		skip := g.label("noGrad")
		g.TESTQ(reg.RDI, reg.RDI)
		g.JZ(operand.LabelRef(skip))
		q := g.vec()
		g.VBROADCASTSS(gr.lane(gr.q), q)
		g.wideMulRow(f, q)
		g.groupLane(gr)
		g.MOVLQSX(perRow(reg.RBX), reg.RAX)
		gl := operand.Mem{Base: reg.RDI, Index: reg.RAX, Scale: 4}
		e, d := g.XMM(), g.XMM()
		g.VMOVSS(gl, e)
		g.VSUBSS(gr.lane(gr.sc), e, d)
		g.VMOVSS(d, gl)
		g.Label(skip)
	}
	g.wideGroups(f, gr, "wideLabels", phaseA, phaseB, phaseC)
}

// groupFrame holds the frame slots of the row groups of wideLabels and
// wideTargets (see wideGroups): the rows of a group (lanes, fewer for long
// rows), its first row, the row after its last and the row pointers SI
// and DI at its first row; and vectors with a lane per row of the group:
// s, m, d[l], all (a mask), the row's weight, its loss, lse, q and sc, T
// and D (targets).
type groupFrame struct {
	rows, first, end, si, di                 operand.Mem
	s, m, dl, all, w, loss, lse, q, sc, t, d operand.Mem
}

// groupSlots allocates the frame slots of the row groups.
func (g *x86Gen) groupSlots() *groupFrame {
	gr := &groupFrame{}
	for _, p := range []*operand.Mem{&gr.rows, &gr.first, &gr.end, &gr.si, &gr.di} {
		*p = g.AllocLocal(8)
	}
	for i, p := range []*operand.Mem{&gr.s, &gr.m, &gr.dl, &gr.all, &gr.w, &gr.loss, &gr.lse, &gr.q, &gr.sc, &gr.t, &gr.d} {
		*p = g.AllocLocal(g.vecBytes())
		if p.Disp != gr.s.Disp+i*g.vecBytes() {
			g.fail("groupSlots: vector %d at %d(SP), not %d bytes after s", i, p.Disp, i*g.vecBytes())
		}
	}
	return gr
}

// groupRowValues stores to lane r of the group's vectors m, all (a mask:
// f.all, written by wideAll) and the row's weight (1 without row weights).
// Uses AX and R12 (R12 = r).
func (g *x86Gen) groupRowValues(f *wideFrame, gr *groupFrame, m reg.VecVirtual) {
	g.comment("R12 = r; lane r of the group's vectors: m, all (a mask) and the row's weight (1 without).")
	g.groupLane(gr)
	g.VMOVSS(m.AsX(), gr.lane(gr.m))
	g.MOVL(f.all, reg.EAX)
	if g.wideZ() {
		g.ANDL(operand.U8(1), reg.EAX) // the row's mask bit: all lanes hold the same
		g.NEGL(reg.EAX)
	}
	g.MOVL(reg.EAX, gr.lane(gr.all))
	unweighted, weighed := g.label("unweighted"), g.label("weight")
	g.MOVQ(g.rw, reg.RAX)
	g.TESTQ(reg.RAX, reg.RAX)
	g.JZ(operand.LabelRef(unweighted))
	g.MOVL(perRow(reg.RAX), reg.EAX)
	g.JMP(operand.LabelRef(weighed))
	g.Label(unweighted)
	g.MOVL(operand.U32(0x3f800000), reg.EAX) // 1
	g.Label(weighed)
	g.MOVL(reg.EAX, gr.lane(gr.w))
}

// groupFused emits the fused outputs of the group's rows in phase b, from
// ls = log32(s), a row per lane: when the flag word has flagLse, lse =
// lseRow(m, ls, all) (seq.LogSumExp) to gr.lse; with the z-loss, zl, f =
// zTerms(z, lse) (seq.ZTerms), loss = loss + zl (labels, tsum nil) or loss
// + zl·T, in place, and f to the frame.
func (g *x86Gen) groupFused(f *wideFrame, gr *groupFrame, ls operand.Op, loss reg.VecVirtual, tsum operand.Op) {
	noLse, noZ := g.label("noLse"), g.label("noZ")
	g.TESTB(operand.U8(flagLse), f.flags)
	g.JZ(operand.LabelRef(noLse))
	var all operand.Op = gr.all
	if g.wideZ() {
		v, k := g.ZMM(), g.K()
		g.VMOVDQU32(gr.all, v)
		g.VPTESTMD(v, v, k)
		all = k
	}
	lse := seq.LogSumExp[operand.Op](g.o, all, gr.m, ls).(reg.VecVirtual)
	g.VMOVUPS(lse, gr.lse)
	g.TESTB(operand.U8(flagZ), f.flags)
	g.JZ(operand.LabelRef(noZ))
	zl, fz := seq.ZTerms[operand.Op](g.o, f.zv, lse)
	g.VMOVUPS(fz, f.f)
	if tsum != nil {
		zl = g.o.Mul(zl, tsum)
	}
	g.VMOVAPS(g.o.Add(loss, zl), loss)
	g.Label(noZ)
	g.Label(noLse)
}

// groupWeighLoss multiplies the losses of the group's rows by their
// weights (with row weights) and stores them to gr.loss.
func (g *x86Gen) groupWeighLoss(gr *groupFrame, loss reg.VecVirtual) {
	unweighted := g.label("unweighted")
	g.skipUnweighted(unweighted)
	g.VMOVAPS(g.o.Mul(loss, gr.w), loss)
	g.Label(unweighted)
	g.VMOVUPS(loss, gr.loss)
}

// groupScale returns sc, scale times the rows' weights (with row weights:
// the rows' gradient factors float32(scale·w)), and stores it to gr.sc.
func (g *x86Gen) groupScale(gr *groupFrame, scale operand.Mem) reg.VecVirtual {
	sc := g.vec()
	g.VBROADCASTSS(scale, sc)
	unweighted := g.label("unweighted")
	g.skipUnweighted(unweighted)
	g.VMOVAPS(g.o.Mul(sc, gr.w), sc)
	g.Label(unweighted)
	g.VMOVUPS(sc, gr.sc)
	return sc
}

// groupStores stores, in phase c, the row's loss to losses[i] and its lse
// to lse[i] (when not nil) from lane r. Sets R12 = r; uses AX.
func (g *x86Gen) groupStores(gr *groupFrame) {
	g.comment("R12 = r: losses[i] and (when not nil) lse[i] from lane r.")
	g.groupLane(gr)
	g.MOVL(gr.lane(gr.loss), reg.EAX)
	g.MOVL(reg.EAX, perRow(reg.RDX))
	noLse := g.label("noLse")
	g.TESTQ(reg.R14, reg.R14)
	g.JZ(operand.LabelRef(noLse))
	g.MOVL(gr.lane(gr.lse), reg.EAX)
	g.MOVL(reg.EAX, perRow(reg.R14))
	g.Label(noLse)
}

// groupFrameDoc describes the frame slots of the row groups.
func (g *x86Gen) groupFrameDoc(gr *groupFrame) {
	g.comment(fmt.Sprintf(`
The frame words of the groups of rows at %d(SP) (rows per group, first row,
end, SI and DI at the first row) and the vectors with a lane per row of
the group at %d(SP), %d bytes apart: s, m, d[l], all, w, loss, lse,
q (qt in wideTargets), sc, T, D.`, gr.rows.Disp, gr.s.Disp, g.vecBytes()))
}

// lane is lane R12 of the frame vector v.
func (gr *groupFrame) lane(v operand.Mem) operand.Mem {
	return operand.Mem{Base: v.Base, Disp: v.Disp, Index: reg.R12, Scale: 4}
}

// groupLane sets R12 = r = i - the group's first row, the lane of row i.
func (g *x86Gen) groupLane(gr *groupFrame) {
	g.MOVQ(reg.R10, reg.R12)
	g.SUBQ(gr.first, reg.R12)
}

// groupBytes bounds the bytes of the output rows of a group (lanes rows of
// c floats, fewer for long rows), which pass 3 reads again after the
// group's passes 2: they stay in the L1 data cache.
const groupBytes = 16 << 10

// wideGroups emits the row loop of wideLabels and wideTargets: R10 = i
// from 0 while i < R8, in groups of the frame word gr.rows rows (the
// tier's lanes, or groupBytes/(4c) when fewer, at least 1). For each
// group, a computes each row i of the group at SI (logits) and DI (grad,
// 0 when nil), which then advance by a row; b computes the group's per-row
// values, one row per lane; SI, DI and R10 go back to the group's first
// row, and c computes each row again. The serial work of a row (its
// logarithm and division) is done for lanes rows at once, and the passes
// of the rows of a group overlap. On ZMM, a sets R11 = the next row of
// logits for the prefetches of pass 2 (nextRowPrefetch). It ends the
// function (on ZMM, the label counter goes back to its value at
// wideBegin).
func (g *x86Gen) wideGroups(f *wideFrame, gr *groupFrame, name string, a, b, c func()) {
	group, rowA, rowC, done := name+"Group", name+"RowA", name+"RowC", name+"Done"
	g.XORL(reg.R10L, reg.R10L)
	g.Label(group)
	g.CMPQ(reg.R10, reg.R8)
	g.JAE(operand.LabelRef(done))
	g.comment("The group: its first row, the row after its last, the row pointers at its first row.")
	g.MOVQ(reg.R10, gr.first)
	g.MOVQ(reg.RSI, gr.si)
	g.MOVQ(reg.RDI, gr.di)
	g.MOVQ(reg.R10, reg.R12)
	g.ADDQ(gr.rows, reg.R12)
	g.CMPQ(reg.R12, reg.R8)
	g.CMOVQGT(reg.R8, reg.R12)
	g.MOVQ(reg.R12, gr.end)
	// Each row of the group, at the label: body, then the next row.
	eachRow := func(label string, body func()) {
		g.Label(label)
		body()
		g.nextRow()
		g.CMPQ(reg.R10, gr.end)
		g.JB(operand.LabelRef(label))
	}
	eachRow(rowA, a)
	b()
	g.comment("Back to the group's first row.")
	g.MOVQ(gr.first, reg.R10)
	g.MOVQ(gr.si, reg.RSI)
	g.MOVQ(gr.di, reg.RDI)
	eachRow(rowC, c)
	g.JMP(operand.LabelRef(group))
	g.end(done)
	if g.wideZ() {
		g.labels = f.labels
	}
}

// groupRows sets the frame word gr.rows, the rows of a group: the tier's
// lanes, or groupBytes/(4c) when fewer, at least 1; and the lanes of the
// group's vectors to ordinary numbers. c in CX; uses AX and DX.
func (g *x86Gen) groupRows(gr *groupFrame) {
	g.comment(fmt.Sprintf("The rows of a group: min(%d, max(1, %d/(4c))).", g.t.lanes, groupBytes))
	g.MOVL(operand.U32(groupBytes/4), reg.EAX)
	g.XORL(reg.EDX, reg.EDX)
	g.DIVQ(reg.RCX)
	g.MOVL(operand.U32(1), reg.EDX)
	g.TESTQ(reg.RAX, reg.RAX)
	g.CMOVQEQ(reg.RDX, reg.RAX)
	g.MOVL(operand.U32(uint32(g.t.lanes)), reg.EDX)
	g.CMPQ(reg.RAX, reg.RDX)
	g.CMOVQGT(reg.RDX, reg.RAX)
	g.MOVQ(reg.RAX, gr.rows)
	g.comment(`
The lanes that no row of a group writes (past its rows) hold s = w = 1
and +0 elsewhere, so that phase b computes on them only ordinary numbers
(the frame's previous contents could be subnormal, whose arithmetic may
be slow).`)
	one, zero := g.vec(), g.vec()
	g.VBROADCASTSS(g.k[seq.One], one)
	g.VXORPS(zero, zero, zero)
	for _, v := range []operand.Mem{gr.s, gr.w} {
		g.VMOVUPS(one, v)
	}
	for _, v := range []operand.Mem{gr.m, gr.dl, gr.all, gr.t, gr.d} {
		g.VMOVUPS(zero, v)
	}
}

// The forms of the effective targets of wideTargets (targetRow.at): bit
// 1, from labels (one-hot) rather than dense targets; bit 2, staged; bit
// 4, staged with class weights.
const (
	formLabels  = 1
	formStaged  = 2
	formWeights = 4
)

// wideTarget returns a[j] = targetRow.at(j) for the vector at disp of the
// step (k its number, tail: masked): t[j] from the targets row at R12, or
// (labels) 1 where the class index (idx, the int32 lanes) equals the label
// (VPCMPEQD, into a vector or an opmask) and +0 elsewhere; when staged, a = (keep·t) + uni, then w·a with the
// weights at BX. Lanes beyond the row have unspecified values.
func (g *x86Gen) wideTarget(f *wideFrame, form int, disp, k int, tail bool, idx reg.VecVirtual) operand.Op {
	var t operand.Op
	if form&formLabels != 0 {
		var eq reg.Register
		if g.wideZ() {
			eq = g.K()
		} else {
			eq = g.YMM()
		}
		g.VPCMPEQD(f.labV, idx, eq)
		t = g.o.And(eq, g.o.K(seq.One))
	} else {
		t = g.loadRow(f, reg.R12, disp, k, tail)
	}
	if form&formStaged == 0 {
		return t
	}
	a := g.o.Add(g.o.Mul(f.keepV, t), f.uniV)
	if form&formWeights != 0 {
		w := operand.Op(rowMem(reg.RBX, disp))
		switch {
		case tail && g.wideZ():
			// The last c mod 16 weights, a masked load: the
			// masked-out lanes past the weights' end do not fault.
			w = g.loadRow(f, reg.RBX, disp, k, true)
		case tail:
			// The last c mod 16 weights, copied to the frame (wtail):
			// the weights end at the row's end, for every row.
			w = operand.Mem{Base: f.wtail.Base, Disp: f.wtail.Disp + 32*k}
		}
		a = g.o.Mul(g.o.inReg(w, false), a)
	}
	return a
}

// wideTargets emits wideTargetsAVX2.
func (g *x86Gen) wideTargets() {
	f := g.wideBegin("wideTargets", slotScale|slotLabels|slotRowWeights,
		wrap(`wideTargetsAVX2 is wideTargetsGeneric for n = len(a.losses) rows
(fewer if a.logits, a.targets or, when a.targets is nil, a.labels, or
a.out, a.preds, a.lse or a.rowWeights when not nil, holds fewer; none
when a.staged with a.weights shorter than a.c), a.c >= 1 classes, the
classes of a row in vectors. `+strideDoc(", a.targets and a.out")+` The
logits are multiplied by a.xscale. The effective targets are those of
a.targets, or the one-hot rows of a.labels (in [0, a.c)) when a.targets
is nil; with a.staged, a.weights[j]·((a.keep·t[j]) + a.uni) (a.weights
nil: 1). a.out, the gradient times a.scale (times a.rowWeights[i] for row
i when not nil), may be nil or a.logits itself (but must not overlap
a.targets); a.losses receives the row losses (times a.rowWeights[i]). `+outsideDoc, 74), func(f *wideFrame) string {
			return fmt.Sprintf(`
wideTargetsGeneric, in groups of rows (see wideGroups): passes 1 and 2 of
each row of a group, the classes in vectors (see the overview of the wide
functions), the logits times xs = xscale; the scalar work of the group's
rows, a row per lane; pass 3 of each row. The
effective targets a[j] (targetRow.at) take one of five forms, each with its
own loops of passes 2 and 3: dense targets, plain, staged, or staged with
class weights; the one-hot rows of labels, staged (plain: staged with
keep = 1 and uni = 0), or staged with class weights.

Registers: %s; DX = losses, R13 = preds (or nil), R14 = lse (or nil), BX =
weights (staged with weights), R12 = the targets row in passes 2 and 3.
%s
%s`, g.wideRegs(), g.wideVecRegs(
				`Pass 2: m, the accumulators of s, T and D, the class indices (from
labels), the registers of one exponential; pass 3: qt, scale, the class
indices.`,
				`Vectors: keep, uni, the label, six constants (wideSchedZ), throughout;
pass 2, m, the accumulators of s, T and D, the class indices (from
labels), the registers of one exponential; pass 3, qt, scale, the class
indices.`), g.wideFrameDoc(f))
		})
	g.wideStart("wideTargetsDone")
	gr := g.groupSlots()
	g.groupFrameDoc(gr)
	g.groupRows(gr)
	g.comment("The form of the targets.")
	g.Load(g.field("out").Base(), reg.RDI)
	g.Load(g.field("losses").Len(), reg.RAX)
	g.CMPQ(reg.RAX, reg.R8)
	g.CMOVQLT(reg.RAX, reg.R8)
	g.minRows(g.slice("out", true), false)
	g.minRows(g.slice("preds", true), true)
	g.minRows(g.slice("lse", true), true)
	g.minRows(g.slice("rowWeights", true), true)
	g.XORL(reg.R12L, reg.R12L)
	g.Load(g.field("targets").Base(), reg.RAX)
	g.MOVQ(reg.RAX, f.tp)
	fromLabels, formDone := g.label("fromLabels"), g.label("formDone")
	g.TESTQ(reg.RAX, reg.RAX)
	g.JZ(operand.LabelRef(fromLabels))
	g.minRows(g.slice("targets", false), false)
	g.JMP(operand.LabelRef(formDone))
	g.Label(fromLabels)
	g.MOVL(operand.U32(formLabels), reg.R12L)
	g.minRows(g.slice("labels", false), true)
	g.Label(formDone)
	g.Load(g.field("weights").Base(), reg.RBX)
	notStaged := g.label("notStaged")
	g.Load(g.field("staged"), reg.RAX)
	g.TESTB(reg.AL, reg.AL)
	g.JZ(operand.LabelRef(notStaged))
	g.ORL(operand.U32(formStaged), reg.R12L)
	g.TESTQ(reg.RBX, reg.RBX)
	g.JZ(operand.LabelRef(notStaged))
	g.ORL(operand.U32(formWeights), reg.R12L)
	g.Load(g.field("weights").Len(), reg.RAX)
	g.CMPQ(reg.RAX, reg.RCX)
	g.JGE(operand.LabelRef(notStaged))
	g.XORL(reg.R8L, reg.R8L) // weights shorter than a row: no row
	g.Label(notStaged)
	keep, uni := g.vec(), g.vec()
	g.VBROADCASTSS(g.addr(g.field("keep")), keep)
	g.VBROADCASTSS(g.addr(g.field("uni")), uni)
	g.comment(`
One-hot rows of labels, not staged: the staged form with keep = 1 and uni
= +0, whose a[j] = (1·t[j]) + 0 is t[j], 1 or +0.`)
	staged := g.label("staged")
	g.CMPQ(reg.R12, operand.U8(formLabels))
	g.JNE(operand.LabelRef(staged))
	g.ORL(operand.U32(formStaged), reg.R12L)
	g.VBROADCASTSS(g.k[seq.One], keep)
	g.VXORPS(uni, uni, uni)
	g.Label(staged)
	g.MOVQ(reg.R12, f.variant)
	for _, p := range []struct {
		v    reg.VecVirtual
		slot operand.Mem
		op   *operand.Op
	}{{keep, f.keep, &f.keepV}, {uni, f.uni, &f.uniV}} {
		if g.wideZ() {
			*p.op = p.v
		} else {
			g.VMOVUPS(p.v, p.slot)
			*p.op = p.slot
		}
	}
	f.labV = f.lab
	if !g.wideZ() {
		g.wideTail(f)
	}
	g.Load(g.field("losses").Base(), reg.RDX)
	g.fusedSetup(f.flags, f.zv)
	g.comment("scale and the bases of labels and rowWeights, read by the loops from the frame.")
	g.copyField(g.field("scale"), f.scale)
	g.copyField(g.field("labels").Base(), f.labelBase)
	g.rowWeightsCopy()
	g.argsDone()
	g.wideSetup(f)
	scale := f.scale

	// The accumulators of s, T and D, the same registers in the loops of
	// every form.
	sv := g.stepVecs()
	accS, accT, accD := make([]reg.VecVirtual, sv), make([]reg.VecVirtual, sv), make([]reg.VecVirtual, sv)
	for k := range sv {
		accS[k], accT[k], accD[k] = g.vec(), g.vec(), g.vec()
	}
	forms := []int{0, formStaged, formStaged | formWeights, formLabels | formStaged, formLabels | formStaged | formWeights}
	// eachForm emits one loop per form of the targets, each at the label
	// prefix + form (the first falls through), after a dispatch on the
	// row's form; body emits the loop of form fm, with idx the class
	// indices of a step (int32 lanes, from 0) for the forms from labels.
	// Every loop jumps to join, which eachForm places after the last.
	eachForm := func(prefix, join string, body func(fm int, idx reg.VecVirtual)) {
		for _, fm := range forms[1:] {
			g.CMPQ(f.variant, operand.U8(fm))
			g.JEQ(operand.LabelRef(fmt.Sprintf("%s%d", prefix, fm)))
		}
		for i, fm := range forms {
			if i > 0 {
				g.Label(fmt.Sprintf("%s%d", prefix, fm))
			}
			var idx reg.VecVirtual
			if fm&formLabels != 0 {
				idx = g.vec()
				g.movInts(wideK(kLanes, 0), idx)
			}
			body(fm, idx)
			g.JMP(operand.LabelRef(join))
		}
		g.Label(join)
	}
	steps := g.wideTargetSteps()
	// ZMM: the label and the constants of pass 2 in registers (see
	// wideConstsZ): those of the exponential, 1 and the index step.
	pins := map[seq.Const]operand.Op{}
	if g.wideZ() {
		f.labV = g.vec()
		for _, c := range wideConstsZ {
			r := g.vec()
			g.VMOVUPS(g.k[c], r)
			pins[c] = r
		}
		f.sixteen = g.vec()
		g.VMOVDQU32(wideK(kSixteen, 0), f.sixteen)
	}
	// labelRow broadcasts the label of row i to every lane (targets from
	// labels); targetsRow sets R12 = the targets row (0 from labels).
	labelRow := func() {
		g.comment("The label in every lane (targets from labels).")
		noLab := g.label("noLabel")
		g.TESTB(operand.U8(formLabels), f.variant)
		g.JZ(operand.LabelRef(noLab))
		g.MOVQ(f.labelBase, reg.R12)
		lx := g.XMM()
		if g.wideZ() {
			g.VMOVD(perRow(reg.R12), lx)
			g.VPBROADCASTD(lx, f.labV)
		} else {
			lv := g.YMM()
			g.VMOVD(perRow(reg.R12), lx)
			g.VPBROADCASTD(lx, lv)
			g.VMOVDQU(lv, f.lab)
		}
		g.Label(noLab)
	}
	targetsRow := func() {
		g.comment("R12 = the targets row: the base of targets (0 from labels) + i·4·stride.")
		noTp := g.label("noTargets")
		g.MOVQ(f.tp, reg.R12)
		g.TESTQ(reg.R12, reg.R12)
		g.JZ(operand.LabelRef(noTp))
		g.MOVQ(reg.R10, reg.RAX)
		g.IMULQ(reg.R9, reg.RAX)
		g.ADDQ(reg.RAX, reg.R12)
		g.Label(noTp)
	}
	g.wideGroups(f, gr, "wideTargets", func() {
		if g.wideZ() {
			g.nextRowPrefetch(f)
		}
		m := g.wideMaxPreds(f)
		g.groupRowValues(f, gr, m)
		labelRow()

		g.comment(`
Pass 2. For each class: d = x[j]·xs - m (the product skipped when xs is
1); a = targetRow.at(j); td = a·d, +0
where a == 0 (seq.TargetTerm); e = expf(d) (seq.Exp), stored to g (when
grad is not nil); s, T and D accumulated by classSum (e, a, td). R12 =
the targets row. One loop per form of the targets.`)
		targetsRow()
		for k := range sv {
			for _, a := range []reg.VecVirtual{accS[k], accT[k], accD[k]} {
				g.VMOVUPS(wideK(kNegZero, 0), a)
			}
		}
		maps.Copy(g.o.pinned, pins)
		eachForm("wideTargetsExp", g.label("summed"), func(fm int, idx reg.VecVirtual) {
			g.classLoop(f, steps, func(cols []int, tail bool) {
				for k, disp := range cols {
					x := g.loadRow(f, reg.RSI, disp, k%sv, tail)
					if g.wideZ() && !tail {
						g.PREFETCHT0(rowMem(reg.R11, disp))
					}
					g.scaleInPlace(x)
					d := g.o.Sub(x, m)
					a := g.wideTarget(f, fm, disp, k%sv, tail, idx)
					td := seq.TargetTerm(g.o, a, d)
					g.accumulateTerm(f, accT[k%sv], a, k%sv, tail)
					g.accumulateTerm(f, accD[k%sv], td, k%sv, tail)
					if idx != nil {
						g.nextIdx(f, idx)
					}
					e := seq.Exp(g.o, []operand.Op{d}, g.v.MantBits)[0]
					noStore := g.label("noStore")
					g.TESTQ(reg.RDI, reg.RDI)
					g.JZ(operand.LabelRef(noStore))
					g.storeRow(f, e, reg.RDI, disp, k%sv, tail)
					g.Label(noStore)
					g.accumulateTerm(f, accS[k%sv], e, k%sv, tail)
				}
			})
		})
		clear(g.o.pinned)
		g.comment("s, T, D = total(c) of their accumulators, to lane r.")
		s := g.wideTotal(accS)
		tsum := g.wideTotal(accT)
		dsum := g.wideTotal(accD)
		g.groupLane(gr)
		g.VMOVSS(s.AsX(), gr.lane(gr.s))
		g.VMOVSS(tsum.AsX(), gr.lane(gr.t))
		g.VMOVSS(dsum.AsX(), gr.lane(gr.d))
	}, func() {
		g.comment(`
The rows of the group, one per lane (lanes past the group's rows hold
values of no row, ordinary numbers: see groupRows; never stored): ls = log32(s) (seq.Log); loss = ls·T - D
(seq.TargetLoss); lse = lseRow(m, ls, all) (seq.LogSumExp) when lse is
computed; with the z-loss, zl, f = zTerms(z, lse) (seq.ZTerms), loss =
loss + zl·T, f to the frame (1 without); loss = loss·w; with a gradient,
sc = scale·w and qt = ((sc / s)·T)·f (seq.Quotient, seq.Scaled).`)
		ls := seq.Log(g.o, []operand.Op{gr.s}, g.v.MantBits)[0]
		g.o.reset()
		loss := seq.TargetLoss[operand.Op](g.o, ls, gr.t, gr.d).(reg.VecVirtual)
		g.groupFused(f, gr, ls, loss, gr.t)
		g.groupWeighLoss(gr, loss)
		noGrad := g.label("noGrad")
		g.TESTQ(reg.RDI, reg.RDI)
		g.JZ(operand.LabelRef(noGrad))
		sc := g.groupScale(gr, scale)
		q := seq.Quotient[operand.Op](g.o, sc, gr.s)
		g.VMOVUPS(g.o.Mul(seq.Scaled[operand.Op](g.o, q, gr.t), f.f), gr.q)
		g.Label(noGrad)
	}, func() {
		g.groupStores(gr)
		g.comment(`
Pass 3 (with a gradient). qt and sc from lane r; g[j] = e[j]·qt - a[j]·sc
(seq.TargetGrad). One loop per form of the targets.`)
		rowDone := g.label("rowDone")
		g.TESTQ(reg.RDI, reg.RDI)
		g.JZ(operand.LabelRef(rowDone))
		qt, sc := g.vec(), g.vec()
		g.VBROADCASTSS(gr.lane(gr.q), qt)
		g.VBROADCASTSS(gr.lane(gr.sc), sc)
		labelRow()
		targetsRow()
		maps.Copy(g.o.pinned, pins)
		eachForm("wideTargetsGrad", rowDone, func(fm int, idx reg.VecVirtual) {
			g.classLoop(f, steps, func(cols []int, tail bool) {
				for k, disp := range cols {
					e := g.loadRow(f, reg.RDI, disp, k%sv, tail)
					a := g.wideTarget(f, fm, disp, k%sv, tail, idx)
					if idx != nil {
						g.nextIdx(f, idx)
					}
					g.storeRow(f, seq.TargetGrad[operand.Op](g.o, e, qt, a, sc), reg.RDI, disp, k%sv, tail)
				}
			})
		})
		clear(g.o.pinned)
	})
}

// wideTail copies to the frame (wtail) the last c mod 16 weights of
// wideTargetsAVX2, when there are weights. Uses AX and R12.
func (g *x86Gen) wideTail(f *wideFrame) {
	g.comment(`
wtail = the last c mod 16 weights (when there are weights), +0 after them:
the masked step reads them from the frame, since a masked load at the
weights would reach past their end.`)
	g.XORL(reg.EAX, reg.EAX)
	z := g.YMM()
	g.VXORPS(z, z, z)
	g.VMOVUPS(z, f.wtail)
	g.VMOVUPS(z, operand.Mem{Base: f.wtail.Base, Disp: f.wtail.Disp + 32})
	wDone, wLoop := g.label("wtailDone"), g.label("wtail")
	g.TESTQ(reg.R8, reg.R8) // no row (weights shorter than a row): nothing to copy
	g.JZ(operand.LabelRef(wDone))
	g.TESTQ(operand.U32(formWeights), f.variant)
	g.JZ(operand.LabelRef(wDone))
	g.MOVQ(reg.RCX, reg.R12)
	g.ANDQ(operand.I8(-16), reg.R12)
	g.Label(wLoop)
	g.CMPQ(reg.R12, reg.RCX)
	g.JAE(operand.LabelRef(wDone))
	wv := g.XMM()
	g.VMOVSS(operand.Mem{Base: reg.RBX, Index: reg.R12, Scale: 4}, wv)
	g.VMOVSS(wv, operand.Mem{Base: f.wtail.Base, Disp: f.wtail.Disp, Index: reg.RAX, Scale: 4})
	g.INCQ(reg.RAX)
	g.INCQ(reg.R12)
	g.JMP(operand.LabelRef(wLoop))
	g.Label(wDone)
}

// wideSoftmax emits wideSoftmaxAVX2.
func (g *x86Gen) wideSoftmax() {
	f := g.wideBegin("wideSoftmax", 0,
		wrap(`wideSoftmaxAVX2 is wideSoftmaxGeneric for n = the rows of a.logits
(fewer if a.out holds fewer), a.c >= 1 classes, the classes of a row in
vectors: a.out, possibly a.logits itself, receives softmax of the logits
times a.xscale row by row. `+strideDoc(" and a.out")+` `+outsideDoc, 74), func(f *wideFrame) string {
			return fmt.Sprintf(`
wideSoftmaxGeneric (softmaxRowC), one row at a time, the classes in
vectors, the logits times xs = xscale: m (pass 1), e[j] stored to y and s
(pass 2), r = 1/s, y[j] = y[j]·r (pass 3). (In groups of rows, as
wideLabels, it is slower: a row's serial work is one division.)

Registers: %s.
%s`, g.wideRegs(), g.wideFrameDoc(f))
		})
	g.wideStart("wideSoftmaxDone")
	g.Load(g.field("out").Base(), reg.RDI)
	g.minRows(g.slice("out", false), false)
	g.argsDone()
	g.wideSetup(f)
	g.wideRows(f, "wideSoftmax", func() {
		m := g.wideMax(f)
		g.comment("Pass 2. e[j] = expf(x[j]·xs - m) (seq.Exp), stored to y; s accumulated by classSum.")
		acc := g.wideExpSum(f, g.wideM(f, m), true)
		g.comment("Pass 3. s = total(c); r = 1 / s (seq.Reciprocal); y[j] = y[j]·r (seq.Scaled).")
		r := seq.Reciprocal[operand.Op](g.o, g.wideTotal(acc))
		g.wideMulRow(f, r)
	})
}

// wideLogSoftmax emits wideLogSoftmaxAVX2.
func (g *x86Gen) wideLogSoftmax() {
	f := g.wideBegin("wideLogSoftmax", 0,
		wrap(`wideLogSoftmaxAVX2 is wideLogSoftmaxGeneric for n = the rows of
a.logits (fewer if a.out holds fewer), a.c >= 1 classes, the classes of a
row in vectors: a.out, possibly a.logits itself, receives log-softmax of
the logits times a.xscale row by row. `+strideDoc(" and a.out")+` `+outsideDoc, 74), func(f *wideFrame) string {
			return fmt.Sprintf(`
wideLogSoftmaxGeneric (logSoftmaxRowC), one row at a time, the classes in
vectors, the logits times xs = xscale: m (pass 1), s (pass 2), ls =
log32(s), y[j] = (x[j]·xs - m) - ls (pass 3). (In groups of rows, as
wideLabels, it is not faster: its pass 3 reads the logits again.)

Registers: %s.
%s`, g.wideRegs(), g.wideFrameDoc(f))
		})
	g.wideStart("wideLogSoftmaxDone")
	g.Load(g.field("out").Base(), reg.RDI)
	g.minRows(g.slice("out", false), false)
	g.argsDone()
	g.wideSetup(f)
	g.wideRows(f, "wideLogSoftmax", func() {
		m := g.wideMax(f)
		g.comment("Pass 2. s = the sum of expf(x[j]·xs - m) (seq.Exp) by classSum.")
		acc := g.wideExpSum(f, g.wideM(f, m), false)
		g.comment("s = total(c); ls = log32(s) (seq.Log).")
		ls := seq.Log(g.o, []operand.Op{g.wideTotal(acc)}, g.v.MantBits)[0]
		g.o.reset()
		g.comment(`
Pass 3. y[j] = (x[j]·xs - m) - ls (seq.LogSoftmax); the unrolled
iterations without the product when xs is 1.`)
		sv := g.stepVecs()
		g.classLoop(f, g.wideSteps(), func(cols []int, tail bool) {
			body := func(scaled bool) {
				for k, disp := range cols {
					x := g.loadRow(f, reg.RSI, disp, k%sv, tail)
					if scaled {
						g.mulXS(x, x)
					}
					y := seq.LogSoftmax[operand.Op](g.o, g.o.Sub(x, m), ls)
					g.storeRow(f, y, reg.RDI, disp, k%sv, tail)
				}
			}
			if !tail && len(cols) > sv {
				g.eitherScale(body)
			} else {
				body(true)
			}
		})
	})
}

// wideArgmax emits wideArgmaxAVX2.
func (g *x86Gen) wideArgmax() {
	f := g.wideBegin("wideArgmax", 0,
		wrap(`wideArgmaxAVX2 is wideArgmaxGeneric for n = min(the rows of a.logits,
len(a.preds)) rows, a.c >= 1 classes: a.preds[i] receives argmaxRow of
row i times a.xscale. `+strideDoc("")+` `+outsideDoc, 74), func(f *wideFrame) string {
			return fmt.Sprintf(`
wideArgmaxGeneric (argmaxRow), one row at a time, the logits times xscale:
m and the NaN lanes (pass 1), then the scan for the first NaN or the first
maximum.

Registers: %s; R13 = preds.
%s`, g.wideRegs(), g.wideFrameDoc(f))
		})
	g.wideStart("wideArgmaxDone")
	g.Load(g.field("preds").Len(), reg.RAX)
	g.CMPQ(reg.RAX, reg.R8)
	g.CMOVQLT(reg.RAX, reg.R8)
	g.Load(g.field("preds").Base(), reg.R13)
	g.argsDone()
	g.XORL(reg.EDI, reg.EDI) // no row pointer to advance
	g.wideSetup(f)
	g.wideRows(f, "wideArgmax", func() {
		m := g.wideMax(f)
		g.comment("preds[i] = argmaxRow(x).")
		g.widePreds(f, m, perRow(reg.R13))
	})
}
