// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Package neon is the arm64 backend of the generator: Generate writes
// kernel_arm64.s, the NEON versions of the block functions of
// kernel_generic.go, and their Go declarations and dispatch.
//
// For ten columns, a block of 4 rows is transposed so that one register
// holds one column (one row per 32-bit lane), the per-lane sequences of
// package seq run on the columns through the tracer (trace.go), and the
// results are transposed back. Two blocks make the 8-row step of the
// driver (the float64 accumulators acc[0..3] and acc[4..7]). The wide
// functions (wide.go) vectorise over the classes of one row instead. The
// instructions that Go's assembler lacks are encoded by encode.go, and
// every function reads its arguments from the record of block.go
// (record.go).
package neon

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xentropy/kernel/_asm/files"
	"github.com/xentropy/kernel/_asm/seq"
)

// classes is the number of columns of a row: the length of the arrays of
// seq.Max10 and seq.Sum10.
const classes = len([10]struct{}{})

const (
	rowBytes   = 4 * classes // one row of float32
	blockRows  = 4           // rows per block: one per 32-bit lane of a 128-bit register
	blockBytes = blockRows * rowBytes
	stepRows   = 8 // rows per step of the driver (acc[i%8])
)

// The constants of the exponential stay in V23..V31 for the whole function:
// V23..V30 hold one constant each in every lane; V31 holds four, which only
// FMUL by element reads. Those of the logarithm, used once per block, are
// loaded where they are used, two slots at a time (FLDPQ), from logConsts.
const firstExpReg = 23

var (
	expVectors = []seq.Const{seq.Cutoff, seq.OneBits, seq.One, seq.Q0, seq.Q1, seq.Q2, seq.Q3, seq.Magic}
	expPacked  = []seq.Const{seq.Log2e, seq.Ln2Hi, seq.Ln2Lo, seq.Q4}
	logSlots   = [][]seq.Const{
		{seq.ExpInv}, {seq.ExpBias}, {seq.SqrtHalf}, {seq.P0, seq.Half},
		{seq.P1}, {seq.P2}, {seq.P3}, {seq.P4}, {seq.P5}, {seq.P6}, {seq.P7}, {seq.P8},
		{seq.NegInf}, {}, // -Inf of seq.AllNegInf (the fused loops); slots are loaded in pairs
	}
)

// Registers of the xent functions besides the constants.
const (
	scaleReg = 18 // scale in every lane
	accReg   = 19 // V19..V22: acc[0:2], acc[2:4], acc[4:6], acc[6:8] in float64
)

// General registers of the logit scale and the row weights (ten columns).
const (
	rwReg  = "R19" // xent: rowWeights (0: none), advanced a block at a time by the fused loop
	xsBits = "R21" // the bits of xscale
	xsFlag = "R22" // bits(xscale) XOR bits(1): 0 when xscale is 1, which asks for no product
)

// oneBits is the float32 1, the logit scale that changes no number.
const oneBits = 0x3f800000

// A loopMode is the kind of a loop of a ten-column function.
type loopMode int

const (
	modePlain  loopMode = iota // the logits as they are, no row weights, no fused output
	modeFused                  // xent: preds, lse, z, the logit scale and row weights, each under a branch
	modeScaled                 // softmax, logSoftmax, argmax: the logits times xscale
)

// argmaxNEON reads no constant of the exponential: V22..V31 hold
// seq.Ops.Index(0..9) instead, Index(j) in V22+j (V22, all zero bits, is
// also the +0 of seq.K(Zero)).
const firstIndexReg = 22

func constLocs() map[seq.Const]constLoc {
	loc := map[seq.Const]constLoc{}
	for i, c := range expVectors {
		loc[c] = constLoc{reg: firstExpReg + i, slot: -1, lane: -1}
	}
	for i, c := range expPacked {
		loc[c] = constLoc{reg: firstExpReg + len(expVectors), slot: -1, lane: i}
	}
	for s, cs := range logSlots {
		for i, c := range cs {
			if _, ok := loc[c]; ok {
				continue // One, Ln2Hi, Ln2Lo: already in a register
			}
			lane := -1
			if len(cs) > 1 {
				lane = i
			}
			loc[c] = constLoc{reg: -1, slot: s, lane: lane}
		}
	}
	return loc
}

func regRange(lo, hi int) []int {
	var r []int
	for i := lo; i <= hi; i++ {
		r = append(r, i)
	}
	return r
}

type gen struct {
	v   *seq.Values
	out bytes.Buffer
	// counts of instructions per block, for the header and the report
	counts []string
}

func (g *gen) p(format string, args ...any) { fmt.Fprintf(&g.out, format+"\n", args...) }

// Generate returns kernel_arm64.s, kernel_stubs_arm64.go and
// kernel_tiers_arm64.go, by name relative to the repository root, from the
// values that seq.Load read from kernel_generic.go.
func Generate(v *seq.Values) (out map[string][]byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("arm64 backend: %v", r)
		}
	}()
	g := &gen{v: v}
	var body bytes.Buffer
	for _, f := range neonFuncs {
		lines, err := g.function(f)
		if err != nil {
			return nil, fmt.Errorf("arm64 backend: %s: %v", f.name, err)
		}
		body.WriteString(lines)
	}
	body.WriteString(g.wideText())
	body.WriteString(weightsText())
	g.p("%s\n\n%s\n//go:build gc && !purego\n", files.GeneratedLine, files.License)
	g.header()
	g.out.Write(body.Bytes())
	g.data()
	return map[string][]byte{
		"kernel_arm64.s":        g.out.Bytes(),
		"kernel_stubs_arm64.go": stubs(),
		"kernel_tiers_arm64.go": files.Dispatch("arm64", []string{"NEON"}, []string{"NEON"}, nil, []string{"NEON"}, "wideCandidates"),
	}, nil
}

func (g *gen) header() {
	g.p(`// NEON (ASIMD) versions of the block functions of kernel_generic.go, which
// is their specification: every lane performs, in the same order, the same
// float32 operations as the generic code, so the results are bit-identical
// (docs/numerics.md). The per-lane operations come from the sequences of
// _asm/seq (Max10, Exp, Sum10, Log, the row tails, Argmax, AllNegInf,
// LogSumExp, ZTerms), lowered by the tracer of _asm/neon/trace.go;
// registers V0..V17 (V0..V22 without scale and accumulators, V0..V17 and
// V19..V22 in the fused loops, V0..V21 in argmaxNEON) are assigned by
// linear scan over the straight-line body of each loop.
//
// Layout. One row per 32-bit lane: a block of 4 rows (160 bytes) is loaded
// with five LDP Q and transposed so that column j (x[0][j], x[1][j],
// x[2][j], x[3][j]) is one register. Rows are 40 bytes, so rows 0 and 2 start
// at a 16-byte boundary of the block and rows 1 and 3 in the middle of a
// register: one ZIP .2D step gathers the 64-bit halves of the rows, one TRN
// .4S step the columns; the store is the same two steps in reverse. Two
// blocks of 4 rows make the 8-row step of the driver: rows 0-3 of an 8-row
// step add their float64 losses to acc[0..3], rows 4-7 to acc[4..7]; bit 2
// of the count of rows left tells which. Each function processes n =
// len(logits)/10 rows rounded down to a multiple of 8 (argmaxNEON: also at
// most len(preds)); the rows after them are left untouched.
//
// Arguments. Every function takes one pointer, a *blockArgs (the record of
// block.go), which it keeps in %s; it reads the fields through the offsets
// that the compiler writes to go_asm.h (blockArgs_out and so on), once
// before its loop, except the wide functions, which read xscale again at
// the start of a pass, and the wide loss functions, which read z,
// rowWeights, losses and scale again for each row.
//
// Fused outputs. The xent functions have two loops: the plain one, run
// when preds, lse and rowWeights are nil, z is ±0 and xscale is 1, and a
// fused one, which also computes the predictions (seq.Argmax), the
// log-sum-exp (seq.AllNegInf, seq.LogSumExp) and the z-loss terms
// (seq.ZTerms), multiplies the logits by xscale, and takes the row weights
// (the gradient's factor scale·w, the loss times w), each under a branch
// on its argument, so that a call without them runs exactly the plain
// loop. The predictions of a block take the chain of the first NaN only
// when a lane of the maximum is NaN (FMAX propagates NaN).
//
// The logit scale. Every logit read is multiplied by xscale first, one
// FMUL by xscale in every lane (VDUP), before anything else reads it; a
// scale of 1 (bits(xscale) XOR bits(1) is 0) skips the products, which
// change no number. softmaxNEON, logSoftmaxNEON and argmaxNEON run a second
// copy of their loop, the scaled one, when xscale is not 1; the xent
// functions, their fused loop. The wide functions choose between two main
// loops at the start of each pass that reads the logits (see wide.go).
//
// Instructions. Go's arm64 assembler has no vector floating-point
// instructions (FADD, FMUL, FDIV, FMAX, FCMGT, FCVTL, SCVTF, ..., see
// golang/go#41092), so they are written as WORD with the GNU mnemonic in the
// comment (encoders in _asm/neon/encode.go, checked by its test and
// by internal/neonwords/check.sh). Integer and permute instructions the Go
// assembler knows (VZIP1, VTRN1, VSHL, VADD, VBIT, ...) are written natively.
//
// Inner loop, instructions per block of 4 rows (per row in parentheses),
// counted by the generator:`, recordReg)
	for _, c := range g.counts {
		g.p("//\t%s", c)
	}
	g.p(`//
// The fused lines count every fused output, the z-loss, the logit scale
// and the row weights requested; the argmax lines, and the fused ones,
// leave out the chain of the first NaN, which runs for a block with a NaN
// only. The scaled lines are the second loops of softmax, logSoftmax and
// argmax.
//
// No register is spilled: the exp constants stay in V23..V31, those of the
// logarithm are loaded in pairs where they are used. (targets_fused parks
// e[0..9] in the block of the gradient across the log: see
// xentTargetsNEON.)

#include "go_asm.h"
#include "textflag.h"
`)
}

