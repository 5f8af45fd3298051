// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import (
	"fmt"
	"strings"

	"github.com/xentropy/kernel/_asm/seq"
)

// The NEON versions of the wide block functions (any class count c, see
// the end of kernel_generic.go). Unlike the 10-class functions, they keep
// one row at a time and vectorise over its classes: the 16 accumulators of
// classSum are four registers of four lanes, acc[k] in lane k%4 of
// register k/4, and a row is processed in passes over its classes, 16 at a
// time (a block: four groups of four classes, group g feeding accumulator
// register g), then a tail of c%16 classes in up to four groups, the last
// one partial.
//
// Exactness of the sums. The accumulators start at -0: -0 + v is v for
// every v (±0, NaN, ±Inf included), so the first term of an accumulator is
// stored, as classSum.add does. In the tail, a group of k < 4 classes is
// read lane by lane (nothing after the row's end is read or written: the
// last row may end at the end of its slice), and the accumulators are
// updated only in the lanes of its classes (BIT under a mask from
// wideMask): an accumulator without a new term keeps its bits. The total is
// the balanced tree of classSum.total over all 16 accumulators, by FADDP:
// an absent accumulator (c < 16) is still -0, and a node with a -0 child
// passes the other child up unchanged, as total does. The maximum is
// exact in any order; FMAX keeps NaN, so a row with a NaN has m NaN.
//
// The logit scale and the row weights. Every logit a pass reads is x·xscale
// (see wideXsFlag and grp.loadX): max, the scan of the first maximum (that
// of the first NaN reads x: x·xscale is NaN exactly where x is), d[l], exp
// and log-softmax. With row weights, a loss function computes row i with
// the factor scale·w in place of scale and stores the loss times w (see
// lossTail).

// Registers of the wide functions (besides the exp constants in V23..V31).
const (
	wideM     = 22 // m = maxRow(x) in every lane
	wideAccA  = 18 // V18..V21: the max accumulators of pass 1, then those of s
	wideAccB  = 14 // V14..V17 (targets): those of T in pass 1, of D in pass 2
	wideScale = 16 // scale in every lane (labels); scale·w of the row with row weights
	wideQ     = 17 // labels: d[l] = x[l] - m (lane 0), then q in every lane
)

// The logit scale. Every wide function sets wideXsFlag to bits(xscale)
// XOR bits(1), 0 when xscale is 1. A pass that reads the logits has two
// main loops, chosen at its start: the plain one, and the scaled one, whose
// entry loads xscale into every lane of a pinned register (its xs) and
// which multiplies every group it reads, x·xs; the tail, shared, multiplies
// under a branch on wideXsFlag.
const wideXsFlag = "R17"

// The registers of xscale (the xs of the passes that read the logits).
const (
	wsXs  = 17    // wideSoftmaxNEON, wideArgmaxNEON
	wlsXs = 16    // wideLogSoftmaxNEON
	wlXs  = 15    // wideLabelsNEON
	wtXs  = 8     // wideTargetsNEON: max and exp passes
	wtXsS = wtRel // wideTargetsNEON: the scan (V10 is set again by the next pass)
)

// Registers of wideTargetsNEON.
const (
	wtRel  = 10 // one-hot rows: int32 l - j for the classes j of the group
	wtFour = 11 // int32 4 in every lane
	wtKeep = 12 // keep in every lane
	wtUni  = 13 // uni in every lane
	wtT    = 9  // T in every lane, then qt
	wtIota = 8  // the preds scan: int32 0, 1, 2, 3
	wtSc   = 14 // pass 3: scale (scale·w with row weights) in every lane
)

type wideGen struct {
	g      *gen
	prefix string
	n      int
	lines  []string
	loops  []string // the labels of the main loops of the passes, with their names
	names  []string
}

func (w *wideGen) label(s string) string {
	w.n++
	return fmt.Sprintf("%s_%s%d", w.prefix, s, w.n)
}

func (w *wideGen) raw(format string, args ...any) {
	w.lines = append(w.lines, fmt.Sprintf(format, args...))
}

// phase appends the lines of a straight-line (or forward-branching) piece
// of code traced by f, its virtual registers allocated from pool. Values
// that cross phases, or that are read inside a loop and defined before it,
// live in pinned registers.
func (w *wideGen) phase(pool []int, f func(t *tracer)) {
	t := newTracer(constLocs(), "logConsts<>", "R10")
	f(t)
	lines, err := t.alloc(pool)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", w.prefix, err))
	}
	w.lines = append(w.lines, lines...)
}

// into emits f(a, b) into the pinned register r.
func into(t *tracer, r int, f threeSame, a, b *val) {
	a, b = t.vec(a), t.vec(b)
	t.emit(0, func(_, u []int) string {
		wd := f.enc(r, u[0], u[1])
		return fmt.Sprintf("\tWORD\t$0x%08x\t// %s", wd.bits, wd.gnu)
	}, a, b)
}

// move copies v into the pinned register r.
func move(t *tracer, r int, v *val) {
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tVORR\tV%d.B16, V%[1]d.B16, V%d.B16", u[0], r) }, t.vec(v))
}

// grp is one group of four classes of a pass: group g (0..3) of a block of
// the main loop, or of the tail, where R21 holds its number of classes k
// (1..4) and mask its lanes.
type grp struct {
	w    *wideGen
	t    *tracer
	g    int
	tail bool
	mask *val
	xs   int // the register of xscale: the scaled main loop or the tail of a pass that reads the logits; else -1
}

// loadX reads the group's logits at reg (load) times the logit scale,
// x·xs (FMUL): in the scaled main loop always, in the tail when
// wideXsFlag is not 0 (the product in the register of x); as they are in
// the plain main loop.
func (p *grp) loadX(reg string) *val {
	x := p.load(reg)
	if p.xs < 0 {
		return x
	}
	t := p.t
	if !p.tail {
		return t.Mul(x, t.pin(p.xs))
	}
	l := p.w.label("noxs")
	t.branch("CBZ\t%s, %s", wideXsFlag, l)
	x = t.overwrite(t.Mul(x, t.pin(p.xs)), x)
	t.label(l)
	return x
}

// load reads the group's four classes at reg (post-incremented); in the
// tail, k classes one lane at a time (the other lanes are left as they
// are: masked).
func (p *grp) load(reg string) *val {
	t := p.t
	if !p.tail {
		return t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tVLD1.P\t16(%s), [V%d.S4]", reg, d[0]) })[0]
	}
	l := p.w.label("ld")
	v := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVS.P\t4(%s), F%d", reg, d[0]) })[0]
	lane := func(i int) {
		v = t.emitTied(0, func(d, _ []int) string { return fmt.Sprintf("\tVLD1.P\t4(%s), V%d.S[%d]", reg, d[0], i) }, v)
	}
	t.raw("\tCMP\t$2, R21")
	t.branch("BLT\t%s", l)
	lane(1)
	t.branch("BEQ\t%s", l)
	lane(2)
	t.raw("\tCMP\t$4, R21")
	t.branch("BNE\t%s", l)
	lane(3)
	t.label(l)
	return v
}

