// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

// blockArgs is one call of a block function: every slice and value a block
// function of any tier reads or writes. The driver fills one per block of
// rows and passes its address; the assembly reads its fields by name
// (avo's Dereference on amd64, the offsets of go_asm.h on arm64), so a new
// per-call value is a new field here and nothing else in the calling
// convention.
//
// A block function computes n rows: n = len(logits)/cols for the
// functions of cols columns (ten or 16), len(losses) for the wide loss
// functions and the rows of logits for the other wide functions (n such
// that (n-1)·stride + c <= len(logits) <= n·stride, 0 for no logits), fewer when
// another slice that the function reads or writes is shorter (an assembly
// function never reads or writes outside the slices). The slices that a
// function does not take are ignored; the optional outputs are nil when not
// wanted.
type blockArgs struct {
	logits []float32 // the rows of logits, row-major

	// out receives the gradient of a loss function (nil: loss only) or the
	// rows of softmax and log-softmax. It may be logits itself.
	out []float32

	labels  []int32   // the labels of the rows (xentLabels, wide functions)
	targets []float32 // the target rows (xentTargets, wideTargets); must not overlap out

	// The effective targets of a staged wide call (wideTargets with
	// staged): a[j] = weights[j]·((keep·t[j]) + uni), weights nil for
	// every weight 1.
	weights   []float32
	keep, uni float32
	staged    bool
	norm      int // the weights are scaled by 2^norm (generic code only; see Options.batch)

	losses []float32   // the row losses: optional for ten and 16 columns, required by the wide functions
	acc    *[8]float64 // ten and 16 columns: row i's loss is added to acc[i%8]
	preds  []int32     // the predictions (nil: none); the output of argmax
	lse    []float32   // the log-sum-exps (nil: none)
	c      int         // the classes of a row (wide functions)
	stride int         // the floats from one row's start to the next in logits, out and targets (wide functions; c when unset)
	xscale float32     // every logit is multiplied by it before the row's maximum (Options.Scale; 1: none)
	scale  float32     // the gradient's factor (1/N for a mean)

	// rowWeights, when not nil, holds the weight of each row: a row's
	// gradient factor is float32(scale·w), and its loss float32(loss·w).
	rowWeights []float32
	z          float32 // the z-loss coefficient (0: none)

	// wideCandidates: thr is the threshold, and count receives the number
	// of indices written to preds (see wideCandidatesGeneric).
	thr   float32
	count int

	// rowMax, when not nil, holds the maxima of the rows for wideLabels,
	// which reads them in place of computing them (see wideLabelsGeneric).
	rowMax []float32

	// The tuning of the row-per-lane functions of a tier on this CPU
	// (see tuning): the blocks of a chunk, the unit of their passes (0:
	// the tier's largest), and the capacity in bytes of a slice from which
	// they prefetch ahead (0: never). The results are the same bits
	// whatever they are.
	chunk       int
	prefetchMin int
}

// rows returns the record of rows [r0, r1) of a call whose rows start cols
// floats apart (the columns of a row per lane, a.stride for the wide
// functions): every slice of rows cut to those rows (rowSpan), every slice of
// one value per row to those values.
func (a *blockArgs) rows(r0, r1, cols int) blockArgs {
	b := *a
	b.logits = rowSpan(a.logits, r0, r1, cols)
	b.out = rowSpan(a.out, r0, r1, cols)
	b.targets = rowSpan(a.targets, r0, r1, cols)
	b.labels = part(a.labels, r0, r1, 1)
	b.losses = part(a.losses, r0, r1, 1)
	b.preds = part(a.preds, r0, r1, 1)
	b.lse = part(a.lse, r0, r1, 1)
	b.rowWeights = part(a.rowWeights, r0, r1, 1)
	b.rowMax = part(a.rowMax, r0, r1, 1)
	return b
}

// rowSpan returns the rows [r0, r1) of the rows s that start stride floats
// apart: s[r0·stride : r1·stride], or up to the end of s for the last row,
// which may stop at its last class; nil when s is nil.
func rowSpan(s []float32, r0, r1, stride int) []float32 {
	if s == nil {
		return nil
	}
	return s[r0*stride : min(r1*stride, len(s))]
}