// data writes the constant tables, from the values read from
// kernel_generic.go.
func (g *gen) data() {
	g.p("// Constants of the exponential, loaded once into V%d..V%d (kernel_generic.go has their values).", firstExpReg, firstExpReg+len(expVectors))
	g.p("// Four lanes each, except the last vector whose lanes are used one at a time.")
	var exp [][]seq.Const
	for _, c := range expVectors {
		exp = append(exp, []seq.Const{c})
	}
	exp = append(exp, expPacked)
	g.table("expConsts", exp)
	g.p("// Constants of the logarithm and -Inf, loaded two vectors at a time where they are used.")
	g.table("logConsts", logSlots)
	g.wideData()
}

func (g *gen) table(sym string, slots [][]seq.Const) {
	for s, cs := range slots {
		var names []string
		for _, c := range cs {
			names = append(names, fmt.Sprintf("%s = %s", c.Name(), g.show(c)))
		}
		if len(cs) == 0 {
			names = append(names, "(unused: the other half of a pair)")
		}
		g.p("// %s", strings.Join(names, ", "))
		for lane := range 4 {
			bits := uint32(0) // unused lanes of a packed vector
			switch {
			case len(cs) == 1:
				bits = g.v.Bits[cs[0]]
			case lane < len(cs):
				bits = g.v.Bits[cs[lane]]
			}
			g.p("DATA %s<>+%d(SB)/4, $0x%08x", sym, 16*s+4*lane, bits)
		}
	}
	g.p("GLOBL %s<>(SB), RODATA|NOPTR, $%d\n", sym, 16*len(slots))
}

func (g *gen) show(c seq.Const) string {
	if c.IsBits() {
		return fmt.Sprintf("%#08x", g.v.Bits[c])
	}
	if c.IsInt() {
		return strconv.Itoa(int(int32(g.v.Bits[c])))
	}
	return strconv.FormatFloat(float64(math.Float32frombits(g.v.Bits[c])), 'x', -1, 32)
}

// neonFunc describes one function.
type neonFunc struct {
	name, prefix string
	dst          string // softmax, logSoftmax, argmax: the field of the output (out, preds)
	doc          string
	xent         bool   // scale and accumulators; a second loop for the fused outputs
	argmax       bool   // no exp constants: the indices in V22..V31
	second       string // xent: the field of the labels or the targets
	// body appends the loop body to t; prefix names its labels; mode
	// selects the loop: the plain one, the fused one (xent: preds, lse,
	// the z-loss, the logit scale and the row weights) or the scaled one
	// (the others: the logit scale).
	body func(g *gen, t *tracer, prefix string, mode loopMode)
}

var neonFuncs = []neonFunc{
	{
		name: "xentLabelsNEON", prefix: "labels", xent: true, second: "labels",
		doc: `xentLabelsGeneric. Per block of 4 rows: loss = log(s) - d[l] (seq.LabelLoss);
// when out != nil, the gradient g[j] = e[j]·(scale/s) (seq.Quotient,
// seq.Scaled), then g[l] = g[l] - scale in memory.
//
// A call with preds, lse, z (z != ±0), a logit scale (xscale != 1) or
// row weights runs a second loop, labels_fused, which adds: x = x·xscale
// (the columns, and x[r][l]) when xscale != 1; preds[i] = argmax10(x)
// (seq.Argmax) when preds != nil; lse = logSumExp (seq.AllNegInf,
// seq.LogSumExp), stored when lse != nil; when z != 0, zl, f = zTerms(z,
// lse) (seq.ZTerms), loss = loss + zl and q = q·f; with row weights w,
// scale·w (lane r for row r) in place of scale, and loss = loss·w.
// Since q·f needs the log before the gradient, the log comes first, with
// e[0..9] kept in registers (the loop keeps acc in memory, which frees
// V19..V22 for it). A call without them runs labels_loop, the
// instructions of the plain loss.`,
		body: (*gen).labels,
	},
	{
		name: "xentTargetsNEON", prefix: "targets", xent: true, second: "targets",
		doc: `xentTargetsGeneric. Per block of 4 rows: T = sum10(t), D = sum10(td)
// (seq.Sum10 of seq.TargetTerm), loss = log(s)·T - D (seq.TargetLoss); when
// out != nil, seq.TargetGrad with qt = (scale/s)·T: its product e[j]·qt on
// the columns, its t[j]·scale and difference on the rows after the
// transpose back, with the target rows read a second time.
//
// A call with preds, lse, z (z != ±0), a logit scale or row weights runs
// a second loop, targets_fused, which adds the logit scale, preds, lse and
// the row weights as xentLabelsNEON does (the factor of a chunk of the
// rows after the transpose back: scale·w of its rows, by VDUP and ZIP of
// the lanes) and, when z != 0, loss = loss + zl·T and qt = qt·f
// (seq.ZTerms). The log comes before the
// gradient, and e[0..9], with T and D live, do not fit in registers across
// it: the loop parks them in the block of out (columns) and reads them
// back.`,
		body: (*gen).targets,
	},
	{
		name: "softmaxNEON", prefix: "softmax", dst: "out",
		doc: `softmaxGeneric: out[j] = e[j]·(1/s) (seq.Reciprocal, seq.Scaled). out
// may be logits: a block is read whole before it is written. With xscale
// != 1, the scaled loop, softmax_xs_loop: the same on x·xscale.`,
		body: (*gen).softmax,
	},
	{
		name: "logSoftmaxNEON", prefix: "logsoftmax", dst: "out",
		doc: `logSoftmaxGeneric: out[j] = d[j] - log(s) (seq.LogSoftmax). out may be
// logits. With xscale != 1, the scaled loop, logsoftmax_xs_loop: the same
// on x·xscale.`,
		body: (*gen).logSoftmax,
	},
	{
		name: "argmaxNEON", prefix: "argmax", dst: "preds", argmax: true,
		doc: `argmaxGeneric: preds[i] = argmax10(x) of row i (seq.Argmax), for n =
// min(len(logits)/10, len(preds)) rows rounded down to a multiple of 8. Per
// block of 4 rows: the transpose, m = the FMAX tree of seq.Max10 without
// its + 0, the chain of the first maximum, stored; the chain of the first
// NaN only for a block with a NaN, stored over it. With xscale != 1, the
// scaled loop, argmax_xs_loop: the same on x·xscale.`,
		body: (*gen).argmaxLoop,
	},
}

