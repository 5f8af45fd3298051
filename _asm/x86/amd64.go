// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Package x86 is the amd64 backend of the generator: with avo, it writes
// kernel_amd64.s (the functions of the avx512 and avx2 tiers), their Go
// declarations (kernel_stubs_amd64.go) and the dispatch to them
// (kernel_tiers_amd64.go).
package x86

import (
	"bytes"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/gotypes"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/printer"
	"github.com/mmcloughlin/avo/reg"
	"golang.org/x/tools/go/packages"

	"github.com/xentropy/kernel/_asm/files"
	"github.com/xentropy/kernel/_asm/seq"
)

// x86Tier is one configuration of the x86 backend: a vector width and the
// schedule around it. The widths differ only in the transposes, the label
// gather, the float64 accumulation and the lowering of masks (vector masks
// and VBLENDVPS on AVX2, opmask registers and VBLENDMPS on AVX-512).
type x86Tier struct {
	suffix     string // of the function names: xentLabelsAVX2
	lanes      int    // float32 lanes of a vector = rows of a block
	chunk      int    // the most blocks per chunk (the records of the frame): see chunkSetup
	interleave int    // blocks whose logs are one scheduled region (the rest one by one)

	// The list scheduler (sched.go): the vector registers a
	// region may keep live; the registers an instruction that starts a
	// new chain leaves free (exp, log); the most chains of exp started
	// at once (0: any); how far a new chain of log looks for the chains
	// it meets (0: not at all).
	regs       int
	expReserve int
	logReserve int
	expOpen    int
	logAnchor  int

	sumRegs  bool        // sum10(e) adds the registers of e, not the stored e
	splitExp bool        // the exponentials in a loop of their own (pass 1b)
	pinExp   []seq.Const // constants kept in registers in that loop
	// labelColumns: g[l] - scale in the columns (compare and blend)
	// rather than row by row after the transpose.
	labelColumns bool
	// wide: the tier has wide functions (any class count) of its own;
	// otherwise its dispatch calls those of the first tier.
	wide bool
	// sixteen: the tier also has the five row-per-lane functions for rows
	// of 16 columns (xentLabels16<suffix> and so on), to which the driver
	// gives the rows of 11 to 16 classes padded to 16.
	sixteen bool
	// prefetch, if not 0: the loss, softmax and log-softmax functions
	// prefetch (PREFETCHT0) the block this many bytes ahead of the one
	// they load (logits, targets) or store (grad, dst), where the slice's
	// capacity from the call's first row is at least the record's
	// prefetchMin bytes (0: never; the tuning of the CPU, tuning_amd64.go:
	// 4 MiB by default, so that a batch that fits the last-level cache is
	// not slowed by the prefetches, while one far beyond it gains): the
	// rows are far beyond the caches, and the passes over a chunk leave the
	// memory idle while they compute.
	prefetch int
}

// avx2 is today's schedule: 8 rows per YMM block, chunks of 8 blocks; the
// exponentials in a pass of their own with six constants in registers; the
// logarithms of a whole chunk in one scheduled region. The values were
// chosen with llvm-mca (znver3) and short benchmarks on a Zen 3 EPYC.
// Tried and slower there: 9 or 2 pinned constants instead of 6; one
// scheduled region for transpose, max and exp (no pass 1b); logs 4 blocks
// at a time (better in llvm-mca for logSoftmax only); parking u² and
// k·ln2lo of Log too (worse in llvm-mca); the label gradient written in
// pass 1b right after each block's exponentials (pass 3 folded).
var avx2 = x86Tier{suffix: "AVX2", lanes: 8, chunk: 8, interleave: 8, regs: 16, sumRegs: true, splitExp: true, expReserve: 4, logReserve: 8, expOpen: 0, pinExp: []seq.Const{seq.Magic, seq.Log2e, seq.Ln2Hi, seq.Ln2Lo, seq.Q4, seq.Q3}, labelColumns: true, wide: true, sixteen: true}

// avx512 is avx2's schedule on ZMM vectors: 16 rows per block, 32
// registers, the masks in opmask registers, with prefetches two chunks
// (10 KiB) ahead for batches beyond the caches (avx2 gains nothing from
// them: it is compute-bound there too). Its wide functions are its own, a
// 16-class step in one ZMM (wide512.go). Tried on a Zen 5 EPYC, no
// better: 12 pinned constants instead of 6; chunks of 4 or 16 blocks;
// expReserve 8, logReserve 16; the exponentials of two blocks as one
// scheduled region; prefetching 5 or 20 KiB ahead, into L2 (PREFETCHT1),
// or one stream only (logits or grad).
var avx512 = x86Tier{suffix: "AVX512", lanes: 16, chunk: 8, interleave: 8, regs: 32, sumRegs: true, splitExp: true, expReserve: 4, logReserve: 8, expOpen: 0, pinExp: []seq.Const{seq.Magic, seq.Log2e, seq.Ln2Hi, seq.Ln2Lo, seq.Q4, seq.Q3}, labelColumns: true, wide: true, sixteen: true, prefetch: 10240}

// constLanes is the number of copies of each constant in the table: a
// ZMM's lanes, of which the YMM functions read the first 8.
const constLanes = 16

// classes is the number of columns of a row: the length of the arrays of
// seq.Max10 and seq.Sum10.
const classes = len([10]struct{}{})

// maxCols is the most columns of a row-per-lane function: 16, the padded
// functions of 11 to 16 classes.
const maxCols = 16

// Generate returns kernel_amd64.s, kernel_stubs_amd64.go and
// kernel_tiers_amd64.go, by name relative to the repository root.
func Generate(v *seq.Values) (map[string][]byte, error) {
	return genX86(v, []x86Tier{avx512, avx2})
}

// vexZeroUpper tells avo's liveness analysis what the hardware does: a
// VEX- or EVEX-encoded instruction that writes an XMM or YMM register zeroes
// the rest of the vector register. avo treats such a write as partial, so
// that a register written as X and then read as Y (VMOVUPS m128, X, then
// VINSERTF128 $1, m128, Y, Y) would look live, in its upper half, from the
// start of the function, and interfere with every other register.
func vexZeroUpper(width reg.Spec) pass.Interface {
	return pass.InstructionPass(func(i *ir.Instruction) error {
		if !strings.HasPrefix(i.Opcode, "V") {
			return nil
		}
		for k, op := range i.Outputs {
			if v, ok := op.(reg.VecVirtual); ok && v.Size() < width.Size() {
				switch width {
				case reg.S256:
					i.Outputs[k] = v.AsY()
				case reg.S512:
					i.Outputs[k] = v.AsZ()
				}
			}
		}
		return nil
	})
}

// blendNoMerge tells avo's liveness analysis that VBLENDMPS with an
// opmask writes every lane of its destination (from one source or the
// other): avo treats every masked EVEX form as merge masking, which also
// reads the destination, so that the destination would look live from the
// start of the function.
var blendNoMerge = pass.InstructionPass(func(i *ir.Instruction) error {
	if i.Opcode != "VBLENDMPS" || len(i.Outputs) != 1 {
		return nil
	}
	dst := i.Outputs[0]
	ins := i.Inputs[:0:0]
	for _, in := range i.Inputs {
		if in != dst {
			ins = append(ins, in)
		}
	}
	i.Inputs = ins
	return nil
})

// compile is avo's pass.Compile with vexZeroUpper and blendNoMerge before
// the liveness analysis.
func compile(width reg.Spec) pass.Interface {
	return pass.Concat(
		pass.Verify,
		pass.FunctionPass(pass.PruneJumpToFollowingLabel),
		pass.FunctionPass(pass.PruneDanglingLabels),
		pass.FunctionPass(pass.LabelTarget),
		pass.FunctionPass(pass.CFG),
		pass.InstructionPass(pass.ZeroExtend32BitOutputs),
		vexZeroUpper(width),
		blendNoMerge,
		pass.FunctionPass(pass.Liveness),
		pass.FunctionPass(func(fn *ir.Function) error {
			if err := pass.AllocateRegisters(fn); err != nil {
				return fmt.Errorf("%s: %w", fn.Name, err)
			}
			return nil
		}),
		pass.FunctionPass(pass.BindRegisters),
		pass.FunctionPass(pass.VerifyAllocation),
		pass.FunctionPass(pass.EnsureBasePointerCalleeSaved),
		pass.Func(pass.IncludeTextFlagHeader),
		pass.FunctionPass(pass.PruneSelfMoves),
		pass.FunctionPass(pass.RequiredISAExtensions),
	)
}