// store writes the group's classes of v at reg (post-incremented); in the
// tail, its k classes one lane at a time.
func (p *grp) store(reg string, v *val) {
	t := p.t
	v = t.vec(v)
	if !p.tail {
		t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tVST1.P\t[V%d.S4], 16(%s)", u[0], reg) }, v)
		return
	}
	l := p.w.label("st")
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFMOVS.P\tF%d, 4(%s)", u[0], reg) }, v)
	lane := func(i int) {
		t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tVST1.P\tV%d.S[%d], 4(%s)", u[0], i, reg) }, v)
	}
	t.raw("\tCMP\t$2, R21")
	t.branch("BLT\t%s", l)
	lane(1)
	t.branch("BEQ\t%s", l)
	lane(2)
	t.raw("\tCMP\t$4, R21")
	t.branch("BNE\t%s", l)
	lane(3)
	t.label(l)
}

// acc updates accumulator register base+g with f(acc, v) (FADD for the
// sums, FMAX for the maximum); in the tail, only in the lanes of the
// group's classes.
func (p *grp) acc(base int, f threeSame, v *val) {
	t := p.t
	r := base + p.g
	if !p.tail {
		into(t, r, f, t.pin(r), v)
		return
	}
	n := t.three(f, t.pin(r), v)
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tVBIT\tV%d.B16, V%d.B16, V%d.B16", u[0], u[1], r) }, t.vec(p.mask), n)
}

// pass emits a pass over the classes of a row: the main loop over the
// blocks of 16 classes (R19 counts them), then the tail (R20: classes
// left, R21: classes of the group, R22: its mask address). body emits the
// work of one group; the stream pointers (R23..R26) are set by the caller.
// A pass that reads the logits (xs >= 0, the register of xscale; see
// wideXsFlag) has a second main loop, the scaled one, before the plain
// one.
func (w *wideGen) pass(t *tracer, name string, xs int, body func(p *grp)) {
	l := w.label(name)
	t.comment("%s: blocks of 16 classes.", name)
	t.raw("\tLSR\t$4, R6, R19")
	if xs >= 0 {
		t.branch("CBZ\t%s, %s_plain", wideXsFlag, l)
		t.comment("%s, the logits times xscale (in every lane of V%d).", name, xs)
		t.raw("\tFMOVS\t%s, F%d", field("xscale"), xs)
		t.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", xs)
		t.branch("CBZ\tR19, %s_tail", l)
		t.label(l + "_xs_loop")
		for g := range 4 {
			body(&grp{w: w, t: t, g: g, xs: xs})
		}
		t.raw("\tSUBS\t$1, R19")
		t.branch("BNE\t%s_xs_loop", l)
		w.loops = append(w.loops, l+"_xs_loop")
		w.names = append(w.names, name+" (scaled)")
		t.branch("B\t%s_tail", l)
		t.label(l + "_plain")
	}
	t.branch("CBZ\tR19, %s_tail", l)
	t.label(l + "_loop")
	for g := range 4 {
		body(&grp{w: w, t: t, g: g, xs: -1})
	}
	t.raw("\tSUBS\t$1, R19")
	t.branch("BNE\t%s_loop", l)
	w.loops = append(w.loops, l+"_loop")
	w.names = append(w.names, name)
	t.label(l + "_tail")
	t.comment("%s: the c%%16 classes left, in groups of 4 (the last partial), lanes masked.", name)
	t.raw("\tAND\t$15, R6, R20")
	for g := range 4 {
		t.branch("CBZ\tR20, %s_done", l)
		t.raw("\tMOVD\t$4, R21")
		t.raw("\tCMP\t$4, R20")
		t.raw("\tCSEL\tLO, R20, R21, R21")
		t.raw("\tMOVD\t$wideMask<>+16(SB), R22")
		t.raw("\tSUB\tR21<<2, R22, R22")
		p := &grp{w: w, t: t, g: g, tail: true, xs: xs}
		p.mask = t.lazy(func() *val {
			return t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVQ\t(R22), F%d", d[0]) })[0]
		})
		body(p)
		t.raw("\tSUB\tR21, R20")
	}
	t.label(l + "_done")
}

// setAccs sets V<base>..V<base+3> to the float32 bits b in every lane.
func (w *wideGen) setAccs(base int, b uint32, what string) {
	w.raw("\t// %s", what)
	w.raw("\tMOVW\t$0x%08x, R22", b)
	for i := range 4 {
		w.raw("\tVDUP\tR22, V%d.S4", base+i)
	}
}

const (
	negZeroBits = 0x80000000
	negInfBits  = 0xff800000
)

// maxReduce sets V22 to m = the maximum of the accumulators V18..V21, plus
// 0 (maxRow): FMAX, FMAXP (both keep NaN), FADD of +0.
func (w *wideGen) maxReduce(t *tracer) {
	t.comment("m = max of the accumulators (FMAX, FMAXP: NaN stays NaN) + 0, in every lane of V%d.", wideM)
	a := t.Max(t.pin(wideAccA), t.pin(wideAccA+1))
	b := t.Max(t.pin(wideAccA+2), t.pin(wideAccA+3))
	c := t.Max(a, b)
	d := t.three(fmaxp4s, c, c)
	e := t.three(fmaxp4s, d, d)
	into(t, wideM, fadd4s, e, t.K(seq.Zero))
}

// tree returns classSum.total of the accumulators V<base>..V<base+3> in
// every lane: the balanced tree by FADDP (absent accumulators are -0).
func (w *wideGen) tree(t *tracer, base int) *val {
	p1 := t.three(faddp4s, t.pin(base), t.pin(base+1))
	p2 := t.three(faddp4s, t.pin(base+2), t.pin(base+3))
	p3 := t.three(faddp4s, p1, p2)
	p4 := t.three(faddp4s, p3, p3)
	return t.three(faddp4s, p4, p4)
}

// exp returns seq.Exp of one vector.
func (w *wideGen) exp(t *tracer, d *val) *val {
	return seq.Exp[*val](t, []*val{d}, w.g.v.MantBits)[0]
}

// scan sets R15 to argmaxRow(x) of the row at R1, from m in V22 (the
// maximum without NaN, or NaN for a row with one): the first j with x[j]
// == m, or with x[j] NaN when m is NaN. Per group, the lanes that miss
// (x < m, or x == x) become all ones, the others their index (ORR with
// the iota register), and UMINV gives the first hit. R11 is the index of
// the group.
func (w *wideGen) scan(t *tracer, iota, xs int) {
	done := w.label("argmax")
	t.comment("preds: argmaxRow(x), the first NaN when m is NaN (FCMPS), else the first x[j] == m.")
	t.raw("\tFCMPS\tF%d, F%d", wideM, wideM)
	t.branch("BVS\t%s_nan", done)
	for _, nan := range []bool{false, true} {
		if nan {
			t.label(done + "_nan")
		}
		found := w.label("found")
		t.raw("\tMOVD\tR1, R23")
		t.raw("\tMOVD\tZR, R11")
		// x·xs is NaN exactly where x is (xs is finite and positive): the
		// scan of the first NaN reads the logits as they are.
		name, pxs := "scan_max", xs
		if nan {
			name, pxs = "scan_nan", -1
		}
		w.pass(t, name, pxs, func(p *grp) {
			x := p.loadX("R23")
			var miss *val
			if nan {
				miss = t.Equal(x, x) // not NaN
			} else {
				miss = t.Less(x, t.pin(wideM))
			}
			if p.tail {
				miss = t.three(orn16b, miss, p.mask)
			}
			cand := t.native("VORR", "B16", t.pin(iota), miss)
			first := t.emitWord(func(d, u []int) word { return uminv4s.enc(d[0], u[0]) }, cand)
			t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFMOVS\tF%d, R15", u[0]) }, first)
			t.raw("\tCMP\t$4, R15")
			t.branch("BLO\t%s", found)
			t.raw("\tADD\t$4, R11")
		})
		t.raw("\tMOVD\tZR, R15") // not reached: a row has its maximum
		t.branch("B\t%s", done)
		t.label(found)
		t.raw("\tADD\tR11, R15")
		t.branch("B\t%s", done)
	}
	t.label(done)
}