// function returns the text of one function; it also records its counts.
func (g *gen) function(f neonFunc) (string, error) {
	pool := regRange(0, firstExpReg-1)
	switch {
	case f.xent:
		pool = regRange(0, scaleReg-1)
	case f.argmax:
		pool = regRange(0, firstIndexReg-1)
	}
	loop := func(prefix string, mode loopMode) ([]string, error) {
		pool := pool
		if mode == modeFused { // the accumulators stay in memory
			pool = append(regRange(0, scaleReg-1), regRange(accReg, accReg+3)...)
		}
		t := newTracer(constLocs(), "logConsts<>", "R10")
		if f.argmax {
			t.index = map[int]int{}
			for j := range classes {
				t.index[j] = firstIndexReg + j
			}
		}
		t.label(prefix + "_loop")
		f.body(g, t, prefix, mode)
		return t.alloc(pool)
	}
	lines, err := loop(f.prefix, modePlain)
	if err != nil {
		return "", err
	}
	g.countLoop(f, lines)
	// The second loop: the fused one of the xent functions, the scaled one
	// of the others.
	var second []string
	if f.xent {
		if second, err = loop(f.prefix+"_fused", modeFused); err != nil {
			return "", fmt.Errorf("fused loop: %v", err)
		}
		g.countFused(f, second)
	} else {
		if second, err = loop(f.prefix+"_xs", modeScaled); err != nil {
			return "", fmt.Errorf("scaled loop: %v", err)
		}
		g.countScaled(f, second)
	}

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("// func %s(%s)\n//\n// %s\n//", f.name, recordParams, f.doc)
	w("// Registers:")
	w("//\t%s a (the record)", recordReg)
	switch {
	case f.xent:
		w("//\tR0 out, the gradient (0: loss only)  R1 logits  R2 %s  R3 losses (0: none)", f.second)
		w("//\tR4 rows left  R5 acc  R10 logConsts")
		if f.second == "labels" {
			w("//\tR6..R9 l + 10·r for the labels l of rows r = 0..3 (the index of x[r][l] in the block)")
		}
		w("//\tR11 preds (0: none)  R12 lse (0: none)  R13 the bits of z  R14 bits(z)<<1 (0: no z-loss)")
		w("//\tR15 scratch (the fused loop: the address of acc[0..3] or acc[4..7])")
		w("//\t%s rowWeights (0: none; the fused loop advances it a block at a time)", rwReg)
		w("//\t%s the bits of xscale  %s bits(xscale) XOR bits(1) (0: xscale is 1, no product)", xsBits, xsFlag)
		w("//\tV%d scale (every lane)  V%d..V%d acc[0:2], acc[2:4], acc[4:6], acc[6:8] (float64)", scaleReg, accReg, accReg+3)
	case f.argmax:
		w("//\tR0 %s  R1 logits  R4 rows left", f.dst)
		w("//\t%s the bits of xscale  %s bits(xscale) XOR bits(1) (0: xscale is 1, the plain loop)", xsBits, xsFlag)
	default:
		w("//\tR0 %s  R1 logits  R4 rows left  R10 logConsts", f.dst)
		w("//\t%s the bits of xscale  %s bits(xscale) XOR bits(1) (0: xscale is 1, the plain loop)", xsBits, xsFlag)
	}
	if f.argmax {
		w("//\tV%d..V%d Index(0..9) of seq.Argmax: int32 j in every lane of V%d+j", firstIndexReg, firstIndexReg+classes-1, firstIndexReg)
	} else {
		var names []string
		for i, c := range expVectors {
			names = append(names, fmt.Sprintf("V%d %s", firstExpReg+i, c.Name()))
		}
		var packed []string
		for _, c := range expPacked {
			packed = append(packed, c.Name())
		}
		w("//\t%s", strings.Join(names, ", "))
		w("//\tV%d {%s}, read by element (FMUL Vd, Vn, Vm.S[i])", firstExpReg+len(expVectors), strings.Join(packed, ", "))
	}
	if f.xent {
		w("//\tV%d..V%d (and V%d..V%d in the fused loop, which keeps acc in memory) allocated by the", pool[0], pool[len(pool)-1], accReg, accReg+3)
		w("//\tgenerator; the comments name the registers of the values.")
	} else {
		w("//\tV%d..V%d allocated by the generator; the comments name the registers of the values.", pool[0], pool[len(pool)-1])
	}
	w("%s", text(f.name))
	w("%s", loadRecord())
	if f.xent {
		w("\tMOVD\t%s, R0", field("out"))
		w("\tMOVD\t%s, R1", field("logits"))
		w("\tMOVD\t%s, R2", field(f.second))
		w("\tMOVD\t%s, R3", field("losses"))
		w("\tMOVD\t%s, R5", field("acc"))
		w("\tMOVD\t%s, R11", field("preds"))
		w("\tMOVD\t%s, R12", field("lse"))
		w("\tMOVWU\t%s, R13", field("z"))
		w("\tLSLW\t$1, R13, R14 // bits(z) without the sign: 0 for z = ±0, which asks for no z-loss")
	} else {
		w("\tMOVD\t%s, R0", field(f.dst))
		w("\tMOVD\t%s, R1", field("logits"))
	}
	if f.argmax {
		w("\t// n = min(len(logits)/%d, len(preds)) rows, rounded down to a multiple of %d.", classes, stepRows)
	} else {
		w("\t// n = len(logits)/%d rows, rounded down to a multiple of %d.", classes, stepRows)
	}
	w("\tMOVD\t%s, R4", fieldLen("logits"))
	w("\tMOVD\t$%d, R7", classes)
	w("\tUDIV\tR7, R4, R4")
	if f.argmax {
		w("\tMOVD\t%s, R7", fieldLen(f.dst))
		w("\tCMP\tR7, R4")
		w("\tCSEL\tLO, R4, R7, R4")
	}
	if f.xent {
		w("\t// At most len(rowWeights) rows when rowWeights is not nil.")
		w("\tMOVD\t%s, %s", field("rowWeights"), rwReg)
		w("\tCBZ\t%s, %s_rw", rwReg, f.prefix)
		w("\tMOVD\t%s, R7", fieldLen("rowWeights"))
		w("\tCMP\tR7, R4")
		w("\tCSEL\tLO, R4, R7, R4")
		w("%s_rw:", f.prefix)
	}
	w("\tAND\t$~%d, R4", stepRows-1)
	w("\tCBZ\tR4, %s_done", f.prefix)
	if f.xent {
		w("\tFMOVS\t%s, F%d", field("scale"), scaleReg)
		w("\tVDUP\tV%d.S[0], V%[1]d.S4", scaleReg)
	}
	if f.argmax {
		w("\t// Index(j) = int32 j in every lane of V%d+j (MOVI .4S).", firstIndexReg)
		for j := range classes {
			m := movi4s(firstIndexReg+j, j)
			w("\tWORD\t$0x%08x\t// %s", m.bits, m.gnu)
		}
	} else {
		w("\tMOVD\t$expConsts<>(SB), R7")
		for r := firstExpReg; r <= firstExpReg+len(expVectors); r += 4 {
			var regs []string
			for i := r; i < r+4 && i <= firstExpReg+len(expVectors); i++ {
				regs = append(regs, fmt.Sprintf("V%d.S4", i))
			}
			if r+4 <= firstExpReg+len(expVectors) {
				w("\tVLD1.P\t%d(R7), [%s]", 16*len(regs), strings.Join(regs, ", "))
			} else {
				w("\tVLD1\t(R7), [%s]", strings.Join(regs, ", "))
			}
		}
		w("\tMOVD\t$logConsts<>(SB), R10")
	}
	acc := fmt.Sprintf("[V%d.D2, V%d.D2, V%d.D2, V%d.D2]", accReg, accReg+1, accReg+2, accReg+3)
	w("\tMOVWU\t%s, %s", field("xscale"), xsBits)
	w("\tEORW\t$0x%08x, %s, %s // 0 for xscale = 1, which asks for no product", oneBits, xsBits, xsFlag)
	if f.xent {
		w("\t// preds, lse, a z-loss, a logit scale or row weights: the fused loop, after RET.")
		w("\tORR\tR11, R12, R15")
		w("\tORR\tR14, R15, R15")
		w("\tORR\t%s, R15, R15", rwReg)
		w("\tORR\t%s, R15, R15", xsFlag)
		w("\tCBNZ\tR15, %s_fused_loop", f.prefix)
		w("\tVLD1\t(R5), %s", acc)
	} else {
		w("\t// A logit scale: the scaled loop, after RET.")
		w("\tCBNZ\t%s, %s_xs_loop", xsFlag, f.prefix)
	}
	w("")
	for _, l := range lines {
		w("%s", l)
	}
	if f.xent {
		w("")
		w("\tVST1\t%s, (R5)", acc)
	}
	w("")
	w("%s_done:", f.prefix)
	w("\tRET\n")
	if f.xent {
		w("\t// The fused loop: the loop above with preds, lse, the z-loss, the logit scale and")
		w("\t// the row weights, each tested per block; acc stays in memory, which frees V%d..V%d.", accReg, accReg+3)
	} else {
		w("\t// The scaled loop: the loop above on the logits times xscale.")
	}
	for _, l := range second {
		w("%s", l)
	}
	w("\tRET\n")
	return b.String(), nil
}