// The generated files name this command, which regenerates them from the
// _asm directory; it does not depend on how the generator was started.
var x86Printer = printer.Config{Argv: []string{"go", "run", "github.com/xentropy/kernel/_asm"}, Pkg: "kernel"}

// signature is the signature of every function: one argument, the record
// of the call (blockArgs, block.go), whose fields the functions read by
// name.
const signature = "func(a *blockArgs)"

// kernelTypes returns the signature of every function, with the type of
// the record from the kernel package in the directory root. It loads the
// package in its own module (as its users build it, whether or not a
// workspace includes it), as built for linux/amd64 with the tag purego:
// without the files this backend writes, so that a stale or broken
// generated file never stops the generator that rewrites it.
func kernelTypes(root string) (*gotypes.Signature, error) {
	cfg := &packages.Config{
		Mode:       packages.NeedName | packages.NeedTypes | packages.NeedSyntax,
		Dir:        root,
		Env:        append(os.Environ(), "GOOS=linux", "GOARCH=amd64"),
		BuildFlags: []string{"-tags=purego"},
	}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		return nil, fmt.Errorf("amd64: loading the kernel package: %w", err)
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("amd64: %d packages in %s", len(pkgs), root)
	}
	var errs []error
	for _, e := range pkgs[0].Errors {
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("amd64: loading the kernel package: %w", errors.Join(errs...))
	}
	return gotypes.ParseSignatureInPackage(pkgs[0].Types, signature)
}

func genX86(v *seq.Values, tiers []x86Tier) (map[string][]byte, error) {
	sig, err := kernelTypes(filepath.Dir(v.Source))
	if err != nil {
		return nil, err
	}
	ctx := build.NewContext()
	ctx.ConstraintExpr("gc,!purego")
	g := &x86Gen{Context: ctx, v: v, cols: classes, sig: sig}
	g.constants()
	g.wideConstants()
	width := reg.S256
	for _, t := range tiers {
		g.t = t
		if t.lanes == 16 {
			width = reg.S512
		}
		fs := []func(){g.xentLabels, g.xentTargets, g.softmax, g.logSoftmax, g.argmax}
		if t.wide {
			fs = append(fs, g.wideLabels, g.wideTargets, g.wideSoftmax, g.wideLogSoftmax, g.wideArgmax, g.wideCandidates)
		}
		for _, f := range fs {
			f()
			if g.err != nil {
				return nil, g.err
			}
		}
	}
	// The functions of 16 columns, after all others.
	g.cols = 16
	for _, t := range tiers {
		if !t.sixteen {
			continue
		}
		g.t = t
		for _, f := range []func(){g.xentLabels, g.xentTargets, g.softmax, g.logSoftmax, g.argmax} {
			f()
			if g.err != nil {
				return nil, g.err
			}
		}
	}
	g.cols = classes
	// The sum of the row weights, one function for both tiers (the
	// first of 8 lanes).
	sums := make([]string, len(tiers))
	for _, t := range tiers {
		if t.lanes == 8 {
			g.t = t
			g.rowWeightSum()
			for i := range sums {
				sums[i] = t.suffix
			}
			break
		}
	}
	f, err := ctx.Result()
	if err != nil {
		return nil, err
	}
	if err := compile(width).Execute(f); err != nil {
		return nil, err
	}
	asm, err := printer.NewGoAsm(x86Printer).Print(f)
	if err != nil {
		return nil, err
	}
	stubs, err := printer.NewStubs(x86Printer).Print(f)
	if err != nil {
		return nil, err
	}
	// avo writes no licence: put it after its "Code generated" line, as
	// in every other file of the package.
	asm, stubs = files.WithLicense(asm), files.WithLicense(stubs)
	asm, err = insertOverview(asm, x86Overview)
	if err != nil {
		return nil, err
	}
	// avo allocates the registers 16 to 31 when a function needs more
	// than 16 vector registers at once, and Go's assembler encodes them
	// with EVEX (AVX-512): a YMM tier's functions must never use them.
	if err := checkHighRegs(asm, tiers); err != nil {
		return nil, err
	}
	if err := checkReservedRegs(asm); err != nil {
		return nil, err
	}
	// avo writes an empty comment line as "// ".
	asm = bytes.ReplaceAll(asm, []byte("// \n"), []byte("//\n"))
	var suffixes, wide, sixteen []string
	wideSuffix := ""
	for _, t := range tiers {
		if t.wide {
			wideSuffix = t.suffix
		}
	}
	for _, t := range tiers {
		suffixes = append(suffixes, t.suffix)
		if t.sixteen {
			sixteen = append(sixteen, t.suffix)
		}
		if t.wide {
			wide = append(wide, t.suffix)
		} else {
			wide = append(wide, wideSuffix)
		}
	}
	return map[string][]byte{
		"kernel_amd64.s":        asm,
		"kernel_stubs_amd64.go": stubs,
		"kernel_tiers_amd64.go": files.Dispatch("amd64", suffixes, wide, sixteen, sums, "wideCandidates"),
	}, nil
}

// checkHighRegs returns an error if a function of a tier of 8 lanes (no
// AVX-512) uses a vector register that only AVX-512 has.
func checkHighRegs(asm []byte, tiers []x86Tier) error {
	for _, fn := range bytes.Split(asm, []byte("\nTEXT ")) {
		name, _, _ := bytes.Cut(fn, []byte("("))
		for _, t := range tiers {
			if t.lanes == 8 && bytes.HasSuffix(name, []byte(t.suffix)) {
				if r := highVecReg.Find(fn); r != nil {
					return fmt.Errorf("amd64: %s uses %s, which needs AVX-512 (more than 16 vector registers live)", name, r)
				}
			}
		}
	}
	return nil
}

// highVecReg matches a vector register that only AVX-512 has.
var highVecReg = regexp.MustCompile(`\b[XYZ](1[6-9]|2[0-9]|3[01])\b`)

// checkReservedRegs returns an error if a function uses BP (the frame
// pointer) or R15 (which Go's assembler clobbers for a global access when
// dynamic linking): avo may allocate them to a virtual general-purpose
// register, such as the one that holds the record in a prologue, when no
// other is free.
func checkReservedRegs(asm []byte) error {
	for _, fn := range bytes.Split(asm, []byte("\nTEXT "))[1:] {
		name, _, _ := bytes.Cut(fn, []byte("("))
		for _, line := range bytes.Split(fn, []byte("\n")) {
			code, _, _ := bytes.Cut(line, []byte("//"))
			if r := reservedReg.Find(code); r != nil {
				return fmt.Errorf("amd64: %s uses %s", name, r)
			}
		}
	}
	return nil
}

// reservedReg matches BP and R15 in any width.
var reservedReg = regexp.MustCompile(`\b(BP|BPB|R15[BWL]?)\b`)

// insertOverview puts the file's overview comment after the #include line
// that avo writes (avo has no file-level comments).
func insertOverview(asm []byte, overview string) ([]byte, error) {
	inc := []byte("#include \"textflag.h\"\n")
	i := bytes.Index(asm, inc)
	if i < 0 {
		return nil, fmt.Errorf("amd64: no textflag.h include in the generated assembly")
	}
	i += len(inc)
	var b bytes.Buffer
	b.Write(asm[:i])
	b.WriteString("\n")
	for _, line := range strings.Split(strings.TrimSpace(overview), "\n") {
		b.WriteString(strings.TrimRight("// "+line, " ") + "\n")
	}
	b.Write(asm[i:])
	return b.Bytes(), nil
}

