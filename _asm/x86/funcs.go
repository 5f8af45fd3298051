// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package x86

import (
	"fmt"
	"strings"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/xentropy/kernel/_asm/seq"
)

// The four functions. Each keeps the structure of the hand-written
// assembly it replaces: chunks of blocks, passes over a chunk with one
// record per block in the frame. The general-purpose registers are
// physical (the same in every function, named in the header comments); the
// vector registers are virtual.

// advance emits the end of a pass loop: the pointers move to the next
// block, R10 counts down, and the loop repeats while blocks are left.
func (g *x86Gen) advance(loop string, ptrs map[reg.Register]int) {
	for _, r := range []reg.Register{reg.RSI, reg.RDI, reg.RBX, reg.R11} {
		if n, ok := ptrs[r]; ok {
			g.ADDQ(operand.U32(n), r)
		}
	}
	g.DECQ(reg.R10)
	g.JNZ(operand.LabelRef(loop))
}

// registerMap is the part of the header comments shared by the functions.
func (g *x86Gen) registerMap(rec int, layout, regs string) string {
	return fmt.Sprintf(`
Registers: CX = blocks after this chunk, R9 = blocks in this chunk, R10 =
blocks left in this pass, R11 = this block's record in the frame.
%s
Frame: %d records (the largest chunk) of %d bytes, one per block of the
chunk, from the first multiple of 64 bytes of the frame (R11 = the first
record):
%s`, strings.TrimSpace(regs), g.t.chunk, rec, strings.TrimSpace(layout))
}

// expPass ends the loop of pass 1 (at name+"ExpLoop", advancing ptrs)
// with exp, emitted by body: in the loop itself, or, when the tier splits
// it, in a loop of its own over the records of the chunk (pass 1b), so that
// the chains of the exponentials of consecutive blocks overlap instead of
// waiting for the transpose and the maximum of each block.
func (g *x86Gen) expPass(name string, frame operand.Mem, ptrs map[reg.Register]int, body func()) {
	if !g.t.splitExp {
		body()
		g.advance(name+"ExpLoop", ptrs)
		return
	}
	g.advance(name+"ExpLoop", ptrs)
	g.comment("Pass 1b. e[j] = exp(d[j]) and s = sum10(e) of each block of the chunk.")
	g.rewind(frame)
	if len(g.t.pinExp) > 0 {
		g.comment("Constants kept in registers in the loop.")
	}
	for _, c := range g.t.pinExp {
		r := g.vec()
		if g.t.lanes == 16 {
			g.VBROADCASTSS(g.k[c], r) // see x86Ops.form
		} else {
			g.VMOVUPS(g.k[c], r)
		}
		g.o.pinned[c] = r
	}
	g.Label(name + "ExpOnlyLoop")
	body()
	g.advance(name+"ExpOnlyLoop", map[reg.Register]int{reg.R11: ptrs[reg.R11]})
	clear(g.o.pinned)
}

// fusedLogLoops emits the two pass-2 loops of a loss function, at the
// labels name and nameLse, each continuing at nameGrad: the plain one
// (tail(false)); and the one of the fused outputs (tail(true)), with lse =
// logSumExp(x, m, log32(s)) copied to lse and, where z != 0, the z-loss,
// whose loss term is zdesc. The caller jumps to nameLse when lse is
// computed. One loop serves lse with and without the z-loss: it computes
// the z-loss terms in either case and adds to the loss the term (zl AND
// keep) OR neg, which is -0 where z == 0 (fusedTail, zKeepSetup): two
// logic operations a block, and no third loop. weigh multiplies the losses by the rows'
// weights (see logLoop).
func (g *x86Gen) fusedLogLoops(name, zdesc string, rec, sOff, hOff, lseOff int, tail func(fused bool) func(ls []operand.Op, recs []int) []operand.Op, weigh func(loss []operand.Op, recs []int)) {
	copyLse := func(recs []int) { g.copyLse(recs, lseOff) }
	next := name + "Grad"
	g.logLoop(name, rec, sOff, hOff, tail(false), weigh, nil, next)
	g.Label(name + "Lse")
	g.comment(fmt.Sprintf(`
Pass 2 with lse = logSumExp(x, m, log32(s)) (seq.LogSumExp), stored to
the record and then to lse (when not nil); zl, f = zTerms(z, lse)
(seq.ZTerms), f stored to the record (read by pass 3 only with the
z-loss); loss = %s where z != 0, the loss itself where z == 0.`, zdesc))
	g.logLoop(name+"Lse", rec, sOff, hOff, tail(true), weigh, copyLse, next)
}