// loadBlock loads the 4 rows at base and returns the columns x[0..9].
func (g *gen) loadBlock(t *tracer, base string) [classes]*val {
	t.comment("Load rows 0-3: rows 0-1 in P00..P04, rows 2-3 in P10..P14 (40 bytes a row).")
	var p [2 * 5]*val // p[k] = P0k, p[5+k] = P1k: the 16-byte chunks of the block
	for i := 0; i < 5; i++ {
		d := t.emit(2, func(d, _ []int) string {
			return fmt.Sprintf("\tFLDPQ\t%d(%s), (F%d, F%d)", 32*i, base, d[0], d[1])
		})
		p[2*i], p[2*i+1] = d[0], d[1]
	}
	t.comment("Transpose, step 1 (ZIP .2D of P0k, P1k): gather the 64-bit halves of rows 0,2 and 1,3.")
	var z1, z2 [5]*val
	for k := 0; k < 5; k++ {
		z1[k] = g.perm(t, "VZIP1", "D2", p[k], p[5+k])
		z2[k] = g.perm(t, "VZIP2", "D2", p[k], p[5+k])
	}
	t.comment("Transpose, step 2 (TRN .4S): column j of rows 0-3 in one register.")
	var x [classes]*val
	for j, pr := range transposePairs(z1, z2) {
		x[2*j] = g.perm(t, "VTRN1", "S4", pr[0], pr[1])
		x[2*j+1] = g.perm(t, "VTRN2", "S4", pr[0], pr[1])
	}
	t.note("x[j] of rows 0-3, j = 0..9: %v %v %v %v %v %v %v %v %v %v", x[:]...)
	return x
}

// transposePairs returns, for the column pairs (0,1), (2,3), ..., (8,9),
// the two half-row registers their TRN reads: row 0's pair of columns is
// in the low 64 bits of z1 or z2 of one chunk, row 1's in another.
func transposePairs(z1, z2 [5]*val) [5][2]*val {
	return [5][2]*val{{z1[0], z2[2]}, {z2[0], z1[3]}, {z1[1], z2[3]}, {z2[1], z1[4]}, {z1[2], z2[4]}}
}

// perm emits a permute "OP Vb, Va, Vd" (Vd = op(Va, Vb) in GNU order).
func (g *gen) perm(t *tracer, op, arr string, a, b *val) *val {
	return t.native(op, arr, a, b)
}

// toRows transposes the columns back: it returns the ten 16-byte chunks
// of the block, in memory order.
func (g *gen) toRows(t *tracer, c [classes]*val) [2 * 5]*val {
	t.comment("Transpose back, step 1 (TRN .4S of column pairs).")
	var z1, z2 [5]*val
	set := [5][2]**val{{&z1[0], &z2[2]}, {&z2[0], &z1[3]}, {&z1[1], &z2[3]}, {&z2[1], &z1[4]}, {&z1[2], &z2[4]}}
	for j := range set {
		*set[j][0] = g.perm(t, "VTRN1", "S4", c[2*j], c[2*j+1])
		*set[j][1] = g.perm(t, "VTRN2", "S4", c[2*j], c[2*j+1])
	}
	t.comment("Transpose back, step 2 (ZIP .2D): rows 0-1 in P00..P04, rows 2-3 in P10..P14.")
	var p [2 * 5]*val
	for k := 0; k < 5; k++ {
		p[k] = g.perm(t, "VZIP1", "D2", z1[k], z2[k])
		p[5+k] = g.perm(t, "VZIP2", "D2", z1[k], z2[k])
	}
	return p
}

// storePair stores chunks 2i and 2i+1 of a block at base.
func (g *gen) storePair(t *tracer, base string, i int, a, b *val) {
	t.emit(0, func(_, u []int) string {
		return fmt.Sprintf("\tFSTPQ\t(F%d, F%d), %d(%s)", u[0], u[1], 32*i, base)
	}, t.vec(a), t.vec(b))
}

func (g *gen) storeBlock(t *tracer, base string, c [classes]*val) {
	p := g.toRows(t, c)
	t.comment("Store rows 0-3.")
	for i := 0; i < 5; i++ {
		g.storePair(t, base, i, p[2*i], p[2*i+1])
	}
}

// shift is the start of every row operation (expRow): m = max10(x) and
// d[j] = x[j] - m; before runs between the two.
func (g *gen) shift(t *tracer, x [classes]*val, before func(m *val)) (d [classes]*val) {
	t.comment("m = max10(x) + 0 (seq.Max10): a tree of FMAX, then + 0 turns -0 into +0.")
	m := seq.Max10[*val](t, &x)
	if before != nil {
		before(m)
	}
	t.comment("d[j] = x[j] - m.")
	for j := range x {
		d[j] = t.Sub(x[j], m)
	}
	return d
}

// xs returns xscale in every lane (VDUP from R21).
func (g *gen) xs(t *tracer) *val {
	return t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tVDUP\t%s, V%d.S4", xsBits, d[0]) })[0]
}

// scaleX returns the columns x multiplied by the logit scale, x[j]·xs,
// one rounded product each (FMUL; xs from xs): never in the plain loop,
// always in the scaled one, and in the fused one under a branch on R22,
// each product in the register of its x[j].
func (g *gen) scaleX(t *tracer, prefix string, x [classes]*val, mode loopMode) [classes]*val {
	if mode == modePlain {
		return x
	}
	if mode == modeFused {
		t.branch("CBZ\t%s, %s_noxs", xsFlag, prefix)
	}
	t.comment("x[j] = x[j]·xscale: every logit times the logit scale (FMUL, one rounding).")
	xs := g.xs(t)
	for j := range x {
		v := t.Mul(x[j], xs)
		if mode == modeFused {
			v = t.overwrite(v, x[j])
		}
		x[j] = v
	}
	if mode == modeFused {
		t.label(prefix + "_noxs")
	}
	return x
}

// rowScale returns the gradient's factor of the rows of the block: scale
// (V18) in the plain loop; in the fused loop a copy of it, times the
// block's row weights (seq's sc = scale·w, FMUL) when R19 is not 0.
func (g *gen) rowScale(t *tracer, prefix string, mode loopMode) *val {
	scale := t.pin(scaleReg)
	if mode != modeFused {
		return scale
	}
	t.comment("sc = scale, or scale·w with the row weights w of the block (rowWeights != nil).")
	sc := t.emit(1, func(d, u []int) string { return fmt.Sprintf("\tVORR\tV%d.B16, V%[1]d.B16, V%d.B16", u[0], d[0]) }, scale)[0]
	t.branch("CBZ\t%s, %s_nosc", rwReg, prefix)
	w := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVQ\t(%s), F%d", rwReg, d[0]) })[0]
	sc = t.overwrite(t.Mul(sc, w), sc)
	t.label(prefix + "_nosc")
	return sc
}

// weightLoss returns loss·w, the losses of the block times their row
// weights, in the register of loss, when R19 is not 0 (the fused loop
// only), and advances R19 to the next block.
func (g *gen) weightLoss(t *tracer, prefix string, loss *val, mode loopMode) *val {
	if mode != modeFused {
		return loss
	}
	t.branch("CBZ\t%s, %s_now", rwReg, prefix)
	t.comment("loss = loss·w, the row weights w of the block (rowWeights != nil).")
	w := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tVLD1.P\t16(%s), [V%d.S4]", rwReg, d[0]) })[0]
	loss = t.overwrite(t.Mul(loss, w), loss)
	t.label(prefix + "_now")
	return loss
}