const x86Overview = `
AVX-512 and AVX2 twins of the block functions of kernel_generic.go,
generated by _asm/x86 with avo from the sequences of _asm/seq (the
constants are read from kernel_generic.go). The functions of the avx2 tier
(suffix AVX2) process blocks of 8 rows with one row per lane of a YMM
register, those of the avx512 tier (suffix AVX512) blocks of 16 rows in
ZMM registers (structure of arrays):

  - The rows of a block (320 or 640 bytes) are loaded and transposed, so
    that ten registers hold the columns x[0]..x[9]; lane k is row k.
  - Every lane then runs exactly the scalar sequence of kernel_generic.go
    with vertical operations: VMULPS then VADDPS (never a fused
    multiply-add), the same operand values, the same order.
  - The output columns are transposed back and stored as rows.

Both tiers also have the same five functions for rows of 16 columns
(xentLabels16AVX512, xentLabels16AVX2 and so on, after all others in this
file), to which the driver gives the rows of 11 to 16 classes padded to 16
(-Inf logits, -0 targets): four groups of 4 columns in the transposes, the
sums by the tree of classSum.total(16) (seq.Sum16), the maximum by
seq.Max16, and records of 16 columns; everything else is the ten-column
code. In the 16 registers of AVX2 they are lean: each group of 4
transposed columns goes to the record at once and is read from there, and
the output columns are computed a group of 4 at a time as they are stored.

The two tiers differ only where the width shows: the transposes (2 or 4
128-bit lanes), the label gather, the float64 accumulation, and the masks:
AVX2 compares into vectors of all-ones lanes and selects with VBLENDVPS;
AVX-512 compares into opmask registers and selects with VBLENDMPS, and
computes exp's last steps, p·2^n where d is not below the cutoff, as one
zeroing-masked VSCALEFPS (seq.ExpScaler). AVX-512 reads the constants as
embedded broadcasts of 4 bytes. Where a slice reaches a.prefetchMin bytes
beyond the call's first row (0: never; the tuning of the CPU), the avx512
functions prefetch the block 10 KiB ahead of the one they load or store (a
hint that cannot fault, within the slice's capacity).

The blocks are taken a chunk at a time, in passes over the chunk that
keep their intermediate vectors (d, e, s, ...) in per-block records of the
stack frame: pass 1a transposes the rows and computes m and d, pass 1b the
exponentials and row sums, pass 2 the logarithms of the whole chunk at once,
pass 3 the outputs. A block in one pass would be a single chain of dependent
operations longer than the out-of-order window. Within each pass the blocks,
and the columns, are independent. A chunk is a.chunk blocks (the tuning of
the CPU; 0, or more than the frame's 8 records: 8): it changes the order in
which the passes take the blocks, never a result, since the blocks are
independent and the losses are accumulated in row order whatever the
chunk.

The exponentials of a block (with its sum) and the logarithms of a chunk
are each emitted in the order of a list schedule (_asm/x86/sched.go): the
instructions of all columns (blocks) are interleaved as a model of the
core would issue them, with at most 16 vector registers live, instead of
column group after column group. Only the order and the placement of values
(register or frame slot) differ from the sequences: every operation and its
operands are those of _asm/seq.

The two loss functions also compute, when asked, the fused outputs of
docs/numerics.md §7: the predictions (seq.Argmax, in pass 1a while the
columns are in registers, stored at once), the log-sum-exps (seq.AllNegInf
in pass 1a, whose mask and m wait in the record; seq.LogSumExp in pass 2
after the logarithm) and the z-loss (seq.ZTerms in pass 2: its loss term
joins the loss before it is stored and accumulated, its gradient factor f
waits in the record for q or qt in pass 3). A call that asks for none of
them runs the instructions of the plain path and a few predictable
branches: a test of preds (R13) or of a flag word per block in pass 1a, a
choice of loop per chunk in passes 2 and 3. argmaxAVX2 computes the
predictions alone, a block at a time: transpose, maximum, seq.Argmax, one
32-byte store.

Every function multiplies the logits it reads by the logit scale, x[j] =
x[j]·xscale (one VMULPS per column, with the scale from the frame), in
pass 1a right after the transpose (and x[l] after its gather), behind a
test of the scale per block: a product by 1 changes no number, so a call
without a scale skips it. The loss functions take row weights
(rowWeights not nil, its base in the frame): pass 1a copies the weights of
a block (a vector, a weight per lane) to its record, pass 2 multiplies the
losses by them before they are stored and accumulated, pass 3 multiplies
scale by them (the factor of each row, in the lanes of sc: q = sc/s,
g[l] - sc, t[j]·sc), each behind a test of the base.

The frames of the loss, softmax and log-softmax functions exceed the limit
of NOSPLIT functions, so those functions have the usual stack-growth
prologue (argmaxAVX2, whose frame holds the logit scale only, is
NOSPLIT); they call nothing and keep no pointers in their frames. They are
ABI0 functions, called through a wrapper that restores R14 (the goroutine
of Go's internal ABI): the loss functions use it as the lse pointer.

Each function takes one argument, a, the address of the record of the call
(blockArgs, block.go), and reads the fields it needs by name (avo resolves
their offsets from the type): its prologue loads a into a free
general-purpose register, reads the bases and lengths of the slices and the
values into the registers of the loops, and copies to the frame the values
that the loops read from memory (scale, xscale, the base of rowWeights;
the base of labels in wideTargets). No loop reads the record.

Each function processes n = len(a.logits)/10 rows rounded down to a
multiple of its block (8 or 16; the driver gives a last block of 8 rows of
an avx512 call to avx2), and fewer if another slice is shorter (a.labels,
a.targets, or a.out, a.losses, a.preds, a.lse or a.rowWeights when not
nil), so that
nothing is read or written outside the slices; the rows after the last
whole block are untouched. A block is read completely before any of it is
written, so an output may be the very slice that holds the input. The AVX2
functions use AVX and AVX2 instructions only, the AVX512 functions AVX and
AVX-512 Foundation, and POPCNT in wideCandidatesAVX512 (every AVX-512 CPU
has it); beyond those, CMOV and BSF of the base instruction set.

The vector registers are avo virtual registers, allocated after the whole
function is built: the register named in a comment is the value, not a
physical register. In Go's assembler the operands of a three-operand AVX
instruction are in reverse Intel order: VSUBPS A, B, C means C = B - A, and
VCMPPS $p, A, B, C means C = (B op A).

After the ten-column functions, each tier has its wide functions (any
class count c, the classes of a row in vectors, the passes over the
classes one row at a time and, in wideLabels and wideTargets, the
logarithms and divisions of a group of rows a row per lane:
_asm/x86/wide.go; with the row maxima given in place of pass 1,
wideLabels is TopK's log-sum-exp pass) and wideCandidates, TopK's
filter (the indices of the logits above a threshold, a vector of logits
per compare and one branch per four vectors: _asm/x86/candidates.go);
their headers describe them.

Each constant is a float32 (or int32) of kernel_generic.go repeated in the
16 lanes of a ZMM (the YMM functions read the first 8), so that it can be a
memory operand of a vertical instruction.
`

// x86Gen builds the functions of one file.
type x86Gen struct {
	*build.Context
	t   x86Tier
	v   *seq.Values
	sig *gotypes.Signature // of every function (signature)
	// rec is the record *a in the prologue of the function being built
	// (see args), nil elsewhere.
	rec gotypes.Component
	k   [seq.NumConsts]operand.Mem // the constant table
	idx operand.Mem                // the index table: int32 j in vector j, j = 0..15
	// cols is the number of columns of a row of the functions being
	// built: classes (10), or 16 for the padded functions (suffix
	// "16"+tier) that take the rows of 11 to 16 classes padded to 16 (see
	// lean for AVX2).
	cols   int
	o      *x86Ops
	labels int // labels made so far, for unique names
	// pf holds, in the function being built, the frame slot of the
	// prefetch limit of each pointer register that prefetches (see
	// prefetchSetup).
	pf map[reg.Register]operand.Mem
	// xs and rw are, in the function being built, the frame slots of the
	// logit scale and of the row weights pointer (scale.go); ch that of
	// the chunk (chunkSetup).
	xs, rw, ch operand.Mem
	err        error
}

func (g *x86Gen) vec() reg.VecVirtual {
	if g.t.lanes == 16 {
		return g.ZMM()
	}
	return g.YMM()
}

func (g *x86Gen) vecBytes() int   { return 4 * g.t.lanes }
func (g *x86Gen) blockBytes() int { return 4 * g.cols * g.t.lanes }

func (g *x86Gen) fail(format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf("amd64 backend: "+format, args...)
	}
}