// lossSlots describes the frame slots of a loss function after its records
// (end: their end, records included): those of zSlots, the prefetch limits
// of the registers ps (when the tier prefetches), scale, the logit scale,
// the row weights pointer and the chunk; it returns the offset of scale.
func (g *x86Gen) lossSlots(end int, ps ...reg.Register) (string, int) {
	vb := g.vecBytes()
	doc := fmt.Sprintf("After the records: z, keep and neg (see zKeepSetup) in every lane at %d, %d and %d, the flag word at %d", end, end+vb, end+2*vb, end+3*vb)
	at := end + 3*vb + 8
	if g.t.prefetch != 0 {
		for _, p := range ps {
			doc += fmt.Sprintf(", the prefetch limit of %s at %d", p.Asm(), at)
			at += 8
		}
	}
	xs := "xscale"
	if g.t.lanes != 16 {
		xs = "xscale in every lane"
	}
	doc += fmt.Sprintf(", scale at %d, %s at %d, the row weights pointer (0: none) at %d, the chunk (blocks) at %d.", at, xs, at+8, at+8+g.xscaleBytes(), at+16+g.xscaleBytes())
	return strings.Join(wrap(doc, 74), "\n"), at
}

// scaleSlot allocates the frame slots of scale, of the logit scale, of
// the row weights pointer and of the chunk, at the offsets that lossSlots
// described (scale at at), and copies a.scale, a.xscale, the base of
// a.rowWeights and the chunk (chunkSetup) to them.
func (g *x86Gen) scaleSlot(at int) operand.Mem {
	scale := g.AllocLocal(8)
	if scale.Disp != at {
		g.fail("scale at %d in the frame, not at %d", scale.Disp, at)
	}
	g.comment("scale, the logit scale and the row weights pointer, read by the loops from the frame.")
	g.copyField(g.field("scale"), scale)
	g.xscaleSetup()
	g.rowWeightsSetup()
	if g.xs.Disp != at+8 || g.rw.Disp != at+8+g.xscaleBytes() {
		g.fail("xscale at %d and the row weights at %d in the frame, not at %d and %d", g.xs.Disp, g.rw.Disp, at+8, at+8+g.xscaleBytes())
	}
	g.chunkSetup(at + 16 + g.xscaleBytes())
	return scale
}