// expSum returns e[j] = exp(d[j]) (seq.Exp) and s = sum10(e) (seq.Sum10);
// each e[j] is computed where the sum first reads it, so that only the
// partial sums and the e[j] still needed are live.
func (g *gen) expSum(t *tracer, d [classes]*val) (e [classes]*val, s *val) {
	t.comment("s = sum10(e) (seq.Sum10), each e[j] = exp(d[j]) (seq.Exp) computed where the sum first reads it:")
	t.comment("  z = d·log2e + magic; n = z - magic; 2^n = bits(z)<<23 + oneBits (SHL, ADD .4S)")
	t.comment("  r = d - n·ln2hi; r = r - n·ln2lo; q = r·Q4 + Q3, then q = q·r + Q2, Q1, Q0 (FMUL, then FADD)")
	t.comment("  r2 = r·r; p = r2·q + r; p = p + 1; e = p·2^n; e = +0 where d < cutoff (FCMGT, BIC).")
	for j := range e {
		e[j] = t.lazy(func() *val {
			t.note(fmt.Sprintf("e[%d] = exp(d[%[1]d]) (seq.Exp), d[%[1]d] in %%v", j), d[j])
			return seq.Exp[*val](t, d[j:j+1], g.v.MantBits)[0]
		})
	}
	s = seq.Sum10[*val](t, &e)
	t.note("s in %v", s)
	return e, s
}

// log returns log32(s) (seq.Log).
func (g *gen) log(t *tracer, s *val) *val {
	t.comment("log(s) (seq.Log): kb = bits(s)>>23, f = s·2^-(kb-126), k = kb - 126, moved to f in [√½, √2);")
	t.comment("u = f - 1, z = u·u, q = P0..P8 by Horner, log = u + (q·u·z + k·ln2lo - z/2) + k·ln2hi.")
	ls := seq.Log[*val](t, []*val{s}, g.v.MantBits)[0]
	t.note("log(s) in %v", ls)
	return ls
}

// finish stores the losses and adds them to the accumulators in float64.
func (g *gen) finish(t *tracer, prefix string, loss *val, mode loopMode) {
	t.branch("CBZ\tR3, %s_nolosses", prefix)
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tVST1.P\t[V%d.S4], 16(R3)", u[0]) }, t.vec(loss))
	t.label(prefix + "_nolosses")
	t.comment("acc[i%%8] += float64(loss[i]) (FCVTL, FCVTL2, FADD .2D): rows 0-3 of an 8-row step go to")
	t.comment("acc[0..3], rows 4-7 (bit 2 of the rows left is set) to acc[4..7].")
	lo := t.two(fcvtl2d, loss)
	hi := t.two(fcvtl22d, loss)
	if mode == modeFused {
		t.comment("The fused loop keeps acc in memory: acc[0..3] or, for rows 4-7, acc[4..7] at 32(R5).")
		t.raw("\tAND\t$4, R4, R15")
		t.raw("\tADD\tR15<<3, R5, R15")
		a := t.emit(2, func(d, _ []int) string { return fmt.Sprintf("\tFLDPQ\t(R15), (F%d, F%d)", d[0], d[1]) })
		b0 := t.emitWord(func(d, u []int) word { return fadd2d.enc(d[0], u[0], u[1]) }, a[0], lo)
		b1 := t.emitWord(func(d, u []int) word { return fadd2d.enc(d[0], u[0], u[1]) }, a[1], hi)
		t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFSTPQ\t(F%d, F%d), (R15)", u[0], u[1]) }, b0, b1)
		return
	}
	add := func(r int, v *val) {
		t.emit(0, func(_, u []int) string {
			w := fadd2d.enc(u[0], u[0], u[1])
			return fmt.Sprintf("\tWORD\t$0x%08x\t// %s", w.bits, w.gnu)
		}, t.pin(r), v)
	}
	t.branch("TBNZ\t$2, R4, %s_odd", prefix)
	add(accReg, lo)
	add(accReg+1, hi)
	t.branch("B\t%s_next", prefix)
	t.label(prefix + "_odd")
	add(accReg+2, lo)
	add(accReg+3, hi)
	t.label(prefix + "_next")
}

func (g *gen) labels(t *tracer, prefix string, mode loopMode) {
	fused := mode == modeFused
	x := g.scaleX(t, prefix, g.loadBlock(t, "R1"), mode)
	var dl, all, m *val
	d := g.shift(t, x, func(mx *val) {
		m = mx
		if fused {
			all = g.fusedBefore(t, prefix, x, m)
		}
		t.comment("xl = x[r][l] for the labels l of rows r = 0..3, read before the gradient may overwrite x;")
		t.comment("d[l] = xl - m.")
		t.raw("\tLDPW\t(R2), (R6, R7)")
		t.raw("\tLDPW\t8(R2), (R8, R9)")
		for r := 1; r < blockRows; r++ {
			t.raw("\tADD\t$%d, R%d", r*classes, 6+r)
		}
		xl := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVS\t(R1)(R6<<2), F%d", d[0]) })[0]
		for r := 1; r < blockRows; r++ {
			b := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVS\t(R1)(R%d<<2), F%d", 6+r, d[0]) })[0]
			xl = t.emitTied(0, func(d, u []int) string { return fmt.Sprintf("\tVMOV\tV%d.S[0], V%d.S[%d]", u[1], d[0], r) }, xl, b)
		}
		if fused {
			t.branch("CBZ\t%s, %s_noxsl", xsFlag, prefix)
			t.comment("xl = xl·xscale.")
			xl = t.overwrite(t.Mul(xl, g.xs(t)), xl)
			t.label(prefix + "_noxsl")
		}
		dl = t.Sub(xl, m)
	})
	e, s := g.expSum(t, d)
	var loss, f *val
	if fused {
		ls := g.log(t, s)
		t.comment("loss = log(s) - d[l] (seq.LabelLoss).")
		loss = seq.LabelLoss[*val](t, ls, dl)
		loss, f = g.lseZ(t, prefix, all, m, ls, loss, nil)
		t.branch("CBZ\tR0, %s_nograd", prefix) // e[0..9] stayed in registers across the log
	} else {
		t.branch("CBZ\tR0, %s_nograd", prefix)
	}
	sc := g.rowScale(t, prefix, mode)
	t.comment("q = scale / s (seq.Quotient); g[j] = e[j]·q (seq.Scaled).")
	q := seq.Quotient[*val](t, sc, s)
	if fused {
		q = g.zFactor(t, prefix, q, f, "q")
	}
	var gr [classes]*val
	for j := range gr {
		gr[j] = seq.Scaled[*val](t, e[j], q)
	}
	g.storeBlock(t, "R0", gr)
	if fused {
		t.comment("g[l] = g[l] - scale, row by row in memory (FMOVS, FSUBS, FMOVS), scale lane r of sc")
		t.comment("for row r (VDUP).")
	} else {
		t.comment("g[l] = g[l] - scale, row by row in memory (FMOVS, FSUBS, FMOVS).")
	}
	var a, b [blockRows]*val
	for r := range a {
		a[r] = t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tFMOVS\t(R0)(R%d<<2), F%d", 6+r, d[0]) })[0]
	}
	for r := range a {
		scr := sc
		if fused && r > 0 {
			scr = t.emit(1, func(d, u []int) string { return fmt.Sprintf("\tVDUP\tV%d.S[%d], V%d.S4", u[0], r, d[0]) }, sc)[0]
		}
		b[r] = t.emit(1, func(d, u []int) string { return fmt.Sprintf("\tFSUBS\tF%d, F%d, F%d", u[1], u[0], d[0]) }, a[r], scr)[0]
	}
	for r := range b {
		t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFMOVS\tF%d, (R0)(R%d<<2)", u[0], 6+r) }, b[r])
	}
	t.raw("\tADD\t$%d, R0", blockBytes)
	t.label(prefix + "_nograd")
	if !fused {
		ls := g.log(t, s)
		t.comment("loss = log(s) - d[l] (seq.LabelLoss).")
		loss = seq.LabelLoss[*val](t, ls, dl)
	}
	g.finish(t, prefix, g.weightLoss(t, prefix, loss, mode), mode)
	t.raw("\tADD\t$%d, R1", blockBytes)
	t.raw("\tADD\t$%d, R2", 4*blockRows)
	t.raw("\tSUBS\t$%d, R4", blockRows)
	t.raw("\tBNE\t%s_loop", prefix)
}