// constants emits the constant table: each Const as a vector of
// constLanes copies of its bits, named as in kernel_generic.go, and the
// index table (int32 j in vector j, j = 0..15).
func (g *x86Gen) constants() {
	for c := seq.Const(0); c < seq.NumConsts; c++ {
		m := g.StaticGlobal(c.Name())
		g.DataAttributes(attr.RODATA | attr.NOPTR)
		for l := 0; l < constLanes; l++ {
			g.AddDatum(4*l, operand.U32(g.v.Bits[c]))
		}
		g.k[c] = m
	}
	g.idx = g.StaticGlobal("index")
	g.DataAttributes(attr.RODATA | attr.NOPTR)
	for j := range maxCols {
		for l := 0; l < constLanes; l++ {
			g.AddDatum(4*(j*constLanes+l), operand.U32(j))
		}
	}
}

// index returns the vector j of the index table.
func (g *x86Gen) index(j int) operand.Mem {
	m := g.idx
	m.Disp = 4 * constLanes * j
	return m
}

// label returns a fresh label name with the given prefix.
func (g *x86Gen) label(prefix string) string {
	g.labels++
	return fmt.Sprintf("%s%d", prefix, g.labels)
}

func mem(base reg.Register, disp int) operand.Op { return operand.Mem{Base: base, Disp: disp} }

// memIdx is disp(base)(index*4).
func memIdx(base reg.Register, disp int, index reg.Register) operand.Mem {
	return operand.Mem{Base: base, Disp: disp, Index: index, Scale: 4}
}

// comment emits one comment block. In a function of 16 columns, the
// names of the ten-column trees and loops become those of sixteen.
func (g *x86Gen) comment(text string) {
	text = g.sixteen(text)
	g.Comment(strings.Split(strings.TrimSpace(text), "\n")...)
}

// sixteen rewrites, when the function being built has 16 columns, the
// ten-column names of text (sum10, max10, argmax10, seq.Max10, j = 9 down
// to 0, ...) as the sixteen-column ones.
func (g *x86Gen) sixteen(text string) string {
	if g.cols != 16 {
		return text
	}
	return strings.NewReplacer(
		"argmax10", "argmax16", "max10", "max16", "sum10", "sum16",
		"MaxTree10", "MaxTree16", "Max10", "Max16", "Sum10", "Sum16",
		"j = 9 down to 0", "j = 15 down to 0", "ten columns", "sixteen columns",
		"Generic for whole blocks", "Generic with rows of 16 columns, for whole blocks",
		"Generic for n = len(a.logits)/10", "Generic with rows of 16 columns (c = 16 in the row functions of any class count) for n = len(a.logits)/16",
		"Generic for n = min(len(a.logits)/10", "Generic with rows of 16 columns for n = min(len(a.logits)/16",
		"len(a.logits)/10", "len(a.logits)/16", "[0, 10)", "[0, 16)",
	).Replace(text)
}

// args starts the prologue of a function, under the comment what: it loads
// the address of the record a into a general-purpose register, which avo
// allocates among those free until the last read of a field (field). The
// prologue reads every field the function needs: into the registers of the
// loops, or, for a value that the loops read from memory (scale, ...),
// into a slot of the frame (copyField). No loop reads the record.
func (g *x86Gen) args(what string) {
	g.comment(what)
	g.rec = g.Dereference(g.Param("a"))
}

// argsDone ends the prologue: no field is read after it.
func (g *x86Gen) argsDone() { g.rec = nil }

// field is the field name of the record a, in the prologue.
func (g *x86Gen) field(name string) gotypes.Component {
	if g.rec == nil {
		g.fail("the field %s of the record read outside the prologue", name)
		return g.Param("a")
	}
	return g.rec.Field(name)
}

// copyField copies c, a component of the record of 4 or 8 bytes (scale,
// the base of a slice), to the frame slot, for the loops, which read it
// there.
func (g *x86Gen) copyField(c gotypes.Component, slot operand.Mem) {
	b, err := c.Resolve()
	if err != nil {
		g.fail("%v", err)
		return
	}
	switch n := gotypes.Sizes.Sizeof(b.Type); n {
	case 4:
		x := g.XMM()
		g.VMOVSS(b.Addr, x)
		g.VMOVSS(x, slot)
	case 8:
		r := g.GP64()
		g.MOVQ(b.Addr, r)
		g.MOVQ(r, slot)
	default:
		g.fail("copyField: %d bytes", n)
	}
}

// addr returns the address of a component of basic type of the record,
// such as scale or the length of a slice, for a memory operand.
func (g *x86Gen) addr(c gotypes.Component) operand.Mem {
	b, err := c.Resolve()
	if err != nil {
		g.fail("%v", err)
		return operand.Mem{}
	}
	return b.Addr
}

// length is the length of a slice of the record, and the address of its
// base when the slice may be nil (nil: the slice is always there).
type length struct {
	len  operand.Mem
	base operand.Op
}

// slice returns the length of the slice name of the record, and the
// address of its base when it may be nil.
func (g *x86Gen) slice(name string, mayBeNil bool) length {
	l := length{len: g.addr(g.field(name).Len())}
	if mayBeNil {
		l.base = g.addr(g.field(name).Base())
	}
	return l
}

// blockCount sets CX to the number of whole blocks the function processes:
// the minimum of floats/(10·lanes) over the float slices and of rows/lanes
// over the row slices (labels, losses), skipping a nil slice. The division
// by 10·lanes = 2^k·o is a shift and a multiplication by the reciprocal of
// o, exact for every length. Uses AX, DX and R13.
func (g *x86Gen) blockCount(floats, rows []length) {
	g.comment(fmt.Sprintf(`
Blocks: CX = the minimum of len/%d over the float slices and of len/%d
over the row slices (a nil grad, losses, preds or lse does not count): the
rows processed, rounded down to a multiple of %d.`, g.cols*g.t.lanes, g.t.lanes, g.t.lanes))
	minLen := func(ls []length, dst reg.Register) {
		if ls[0].base != nil {
			g.fail("blockCount: the first float slice must not be nil")
		}
		g.MOVQ(ls[0].len, dst)
		for _, l := range ls[1:] {
			skip := ""
			if l.base != nil {
				skip = g.label("isNil")
				g.CMPQ(l.base, operand.U8(0))
				g.JEQ(operand.LabelRef(skip))
			}
			g.MOVQ(l.len, reg.R13)
			g.CMPQ(reg.R13, dst)
			g.CMOVQLT(reg.R13, dst)
			if skip != "" {
				g.Label(skip)
			}
		}
	}
	div := uint64(g.cols * g.t.lanes)
	k := bits.TrailingZeros64(div)
	odd := div >> k
	minLen(floats, reg.RAX)
	g.SHRQ(operand.U8(k), reg.RAX)
	if odd == 1 {
		g.MOVQ(reg.RAX, reg.RCX)
	} else {
		// m = ceil(2^64/odd): floor(x·m/2^64) = floor(x/odd) while
		// x·(m·odd - 2^64) < 2^64, true for every x < 2^(64-k).
		m := ^uint64(0)/odd + 1
		if e := m * odd; e > 1<<k { // m·odd - 2^64, wrapping
			g.fail("no exact reciprocal of %d", odd)
		}
		g.MOVQ(operand.U64(m), reg.R13)
		g.MULQ(reg.R13)
		g.MOVQ(reg.RDX, reg.RCX)
	}
	for _, l := range rows {
		skip := ""
		if l.base != nil {
			skip = g.label("isNil")
			g.CMPQ(l.base, operand.U8(0))
			g.JEQ(operand.LabelRef(skip))
		}
		g.MOVQ(l.len, reg.RAX)
		g.SHRQ(operand.U8(bits.TrailingZeros(uint(g.t.lanes))), reg.RAX)
		g.CMPQ(reg.RAX, reg.RCX)
		g.CMOVQLT(reg.RAX, reg.RCX)
		if skip != "" {
			g.Label(skip)
		}
	}
}

// allocRecords allocates the records of the largest chunk (the tier's
// chunk), rec bytes per block, and
// 64 bytes more, so that recordBase can start them at a multiple of 64:
// Go aligns the stack pointer to 8 bytes only, and a vector record access
// that straddles two cache lines costs two.
func (g *x86Gen) allocRecords(rec int) operand.Mem {
	return g.AllocLocal(g.t.chunk*rec + 64)
}

// recordBase sets R11 to the first record of the frame: its address
// rounded up to a multiple of 64.
func (g *x86Gen) recordBase(frame operand.Mem) {
	g.LEAQ(frame, reg.R11)
	g.ADDQ(operand.U8(63), reg.R11)
	g.ANDQ(operand.I8(-64), reg.R11)
}