func (g *x86Gen) xentLabels() {
	vb, bb := g.vecBytes(), g.blockBytes()
	c := g.cols
	sAt, dlAt, hAt, mAt, allAt, wAt, recVecs := c, c+1, c+2, c+3, c+4, c+5, c+6
	fAt, lseAt := mAt, allAt
	rec := recVecs * vb
	slots, scaleAt := g.lossSlots(g.t.chunk*rec+64, reg.RSI, reg.RDI)
	g.begin("xentLabels",
		[]string{
			"xentLabelsAVX2 is xentLabelsGeneric for n = len(a.logits)/10 rows rounded",
			"down to a multiple of 8 (fewer if a.labels, or a.out, a.losses, a.preds,",
			"a.lse or a.rowWeights when not nil, is shorter); the rows after them are",
			"untouched. The logits are multiplied by a.xscale. a.out (nil for loss",
			"only, possibly a.logits itself) receives the gradient times a.scale (times",
			"a.rowWeights[i] for row i when not nil), a.losses (nil, or n values) the",
			"row losses (times a.rowWeights[i]), a.preds (nil, or n values) the",
			"predictions argmax10, a.lse (nil, or n values) the log-sum-exps; a.z is",
			"the z-loss coefficient (0: none). Row i's loss is added to a.acc[i%8] in",
			"float64. The labels must be in [0, 10). Nothing outside the slices is",
			"read or written; the other fields of a are not read.",
		},
		fmt.Sprintf(`
xentLabelsGeneric for whole blocks of %d rows.
%s`, g.t.lanes, g.registerMap(rec, fmt.Sprintf(`
d[j], then e[j], at %d·j; s at %d; d[l] at %d; k·ln2hi at %d; m, then f,
at %d; all, then lse, at %d (m, all, lse and f only when lse is computed);
the rows' weights at %d (with row weights).
%s`,
			vb, sAt*vb, dlAt*vb, hAt*vb, mAt*vb, allAt*vb, wAt*vb, slots), `
SI = logits, DI = out (the gradient; nil: loss only), BX = labels, DX =
losses (or nil), R8 = acc, R12 = the labels of this chunk, AX = a label,
R13 = preds (or nil), R14 = lse (or nil): the fields of a.
Pass 1a: the columns x[j] (and xscale), m, x[l] and d[l], d[j]; with
        preds, p and the masks of argmax10; when lse is computed, the sums
        and masks of all; the weights.
Pass 1b: the constants kept in registers, then the registers of the
        scheduled exponentials and of the sum tree.
Pass 2: the registers of the scheduled logarithms of the chunk (with lse,
        zl and f when computed), then the losses and the accumulators.
Pass 3: q, scale, the labels and j, the columns g[j] and the registers of
        the transpose.`)))
	frame := g.allocRecords(rec)
	zs := g.zSlots()
	flags := zs.flags

	g.args("The fields of the record a.")
	g.Load(g.field("out").Base(), reg.RDI)
	g.Load(g.field("logits").Base(), reg.RSI)
	g.Load(g.field("labels").Base(), reg.RBX)
	g.blockCount(
		[]length{g.slice("logits", false), g.slice("out", true)},
		[]length{g.slice("labels", false), g.slice("losses", true), g.slice("preds", true), g.slice("lse", true), g.slice("rowWeights", true)})
	g.Load(g.field("losses").Base(), reg.RDX)
	g.Load(g.field("acc"), reg.R8)
	g.prefetchSetup(reg.RSI, "logits")
	g.prefetchSetup(reg.RDI, "out")
	g.fusedSetup(flags, zs.z)
	g.zKeepSetup(zs)
	scale := g.scaleSlot(scaleAt)
	g.argsDone()

	// gradBlock emits, for the block of the record at R11, the rows of g
	// at DI (labels at BX): sc = scale (times the rows' weights), q = sc /
	// s, with the z-loss q = q·f, g[j] = e[j]·q, g[l] - sc.
	gradBlock := func(d []operand.Op, z bool) {
		sc := g.vec()
		g.VBROADCASTSS(scale, sc)
		g.weighScale(sc, wAt*vb)
		q := seq.Quotient[operand.Op](g.o, sc, mem(reg.R11, sAt*vb))
		if z {
			q = g.o.Mul(q, mem(reg.R11, fAt*vb))
		}
		if !g.t.labelColumns {
			y := g.columns(func(j int) operand.Op {
				return seq.Scaled[operand.Op](g.o, d[j], q)
			})
			g.comment("The rows g of the block.")
			g.VMOVUPS(sc, mem(reg.R11, hAt*vb)) // k·ln2hi is no longer needed
			g.transposeOut(reg.RDI, y)
			g.comment("g[l] = g[l] - sc, row by row.")
			g.subLabels(mem(reg.R11, hAt*vb).(operand.Mem))
		} else if g.t.lanes == 16 {
			g.comment(`
	g[l] = g[l] - sc in the columns: in lane k of column j, where labels[k]
	== j (VPCMPEQD with the index vector j, into an opmask), g[j] - sc
	replaces g[j] (VSUBPS with merge masking).`)
			lab := g.vec()
			g.VMOVDQU32(mem(reg.RBX, 0), lab)
			y := g.columns(func(j int) operand.Op {
				yj := seq.Scaled[operand.Op](g.o, d[j], q).(reg.VecVirtual)
				k := g.K()
				g.VPCMPEQD_BCST(g.index(j), lab, k)
				g.VSUBPS(sc, yj, k, yj)
				return yj
			})
			g.comment("The rows g of the block.")
			g.transposeOut(reg.RDI, y)
		} else {
			g.comment(`
	g[l] = g[l] - sc in the columns: in lane k of column j, where labels[k]
	== j (VPCMPEQD with j, counted up from 0), g[j] - sc replaces g[j]
	(VBLENDVPS).`)
			lab, jv, m1 := g.vec(), g.vec(), g.vec()
			g.VMOVDQU(mem(reg.RBX, 0), lab)
			g.VMOVDQU(g.k[seq.Zero], jv)
			g.VPCMPEQD(lab, lab, m1) // all ones: -1
			y := g.columns(func(j int) operand.Op {
				yj := seq.Scaled[operand.Op](g.o, d[j], q)
				mask, t, fixed := g.vec(), g.vec(), g.vec()
				g.VPCMPEQD(jv, lab, mask)
				if j+1 < g.cols {
					next := g.vec()
					g.VPSUBD(m1, jv, next)
					jv = next
				}
				g.VSUBPS(sc, yj, t)
				g.VBLENDVPS(mask, t, yj, fixed)
				return fixed
			})
			g.comment("The rows g of the block.")
			g.transposeOut(reg.RDI, y)
		}
	}

	g.Label("labelsChunk")
	g.nextChunk("labelsDone", frame)
	g.MOVQ(reg.RBX, reg.R12)

	g.Label("labelsExpLoop")
	g.comment(`
Pass 1a. The columns x[j] of the block; m = max10(x); d[l] = x[l] - m;
d[j] = x[j] - m.`)
	d := g.vecs(reg.R11, 0, g.cols)
	x := g.transposeIn(reg.RSI, d)
	g.comment("x[l] of each row, picked with the labels.")
	xl := g.pickLabel()
	g.scaleCols(append(x[:len(x):len(x)], xl))
	m := g.max(x)
	g.comment("d[l] = x[l] - m.")
	g.store(g.o.Sub(xl, m), mem(reg.R11, dlAt*vb))
	g.fusedColumns(x, m, flags, mem(reg.R11, mAt*vb).(operand.Mem), mem(reg.R11, allAt*vb).(operand.Mem))
	g.minusMax(x, m, d)
	g.copyWeights(wAt * vb)
	g.expPass("labels", frame, map[reg.Register]int{reg.RSI: bb, reg.RBX: 4 * g.t.lanes, reg.R11: rec}, func() {
		g.expSum(d, d, mem(reg.R11, sAt*vb))
	})

	g.comment(`
Pass 2. loss = log32(s) - d[l], a chunk at a time (seq.LabelLoss);
losses[i] = loss; acc[i%8] += float64(loss). Two loops: without lse,
and with lse and the z-loss (its term -0 when z == 0).`)
	g.rewind(frame)
	g.TESTB(operand.U8(flagLse), flags)
	g.JNZ(operand.LabelRef("labelsLse"))
	tail := func(fused bool) func(ls []operand.Op, recs []int) []operand.Op {
		return func(ls []operand.Op, recs []int) []operand.Op {
			loss := make([]operand.Op, len(ls))
			for b := range ls {
				loss[b] = seq.LabelLoss[operand.Op](g.o, ls[b], mem(reg.R11, recs[b]+dlAt*vb))
				if fused {
					loss[b] = g.fusedTail(loss[b], ls[b], recs[b], mAt*vb, allAt*vb, lseAt*vb, fAt*vb, zs, nil)
				}
			}
			return loss
		}
	}
	g.fusedLogLoops("labels", "loss + zl", rec, sAt*vb, hAt*vb, lseAt*vb, tail, g.weighLosses(wAt*vb))

	g.Label("labelsGrad")
	g.comment(`
Pass 3 (with a gradient). sc = scale, times the rows' weights with row
weights; q = sc / s (IEEE division, seq.Quotient); g[j] = e[j]·q
(seq.Scaled), stored as rows; then g[l] = g[l] - sc.`)
	g.TESTQ(reg.RDI, reg.RDI)
	g.JZ(operand.LabelRef("labelsChunk"))
	g.rewind(frame)
	g.MOVQ(reg.R12, reg.RBX)
	g.TESTB(operand.U8(flagZ), flags)
	g.JNZ(operand.LabelRef("labelsGradZ"))
	g.Label("labelsGradLoop")
	gradBlock(d, false)
	g.advance("labelsGradLoop", map[reg.Register]int{reg.RDI: bb, reg.RBX: 4 * g.t.lanes, reg.R11: rec})
	g.JMP(operand.LabelRef("labelsChunk"))
	g.Label("labelsGradZ")
	g.comment("Pass 3 with the z-loss: q = q·f (zTerms) before g[j] = e[j]·q.")
	gradBlock(d, true)
	g.advance("labelsGradZ", map[reg.Register]int{reg.RDI: bb, reg.RBX: 4 * g.t.lanes, reg.R11: rec})
	g.JMP(operand.LabelRef("labelsChunk"))
	g.end("labelsDone")
}