// The fused outputs, in the fused loops of the xent functions (prefix
// names the labels of the loop).

// fusedBefore computes what the fused loop needs from the columns x and
// m = max10(x) before d[j] = x[j] - m replaces them: the predictions, stored
// at R11 when it is not 0 (seq.Argmax), and the mask all of a row of only
// -Inf (seq.AllNegInf), returned for seq.LogSumExp.
func (g *gen) fusedBefore(t *tracer, prefix string, x [classes]*val, m *val) (all *val) {
	t.branch("CBZ\tR11, %s_nopreds", prefix)
	t.comment("preds[i] = argmax10(x) of rows i = 0..3 (seq.Argmax, with m = max10(x)):")
	g.argmax(t, prefix, x, m, "R11")
	t.label(prefix + "_nopreds")
	t.comment("all = (m == -Inf) AND (sum10(x) == -Inf), a row of only -Inf (seq.AllNegInf: FADD tree, FCMEQ, AND).")
	return seq.AllNegInf[*val](t, x[:], m)
}

// park stores e[0..9], as columns, in the grad block (when R0 is not 0):
// the z-loss factor needs the log before the gradient, and ten columns
// live across the log would not leave it registers. The block is written
// with the gradient later; x has been read whole (out may be logits).
func (g *gen) park(t *tracer, prefix string, e [classes]*val) {
	t.branch("CBZ\tR0, %s_nopark", prefix)
	t.comment("Park e[0..9] (columns) in the grad block while the log is computed.")
	for i := 0; i < 5; i++ {
		g.storePair(t, "R0", i, e[2*i], e[2*i+1])
	}
	t.label(prefix + "_nopark")
}

// unpark opens the gradient part (when R0 is not 0) and reads back the
// columns e[0..9] that park stored.
func (g *gen) unpark(t *tracer, prefix string) (e [classes]*val) {
	t.branch("CBZ\tR0, %s_nograd", prefix)
	t.comment("e[0..9] (columns) back from the grad block.")
	for i := 0; i < 5; i++ {
		d := t.emit(2, func(d, _ []int) string {
			return fmt.Sprintf("\tFLDPQ\t%d(R0), (F%d, F%d)", 32*i, d[0], d[1])
		})
		e[2*i], e[2*i+1] = d[0], d[1]
	}
	return e
}

// lseZ computes lse = logSumExp(x, m, ls) (seq.LogSumExp, from the mask
// all of seq.AllNegInf), stores it at R12 when it is not 0, and, when z !=
// 0 (R14 is not 0), the z-loss terms zl, f = zTerms(z, lse) (seq.ZTerms):
// it returns loss + zl (labels: w nil) or loss + zl·w (targets: w = T),
// in the register of loss, and f for zFactor. (f is computed under the
// branch on R14 and read under the same test later: the path that skips
// one skips the other.)
func (g *gen) lseZ(t *tracer, prefix string, all, m, ls, loss, w *val) (*val, *val) {
	t.comment("lse = m + log(s), or m (-Inf) where all is set (seq.LogSumExp: FADD, BSL/BIT).")
	lse := seq.LogSumExp[*val](t, all, m, ls)
	t.branch("CBZ\tR12, %s_nolse", prefix)
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tVST1.P\t[V%d.S4], 16(R12)", u[0]) }, t.vec(lse))
	t.label(prefix + "_nolse")
	t.branch("CBZ\tR14, %s_noz", prefix)
	if w == nil {
		t.comment("z-loss (seq.ZTerms): c = z·lse, zl = c·lse, f = 1 + (c + c); loss = loss + zl.")
	} else {
		t.comment("z-loss (seq.ZTerms): c = z·lse, zl = c·lse, f = 1 + (c + c); loss = loss + zl·T.")
	}
	z := t.emit(1, func(d, _ []int) string { return fmt.Sprintf("\tVDUP\tR13, V%d.S4", d[0]) })[0]
	zl, f := seq.ZTerms[*val](t, z, lse)
	if w != nil {
		zl = t.Mul(zl, w)
	}
	loss = t.overwrite(t.Add(loss, zl), loss)
	t.label(prefix + "_noz")
	return loss, f
}

// zFactor returns q·f (q = q·f of xentLabelsRow, qt = qt·f of
// xentTargetsRow) when z != 0, in the register of q: the code after reads
// q or q·f from the same register.
func (g *gen) zFactor(t *tracer, prefix string, q, f *val, name string) *val {
	t.branch("CBZ\tR14, %s_noz%s", prefix, name)
	t.comment("%s = %[1]s·f (the z-loss factor of seq.ZTerms).", name)
	q = t.overwrite(t.Mul(q, f), q)
	t.label(prefix + "_noz" + name)
	return q
}

// argmax stores seq.Argmax(x, m), the predictions of the block's rows as
// int32 lanes, at base (post-incremented by 16). The sequence is two chains
// of Select from j = 9 down to 0: Index(j) where x[j] == m (FCMEQ; BSL or
// BIT), then Index(j) where x[j] is NaN (FCMEQ x[j], x[j]; BIF). The second
// runs only for a block with a NaN, and its result is stored over the first:
// m comes from seq.Max10, whose Max is FMAX here, NaN when an operand is
// NaN, so a lane of m is NaN exactly for a row with a NaN (FMAXV of m is
// then NaN: FCMPS, BVC); in a block without one, every Select of the second
// chain keeps p.
func (g *gen) argmax(t *tracer, prefix string, x [classes]*val, m *val, base string) {
	so := &symOps{}
	var leaves [classes]*sym
	for j := range leaves {
		leaves[j] = so.leaf(j)
	}
	lm := so.leaf(classes)
	root := seq.Argmax[*sym](so, leaves[:], lm)
	first, err := splitBefore(root, "IsNaN")
	if err != nil {
		panic("seq.Argmax: " + err.Error())
	}
	memo := map[*sym]*val{lm: m}
	for j := range leaves {
		memo[leaves[j]] = x[j]
	}
	mx := t.emitWord(func(d, u []int) word { return fmaxv4s.enc(d[0], u[0]) }, t.vec(m))
	t.comment("p = the first j with x[j] == m (seq.Argmax, its first chain), stored.")
	// The nodes in the order seq.Argmax made them: each mask is read by
	// its Select right after it is computed.
	for _, n := range so.nodes {
		if n.op != "leaf" && n.id <= first.id {
			replay[*val](t, n, memo)
		}
	}
	p := memo[first]
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tVST1.P\t[V%d.S4], 16(%s)", u[0], base) }, t.vec(p))
	t.comment("A block with a NaN (FMAXV of m is NaN): p = the first j where x[j] is NaN instead")
	t.comment("(seq.Argmax, its second chain), stored over the first.")
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFCMPS\tF%d, F%d", u[0], u[0]) }, mx)
	t.branch("BVC\t%s_nonan", prefix)
	for _, n := range so.nodes {
		if n.id > first.id {
			replay[*val](t, n, memo)
		}
	}
	p = memo[root]
	t.emit(0, func(_, u []int) string { return fmt.Sprintf("\tFMOVQ\tF%d, -16(%s)", u[0], base) }, t.vec(p))
	t.label(prefix + "_nonan")
}

// argmaxLoop is the loop body of argmaxNEON.
func (g *gen) argmaxLoop(t *tracer, prefix string, mode loopMode) {
	x := g.scaleX(t, prefix, g.loadBlock(t, "R1"), mode)
	t.comment("m = max10(x) without its + 0 (seq.MaxTree10, the FMAX tree): seq.Argmax compares with ==, for")
	t.comment("which -0 == +0.")
	m := seq.MaxTree10[*val](t, &x)
	g.argmax(t, prefix, x, m, "R0")
	t.raw("\tADD\t$%d, R1", blockBytes)
	t.raw("\tSUBS\t$%d, R4", blockRows)
	t.raw("\tBNE\t%s_loop", prefix)
}

// emitTied appends an instruction whose result overwrites uses[k].
func (t *tracer) emitTied(k int, format func(d, u []int) string, uses ...*val) *val {
	d := t.emit(1, format, uses...)
	t.insts[len(t.insts)-1].tie = k
	return d[0]
}