// nextChunk sets R9 = min(CX, chunk), the blocks of the next chunk (chunk
// from the frame, see chunkSetup), and CX -= R9; it jumps to done when no
// block is left. It points R11 at the first record and sets R10 = R9.
func (g *x86Gen) nextChunk(done string, frame operand.Mem) {
	g.comment("Next chunk: R9 = min(CX, chunk) blocks, R10 = R9, R11 = the first record (64-byte aligned).")
	g.TESTQ(reg.RCX, reg.RCX)
	g.JZ(operand.LabelRef(done))
	g.MOVQ(g.ch, reg.R9)
	g.CMPQ(reg.RCX, reg.R9)
	g.CMOVQLT(reg.RCX, reg.R9)
	g.SUBQ(reg.R9, reg.RCX)
	g.MOVQ(reg.R9, reg.R10)
	g.recordBase(frame)
}

// chunkSetup, in the prologue, allocates the frame slot of the chunk,
// g.ch, and copies to it the blocks of a chunk: a.chunk, or the tier's
// largest, g.t.chunk (the records of the frame), when a.chunk is 0, less
// than 0 or more. When at >= 0 the slot must be at that offset (the one the
// header describes).
func (g *x86Gen) chunkSetup(at int) {
	g.ch = g.AllocLocal(8)
	if at >= 0 && g.ch.Disp != at {
		g.fail("the chunk at %d in the frame, not at %d", g.ch.Disp, at)
	}
	g.comment(fmt.Sprintf(`
The chunk: a.chunk blocks, or %d (the records of the frame) when a.chunk
is 0 or not in [1, %[1]d] (CMOVQHI: unsigned, so that a negative one is
above %[1]d).`, g.t.chunk))
	n, most := g.GP64(), g.GP64()
	g.MOVQ(operand.U32(g.t.chunk), most)
	g.MOVQ(g.addr(g.field("chunk")), n)
	g.CMPQ(n, most)
	g.CMOVQHI(most, n)
	g.TESTQ(n, n)
	g.CMOVQEQ(most, n)
	g.MOVQ(n, g.ch)
}

// rewind starts the next pass over the chunk: R10 = R9 blocks, R11 = the
// first record.
func (g *x86Gen) rewind(frame operand.Mem) {
	g.MOVQ(reg.R9, reg.R10)
	g.recordBase(frame)
}

// vecs returns the memory operands of n consecutive vectors at disp(base).
func (g *x86Gen) vecs(base reg.Register, disp, n int) []operand.Op {
	ms := make([]operand.Op, n)
	for j := range ms {
		ms[j] = mem(base, disp+j*g.vecBytes())
	}
	return ms
}

// store stores v to m: a vector, or an opmask (KMOVW, 16 bits).
func (g *x86Gen) store(v operand.Op, m operand.Op) {
	if isMask(v) {
		g.KMOVW(v, m)
	} else {
		g.VMOVUPS(v, m)
	}
}

// isMask reports whether v is an opmask register.
func isMask(v operand.Op) bool {
	r, ok := v.(reg.Register)
	return ok && r.Kind() == reg.KindOpmask
}

// quarters is the number of 128-bit lanes of a vector: 2 (YMM) or 4 (ZMM).
func (g *x86Gen) quarters() int { return g.t.lanes / 4 }

// insert128 sets the 128-bit lane q (q >= 1) of v to src (memory or XMM):
// VINSERTF128 for a YMM, VINSERTF32X4 for a ZMM.
func (g *x86Gen) insert128(q int, src operand.Op, v reg.VecVirtual) {
	if g.t.lanes == 16 {
		g.VINSERTF32X4(operand.U8(q), src, v, v)
	} else {
		g.VINSERTF128(operand.U8(q), src, v, v)
	}
}

// extract128 stores (or copies to an XMM) the 128-bit lane q (q >= 1) of v.
func (g *x86Gen) extract128(q int, v reg.VecVirtual, dst operand.Op) {
	if g.t.lanes == 16 {
		g.VEXTRACTF32X4(operand.U8(q), v, dst)
	} else {
		g.VEXTRACTF128(operand.U8(q), v, dst)
	}
}

// prefetchSetup, for a tier that prefetches, allocates the frame slot of
// the prefetch limit of the pointer register p, which holds the base of
// the slice param of the record: p + 4·cap - prefetch - blockBytes (the
// last address of a block from which the block prefetch bytes ahead is
// inside the slice's capacity) when a.prefetchMin is not 0 and 4·cap >=
// a.prefetchMin (unsigned: a negative one is never reached), else 0
// (never). Uses AX and R12.
func (g *x86Gen) prefetchSetup(p reg.Register, param string) {
	if g.t.prefetch == 0 {
		return
	}
	slot := g.AllocLocal(8)
	g.pf[p] = slot
	skip := g.label("noPrefetch")
	g.comment(fmt.Sprintf(`
The prefetch limit of %[1]s: %[1]s + 4·cap(a.%[2]s) - %[3]d, when
a.prefetchMin != 0 and 4·cap(a.%[2]s) >= a.prefetchMin, else 0.`, p.Asm(), param, g.t.prefetch+g.blockBytes()))
	pm := g.addr(g.field("prefetchMin"))
	g.XORL(reg.R12L, reg.R12L)
	g.CMPQ(pm, operand.U8(0))
	g.JEQ(operand.LabelRef(skip))
	g.MOVQ(g.addr(g.field(param).Cap()), reg.RAX)
	g.SHLQ(operand.U8(2), reg.RAX)
	g.CMPQ(reg.RAX, pm)
	g.JB(operand.LabelRef(skip))
	g.LEAQ(operand.Mem{Base: p, Index: reg.RAX, Scale: 1, Disp: -(g.t.prefetch + g.blockBytes())}, reg.R12)
	g.Label(skip)
	g.MOVQ(reg.R12, slot)
}

// prefetchBlock prefetches the block prefetch bytes after the one at p,
// one PREFETCHT0 per 64-byte line, when p is below its prefetch limit.
func (g *x86Gen) prefetchBlock(p reg.Register) {
	slot, ok := g.pf[p]
	if !ok {
		return
	}
	skip := g.label("noPrefetch")
	g.comment(fmt.Sprintf("Prefetch the block %d bytes ahead, when %s is below its limit.", g.t.prefetch, p.Asm()))
	g.CMPQ(p, slot)
	g.JAE(operand.LabelRef(skip))
	for off := 0; off < g.blockBytes(); off += 64 {
		g.PREFETCHT0(mem(p, g.t.prefetch+off))
	}
	g.Label(skip)
}

// transposeIn loads the block of rows at p (row r at 4·cols·r bytes) and
// returns its cols columns: column j holds x[j] of every row, lane r = row
// r.
//
// Columns 0-3 and 4-7: register r (r = 0..3) receives 4 floats of row r
// in its 128-bit lane 0 and the same 4 floats of row r+4q in its lane q
// (a 16-byte load, then VINSERTF128 or VINSERTF32X4 from memory: no
// shuffle port); a 4×4 transpose inside each 128-bit lane (VUNPCKLPS/
// VUNPCKHPS, then VUNPCKLPD/VUNPCKHPD) turns them into 4 columns. Columns
// 8-9: the 16 bytes at 40·r+24 (x[6..9] of row r, still inside the row, so
// the last row is not over-read) are loaded the same way; half of the 4×4
// transpose extracts x[8] and x[9]. Sixteen columns are four groups of 4
// (12-15, 8-11, 4-7, 0-3), each transposed as columns 0-3 are; in a lean
// function (see lean) each group is stored to the slots dst at once, and
// the columns returned are those slots.
func (g *x86Gen) transposeIn(p reg.Register, dst []operand.Op) []operand.Op {
	row := 4 * g.cols
	x := make([]operand.Op, g.cols)
	g.prefetchBlock(p)
	load := func(off int) reg.VecVirtual {
		v := g.vec()
		g.VMOVUPS(mem(p, off), v.AsX())
		for q := 1; q < g.quarters(); q++ {
			g.insert128(q, mem(p, off+4*row*q), v)
		}
		return v
	}
	var t [4]reg.VecVirtual
	groups := []int{12, 8, 4, 0}
	if g.cols == classes {
		for r := range t {
			t[r] = load(24 + row*r)
		}
		a, b := g.vec(), g.vec()
		g.VUNPCKHPS(t[1], t[0], a)
		g.VUNPCKHPS(t[3], t[2], b)
		x[8], x[9] = g.vec(), g.vec()
		g.VUNPCKLPD(b, a, x[8])
		g.VUNPCKHPD(b, a, x[9])
		groups = groups[2:]
	}
	for _, c0 := range groups {
		for r := range t {
			t[r] = load(4*c0 + row*r)
		}
		v := g.transpose4(t[0], t[1], t[2], t[3])
		for i := range v {
			x[c0+i] = v[i]
			if g.lean() {
				g.VMOVUPS(v[i], dst[c0+i])
				x[c0+i] = dst[c0+i]
			}
		}
	}
	return x
}