func (g *x86Gen) xentTargets() {
	vb, bb := g.vecBytes(), g.blockBytes()
	c := g.cols
	dAt, sAt, tsumAt, dsumAt, hAt, mAt, allAt, wAt, recVecs := c, 2*c, 2*c+1, 2*c+2, 2*c+3, 2*c+4, 2*c+5, 2*c+6, 2*c+7
	fAt, lseAt := mAt, allAt
	rec := recVecs * vb
	slots, scaleAt := g.lossSlots(g.t.chunk*rec+64, reg.RSI, reg.RBX, reg.RDI)
	g.begin("xentTargets",
		[]string{
			"xentTargetsAVX2 is xentTargetsGeneric for n = len(a.logits)/10 rows",
			"rounded down to a multiple of 8 (fewer if a.targets, or a.out, a.losses,",
			"a.preds, a.lse or a.rowWeights when not nil, is shorter); the rows after",
			"them are untouched. The logits are multiplied by a.xscale. a.out, the",
			"gradient times a.scale (times a.rowWeights[i] for row i when not nil),",
			"may be nil or a.logits itself (but must not overlap a.targets); a.losses",
			"(the row losses, times a.rowWeights[i]), a.preds (the predictions",
			"argmax10) and a.lse (the log-sum-exps) may be nil; a.z is the z-loss",
			"coefficient (0: none). Row i's loss is added to a.acc[i%8] in float64.",
			"Nothing outside the slices is read or written; the other fields of a are",
			"not read.",
		},
		fmt.Sprintf(`
xentTargetsGeneric for whole blocks of %d rows.
%s`, g.t.lanes, g.registerMap(rec, fmt.Sprintf(`
t[j] at %d·j; d[j], then e[j], at %d+%d·j; s at %d; T at %d; D at %d;
k·ln2hi at %d; m, then f, at %d; all, then lse, at %d (m, all, lse and f
only when lse is computed); the rows' weights at %d (with row weights).
%s`, vb, dAt*vb, vb, sAt*vb, tsumAt*vb, dsumAt*vb, hAt*vb, mAt*vb, allAt*vb, wAt*vb, slots), fmt.Sprintf(`
SI = logits, DI = out (the gradient; nil: loss only), BX = targets, DX =
losses (or nil), R8 = acc, R13 = preds (or nil), R14 = lse (or nil): the
fields of a; R12 = this block's d[j] and e[j] (R11+%d).
Pass 1a: the columns t[j] and T; the columns x[j] (and xscale), m (with
        preds, p and the masks of argmax10; when lse is computed, the sums
        and masks of all), d[j], td[j] and D; the weights.
Pass 1b: the constants kept in registers, then the registers of the
        scheduled exponentials and of the sum tree.
Pass 2: the registers of the scheduled logarithms of the chunk (with lse,
        zl and f when computed), then the losses and the accumulators.
Pass 3: sc, q, qt = q·T (then qt·f), the columns g[j] and the
        registers of the transpose.`, dAt*vb))))
	frame := g.allocRecords(rec)
	zs := g.zSlots()
	flags := zs.flags

	g.args("The fields of the record a.")
	g.Load(g.field("out").Base(), reg.RDI)
	g.Load(g.field("logits").Base(), reg.RSI)
	g.Load(g.field("targets").Base(), reg.RBX)
	g.blockCount(
		[]length{g.slice("logits", false), g.slice("targets", false), g.slice("out", true)},
		[]length{g.slice("losses", true), g.slice("preds", true), g.slice("lse", true), g.slice("rowWeights", true)})
	g.Load(g.field("losses").Base(), reg.RDX)
	g.Load(g.field("acc"), reg.R8)
	g.prefetchSetup(reg.RSI, "logits")
	g.prefetchSetup(reg.RBX, "targets")
	g.prefetchSetup(reg.RDI, "out")
	g.fusedSetup(flags, zs.z)
	g.zKeepSetup(zs)
	scale := g.scaleSlot(scaleAt)
	g.argsDone()

	g.Label("targetsChunk")
	g.nextChunk("targetsDone", frame)

	g.Label("targetsExpLoop")
	g.comment(`
Pass 1a. The columns t[j], stored to the record, and T = sum10(t).`)
	tm := g.vecs(reg.R11, 0, g.cols)
	ts := g.transposeIn(reg.RBX, tm)
	if !g.lean() {
		for j, t := range ts {
			g.store(t, tm[j])
		}
	}
	g.sum("T", ts, mem(reg.R11, tsumAt*vb))
	g.comment("The columns x[j] of the block.")
	x := g.transposeIn(reg.RSI, g.vecs(reg.R11, dAt*vb, g.cols))
	g.scaleCols(x)
	m := g.max(x)
	g.fusedColumns(x, m, flags, mem(reg.R11, mAt*vb).(operand.Mem), mem(reg.R11, allAt*vb).(operand.Mem))
	g.LEAQ(mem(reg.R11, dAt*vb), reg.R12)
	d := g.vecs(reg.R12, 0, g.cols)
	ds := g.minusMax(x, m, d)
	g.comment("td[j] = t[j]·d[j], +0 where t[j] == 0 (seq.TargetTerm: NEQ_UQ mask, product, AND).")
	g.o.share(tm, 1)
	td := func(j int) operand.Op { return seq.TargetTerm[operand.Op](g.o, tm[j], ds[j]) }
	if g.lean() {
		// Each td[j] computed where the tree adds it (seq.Sum16Of).
		g.comment("D = " + strings.Replace(g.tree("v"), "(v)", "", 1) + ".")
		g.store(seq.Sum16Of(g.o, td), mem(reg.R11, dsumAt*vb))
		g.o.reset()
	} else {
		tds := make([]operand.Op, g.cols)
		for j := range tds {
			tds[j] = td(j)
		}
		g.o.reset()
		g.sum("D", tds, mem(reg.R11, dsumAt*vb))
	}
	g.copyWeights(wAt * vb)
	g.expPass("targets", frame, map[reg.Register]int{reg.RSI: bb, reg.RBX: bb, reg.R11: rec}, func() {
		g.LEAQ(mem(reg.R11, dAt*vb), reg.R12)
		g.expSum(d, d, mem(reg.R11, sAt*vb))
	})

	g.comment(`
Pass 2. loss = log32(s)·T - D, a chunk at a time (seq.TargetLoss);
losses[i] = loss; acc[i%8] += float64(loss). Two loops: without lse,
and with lse and the z-loss (its term -0 when z == 0).`)
	g.rewind(frame)
	g.TESTB(operand.U8(flagLse), flags)
	g.JNZ(operand.LabelRef("targetsLse"))
	tail := func(fused bool) func(ls []operand.Op, recs []int) []operand.Op {
		return func(ls []operand.Op, recs []int) []operand.Op {
			loss := make([]operand.Op, len(ls))
			for b := range ls {
				tsum := mem(reg.R11, recs[b]+tsumAt*vb)
				loss[b] = seq.TargetLoss[operand.Op](g.o, ls[b], tsum, mem(reg.R11, recs[b]+dsumAt*vb))
				if fused {
					loss[b] = g.fusedTail(loss[b], ls[b], recs[b], mAt*vb, allAt*vb, lseAt*vb, fAt*vb, zs, tsum)
				}
			}
			return loss
		}
	}
	g.fusedLogLoops("targets", "loss + zl·T", rec, sAt*vb, hAt*vb, lseAt*vb, tail, g.weighLosses(wAt*vb))

	g.Label("targetsGrad")
	g.comment(`
Pass 3 (with a gradient). sc = scale, times the rows' weights with row
weights; q = sc / s (seq.Quotient); qt = q·T (seq.Scaled); g[j] =
e[j]·qt - t[j]·sc (seq.TargetGrad), stored as rows.`)
	g.TESTQ(reg.RDI, reg.RDI)
	g.JZ(operand.LabelRef("targetsChunk"))
	g.rewind(frame)
	g.TESTB(operand.U8(flagZ), flags)
	g.JNZ(operand.LabelRef("targetsGradZ"))
	for _, z := range []bool{false, true} {
		loop := "targetsGradLoop"
		if z {
			loop = "targetsGradZ"
		}
		g.Label(loop)
		if z {
			g.comment("Pass 3 with the z-loss: qt = qt·f (zTerms) before g[j] = e[j]·qt - t[j]·sc.")
		}
		sc := g.vec()
		g.VBROADCASTSS(scale, sc)
		g.weighScale(sc, wAt*vb)
		q := seq.Quotient[operand.Op](g.o, sc, mem(reg.R11, sAt*vb))
		qt := seq.Scaled[operand.Op](g.o, q, mem(reg.R11, tsumAt*vb))
		if z {
			qt = g.o.Mul(qt, mem(reg.R11, fAt*vb))
		}
		e := g.vecs(reg.R11, dAt*vb, g.cols)
		y := g.columns(func(j int) operand.Op {
			return seq.TargetGrad[operand.Op](g.o, e[j], qt, tm[j], sc)
		})
		g.comment("The rows g of the block.")
		g.transposeOut(reg.RDI, y)
		g.advance(loop, map[reg.Register]int{reg.RDI: bb, reg.R11: rec})
		g.JMP(operand.LabelRef("targetsChunk"))
	}
	g.end("targetsDone")
}