// maxPass emits pass 1 of a row: the maximum into V18..V21 (from -Inf),
// with more work per group when more is not nil, and m into V22.
func (w *wideGen) maxPass(t *tracer, xs int, more func(p *grp)) {
	t.raw("\tMOVD\tR1, R23")
	w.pass(t, "max", xs, func(p *grp) {
		x := p.loadX("R23")
		p.acc(wideAccA, fmax4s, x)
		if more != nil {
			more(p)
		}
	})
}

func regs(lo, hi int) []int { return regRange(lo, hi) }

// wideFunc is one wide NEON function: doc is the comment of its assembly;
// reads, the end of that of its Go declaration, names the fields of the
// record it reads (one line: wideStubs wraps it).
type wideFunc struct {
	name, prefix, doc, reads string
	emit                     func(w *wideGen)
}

var wideFuncs = []wideFunc{
	{
		name: "wideLabelsNEON", prefix: "wlabels",
		doc: `wideLabelsGeneric (xentLabelsRowC for each row). Per row: pass 1, m;
// preds by the scan when preds != nil; d[l] = x[l] - m; pass 2, e[j] =
// exp(x[j] - m) (seq.Exp) stored to out and summed into s; then log(s)
// (seq.Log), loss (seq.LabelLoss), lse (seq.LogSumExp), the z-loss
// (seq.ZTerms), the row weight (loss·w, scale·w), q (seq.Quotient); pass
// 3, g[j] = g[j]·q (seq.Scaled) and g[l] = g[l] - scale. The passes 1 and
// 2, the scan and d[l] read x·xscale. With rowMax not nil, m = rowMax[i]
// in place of pass 1 (all: m == -Inf), and no predictions.`,
		reads: "It reads c, stride, logits, labels, losses (n = len(losses) rows, fewer when another slice " +
			"holds fewer), which receives the row losses, out (nil, or n rows, possibly logits), which receives " +
			"the gradient, rowMax (nil, or n: the maxima of the rows), preds (nil, or n; not read with rowMax), " +
			"lse (nil, or n), scale, xscale, rowWeights (nil, or n) and z (±0: no z-loss). Row i of logits and out is the c floats at i·stride; the columns c " +
			"to stride-1 are neither read nor written.",
		emit: (*wideGen).labels,
	},
	{
		name: "wideTargetsNEON", prefix: "wtargets",
		doc: `wideTargetsGeneric (xentTargetsRowC for each row, with the effective
// targets a[j] of targetRow.at). Six copies of the row loop, one per kind of
// a (targets or the one-hot rows of labels; plain, staged, staged with
// weights), chosen once. Per row: pass 1, m and T = sum(a); preds; pass 2,
// d[j] = x[j] - m, D = sum(td) with td = seq.TargetTerm(a, d), e[j] =
// exp(d[j]) stored to out and summed into s; then log(s), loss
// (seq.TargetLoss), lse, the z-loss (loss + zl·T), the row weight (loss·w,
// scale·w), qt = (scale/s)·T (·f); pass 3, g[j] = e[j]·qt - a[j]·scale
// (seq.TargetGrad), a computed again. The passes 1 and 2 and the scan read
// x·xscale.`,
		reads: "It reads the fields of wideLabelsNEON and targets (n rows, stride floats apart like " +
			"those of logits; out must not overlap them), or labels when targets is nil, staged, and when " +
			"staged keep, uni and weights (nil, or c: no row when shorter).",
		emit: (*wideGen).targets,
	},
	{
		name: "wideSoftmaxNEON", prefix: "wsoftmax",
		doc: `wideSoftmaxGeneric (softmaxRowC): pass 1, m; pass 2, e[j] stored to out
// and summed into s; r = 1/s (seq.Reciprocal); pass 3, y[j] = e[j]·r. The
// passes 1 and 2 read x·xscale.`,
		reads: "It reads c, stride, logits (n = its rows: row i is the c floats at i·stride, " +
			"the last one possibly cut after its last class), xscale and out (n rows laid out alike, " +
			"possibly logits itself: fewer rows when it holds fewer), which receives softmax row by row.",
		emit: (*wideGen).softmax,
	},
	{
		name: "wideLogSoftmaxNEON", prefix: "wlogsoftmax",
		doc: `wideLogSoftmaxGeneric (logSoftmaxRowC): pass 1, m; pass 2, s; ls =
// log(s); pass 3, y[j] = (x[j] - m) - ls (seq.LogSoftmax). Every pass
// reads x·xscale.`,
		reads: "It reads c, stride, logits (n = its rows: row i is the c floats at i·stride, " +
			"the last one possibly cut after its last class), xscale and out (n rows laid out alike, " +
			"possibly logits itself: fewer rows when it holds fewer), which receives log-softmax row by row.",
		emit: (*wideGen).logSoftmax,
	},
	{
		name: "wideArgmaxNEON", prefix: "wargmax",
		doc: `wideArgmaxGeneric (argmaxRow): pass 1, m; the scan (both on x·xscale).`,
		reads: "It reads c, stride, logits, xscale and preds: preds[i] receives argmaxRow of row i " +
			"(the c floats at i·stride), for n = min(the rows of logits, len(preds)) rows.",
		emit: (*wideGen).argmax,
	},
	{
		name: "wideCandidatesNEON", prefix: "wcand",
		doc: `wideCandidatesGeneric (TopK's filter): the indices j of the logits with
// !(x[j]·xscale <= thr), numbers above thr and NaNs, appended to preds in
// increasing order. 16 logits per step: FCMGE (x <= thr, false for NaN),
// the AND of the four masks and UMINV test that every lane is a
// non-candidate (the common case); a step with a candidate appends the
// indices of its groups of four that have one, lane by lane (a store of
// j at preds[count], count + 1 when lane j is a candidate). The last n%16
// logits one at a time (FCMPS, CINC HI: greater or unordered).`,
		reads: "It reads logits, preds, thr and xscale: preds receives, in increasing order, the indices j < " +
			"n = min(len(logits), len(preds)) of the logits with !(x[j]·xscale <= thr), and count receives their number " +
			"(preds[count:n] may be written).",
		emit: (*wideGen).candidates,
	},
}

// wideText returns the text of the wide functions; it also records the
// instruction counts of their main loops in g.counts.
func (g *gen) wideText() string {
	var b strings.Builder
	for _, f := range wideFuncs {
		w := &wideGen{g: g, prefix: f.prefix}
		f.emit(w)
		var counts []string
		for i, l := range w.loops {
			n := loopCount(w.lines, l)
			counts = append(counts, fmt.Sprintf("%s %d (%.3g per class)", w.names[i], n, float64(n)/16))
		}
		fmt.Fprintf(&b, "// func %s(%s)\n//\n// %s\n//\n", f.name, recordParams, f.doc)
		fmt.Fprintf(&b, "// Main loops, instructions per block of 16 classes: %s.\n", strings.Join(dedup(counts), "; "))
		fmt.Fprintf(&b, "%s\n%s\n", text(f.name), loadRecord())
		fmt.Fprintf(&b, "\tMOVWU\t%s, %s\n", field("xscale"), wideXsFlag)
		fmt.Fprintf(&b, "\tEORW\t$0x%08x, %s, %s // bits(xscale) XOR bits(1): 0 for xscale = 1, which asks for no product\n", oneBits, wideXsFlag, wideXsFlag)
		for _, l := range w.lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
		b.WriteString("\n")
	}
	return b.String()
}