// targetColumns returns the columns t[0..9] of the target rows at R2, each
// read where it is first used, in groups: 0-3 and 4-7 by a 4x4 transpose of
// LDR Q, 8-9 from LDR D of each row.
func (g *gen) targetColumns(t *tracer) [classes]*val {
	var cols [classes]*val
	var loaded [classes]*val
	group := func(j int) {
		lo := j &^ 3
		if lo < 8 {
			t.comment("t[%d..%d] of rows 0-3: rows (LDR Q), 4x4 transpose (TRN .4S, ZIP .2D).", lo, lo+3)
			var r [blockRows]*val
			for i := range r {
				r[i] = t.emit(1, func(d, _ []int) string {
					return fmt.Sprintf("\tFMOVQ\t%d(R2), F%d", i*rowBytes+4*lo, d[0])
				})[0]
			}
			a1 := g.perm(t, "VTRN1", "S4", r[0], r[1])
			a2 := g.perm(t, "VTRN2", "S4", r[0], r[1])
			b1 := g.perm(t, "VTRN1", "S4", r[2], r[3])
			b2 := g.perm(t, "VTRN2", "S4", r[2], r[3])
			loaded[lo] = g.perm(t, "VZIP1", "D2", a1, b1)
			loaded[lo+2] = g.perm(t, "VZIP2", "D2", a1, b1)
			loaded[lo+1] = g.perm(t, "VZIP1", "D2", a2, b2)
			loaded[lo+3] = g.perm(t, "VZIP2", "D2", a2, b2)
			return
		}
		t.comment("t[8], t[9] of rows 0-3: LDR D of each row, ZIP1 .2D, TRN .4S.")
		var r [blockRows]*val
		for i := range r {
			r[i] = t.emit(1, func(d, _ []int) string {
				return fmt.Sprintf("\tFMOVD\t%d(R2), F%d", i*rowBytes+4*8, d[0])
			})[0]
		}
		a := g.perm(t, "VZIP1", "D2", r[0], r[2])
		b := g.perm(t, "VZIP1", "D2", r[1], r[3])
		loaded[8] = g.perm(t, "VTRN1", "S4", a, b)
		loaded[9] = g.perm(t, "VTRN2", "S4", a, b)
	}
	for j := range cols {
		cols[j] = t.lazy(func() *val {
			if loaded[j] == nil {
				group(j)
			}
			return loaded[j]
		})
	}
	return cols
}

// Leaves of the symbolic seq.TargetGrad.
const (
	leafE = iota
	leafQT
	leafT
	leafScale
)

func (g *gen) targets(t *tracer, prefix string, mode loopMode) {
	fused := mode == modeFused
	x := g.scaleX(t, prefix, g.loadBlock(t, "R1"), mode)
	var all, m *val
	d := g.shift(t, x, func(mx *val) {
		m = mx
		if fused {
			all = g.fusedBefore(t, prefix, x, m)
		}
	})

	// T = sum10(t) and D = sum10(td) with td[j] = seq.TargetTerm(t[j], d[j]),
	// replayed in lockstep so that a group of target columns dies before the
	// next is read.
	t.comment("T = sum10(t) and D = sum10(td), td[j] = t[j]·d[j] or +0 where t[j] == 0 (seq.Sum10,")
	t.comment("seq.TargetTerm: FCMEQ #0, FMUL, BIC), the two sums in lockstep.")
	tc := g.targetColumns(t)
	var td [classes]*val
	for j := range td {
		td[j] = t.lazy(func() *val { return seq.TargetTerm[*val](t, tc[j], d[j]) })
	}
	so := &symOps{}
	var leaves [classes]*sym
	for j := range leaves {
		leaves[j] = so.leaf(j)
	}
	root := seq.Sum10[*sym](so, &leaves)
	memoT, memoD := map[*sym]*val{}, map[*sym]*val{}
	for j := range leaves {
		memoT[leaves[j]], memoD[leaves[j]] = tc[j], td[j]
	}
	for _, n := range so.nodes {
		if n.op == "leaf" {
			continue
		}
		replay[*val](t, n, memoT)
		replay[*val](t, n, memoD)
	}
	T, D := memoT[root], memoD[root]
	t.note("T in %v, D in %v", T, D)

	e, s := g.expSum(t, d)
	var loss, f *val
	if fused {
		g.park(t, prefix, e) // with T and D live, e[0..9] and the log do not fit in registers
		ls := g.log(t, s)
		t.comment("loss = log(s)·T - D (seq.TargetLoss).")
		loss = seq.TargetLoss[*val](t, ls, T, D)
		loss, f = g.lseZ(t, prefix, all, m, ls, loss, T)
		e = g.unpark(t, prefix)
	} else {
		t.branch("CBZ\tR0, %s_nograd", prefix)
	}
	scale := g.rowScale(t, prefix, mode)
	t.comment("q = scale / s (seq.Quotient); qt = q·T (seq.Scaled).")
	qt := seq.Scaled[*val](t, seq.Quotient[*val](t, scale, s), T)
	if fused {
		qt = g.zFactor(t, prefix, qt, f, "qt")
	}

	// seq.TargetGrad, split at the transpose: the part that reads only
	// e[j] and qt on the columns, the rest on the rows.
	gs := &symOps{}
	lE, lQT, lT, lS := gs.leaf(leafE), gs.leaf(leafQT), gs.leaf(leafT), gs.leaf(leafScale)
	groot := seq.TargetGrad[*sym](gs, lE, lQT, lT, lS)
	split, err := splitAt(groot, map[int]bool{leafT: true}, map[int]bool{leafE: true, leafQT: true})
	if err != nil {
		panic("seq.TargetGrad: " + err.Error())
	}
	t.comment("g[j] = e[j]·qt - t[j]·scale (seq.TargetGrad): its column part (e[j]·qt) on the columns,")
	var col [classes]*val
	for j := range col {
		col[j] = replay[*val](t, split, map[*sym]*val{lE: e[j], lQT: qt, lS: scale})
	}
	rows := g.toRows(t, col)
	t.comment("then the rest on the rows, t read again 32 bytes at a time; store rows 0-3.")
	chunkScale := g.chunkScale(t, scale, mode)
	for i := 0; i < 5; i++ {
		tr := t.emit(2, func(d, _ []int) string {
			return fmt.Sprintf("\tFLDPQ\t%d(R2), (F%d, F%d)", 32*i, d[0], d[1])
		})
		var gr [2]*val
		for k := range gr {
			gr[k] = replay[*val](t, groot, map[*sym]*val{split: rows[2*i+k], lT: tr[k], lS: chunkScale(2*i + k)})
		}
		g.storePair(t, "R0", i, gr[0], gr[1])
	}
	t.raw("\tADD\t$%d, R0", blockBytes)
	t.label(prefix + "_nograd")
	if !fused {
		ls := g.log(t, s)
		t.comment("loss = log(s)·T - D (seq.TargetLoss).")
		loss = seq.TargetLoss[*val](t, ls, T, D)
	}
	g.finish(t, prefix, g.weightLoss(t, prefix, loss, mode), mode)
	t.raw("\tADD\t$%d, R1", blockBytes)
	t.raw("\tADD\t$%d, R2", blockBytes)
	t.raw("\tSUBS\t$%d, R4", blockRows)
	t.raw("\tBNE\t%s_loop", prefix)
}

// chunkScale returns, for the 16-byte chunk k (memory order) of a block
// of rows, the gradient's factors of the rows of its lanes: sc itself
// outside the fused loop (every lane is scale); in the fused loop, where
// the lanes of sc may differ (row weights), lane r of sc for a chunk of
// row r alone (VDUP), and (sc0, sc0, sc1, sc1) or (sc2, sc2, sc3, sc3) for
// chunk 2 or 7, which rows 0 and 1, or 2 and 3, share (ZIP1, ZIP2 .4S).
// Each is made where it is first used.
func (g *gen) chunkScale(t *tracer, sc *val, mode loopMode) func(k int) *val {
	made := map[int]*val{}
	return func(k int) *val {
		if mode != modeFused {
			return sc
		}
		key := k * 4 / classes // the row of the chunk's first lane
		if k == 2 || k == 7 {
			key = -k
		}
		if v, ok := made[key]; ok {
			return v
		}
		var v *val
		switch k {
		case 2:
			v = g.perm(t, "VZIP1", "S4", sc, sc)
		case 7:
			v = g.perm(t, "VZIP2", "S4", sc, sc)
		default:
			v = t.emit(1, func(d, u []int) string { return fmt.Sprintf("\tVDUP\tV%d.S[%d], V%d.S4", u[0], key, d[0]) }, sc)[0]
		}
		made[key] = v
		return v
	}
}