func (g *x86Gen) softmax() {
	vb, bb := g.vecBytes(), g.blockBytes()
	sAt, recVecs := g.cols, g.cols+1
	rec := recVecs * vb
	g.begin("softmax",
		[]string{
			"softmaxAVX2 is softmaxGeneric for n = len(a.logits)/10 rows rounded down",
			"to a multiple of 8 (fewer if a.out is shorter): a.out, possibly a.logits",
			"itself, receives softmax of the logits times a.xscale row by row; the",
			"rows after them are untouched. The other fields of a are not read.",
		},
		fmt.Sprintf(`
softmaxGeneric for whole blocks of %d rows: y[j] = e[j]·(1/s).
%s`, g.t.lanes, g.registerMap(rec, fmt.Sprintf(`
d[j], then e[j], at %d·j; s at %d.
After the records: %s.`, vb, sAt*vb, g.xscaleDoc()), `
SI = logits, DI = out: the fields of a.
Pass 1a: the columns x[j] (and xscale), m, d[j].
Pass 1b: the constants kept in registers, then the registers of the
        scheduled exponentials and of the sum tree.
Pass 2: q = 1/s, the columns y[j] and the registers of the transpose.`)))
	frame := g.allocRecords(rec)

	g.args("The fields of the record a.")
	g.Load(g.field("out").Base(), reg.RDI)
	g.Load(g.field("logits").Base(), reg.RSI)
	g.blockCount([]length{g.slice("logits", false), g.slice("out", false)}, nil)
	g.prefetchSetup(reg.RSI, "logits")
	g.prefetchSetup(reg.RDI, "out")
	g.xscaleSetup()
	g.chunkSetup(-1)
	g.argsDone()

	g.Label("softmaxChunk")
	g.nextChunk("softmaxDone", frame)

	g.Label("softmaxExpLoop")
	g.comment("Pass 1a. d[j] = x[j]·xscale - m.")
	d := g.vecs(reg.R11, 0, g.cols)
	x := g.transposeIn(reg.RSI, d)
	g.scaleCols(x)
	m := g.max(x)
	g.minusMax(x, m, d)
	g.expPass("softmax", frame, map[reg.Register]int{reg.RSI: bb, reg.R11: rec}, func() {
		g.expSum(d, d, mem(reg.R11, sAt*vb))
	})

	g.comment("Pass 2. q = 1 / s (seq.Reciprocal); y[j] = e[j]·q (seq.Scaled), stored as rows.")
	g.rewind(frame)
	g.Label("softmaxOutLoop")
	q := seq.Reciprocal[operand.Op](g.o, mem(reg.R11, sAt*vb))
	y := g.columns(func(j int) operand.Op {
		return seq.Scaled[operand.Op](g.o, d[j], q)
	})
	g.comment("The rows y of the block.")
	g.transposeOut(reg.RDI, y)
	g.advance("softmaxOutLoop", map[reg.Register]int{reg.RDI: bb, reg.R11: rec})
	g.JMP(operand.LabelRef("softmaxChunk"))
	g.end("softmaxDone")
}