func dedup(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// loopCount returns the number of instructions from the label l to the
// branch back to it.
func loopCount(lines []string, l string) int {
	in, n := false, 0
	for _, line := range lines {
		s := strings.TrimSpace(line)
		if s == l+":" {
			in = true
			continue
		}
		if !in || s == "" || strings.HasPrefix(s, "//") || strings.HasSuffix(s, ":") {
			continue
		}
		n++
		if strings.HasSuffix(s, "\t"+l) || strings.HasSuffix(s, " "+l) {
			return n
		}
	}
	return n
}

// loadExp loads the constants of the exponential into V23..V31 and the
// address of logConsts into R10.
func (w *wideGen) loadExp() {
	w.raw("\tMOVD\t$expConsts<>(SB), R22")
	last := firstExpReg + len(expVectors)
	for r := firstExpReg; r <= last; r += 4 {
		var rs []string
		for i := r; i < r+4 && i <= last; i++ {
			rs = append(rs, fmt.Sprintf("V%d.S4", i))
		}
		if r+4 <= last {
			w.raw("\tVLD1.P\t%d(R22), [%s]", 16*len(rs), strings.Join(rs, ", "))
		} else {
			w.raw("\tVLD1\t(R22), [%s]", strings.Join(rs, ", "))
		}
	}
	w.raw("\tMOVD\t$logConsts<>(SB), R10")
}

// The rows of a call. Row i of logits, out and targets is the c floats at
// i·stride (c = a.c, stride = a.stride, floats): a slice of l floats holds
// the rows n with (n-1)·stride + c <= l (0 for l < c; stridedRows of
// block.go, wideRows of kernel_generic_blocks.go), the last of which may
// stop at its last class; a slice of one value per row, len of them. A
// function computes the rows that every slice it reads or writes holds:
// nothing outside a slice, nor the columns c to stride-1 of a row, is read
// or written.

// rowStart sets R6 = c, R7 = stride (floats; rowsDone makes it the bytes
// of a row) and the row count R4 to init (an operand: len(losses), or -1
// for as many as the slices hold) bounded by the rows of logits; no row
// for c <= 0.
func (w *wideGen) rowStart(init string) {
	w.raw("	// The rows (R4): those of every slice read or written, logits first.")
	w.raw("	MOVD	%s, R6", field("c"))
	w.raw("	MOVD	%s, R7", field("stride"))
	w.raw("	MOVD	%s, R4", init)
	w.raw("	CMP	$0, R6")
	w.raw("	CSEL	LE, ZR, R4, R4 // no row for c <= 0")
	w.bound("logits", true, false)
}

// bound makes the row count R4 at most the rows of the slice field name:
// of c floats stride apart (strided), or one value per row; when nilable,
// a nil slice bounds nothing.
func (w *wideGen) bound(name string, strided, nilable bool) {
	skip := fmt.Sprintf("%s_%s_nil", w.prefix, name)
	if nilable {
		w.raw("	MOVD	%s, R19", field(name))
		w.raw("	CBZ	R19, %s", skip)
	}
	w.raw("	MOVD	%s, R19", fieldLen(name))
	if strided {
		w.raw("	SUBS	R6, R19, R19")
		w.raw("	CSEL	LT, ZR, R4, R4 // len(%s) < c: no row", name)
		w.raw("	UDIV	R7, R19, R19")
		w.raw("	ADD	$1, R19 // (len(%s) - c)/stride + 1 rows", name)
	}
	w.raw("	CMP	R19, R4")
	w.raw("	CSEL	LO, R4, R19, R4")
	if nilable {
		w.raw("%s:", skip)
	}
}

// rowsDone exits when there is no row and makes R7 the bytes from a row
// to the next, 4·stride.
func (w *wideGen) rowsDone() {
	w.raw("	CBZ	R4, %s_done", w.prefix)
	w.raw("	LSL	$2, R7, R7")
}

// next advances the row pointers and loops.
func (w *wideGen) next(loop string, ptrs ...string) {
	w.raw("\tADD\tR7, R1")
	for _, r := range ptrs {
		l := w.label("nonil")
		w.raw("\tCBZ\t%s, %s", r, l)
		w.raw("\tADD\tR7, %s", r)
		w.raw("%s:", l)
	}
	w.raw("\tSUBS\t$1, R4")
	w.raw("\tBNE\t%s", loop)
}

func (w *wideGen) argmax() {
	w.raw("\tMOVD\t%s, R0", field("preds"))
	w.raw("\tMOVD\t%s, R1", field("logits"))
	w.rowStart("$-1")
	w.bound("preds", false, false)
	w.rowsDone()
	w.raw("\tMOVD\t$wideIota<>(SB), R22")
	w.raw("\tVLD1\t(R22), [V16.S4]")
	w.raw("%s_row:", w.prefix)
	w.setAccs(wideAccA, negInfBits, "The max accumulators V18..V21 = -Inf.")
	w.phase(regs(0, 15), func(t *tracer) {
		w.maxPass(t, wsXs, nil)
		w.maxReduce(t)
		w.scan(t, 16, wsXs)
	})
	w.raw("\tMOVW.P\tR15, 4(R0)")
	w.next(w.prefix + "_row")
	w.raw("%s_done:", w.prefix)
	w.raw("\tRET")
}

// expPass emits pass 2 of softmax, logSoftmax and labels: e[j] = exp(x[j]
// - m) summed into V18..V21 (from -0), and stored at R24 when store.
func (w *wideGen) expPass(t *tracer, xs int, store bool) {
	t.raw("\tMOVD\tR1, R23")
	name := "exp"
	if store {
		name = "exp_store"
	}
	w.pass(t, name, xs, func(p *grp) {
		x := p.loadX("R23")
		e := w.exp(t, t.Sub(x, t.pin(wideM)))
		if store {
			p.store("R24", e)
		}
		p.acc(wideAccA, fadd4s, e)
	})
}

func (w *wideGen) softmax() {
	w.raw("\tMOVD\t%s, R0", field("out"))
	w.raw("\tMOVD\t%s, R1", field("logits"))
	w.rowStart("$-1")
	w.bound("out", true, false)
	w.rowsDone()
	w.loadExp()
	w.raw("%s_row:", w.prefix)
	w.setAccs(wideAccA, negInfBits, "The max accumulators V18..V21 = -Inf.")
	w.phase(regs(0, wsXs-1), func(t *tracer) { w.maxPass(t, wsXs, nil); w.maxReduce(t) })
	w.setAccs(wideAccA, negZeroBits, "The accumulators of s, V18..V21 = -0.")
	w.phase(regs(0, wsXs-1), func(t *tracer) {
		t.raw("\tMOVD\tR0, R24")
		w.expPass(t, wsXs, true)
		t.comment("r = 1/s (seq.Reciprocal), s the tree of the accumulators, in V%d.", wideQ)
		move(t, wideQ, seq.Reciprocal[*val](t, w.tree(t, wideAccA)))
	})
	w.phase(regs(0, 16), func(t *tracer) {
		t.raw("\tMOVD\tR0, R24")
		t.raw("\tMOVD\tR0, R23")
		w.pass(t, "scale", -1, func(p *grp) {
			p.store("R23", seq.Scaled[*val](t, p.load("R24"), t.pin(wideQ)))
		})
	})
	w.next(w.prefix+"_row", "R0")
	w.raw("%s_done:", w.prefix)
	w.raw("\tRET")
}

func (w *wideGen) logSoftmax() {
	w.raw("\tMOVD\t%s, R0", field("out"))
	w.raw("\tMOVD\t%s, R1", field("logits"))
	w.rowStart("$-1")
	w.bound("out", true, false)
	w.rowsDone()
	w.loadExp()
	w.raw("%s_row:", w.prefix)
	w.setAccs(wideAccA, negInfBits, "The max accumulators V18..V21 = -Inf.")
	w.phase(regs(0, wlsXs-1), func(t *tracer) { w.maxPass(t, wlsXs, nil); w.maxReduce(t) })
	w.setAccs(wideAccA, negZeroBits, "The accumulators of s, V18..V21 = -0.")
	w.phase(regs(0, wlsXs-1), func(t *tracer) {
		w.expPass(t, wlsXs, false)
		t.comment("ls = log(s) (seq.Log), s the tree of the accumulators, in V%d.", wideQ)
		s := w.tree(t, wideAccA)
		move(t, wideQ, seq.Log[*val](t, []*val{s}, w.g.v.MantBits)[0])
	})
	w.phase(regs(0, wlsXs-1), func(t *tracer) {
		t.raw("\tMOVD\tR1, R23")
		t.raw("\tMOVD\tR0, R24")
		w.pass(t, "logsoftmax", wlsXs, func(p *grp) {
			d := t.Sub(p.loadX("R23"), t.pin(wideM))
			p.store("R24", seq.LogSoftmax[*val](t, d, t.pin(wideQ)))
		})
	})
	w.next(w.prefix+"_row", "R0")
	w.raw("%s_done:", w.prefix)
	w.raw("\tRET")
}

// lossTail emits the per-row work after pass 2 that the two loss
// functions share: all (m == -Inf: with FMAX, which keeps NaN, m is -Inf
// exactly for a row of only -Inf, which is allNegInfRow), lse =
// seq.LogSumExp, stored at R9 when not 0; when z != 0 (R13), zl, f =
// seq.ZTerms and loss = loss + zl (labels: w nil) or loss + zl·w (targets:
// w = T); with row weights (rowWeights, read again from the record, not
// nil), loss = loss·w and the gradient's factor sc = scale·w in lane 0 of
// V<sc> (labels: scale read again and sc in every lane; targets: V<sc>
// holds scale in lane 0 already, the caller broadcasts it); the loss stored
// at R3. It returns f, valid under R13 != 0.
func (w *wideGen) lossTail(t *tracer, loss, ls, wt *val, sc int) *val {
	m := t.pin(wideM)
	t.comment("lse = m + ls, or -Inf for a row of only -Inf (m == -Inf) (seq.LogSumExp).")
	all := t.Equal(m, t.K(seq.NegInf))
	lse := seq.LogSumExp[*val](t, all, m, ls)
	nolse := w.label("nolse")
	t.branch("CBZ\tR9, %s", nolse)
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFMOVS.P\tF%d, 4(R9)", u[0]) }, t.vec(lse))
	t.label(nolse)
	noz := w.label("noz")
	t.branch("CBZ\tR13, %s", noz)
	t.comment("z-loss (seq.ZTerms): c = z·lse, zl = c·lse, f = 1 + (c + c).")
	z0 := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVS\t%s, F%d", field("z"), d[0]) })[0]
	z := t.emit(1, func(d, u []int) string { return fmt.Sprintf("\tVDUP\tV%d.S[0], V%d.S4", u[0], d[0]) }, z0)[0]
	zl, f := seq.ZTerms[*val](t, z, lse)
	if wt != nil {
		zl = t.Mul(zl, wt)
	}
	loss = t.overwrite(t.Add(loss, zl), loss)
	t.label(noz)
	norw := w.label("norw")
	t.raw("\tMOVD\t%s, R19", field("rowWeights"))
	t.branch("CBZ\tR19, %s", norw)
	t.comment("Row weights: w = rowWeights[i] (at the offset of losses[i]); loss = loss·w, sc = scale·w.")
	t.raw("\tMOVD\t%s, R20", field("losses"))
	t.raw("\tSUB\tR20, R3, R20")
	wv := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVS\t(R19)(R20), F%d", d[0]) })[0]
	loss = t.overwrite(t.Mul(loss, wv), loss)
	labels := wt == nil
	if labels {
		t.raw("\tFMOVS\t%s, F%d", field("scale"), sc)
	}
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFMULS\tF%d, F%d, F%d", u[0], sc, sc) }, wv)
	if labels {
		t.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", sc)
	}
	t.label(norw)
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFMOVS.P\tF%d, 4(R3)", u[0]) }, t.vec(loss))
	return f
}

// lossRows emits the row count R4 of a loss function: len(losses),
// bounded by the rows of logits and of out, preds, lse and rowWeights when
// not nil (the labels or the targets are the caller's).
func (w *wideGen) lossRows() { w.lossRowsOf(false) }

// lossRowsOf is lossRows, bounded by rowMax in place of preds when
// rowMax, loaded into R14, is not nil (wideLabelsNEON, when given).
func (w *wideGen) lossRowsOf(given bool) {
	w.rowStart(fieldLen("losses"))
	w.bound("out", true, true)
	if given {
		max, done := w.label("rowmax"), w.label("bounded")
		w.raw("\tMOVD\t%s, R14 // rowMax (nil: pass 1 computes m)", field("rowMax"))
		w.raw("\tCBNZ\tR14, %s", max)
		w.bound("preds", false, true)
		w.raw("\tB\t%s", done)
		w.raw("%s:", max)
		w.bound("rowMax", false, false)
		w.raw("%s:", done)
	} else {
		w.bound("preds", false, true)
	}
	w.bound("lse", false, true)
	w.bound("rowWeights", false, true)
}

// zArgs loads the z-loss flag into R13 and the fused output pointers.
func (w *wideGen) zArgs() {
	w.raw("\tMOVD\t%s, R8", field("preds"))
	w.raw("\tMOVD\t%s, R9", field("lse"))
	w.raw("\tMOVWU\t%s, R13", field("z"))
	w.raw("\tLSLW\t$1, R13, R13 // bits(z) without the sign: 0 for z = ±0, which asks for no z-loss")
}

// labels emits wideLabelsNEON: with rowMax (R14) not nil, m read from
// rowMax[i] instead of pass 1, and no predictions (R8 = nil).
func (w *wideGen) labels() {
	w.raw("\tMOVD\t%s, R0", field("out"))
	w.raw("\tMOVD\t%s, R1", field("logits"))
	w.raw("\tMOVD\t%s, R2", field("labels"))
	w.raw("\tMOVD\t%s, R3", field("losses"))
	w.lossRowsOf(true)
	w.bound("labels", false, false)
	w.zArgs()
	w.raw("\tCMP\t$0, R14")
	w.raw("\tCSEL\tNE, ZR, R8, R8 // no predictions with rowMax")
	w.rowsDone()
	w.raw("\tFMOVS\t%s, F%d", field("scale"), wideScale)
	w.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", wideScale)
	w.loadExp()
	w.raw("%s_row:", w.prefix)
	w.raw("\tMOVW.P\t4(R2), R12 // l")
	pool := regs(0, 15)
	xpool := regs(0, wlXs-1) // the passes that read the logits: xscale in V15
	pass1, have := w.label("pass1"), w.label("m")
	w.raw("\tCBZ\tR14, %s", pass1)
	w.phase(xpool, func(t *tracer) {
		t.comment("m = rowMax[i] in every lane of V%d; xscale in every lane of V%d.", wideM, wlXs)
		t.raw("\tFMOVS.P\t4(R14), F%d", wideM)
		t.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", wideM)
		t.raw("\tFMOVS\t%s, F%d", field("xscale"), wlXs)
		t.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", wlXs)
	})
	w.raw("\tB\t%s", have)
	w.raw("%s:", pass1)
	w.setAccs(wideAccA, negInfBits, "The max accumulators V18..V21 = -Inf.")
	w.phase(xpool, func(t *tracer) {
		w.maxPass(t, wlXs, nil)
		w.maxReduce(t)
		w.storePred(t, wideQ, wlXs)
	})
	w.raw("%s:", have)
	w.phase(xpool, func(t *tracer) {
		t.comment("d[l] = x[l]·xscale - m (lane 0 of V%d), read before the gradient may overwrite x.", wideQ)
		xl := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVS\t(R1)(R12<<2), F%d", d[0]) })[0]
		noxs := w.label("noxs")
		t.branch("CBZ\t%s, %s", wideXsFlag, noxs)
		xl = t.overwrite(t.Mul(xl, t.pin(wlXs)), xl) // V15 holds xscale: the max pass loaded it
		t.label(noxs)
		into(t, wideQ, fsub4s, xl, t.pin(wideM))
	})
	w.setAccs(wideAccA, negZeroBits, "The accumulators of s, V18..V21 = -0.")
	nog, have := w.label("nog"), w.label("s")
	w.raw("\tCBZ\tR0, %s", nog)
	w.phase(xpool, func(t *tracer) {
		t.raw("\tMOVD\tR0, R24")
		w.expPass(t, wlXs, true)
	})
	w.raw("\tB\t%s", have)
	w.raw("%s:", nog)
	w.phase(xpool, func(t *tracer) { w.expPass(t, wlXs, false) })
	w.raw("%s:", have)
	end := w.label("end")
	w.phase(pool, func(t *tracer) {
		s := w.tree(t, wideAccA)
		t.comment("ls = log(s) (seq.Log); loss = ls - d[l] (seq.LabelLoss).")
		ls := seq.Log[*val](t, []*val{s}, w.g.v.MantBits)[0]
		loss := seq.LabelLoss[*val](t, ls, t.pin(wideQ))
		f := w.lossTail(t, loss, ls, nil, wideScale)
		t.branch("CBZ\tR0, %s", end)
		t.comment("q = scale / s (seq.Quotient), q·f with a z-loss, in V%d.", wideQ)
		q := seq.Quotient[*val](t, t.pin(wideScale), s)
		noz := w.label("noz")
		t.branch("CBZ\tR13, %s", noz)
		q = t.overwrite(t.Mul(q, f), q)
		t.label(noz)
		move(t, wideQ, q)
	})
	w.phase(pool, func(t *tracer) {
		t.raw("\tMOVD\tR0, R24")
		t.raw("\tMOVD\tR0, R23")
		w.pass(t, "grad", -1, func(p *grp) {
			p.store("R23", seq.Scaled[*val](t, p.load("R24"), t.pin(wideQ)))
		})
	})
	w.raw("\t// g[l] = g[l] - scale (scale·w with row weights).")
	w.raw("\tFMOVS\t(R0)(R12<<2), F0")
	w.raw("\tFSUBS\tF%d, F0, F0", wideScale)
	w.raw("\tFMOVS\tF0, (R0)(R12<<2)")
	w.raw("%s:", end)
	w.next(w.prefix+"_row", "R0")
	w.raw("%s_done:", w.prefix)
	w.raw("\tRET")
}

// A kind of effective target rows of wideTargetsNEON.
type targetKind struct {
	onehot bool // from the labels (else the targets)
	staged bool
	w      bool // staged with weights
}

func (k targetKind) String() string {
	s := "t"
	if k.onehot {
		s = "l"
	}
	switch {
	case k.w:
		s += "w"
	case k.staged:
		s += "s"
	}
	return s
}

// at returns the group's a[j] (targetRow.at): t from the targets (R25) or
// the one-hot row (l - j == 0, V10, decremented by 4); when staged, w·((keep·t)
// + uni) with w from the weights (R26) or 1.
func (w *wideGen) at(p *grp, k targetKind) *val {
	t := p.t
	var tv *val
	if k.onehot {
		eq := t.two(cmeqz4s, t.pin(wtRel))
		tv = t.And(eq, t.K(seq.One))
		t.emit(0, func(_, u []int) string {
			return fmt.Sprintf("\tVSUB\tV%d.S4, V%d.S4, V%[2]d.S4", u[1], u[0])
		}, t.pin(wtRel), t.pin(wtFour))
	} else {
		tv = p.load("R25")
	}
	if !k.staged {
		return tv
	}
	b := t.Add(t.Mul(t.pin(wtKeep), tv), t.pin(wtUni))
	wv := t.K(seq.One)
	if k.w {
		wv = p.load("R26")
	}
	return t.Mul(wv, b)
}

// storePred emits, when preds (R8) is not nil, the row's prediction
// (scan, with the lane indices loaded into V<iota> and the logit scale in
// V<xs>) stored at preds[i], R8 advanced.
func (w *wideGen) storePred(t *tracer, iota, xs int) {
	nopreds := w.label("nopreds")
	t.branch("CBZ\tR8, %s", nopreds)
	t.raw("\tMOVD\t$wideIota<>(SB), R22")
	t.raw("\tVLD1\t(R22), [V%d.S4]", iota)
	w.scan(t, iota, xs)
	t.raw("\tMOVW.P\tR15, 4(R8)")
	t.label(nopreds)
}

// atStart sets the streams of a at the start of a pass: R25 the target
// row, R26 the weights, V10 = l - (0, 1, 2, 3).
func (w *wideGen) atStart(t *tracer, k targetKind) {
	if k.onehot {
		t.raw("\tMOVD\t$wideIota<>(SB), R22")
		io := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tVLD1\t(R22), [V%d.S4]", d[0]) })[0]
		l := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tVDUP\tR12, V%d.S4", d[0]) })[0]
		t.emit(0, func(_, u []int) string {
			return fmt.Sprintf("\tVSUB\tV%d.S4, V%d.S4, V%d.S4", u[0], u[1], wtRel)
		}, io, l)
	} else {
		t.raw("\tMOVD\tR2, R25")
	}
	if k.w {
		t.raw("\tMOVD\tR14, R26")
	}
}

func (w *wideGen) targets() {
	w.raw("\tMOVD\t%s, R0", field("out"))
	w.raw("\tMOVD\t%s, R1", field("logits"))
	w.raw("\tMOVD\t%s, R2", field("targets"))
	w.raw("\tMOVD\t%s, R5", field("labels"))
	w.raw("\tMOVD\t%s, R14", field("weights"))
	w.raw("\tMOVD\t%s, R3", field("losses"))
	w.lossRows()
	w.raw("\t// The rows of the targets, or of the labels when targets is nil.")
	w.raw("\tCBZ\tR2, %s_targets_nil", w.prefix)
	w.bound("targets", true, false)
	w.raw("\tB\t%s_form", w.prefix)
	w.raw("%s_targets_nil:", w.prefix)
	w.bound("labels", false, false)
	w.raw("%s_form:", w.prefix)
	w.raw("\t// No row when staged with weights shorter than a row.")
	w.raw("\tMOVBU\t%s, R19", field("staged"))
	w.raw("\tCBZ\tR19, %s_weights_nil", w.prefix)
	w.raw("\tCBZ\tR14, %s_weights_nil", w.prefix)
	w.raw("\tMOVD\t%s, R19", fieldLen("weights"))
	w.raw("\tCMP\tR6, R19")
	w.raw("\tCSEL\tLO, ZR, R4, R4")
	w.raw("%s_weights_nil:", w.prefix)
	w.zArgs()
	w.rowsDone()
	w.raw("\tFMOVS\t%s, F%d", field("keep"), wtKeep)
	w.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", wtKeep)
	w.raw("\tFMOVS\t%s, F%d", field("uni"), wtUni)
	w.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", wtUni)
	m := movi4s(wtFour, 4)
	w.raw("\tWORD\t$0x%08x\t// %s", m.bits, m.gnu)
	w.loadExp()
	w.raw("\tMOVBU\t%s, R11", field("staged"))
	w.raw("\t// The kind of target rows: targets or labels; plain, staged, staged with weights.")
	kinds := []targetKind{{false, false, false}, {false, true, false}, {false, true, true}, {true, false, false}, {true, true, false}, {true, true, true}}
	lbl := func(k targetKind) string { return w.prefix + "_" + k.String() }
	w.raw("\tCBZ\tR2, %s_labels", w.prefix)
	w.raw("\tCBZ\tR11, %s", lbl(kinds[0]))
	w.raw("\tCBZ\tR14, %s", lbl(kinds[1]))
	w.raw("\tB\t%s", lbl(kinds[2]))
	w.raw("%s_labels:", w.prefix)
	w.raw("\tCBZ\tR11, %s", lbl(kinds[3]))
	w.raw("\tCBZ\tR14, %s", lbl(kinds[4]))
	w.raw("\tB\t%s", lbl(kinds[5]))
	for _, k := range kinds {
		w.targetRows(k, lbl(k))
	}
	w.raw("%s_done:", w.prefix)
	w.raw("\tRET")
}

// targetRows emits the row loop of wideTargetsNEON for one kind of a.
func (w *wideGen) targetRows(k targetKind, loop string) {
	pool := regs(0, wtT-1)
	xpool := regs(0, wtXs-1) // the passes that read the logits: xscale in V8
	w.raw("%s:", loop)
	if k.onehot {
		w.raw("\tMOVW.P\t4(R5), R12 // l")
	}
	w.setAccs(wideAccA, negInfBits, "The max accumulators V18..V21 = -Inf.")
	w.setAccs(wideAccB, negZeroBits, "The accumulators of T, V14..V17 = -0.")
	w.phase(xpool, func(t *tracer) {
		w.atStart(t, k)
		w.maxPass(t, wtXs, func(p *grp) { p.acc(wideAccB, fadd4s, w.at(p, k)) })
		w.maxReduce(t)
		t.comment("T = the tree of its accumulators, in V%d.", wtT)
		move(t, wtT, w.tree(t, wideAccB))
	})
	w.phase(regs(0, wtIota-1), func(t *tracer) {
		w.storePred(t, wtIota, wtXsS)
	})
	w.setAccs(wideAccA, negZeroBits, "The accumulators of s, V18..V21 = -0.")
	w.setAccs(wideAccB, negZeroBits, "The accumulators of D, V14..V17 = -0.")
	nog, have := w.label("nog"), w.label("s")
	for _, store := range []bool{true, false} {
		if store {
			w.raw("\tCBZ\tR0, %s", nog)
		} else {
			w.raw("%s:", nog)
		}
		w.phase(xpool, func(t *tracer) {
			t.raw("\tMOVD\tR1, R23")
			t.raw("\tMOVD\tR0, R24")
			w.atStart(t, k)
			name := "exp_" + k.String()
			if store {
				name += "_store"
			}
			w.pass(t, name, wtXs, func(p *grp) {
				d := t.Sub(p.loadX("R23"), t.pin(wideM))
				p.acc(wideAccB, fadd4s, seq.TargetTerm[*val](t, w.at(p, k), d))
				e := w.exp(t, d)
				if store {
					p.store("R24", e)
				}
				p.acc(wideAccA, fadd4s, e)
			})
		})
		if store {
			w.raw("\tB\t%s", have)
		}
	}
	w.raw("%s:", have)
	end := w.label("end")
	// After the trees, the accumulators are free: V15..V21 join the pool
	// (the linear scan takes the lowest free register, so the trees, which
	// read them first, find V0..V8 free).
	w.phase(append(regs(0, wtT-1), regs(wideAccB+1, wideAccA+3)...), func(t *tracer) {
		s := w.tree(t, wideAccA)
		dsum := w.tree(t, wideAccB)
		T := t.pin(wtT)
		t.comment("The gradient's factor: scale in lane 0 of V%d (free after the trees), times w with row weights.", wtSc)
		t.raw("\tFMOVS\t%s, F%d", field("scale"), wtSc)
		t.comment("ls = log(s) (seq.Log); loss = ls·T - D (seq.TargetLoss).")
		ls := seq.Log[*val](t, []*val{s}, w.g.v.MantBits)[0]
		loss := seq.TargetLoss[*val](t, ls, T, dsum)
		f := w.lossTail(t, loss, ls, T, wtSc)
		t.branch("CBZ\tR0, %s", end)
		t.comment("qt = (scale / s)·T (seq.Quotient, seq.Scaled), ·f with a z-loss, in V%d; scale in every lane of V%d.", wtT, wtSc)
		t.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", wtSc)
		qt := seq.Scaled[*val](t, seq.Quotient[*val](t, t.pin(wtSc), s), T)
		noz := w.label("noz")
		t.branch("CBZ\tR13, %s", noz)
		qt = t.overwrite(t.Mul(qt, f), qt)
		t.label(noz)
		move(t, wtT, qt)
	})
	w.phase(pool, func(t *tracer) {
		t.raw("\tMOVD\tR0, R24")
		t.raw("\tMOVD\tR0, R23")
		w.atStart(t, k)
		w.pass(t, "grad_"+k.String(), -1, func(p *grp) {
			e := p.load("R24")
			g := seq.TargetGrad[*val](t, e, t.pin(wtT), w.at(p, k), t.pin(wtSc))
			p.store("R23", g)
		})
	})
	w.raw("%s:", end)
	ptrs := []string{"R0"}
	if !k.onehot {
		ptrs = append(ptrs, "R2")
	}
	w.next(loop, ptrs...)
	w.raw("\tRET")
}

// Registers of wideCandidatesNEON.
const (
	wcThr = 16 // thr in every lane
	wcXs  = 17 // xscale in every lane
)

// candidates emits wideCandidatesNEON: R0 = preds, R1 the next logit,
// R2 = logits, R4 = n, R8 = count, R19 the steps of 16 logits left, R20
// the logits of the tail. A step loads 16 logits into V0..V3, multiplies
// them by xscale in the scaled loop (wideXsFlag not 0), and sets V<g> to
// the mask of x <= thr (FCMGE thr, x: false for NaN, true for -0 <= +0);
// a lane with a zero mask is a candidate. Their AND is all ones in every
// lane (UMINV, CMN) for a step without one. The rare path, shared by the
// two loops, takes the groups with a candidate (a zero bit in the 64-bit
// halves of their mask) and stores each index j at preds[count], count +
// 1 when its lane is a candidate: preds[count] is written for every j,
// and count <= j < len(preds).
func (w *wideGen) candidates() {
	p := w.prefix
	word := func(wd word) { w.raw("\tWORD\t$0x%08x\t// %s", wd.bits, wd.gnu) }
	w.raw("\tMOVD\t%s, R0", field("preds"))
	w.raw("\tMOVD\t%s, R1", field("logits"))
	w.raw("\tMOVD\tR1, R2")
	w.raw("\t// n = min(len(logits), len(preds)).")
	w.raw("\tMOVD\t%s, R4", fieldLen("logits"))
	w.raw("\tMOVD\t%s, R5", fieldLen("preds"))
	w.raw("\tCMP\tR5, R4")
	w.raw("\tCSEL\tLO, R4, R5, R4")
	w.raw("\tMOVD\tZR, R8")
	w.raw("\tFMOVS\t%s, F%d", field("thr"), wcThr)
	w.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", wcThr)
	w.raw("\tFMOVS\t%s, F%d", field("xscale"), wcXs)
	w.raw("\tVDUP\tV%d.S[0], V%[1]d.S4", wcXs)
	w.raw("\tLSR\t$4, R4, R19")
	w.raw("\tCBZ\tR19, %s_tail", p)
	w.raw("\tCBZ\t%s, %s_loop", wideXsFlag, p)
	for _, scaled := range []bool{true, false} {
		loop, name := p+"_loop", "plain"
		if scaled {
			loop, name = p+"_xs_loop", "scaled"
			w.raw("\t// The scaled loop: x·xscale.")
		} else {
			w.raw("\t// The plain loop: x.")
		}
		w.raw("%s:", loop)
		w.raw("\tVLD1.P\t64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]")
		for g := range 4 {
			if scaled {
				word(fmul4s.enc(g, g, wcXs))
			}
			word(fcmge4s.enc(g, wcThr, g))
		}
		w.raw("\tVAND\tV1.B16, V0.B16, V4.B16")
		w.raw("\tVAND\tV3.B16, V2.B16, V5.B16")
		w.raw("\tVAND\tV5.B16, V4.B16, V4.B16")
		word(uminv4s.enc(4, 4))
		w.raw("\tFMOVS\tF4, R5")
		w.raw("\tCMNW\t$1, R5")
		w.raw("\tBNE\t%s_hit", p)
		w.raw("%s_next:", loop)
		w.raw("\tSUBS\t$1, R19")
		w.raw("\tBNE\t%s", loop)
		w.raw("\tB\t%s_tail", p)
		w.loops = append(w.loops, loop)
		w.names = append(w.names, name)
	}
	w.raw("%s_hit:", p)
	w.raw("\t// A step with a candidate: R5 = the index of its first logit.")
	w.raw("\tSUB\tR2, R1, R5")
	w.raw("\tLSR\t$2, R5, R5")
	w.raw("\tSUB\t$16, R5, R5")
	for g := range 4 {
		skip := fmt.Sprintf("%s_hit%d", p, g)
		w.raw("\tVMOV\tV%d.D[0], R6", g)
		w.raw("\tVMOV\tV%d.D[1], R7", g)
		w.raw("\tAND\tR6, R7, R9")
		w.raw("\tCMN\t$1, R9")
		w.raw("\tBEQ\t%s", skip)
		if g == 0 {
			w.raw("\tMOVD\tR5, R9")
		} else {
			w.raw("\tADD\t$%d, R5, R9", 4*g)
		}
		for k := range 4 {
			r, bit := "R6", k%2*32
			if k >= 2 {
				r = "R7"
			}
			w.raw("\tMOVW\tR9, (R0)(R8<<2)")
			w.raw("\tTST\t$0x%x, %s", uint64(1)<<bit, r)
			w.raw("\tCINC\tEQ, R8, R8")
			if k < 3 {
				w.raw("\tADD\t$1, R9")
			}
		}
		w.raw("%s:", skip)
	}
	w.raw("\tCBZ\t%s, %s_loop_next", wideXsFlag, p)
	w.raw("\tB\t%s_xs_loop_next", p)
	w.raw("%s_tail:", p)
	w.raw("\t// The last n%%16 logits, one at a time: count + 1 when !(x <= thr).")
	w.raw("\tAND\t$15, R4, R20")
	w.raw("\tCBZ\tR20, %s_done", p)
	w.raw("\tSUB\tR2, R1, R5")
	w.raw("\tLSR\t$2, R5, R5")
	w.raw("%s_tail_loop:", p)
	w.raw("\tFMOVS.P\t4(R1), F0")
	w.raw("\tCBZ\t%s, %s_noxs", wideXsFlag, p)
	w.raw("\tFMULS\tF%d, F0, F0", wcXs)
	w.raw("%s_noxs:", p)
	w.raw("\tMOVW\tR5, (R0)(R8<<2)")
	w.raw("\tFCMPS\tF%d, F0", wcThr)
	w.raw("\tCINC\tHI, R8, R8")
	w.raw("\tADD\t$1, R5")
	w.raw("\tSUBS\t$1, R20")
	w.raw("\tBNE\t%s_tail_loop", p)
	w.raw("%s_done:", p)
	w.raw("\tMOVD\tR8, %s", field("count"))
	w.raw("\tRET")
}

// wideData writes the tables of the wide functions.
func (g *gen) wideData() {
	g.p("// The masks of the tail groups: 16 bytes at wideMask+16-4k select k lanes.")
	for i := range 8 {
		b := uint32(0xffffffff)
		if i >= 4 {
			b = 0
		}
		g.p("DATA wideMask<>+%d(SB)/4, $0x%08x", 4*i, b)
	}
	g.p("GLOBL wideMask<>(SB), RODATA|NOPTR, $32\n")
	g.p("// int32 0, 1, 2, 3: the lane indices of the scans and of the one-hot rows.")
	for i := range 4 {
		g.p("DATA wideIota<>+%d(SB)/4, $%d", 4*i, i)
	}
	g.p("GLOBL wideIota<>(SB), RODATA|NOPTR, $16\n")
}

// wideStubs returns the Go declarations of the wide functions.
func wideStubs() string {
	var b strings.Builder
	b.WriteString(`
// The wide functions (any class count c >= 2, kernel_arm64.s) process one
// row at a time, 16 classes per step (the 16 accumulators of classSum in
// four registers), and are bit-identical to their generic twins. Row i of
// logits, out and targets is the c floats at i·stride; a slice holds the
// rows that end in it (stridedRows), and a function computes the rows that
// every slice it takes holds. They read and write nothing outside the
// slices, nor the columns c to stride-1 of a row.
`)
	for _, f := range wideFuncs {
		generic := strings.TrimSuffix(f.name, "NEON") + "Generic"
		fmt.Fprintf(&b, "\n%s//\n//go:noescape\nfunc %s(%s)\n", comment(f.name+" is "+generic+". "+f.reads), f.name, recordParams)
	}
	return b.String()
}

// comment returns text as a Go comment, its lines filled to 76 columns.
func comment(text string) string {
	var b strings.Builder
	line := "//"
	for _, word := range strings.Fields(text) {
		if len(line) > 2 && len([]rune(line))+1+len([]rune(word)) > 76 {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + word
	}
	b.WriteString(line + "\n")
	return b.String()
}