// lean reports whether the function being built is short of vector
// registers for its columns (16 columns in the 16 registers of AVX2): its
// columns then live in the record (transposeIn stores them, minusMax
// returns the stored d), and the output columns are computed a group of 4
// at a time, as transposeOut stores them (see columns).
func (g *x86Gen) lean() bool { return g.cols > classes && g.t.regs < 32 }

// columns returns the output columns y(j) for transposeOut: computed here,
// all of them in order, or, in a lean function, where transposeOut asks
// for them (in increasing j).
func (g *x86Gen) columns(y func(j int) operand.Op) func(j int) operand.Op {
	if g.lean() {
		return y
	}
	ys := make([]operand.Op, g.cols)
	for j := range ys {
		ys[j] = y(j)
	}
	return func(j int) operand.Op { return ys[j] }
}

// transpose4 transposes, in each 128-bit lane, the 4×4 matrix whose rows
// are a0..a3 (VUNPCKLPS/VUNPCKHPS, then VUNPCKLPD/VUNPCKHPD): float k of
// result i is float i of a_k. transposeIn and transposeOut use it.
func (g *x86Gen) transpose4(a0, a1, a2, a3 operand.Op) [4]reg.VecVirtual {
	l01, h01, l23, h23 := g.vec(), g.vec(), g.vec(), g.vec()
	g.VUNPCKLPS(a1, a0, l01)
	g.VUNPCKHPS(a1, a0, h01)
	g.VUNPCKLPS(a3, a2, l23)
	g.VUNPCKHPS(a3, a2, h23)
	var v [4]reg.VecVirtual
	for i := range v {
		v[i] = g.vec()
	}
	g.VUNPCKLPD(l23, l01, v[0])
	g.VUNPCKHPD(l23, l01, v[1])
	g.VUNPCKLPD(h23, h01, v[2])
	g.VUNPCKHPD(h23, h01, v[3])
	return v
}

// transposeOut is the inverse of transposeIn: it stores the columns y as
// the rows of the block at p (each 128-bit lane q of a transposed register
// with VEXTRACTF128 or VEXTRACTF32X4 to memory). Columns 8-9 are
// interleaved into (y[8], y[9]) pairs and stored with 8-byte stores at
// 40·r+32. Sixteen columns are four groups of 4, stored as columns 0-3 are.
// The columns are those of g.columns: y(j) is called once for each j, in
// increasing j.
func (g *x86Gen) transposeOut(p reg.Register, col func(j int) operand.Op) {
	row := 4 * g.cols
	g.prefetchBlock(p)
	groups := []int{0, 4, 8, 12}
	if g.cols == classes {
		groups = groups[:2]
	}
	y := make([]operand.Op, g.cols)
	for _, c0 := range groups {
		for j := c0; j < c0+4; j++ {
			y[j] = col(j)
		}
		r := g.transpose4(y[c0], y[c0+1], y[c0+2], y[c0+3])
		for i := range r {
			g.VMOVUPS(r[i].AsX(), mem(p, 4*c0+row*i))
			for q := 1; q < g.quarters(); q++ {
				g.extract128(q, r[i], mem(p, 4*c0+row*(i+4*q)))
			}
		}
	}
	if g.cols != classes {
		return
	}
	y[8], y[9] = col(8), col(9)
	lo, hi := g.vec(), g.vec()
	g.VUNPCKLPS(y[9], y[8], lo)
	g.VUNPCKHPS(y[9], y[8], hi)
	pairs := func(v reg.Register, r0 int) {
		g.VMOVLPS(v, mem(p, 32+row*r0))
		g.VMOVHPS(v, mem(p, 32+row*(r0+1)))
	}
	pairs(lo.AsX(), 0)
	pairs(hi.AsX(), 2)
	for q := 1; q < g.quarters(); q++ {
		lo4, hi4 := g.XMM(), g.XMM()
		g.extract128(q, lo, lo4)
		g.extract128(q, hi, hi4)
		pairs(lo4, 4*q)
		pairs(hi4, 4*q+2)
	}
}

// pickLabel gathers x[l] of the rows of the block at SI, with the labels at
// BX (lane r = the float at 40·r + 4·labels[r] bytes into the block), with
// scalar loads into the 128-bit lanes of 4 rows, then inserted: the labels
// are trusted to be in [0, cols), so each load stays in its row. Uses AX.
func (g *x86Gen) pickLabel() reg.VecVirtual {
	row := 4 * g.cols
	quarter := func(r0 int) reg.VecVirtual {
		v := g.vec()
		for r := r0; r < r0+4; r++ {
			g.MOVL(mem(reg.RBX, 4*r), reg.EAX)
			m := memIdx(reg.RSI, row*r, reg.RAX)
			if r == r0 {
				g.VMOVD(m, v.AsX())
			} else {
				g.VPINSRD(operand.U8(r-r0), m, v.AsX(), v.AsX())
			}
		}
		return v
	}
	xl := quarter(0)
	for q := 1; q < g.quarters(); q++ {
		v := quarter(4 * q)
		next := g.vec()
		if g.t.lanes == 16 {
			g.VINSERTF32X4(operand.U8(q), v.AsX(), xl, next)
		} else {
			g.VINSERTF128(operand.U8(q), v.AsX(), xl, next)
		}
		xl = next
	}
	return xl
}

// subLabels does g[l] = g[l] - sc for each row r of the block just stored
// at DI, with the labels at BX and sc of row r the float at 4·r bytes from
// scv (the lanes of a vector in the record). The element is reloaded
// (store forwarding) and rewritten: 4 instructions per row, one of them
// arithmetic, where a vertical compare-and-subtract per column would cost
// 30 per block.
func (g *x86Gen) subLabels(scv operand.Mem) {
	row := 4 * g.cols
	for r := 0; r < g.t.lanes; r++ {
		g.MOVL(mem(reg.RBX, 4*r), reg.EAX)
		m := memIdx(reg.RDI, row*r, reg.RAX)
		s := scv
		s.Disp += 4 * r
		e, d := g.XMM(), g.XMM()
		g.VMOVSS(m, e)
		g.VSUBSS(s, e, d)
		g.VMOVSS(d, m)
	}
}

// accumulate stores the float32 losses of consecutive blocks (lane k =
// row k) to losses at DX when DX is not nil (advancing DX), and adds them
// as float64 to acc[k] at R8, block after block, 8 lanes at a time:
// acc[0..7] += float64(L[0..7]), then (ZMM) += float64(L[8..15]); on YMM in
// two halves, acc[0..3] and acc[4..7]. The accumulators are loaded once and
// stored once per call; the additions are those of the rows in order.
func (g *x86Gen) accumulate(loss []operand.Op) {
	g.comment("losses[i] = loss; acc[i%8] += float64(loss).")
	skip := g.label("noLosses")
	g.TESTQ(reg.RDX, reg.RDX)
	g.JZ(operand.LabelRef(skip))
	for b, l := range loss {
		g.VMOVUPS(l, mem(reg.RDX, b*g.vecBytes()))
	}
	g.ADDQ(operand.U32(len(loss)*g.vecBytes()), reg.RDX)
	g.Label(skip)
	if g.t.lanes == 16 {
		acc := g.ZMM()
		g.VMOVUPD(mem(reg.R8, 0), acc)
		for _, l := range loss {
			l := l.(reg.VecVirtual)
			lo, h, hi := g.ZMM(), g.YMM(), g.ZMM()
			g.VCVTPS2PD(l.AsY(), lo)
			g.VEXTRACTF64X4(operand.U8(1), l, h)
			g.VCVTPS2PD(h, hi)
			s1, s2 := g.ZMM(), g.ZMM()
			g.VADDPD(acc, lo, s1)
			g.VADDPD(s1, hi, s2)
			acc = s2
		}
		g.VMOVUPD(acc, mem(reg.R8, 0))
		return
	}
	alo, ahi := g.YMM(), g.YMM()
	g.VMOVUPD(mem(reg.R8, 0), alo)
	g.VMOVUPD(mem(reg.R8, 32), ahi)
	for _, l := range loss {
		l := l.(reg.VecVirtual)
		lo, h, hi := g.YMM(), g.XMM(), g.YMM()
		g.VCVTPS2PD(l.AsX(), lo)
		g.VEXTRACTF128(operand.U8(1), l, h)
		g.VCVTPS2PD(h, hi)
		slo, shi := g.YMM(), g.YMM()
		g.VADDPD(alo, lo, slo)
		g.VADDPD(ahi, hi, shi)
		alo, ahi = slo, shi
	}
	g.VMOVUPD(alo, mem(reg.R8, 0))
	g.VMOVUPD(ahi, mem(reg.R8, 32))
}