func (g *x86Gen) logSoftmax() {
	vb, bb := g.vecBytes(), g.blockBytes()
	c := g.cols
	sAt, lsAt, eAt, recVecs := c, c+1, c+2, 2*c+2
	rec := recVecs * vb
	g.begin("logSoftmax",
		[]string{
			"logSoftmaxAVX2 is logSoftmaxGeneric for n = len(a.logits)/10 rows",
			"rounded down to a multiple of 8 (fewer if a.out is shorter): a.out,",
			"possibly a.logits itself, receives log-softmax of the logits times",
			"a.xscale row by row; the rows after them are untouched. The other fields",
			"of a are not read.",
		},
		fmt.Sprintf(`
logSoftmaxGeneric for whole blocks of %d rows: y[j] = d[j] - log32(s).
%s`, g.t.lanes, g.registerMap(rec, fmt.Sprintf(`
d[j] at %d·j; s at %d, then log32(s) at %d; e[j] at %d+%d·j (then k·ln2hi
at %d).
After the records: %s.`, vb, sAt*vb, lsAt*vb, eAt*vb, vb, eAt*vb, g.xscaleDoc()), fmt.Sprintf(`
SI = logits, DI = out: the fields of a; R13 = this block's e[j] (R11+%d).
Pass 1a: the columns x[j] (and xscale), m, d[j].
Pass 1b: the constants kept in registers, then the registers of the
        scheduled exponentials and of the sum tree.
Pass 2: the registers of the scheduled logarithms of the chunk.
Pass 3: log32(s), the columns y[j] and the registers of the transpose.`, eAt*vb))))
	frame := g.allocRecords(rec)

	g.args("The fields of the record a.")
	g.Load(g.field("out").Base(), reg.RDI)
	g.Load(g.field("logits").Base(), reg.RSI)
	g.blockCount([]length{g.slice("logits", false), g.slice("out", false)}, nil)
	g.prefetchSetup(reg.RSI, "logits")
	g.prefetchSetup(reg.RDI, "out")
	g.xscaleSetup()
	g.chunkSetup(-1)
	g.argsDone()

	g.Label("logSoftmaxChunk")
	g.nextChunk("logSoftmaxDone", frame)

	g.Label("logSoftmaxExpLoop")
	g.comment("Pass 1a. d[j] = x[j]·xscale - m.")
	d := g.vecs(reg.R11, 0, g.cols)
	x := g.transposeIn(reg.RSI, d)
	g.scaleCols(x)
	m := g.max(x)
	g.minusMax(x, m, d)
	e := g.vecs(reg.R13, 0, g.cols)
	g.expPass("logSoftmax", frame, map[reg.Register]int{reg.RSI: bb, reg.R11: rec}, func() {
		g.LEAQ(mem(reg.R11, eAt*vb), reg.R13)
		g.expSum(d, e, mem(reg.R11, sAt*vb))
	})

	g.comment("Pass 2. log32(s), a chunk at a time, stored to the record.")
	g.rewind(frame)
	g.logLoop("logSoftmax", rec, sAt*vb, eAt*vb, func(ls []operand.Op, recs []int) []operand.Op {
		for b := range ls {
			g.o.store(ls[b], mem(reg.R11, recs[b]+lsAt*vb))
		}
		return nil
	}, nil, nil, "logSoftmaxOut")

	g.Label("logSoftmaxOut")
	g.comment("Pass 3. y[j] = d[j] - log32(s) (seq.LogSoftmax), stored as rows.")
	g.rewind(frame)
	g.Label("logSoftmaxOutLoop")
	ls := g.o.inReg(mem(reg.R11, lsAt*vb), false)
	y := g.columns(func(j int) operand.Op {
		return seq.LogSoftmax[operand.Op](g.o, d[j], ls)
	})
	g.comment("The rows y of the block.")
	g.transposeOut(reg.RDI, y)
	g.advance("logSoftmaxOutLoop", map[reg.Register]int{reg.RDI: bb, reg.R11: rec})
	g.JMP(operand.LabelRef("logSoftmaxChunk"))
	g.end("logSoftmaxDone")
}