// row returns row i, the c floats at i·stride, of the rows s.
func row(s []float32, i, c, stride int) []float32 { return s[i*stride : i*stride+c] }

// stridedRows returns the number of rows of c floats, stride floats apart,
// in a slice of l floats: n such that (n-1)·stride + c <= l <= n·stride,
// and whether there is one (0 rows for l = 0).
func stridedRows(l, c, stride int) (int, bool) {
	if l == 0 {
		return 0, true
	}
	n := (l + stride - 1) / stride
	return n, l-(n-1)*stride >= c
}

// part returns s[i*w : j*w], or nil when s is nil.
func part[T any](s []T, i, j, w int) []T {
	if s == nil {
		return nil
	}
	return s[i*w : j*w]
}

// An op is what a block function computes.
type op uint8

const (
	opLabels     op = iota // cross-entropy against integer labels
	opTargets              // cross-entropy against target rows
	opSoftmax              // softmax rows
	opLogSoftmax           // log-softmax rows
	opArgmax               // predictions only
	opCandidates           // TopK's candidates: the indices of the logits above a threshold (wide only)
	numOps
)

// A layout is how a block function holds rows in its vectors.
type layout uint8

const (
	layoutTen     layout = iota // ten columns, a row per lane
	layoutSixteen               // 16 columns (11 to 16 classes padded), a row per lane
	layoutWide                  // any class count, the classes of a row in vectors
	numLayouts
)

// cols returns the columns of a row of the layout, or 0 for the wide one.
func (l layout) cols() int {
	switch l {
	case layoutTen:
		return Classes
	case layoutSixteen:
		return padCols
	}
	return 0
}

// A blockFunc names one block function of every tier: a layout and an op.
// The generated dispatch (kernel_tiers_$GOARCH.go) and callGeneric switch
// on it.
type blockFunc uint8

func (f blockFunc) layout() layout { return layout(f / blockFunc(numOps)) }
func (f blockFunc) op() op         { return op(f % blockFunc(numOps)) }

// The block functions, named as in kernel_generic.go and the assembly:
// xentLabels (ten columns), xentLabels16 (16 columns), wideLabels and so
// on.
const (
	fnXentLabels         = blockFunc(layoutTen)*blockFunc(numOps) + blockFunc(opLabels)
	fnXentTargets        = blockFunc(layoutTen)*blockFunc(numOps) + blockFunc(opTargets)
	fnSoftmax            = blockFunc(layoutTen)*blockFunc(numOps) + blockFunc(opSoftmax)
	fnLogSoftmax         = blockFunc(layoutTen)*blockFunc(numOps) + blockFunc(opLogSoftmax)
	fnArgmax             = blockFunc(layoutTen)*blockFunc(numOps) + blockFunc(opArgmax)
	fnXentLabels16       = blockFunc(layoutSixteen)*blockFunc(numOps) + blockFunc(opLabels)
	fnXentTargets16      = blockFunc(layoutSixteen)*blockFunc(numOps) + blockFunc(opTargets)
	fnSoftmax16          = blockFunc(layoutSixteen)*blockFunc(numOps) + blockFunc(opSoftmax)
	fnLogSoftmax16       = blockFunc(layoutSixteen)*blockFunc(numOps) + blockFunc(opLogSoftmax)
	fnArgmax16           = blockFunc(layoutSixteen)*blockFunc(numOps) + blockFunc(opArgmax)
	fnWideLabels         = blockFunc(layoutWide)*blockFunc(numOps) + blockFunc(opLabels)
	fnWideTargets        = blockFunc(layoutWide)*blockFunc(numOps) + blockFunc(opTargets)
	fnWideSoftmax        = blockFunc(layoutWide)*blockFunc(numOps) + blockFunc(opSoftmax)
	fnWideLogSoftmax     = blockFunc(layoutWide)*blockFunc(numOps) + blockFunc(opLogSoftmax)
	fnWideArgmax         = blockFunc(layoutWide)*blockFunc(numOps) + blockFunc(opArgmax)
	fnWideCandidates     = blockFunc(layoutWide)*blockFunc(numOps) + blockFunc(opCandidates)
	numBlockFuncs    int = int(numLayouts) * int(numOps)
)