// max returns m = max10(x) (or max16) of the columns x.
func (g *x86Gen) max(xs []operand.Op) operand.Op {
	g.comment("m = max10(x): a tree of VMAXPS, then + 0 (seq.Max10).")
	if g.cols == 16 {
		return seq.Max16[operand.Op](g.o, (*[16]operand.Op)(xs))
	}
	return seq.Max10[operand.Op](g.o, (*[10]operand.Op)(xs))
}

// maxTree returns the tree of VMAXPS of max, without its + 0.
func (g *x86Gen) maxTree(xs []operand.Op) operand.Op {
	if g.cols == 16 {
		return seq.MaxTree16[operand.Op](g.o, (*[16]operand.Op)(xs))
	}
	return seq.MaxTree10[operand.Op](g.o, (*[10]operand.Op)(xs))
}

// minusMax computes d[j] = x[j] - m, stores it to d and returns it.
// In a lean function it returns d.
func (g *x86Gen) minusMax(x []operand.Op, m operand.Op, d []operand.Op) []operand.Op {
	g.comment("d[j] = x[j] - m, stored to the record.")
	ds := make([]operand.Op, len(x))
	for j := range x {
		ds[j] = g.o.Sub(x[j], m)
		g.store(ds[j], d[j])
	}
	if g.lean() {
		return d
	}
	return ds
}

// expSum computes e[j] = exp(d[j]) for the columns, d[j] read from d and
// e[j] stored to e (which may be d), and stores s = sum10(e) (or sum16) to
// sum. The exponentials and the sum tree are one scheduled region (see
// sched.go): the sum adds the e[j] still in registers.
func (g *x86Gen) expSum(d, e []operand.Op, sum operand.Op) {
	g.comment(fmt.Sprintf(`
e[j] = exp(d[j]) for j = 0..%d (seq.Exp), scheduled together:
z = d·log2e + magic; n = z - magic; 2^n = bits(z)<<23 + oneBits;
r = d - n·ln2hi; r = r - n·ln2lo; q = Q4·r + Q3; q = q·r + Q2;
q = q·r + Q1; q = q·r + Q0; r2 = r·r; p = r2·q + r; p = p + 1;
e = p·2^n; e = +0 where d < cutoff; e[j] stored to the record.
s = %s.`, g.cols-1, g.tree("e")))
	g.o.record(g.t.regs, g.t.expReserve, g.t.expOpen, 2)
	g.o.share(d, 1)
	es := seq.Exp(g.o, d, g.v.MantBits)
	for c := range es {
		g.o.store(es[c], e[c])
	}
	a := e
	if g.t.sumRegs {
		a = es
	}
	g.o.store(seq.SumCols(g.o, a), sum)
	g.o.emit()
	g.o.reset()
}

// sum computes the tree sum10 (or sum16) of the vectors vs, one per
// column, and stores it to dst.
func (g *x86Gen) sum(what string, vs []operand.Op, dst operand.Op) {
	g.comment(what + " = " + strings.Replace(g.tree("v"), "(v)", "", 1) + ".")
	g.store(seq.SumCols(g.o, vs), dst)
}

// tree describes the sum tree of the columns v0, v1, ...: sum10, or
// sum16 (classSum.total(16)).
func (g *x86Gen) tree(v string) string {
	if g.cols == 16 {
		return strings.ReplaceAll("sum16(v): (((v0+v1)+(v2+v3))+((v4+v5)+(v6+v7))) + (((v8+v9)+(v10+v11))+((v12+v13)+(v14+v15)))", "v", v)
	}
	return strings.ReplaceAll("sum10(v): ((v0+v1)+(v2+v3)) + ((v4+v5)+(v6+v7)), then + (v8+v9)", "v", v)
}

// logs computes log32(s) of n blocks (n <= interleave) whose row sums are
// at s, with k·ln2hi parked at the slots park, and returns them.
func (g *x86Gen) logs(s, park []operand.Op) []operand.Op {
	g.comment(fmt.Sprintf(`
log32(s) of %d block(s), scheduled together (seq.Log): kb = bits(s)>>23;
f = s·frombits((253-kb)<<23); k = float32(kb - 126);
where f < √½: f = f+f, k = k-1 (VBLENDVPS); k·ln2hi parked in the record;
u = f - 1; z = u·u; q = P0·u + P1, then q = q·u + Pi, i = 2..8;
y = (q·u)·z; y = y + k·ln2lo; y = y - 0.5·z; y = u + y; log = y + k·ln2hi.`, len(s)))
	for _, p := range park {
		g.o.parks = append(g.o.parks, p.(operand.Mem))
	}
	ls := seq.Log(g.o, s, g.v.MantBits)
	g.o.reset()
	return ls
}

// logLoop emits pass 2: for the R10 blocks from R11 (records of rec
// bytes, s at sOff, k·ln2hi parked at hOff), interleave blocks at a time
// and then one at a time, the logarithms, passed to tail with the record
// offset of each block. It continues at next.
//
// Each group is one scheduled region (see sched.go): the logarithms
// and tail, which returns the losses of the blocks (or nil), then given to
// weigh (if not nil: it multiplies them by the rows' weights, in place)
// and to accumulate; after (if not nil) follows, outside the region, with
// the record offsets of the group.
func (g *x86Gen) logLoop(name string, rec, sOff, hOff int, tail func(ls []operand.Op, recs []int) []operand.Op, weigh func(loss []operand.Op, recs []int), after func(recs []int), next string) {
	loop, last := name+"LogLoop", name+"LogLast"
	n := g.t.interleave
	for _, group := range []int{n, 1} {
		if group == n {
			g.Label(loop)
			g.CMPQ(reg.R10, operand.U8(n))
			g.JLT(operand.LabelRef(last))
		} else {
			g.Label(last)
			g.TESTQ(reg.R10, reg.R10)
			g.JZ(operand.LabelRef(next))
		}
		var s, h []operand.Op
		var recs []int
		for b := 0; b < group; b++ {
			s = append(s, mem(reg.R11, b*rec+sOff))
			h = append(h, mem(reg.R11, b*rec+hOff))
			recs = append(recs, b*rec)
		}
		g.o.record(g.t.regs, g.t.logReserve, 0, g.t.logAnchor)
		loss := tail(g.logs(s, h), recs)
		g.o.emit()
		g.o.reset()
		if loss != nil {
			if weigh != nil {
				weigh(loss, recs)
			}
			g.accumulate(loss)
		}
		if after != nil {
			after(recs)
		}
		g.ADDQ(operand.U32(group*rec), reg.R11)
		if group == n {
			g.SUBQ(operand.U8(n), reg.R10)
			g.JMP(operand.LabelRef(loop))
		} else {
			g.DECQ(reg.R10)
			g.JMP(operand.LabelRef(last))
		}
	}
}

// The fused outputs (docs/numerics.md §7) of the two loss functions. Both keep
// the pointers preds in R13 and lse in R14 (nil: not requested), and in
// the frame a flag word and, with a z-loss, z in the lanes of a vector.

// Bits of the flag word.
const (
	flagLse = 1 // the log-sum-exp is computed: lse != nil or z != 0
	flagZ   = 2 // z != 0: the z-loss
)