func (g *x86Gen) argmax() {
	bb := g.blockBytes()
	xsDoc := "xscale"
	if g.t.lanes != 16 {
		xsDoc = "xscale in every lane"
	}
	frameDoc := fmt.Sprintf("Frame: %s.", xsDoc)
	if g.lean() {
		frameDoc = fmt.Sprintf("Frame: %s; the columns x[j] at %d·j from R11 (the\nframe's first multiple of 64 bytes after it).", xsDoc, g.vecBytes())
	}
	g.begin("argmax",
		[]string{
			"argmaxAVX2 is argmaxGeneric for n = min(len(a.logits)/10, len(a.preds))",
			"rows rounded down to a multiple of 8: a.preds[i] receives argmax10 of row",
			"i times a.xscale, the index of its first NaN, else of its first maximum;",
			"the rows after them are untouched. Nothing outside the slices is read or",
			"written; the other fields of a are not read.",
		},
		fmt.Sprintf(`
argmaxGeneric for whole blocks of %d rows, one block at a time: the
columns x[j] (transposeIn) times xscale, their maximum, and seq.Argmax.

Registers: SI = logits, DI = preds (the fields of a), CX = blocks left
(AX, DX and R13 count them).
%s`, g.t.lanes, frameDoc))
	var xs []operand.Op
	if g.lean() {
		xs = g.vecs(reg.R11, 0, g.cols)
	} else {
		g.Attributes(attr.NOSPLIT)
	}

	g.args("The fields of the record a.")
	g.Load(g.field("preds").Base(), reg.RDI)
	g.Load(g.field("logits").Base(), reg.RSI)
	g.blockCount([]length{g.slice("logits", false)}, []length{g.slice("preds", false)})
	g.xscaleSetup()
	g.argsDone()
	g.TESTQ(reg.RCX, reg.RCX)
	g.JZ(operand.LabelRef("argmaxDone"))
	if g.lean() {
		g.recordBase(g.AllocLocal(g.cols*g.vecBytes() + 64))
	}

	g.Label("argmaxLoop")
	g.comment("The columns x[j] of the block.")
	x := g.transposeIn(reg.RSI, xs)
	g.scaleCols(x)
	g.comment(`
m = the maximum of the ten columns: the tree of VMAXPS of seq.Max10
without its + 0, which equality does not see.`)
	m := g.maxTree(x)
	g.comment(`
dst = argmax10(x) (seq.Argmax): p = 0, then for j = 9 down to 0, p = j
where x[j] == m (VCMPPS EQ_OQ, VBLENDVPS); then for j = 9 down to 0, p = j
where x[j] is NaN (VCMPPS UNORD).`)
	g.store(seq.Argmax[operand.Op](g.o, x, m), mem(reg.RDI, 0))
	g.ADDQ(operand.U32(bb), reg.RSI)
	g.ADDQ(operand.U32(g.vecBytes()), reg.RDI)
	g.DECQ(reg.RCX)
	g.JNZ(operand.LabelRef("argmaxLoop"))
	g.end("argmaxDone")
}