func (g *gen) softmax(t *tracer, prefix string, mode loopMode) {
	x := g.scaleX(t, prefix, g.loadBlock(t, "R1"), mode)
	d := g.shift(t, x, nil)
	e, s := g.expSum(t, d)
	t.comment("y[j] = e[j]·(1/s) (seq.Reciprocal, seq.Scaled).")
	r := seq.Reciprocal[*val](t, s)
	var y [classes]*val
	for j := range y {
		y[j] = seq.Scaled[*val](t, e[j], r)
	}
	g.storeBlock(t, "R0", y)
	g.next(t, prefix)
}

func (g *gen) logSoftmax(t *tracer, prefix string, mode loopMode) {
	x := g.scaleX(t, prefix, g.loadBlock(t, "R1"), mode)
	d := g.shift(t, x, nil)
	_, s := g.expSum(t, d)
	ls := g.log(t, s)
	t.comment("y[j] = d[j] - log(s) (seq.LogSoftmax).")
	var y [classes]*val
	for j := range y {
		y[j] = seq.LogSoftmax[*val](t, d[j], ls)
	}
	g.storeBlock(t, "R0", y)
	g.next(t, prefix)
}

func (g *gen) next(t *tracer, prefix string) {
	t.raw("\tADD\t$%d, R0", blockBytes)
	t.raw("\tADD\t$%d, R1", blockBytes)
	t.raw("\tSUBS\t$%d, R4", blockRows)
	t.raw("\tBNE\t%s_loop", prefix)
}

// countLoop records the instructions per block of the loop body: every
// path, the two sides of the accumulator branch averaged, and for the
// xent functions also without the gradient.
func (g *gen) countLoop(f neonFunc, lines []string) {
	var all, grad, odd int
	region := ""
	for _, l := range lines {
		s := strings.TrimSpace(l)
		switch {
		case s == "" || strings.HasPrefix(s, "//"):
			continue
		case strings.HasSuffix(s, ":"):
			switch s {
			case f.prefix + "_nograd:", f.prefix + "_next:":
				region = ""
			case f.prefix + "_odd:":
				region = "odd"
			}
			continue
		}
		all++
		switch region {
		case "grad":
			grad++
		case "odd":
			odd++
		}
		if strings.HasPrefix(s, "CBZ\tR0,") {
			region = "grad"
		}
	}
	if f.argmax {
		all, in := regionCounts(lines)
		nan := in[f.prefix+"_nonan"]
		n := float64(all - nan)
		g.counts = append(g.counts, fmt.Sprintf("%-11s %g (%g) in a block without a NaN, %d more with one",
			"argmax:", n, n/blockRows, nan))
		return
	}
	// Even blocks run TBNZ, their adds and B; odd blocks TBNZ and their adds.
	avg := float64(all)
	if odd > 0 {
		avg -= float64(odd) + 0.5
	}
	name := strings.TrimSuffix(f.name, "NEON")
	if f.xent {
		g.counts = append(g.counts, fmt.Sprintf("%-11s %g (%g) with gradient and losses, %g (%g) loss only",
			name+":", avg, avg/blockRows, avg-float64(grad), (avg-float64(grad))/blockRows))
		return
	}
	g.counts = append(g.counts, fmt.Sprintf("%-11s %g (%g)", name+":", avg, avg/blockRows))
}

// countFused records the instructions per block of a fused loop with
// every fused output and the z-loss requested: the two sides of the
// accumulator branch averaged, the chain of the first NaN (blocks with a
// NaN only) left out, with the gradient and without it.
func (g *gen) countFused(f neonFunc, lines []string) {
	p := f.prefix + "_fused"
	all, in := regionCounts(lines)
	avg := float64(all-in[p+"_next"]-in[p+"_nonan"]) - 0.5
	noGrad := avg - float64(in[p+"_nopark"]+in[p+"_nograd"])
	g.counts = append(g.counts, fmt.Sprintf("%-11s %g (%g) with gradient and losses, %g (%g) loss only",
		"  fused:", avg, avg/blockRows, noGrad, noGrad/blockRows))
}

// countScaled records the instructions per block of the scaled loop of
// softmax, logSoftmax and argmax (argmax: without the chain of the first
// NaN).
func (g *gen) countScaled(f neonFunc, lines []string) {
	all, in := regionCounts(lines)
	n := float64(all - in[f.prefix+"_xs_nonan"])
	g.counts = append(g.counts, fmt.Sprintf("%-11s %g (%g)", "  scaled:", n, n/blockRows))
}

// regionCounts returns the number of instructions of lines and, for each
// label that a forward branch targets, the number of instructions between
// the branch and the label (the code the branch skips).
func regionCounts(lines []string) (all int, in map[string]int) {
	in = map[string]int{}
	seen := map[string]bool{}
	open := map[string]bool{}
	for _, l := range lines {
		s := strings.TrimSpace(l)
		switch {
		case s == "" || strings.HasPrefix(s, "//"):
			continue
		case strings.HasSuffix(s, ":"):
			name := strings.TrimSuffix(s, ":")
			seen[name] = true
			delete(open, name)
			continue
		}
		all++
		for name := range open {
			in[name]++
		}
		if f := strings.Fields(s); len(f) > 1 && (strings.HasPrefix(f[0], "B") || strings.HasPrefix(f[0], "CB") || strings.HasPrefix(f[0], "TB")) {
			if target := f[len(f)-1]; !seen[target] && !strings.HasPrefix(target, "$") && !strings.HasPrefix(target, "R") {
				open[target] = true
			}
		}
	}
	return all, in
}

// stubs returns kernel_stubs_arm64.go.
func stubs() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\n%s\n//go:build gc && !purego\n\n", files.GeneratedLine, files.License)
	b.WriteString(`package kernel

// The NEON functions (kernel_arm64.s) take the record of a block call, a
// (see blockArgs), and read the fields named in their comments; they ignore
// the others. Those of ten columns process the rows of a block four at a
// time, one row per 32-bit lane, and follow kernel_generic.go operation by
// operation, so their results are bit-identical to it. Each handles n =
// len(a.logits)/10 rows rounded down to a multiple of 8; the rows after
// them are left untouched (the driver passes them to the generic code).
// Labels must be in [0, 10). Slices that are written must have the length
// of the corresponding input, or be nil where noted. They read and write
// nothing outside the slices.

// xentLabelsNEON is xentLabelsGeneric. It reads logits, labels (n), out
// (nil for loss only, or len(logits), possibly the very logits slice),
// which receives the gradient, losses (nil, or n), which receives the row
// losses, and acc: row i's loss is added to acc[i%8] in float64. preds
// (nil, or n) receives the predictions, lse (nil, or n) the log-sum-exps;
// z is the z-loss coefficient (±0: none), scale the gradient's factor and
// xscale the logit scale (1: none); rowWeights (nil, or at least n: n is
// at most its length) the row weights. A call without preds, lse, z, a
// logit scale and row weights runs the instructions of the plain loss.
//
//go:noescape
func xentLabelsNEON(` + recordParams + `)

// xentTargetsNEON is xentTargetsGeneric. It reads the fields of
// xentLabelsNEON with targets (len(logits); out must not overlap them)
// for labels.
//
//go:noescape
func xentTargetsNEON(` + recordParams + `)

// softmaxNEON is softmaxGeneric. It reads logits, xscale and out
// (len(logits), possibly logits itself), which receives softmax row by
// row.
//
//go:noescape
func softmaxNEON(` + recordParams + `)

// logSoftmaxNEON is logSoftmaxGeneric. It reads logits, xscale and out
// (len(logits), possibly logits itself), which receives log-softmax row by
// row.
//
//go:noescape
func logSoftmaxNEON(` + recordParams + `)

// argmaxNEON is argmaxGeneric. It reads logits, xscale and preds: preds[i]
// receives argmax10 of row i, for n = min(len(logits)/10, len(preds)) rows
// rounded down to a multiple of 8 (the rest of preds is left untouched).
//
//go:noescape
func argmaxNEON(` + recordParams + `)
`)
	b.WriteString(wideStubs())
	b.WriteString(weightsStub())
	return b.Bytes()
}