// fusedSetup loads R13 = preds and R14 = lse, and writes the flag word to
// flags (z != 0 as for Go's !=: either zero is 0) and z to the lanes of
// zv. Uses AX and R12.
func (g *x86Gen) fusedSetup(flags, zv operand.Mem) {
	g.comment(fmt.Sprintf(`
The fused outputs: R13 = preds, R14 = lse (nil: not requested). The flag
word: %d when lse is computed (lse != nil or z != 0), + %d when z != 0 (the
z-loss); z in the %d lanes of a frame vector.`, flagLse, flagZ, g.t.lanes))
	g.Load(g.field("preds").Base(), reg.R13)
	g.Load(g.field("lse").Base(), reg.R14)
	z := g.addr(g.field("z"))
	noLse, noZ := g.label("noLse"), g.label("noZ")
	g.XORL(reg.R12L, reg.R12L)
	g.TESTQ(reg.R14, reg.R14)
	g.JZ(operand.LabelRef(noLse))
	g.MOVL(operand.U32(flagLse), reg.R12L)
	g.Label(noLse)
	zr := g.vec()
	g.VBROADCASTSS(z, zr)
	g.VMOVUPS(zr, zv)
	g.MOVL(z, reg.EAX)
	g.SHLL(operand.U8(1), reg.EAX) // the sign bit out: z == ±0 sets ZF
	g.JZ(operand.LabelRef(noZ))
	g.MOVL(operand.U32(flagLse|flagZ), reg.R12L)
	g.Label(noZ)
	g.MOVQ(reg.R12, flags)
}

// fusedColumns emits the fused outputs of pass 1a, from the columns x of
// the block and m = max10(x): the predictions argmax10 (seq.Argmax) stored
// at R13 (advanced by a block) when R13 is not nil; when the flag word at
// flags has flagLse, m and the mask of logSumExp's special case
// (seq.AllNegInf), stored to the record at mAt and allAt.
func (g *x86Gen) fusedColumns(xs []operand.Op, m operand.Op, flags, mAt, allAt operand.Mem) {
	noPreds, noLse := g.label("noPreds"), g.label("noLse")
	g.comment(`
preds = argmax10(x) (seq.Argmax, when preds is not nil): p = 0, then for
j = 9 down to 0, p = j where x[j] == m (VCMPPS EQ_OQ, VBLENDVPS); then for
j = 9 down to 0, p = j where x[j] is NaN (VCMPPS UNORD); stored at R13.`)
	g.TESTQ(reg.R13, reg.R13)
	g.JZ(operand.LabelRef(noPreds))
	g.store(seq.Argmax[operand.Op](g.o, xs, m), mem(reg.R13, 0))
	g.ADDQ(operand.U32(g.vecBytes()), reg.R13)
	g.Label(noPreds)
	g.comment(`
For logSumExp (when lse is computed): all = (m == -Inf) AND (sum10(x) ==
-Inf) (seq.AllNegInf), the rows of only -Inf; all and m stored to the
record.`)
	g.TESTB(operand.U8(flagLse), flags)
	g.JZ(operand.LabelRef(noLse))
	g.store(seq.AllNegInf[operand.Op](g.o, xs, m), allAt)
	g.store(m, mAt)
	g.Label(noLse)
}

// zSlots are the frame slots of the fused outputs of a loss function:
// vectors of z, keep and neg (see zKeepSetup), then the flag word.
type zSlots struct{ z, keep, neg, flags operand.Mem }

// zSlots allocates the frame slots of the fused outputs.
func (g *x86Gen) zSlots() zSlots {
	vb := g.vecBytes()
	return zSlots{g.AllocLocal(vb), g.AllocLocal(vb), g.AllocLocal(vb), g.AllocLocal(8)}
}

// zKeepSetup writes, from the flag word, the lanes of keep (all ones with
// the z-loss, else +0) and of neg (+0 with the z-loss, else -0): the
// z-loss term of a block in pass 2 is (zl AND keep) OR neg, which is zl
// with the z-loss and -0 without, and loss + -0 is the loss, every bit of
// it. Uses AX.
func (g *x86Gen) zKeepSetup(zs zSlots) {
	g.comment(`
keep = all ones with the z-loss, else +0; neg = +0 with the z-loss, else
-0 (in every lane).`)
	g.MOVL(zs.flags, reg.EAX)
	g.SHRL(operand.U8(1), reg.EAX) // flagZ
	g.ANDL(operand.U8(1), reg.EAX)
	g.NEGL(reg.EAX)
	g.MOVL(reg.EAX, zs.keep)
	g.NOTL(reg.EAX)
	g.ANDL(operand.U32(0x80000000), reg.EAX)
	g.MOVL(reg.EAX, zs.neg)
	for _, m := range []operand.Mem{zs.keep, zs.neg} {
		v := g.vec()
		g.VBROADCASTSS(m, v)
		g.VMOVUPS(v, m)
	}
}

// fusedTail returns, in pass 2 (a scheduled region), from the log32(s) ls
// of a block, its loss and the record at r (offsets from R11): lse =
// logSumExp(x, m, ls) (seq.LogSumExp), stored to the record at lseAt; zl
// and f = zTerms(z, lse) (seq.ZTerms), f stored at fAt; and the loss plus
// its z-loss term (zl, or zl·T where tsum (T) is not nil) with the z-loss,
// the loss itself without (the term (zl AND keep) OR neg: see
// zKeepSetup).
func (g *x86Gen) fusedTail(loss, ls operand.Op, r int, mAt, allAt, lseAt, fAt int, zs zSlots, tsum operand.Op) operand.Op {
	lse := seq.LogSumExp[operand.Op](g.o, mem(reg.R11, r+allAt), mem(reg.R11, r+mAt), ls)
	g.o.store(lse, mem(reg.R11, r+lseAt))
	zl, f := seq.ZTerms[operand.Op](g.o, zs.z, lse)
	g.o.store(f, mem(reg.R11, r+fAt))
	if tsum != nil {
		zl = g.o.Mul(zl, tsum)
	}
	and, or := g.VANDPS, g.VORPS
	if g.t.lanes == 16 {
		and, or = g.VPANDD, g.VPORD // AVX-512 Foundation
	}
	zl = g.o.binary(clsLogic, and, nil, zl, zs.keep, false, false)
	zl = g.o.binary(clsLogic, or, nil, zl, zs.neg, false, false)
	return g.o.Add(loss, zl)
}

// copyLse stores the lse of the blocks of the records recs (offsets from
// R11, lse at lseAt) at R14, advancing R14, when R14 is not nil.
func (g *x86Gen) copyLse(recs []int, lseAt int) {
	g.comment("lse[i] = lse, from the records (when lse is not nil).")
	skip := g.label("noLse")
	g.TESTQ(reg.R14, reg.R14)
	g.JZ(operand.LabelRef(skip))
	for b, r := range recs {
		v := g.vec()
		g.VMOVUPS(mem(reg.R11, r+lseAt), v)
		g.VMOVUPS(v, mem(reg.R14, b*g.vecBytes()))
	}
	g.ADDQ(operand.U32(len(recs)*g.vecBytes()), reg.R14)
	g.Label(skip)
}

// begin starts a function.
//
// doc is written for AVX2: its "AVX2" becomes the tier's suffix, its
// "multiple of 8" the tier's block, and the lines are wrapped again.
func (g *x86Gen) begin(name string, doc []string, header string) {
	fname := name + g.t.suffix
	if g.cols == 16 {
		fname = name + "16" + g.t.suffix
	}
	g.Function(fname)
	text := g.sixteen(strings.Join(doc, " "))
	text = strings.ReplaceAll(text, name+"AVX2", fname)
	text = strings.ReplaceAll(text, "AVX2", g.t.suffix)
	text = strings.ReplaceAll(text, "multiple of 8", fmt.Sprintf("multiple of %d", g.t.lanes))
	g.Doc(wrap(text, 74)...)
	g.Pragma("noescape")
	g.Attributes(0)
	g.Signature(g.sig)
	g.comment(header)
	g.Comment("") // a blank comment line before the first block's comment
	g.o = newX86Ops(g)
	g.pf = map[reg.Register]operand.Mem{}
	g.xs, g.rw, g.ch = operand.Mem{}, operand.Mem{}, operand.Mem{}
}

func (g *x86Gen) end(done string) {
	g.Label(done)
	g.VZEROUPPER()
	g.RET()
}

// wrap splits text into lines of at most width bytes at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
