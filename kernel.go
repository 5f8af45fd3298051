// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

// Package kernel computes the fused log-softmax and cross-entropy loss of a
// batch of 10-class logits, and its gradient with respect to the logits, in
// one pass over memory.
//
// A batch is a contiguous row-major [N][10]float32 slice of logits (len =
// 10·N) with N integer labels in [0, 10) or N dense target rows. The mean loss
// is returned as a float64; the gradient d(mean loss)/d(logits) = (softmax -
// target)/N is written to a caller's slice, which may be the logits slice
// itself. [Options] gives PyTorch's reductions, class weights, label
// smoothing and ignored label, and a worker count for large batches. Calls
// on one goroutine do not allocate.
//
// # Implementations
//
// The pure-Go code (kernel_generic.go) is the specification. On amd64 with
// AVX2 and on arm64 with NEON, hand-written assembly is chosen at start-up;
// it produces results that are bit-identical to the Go code for every input,
// so a program gets the same loss and gradient bits on every machine.
// [Implementation] reports the choice and [Use] changes it.
//
// # Arithmetic
//
// Every row computes, in float32,
//
//	m    = max_j x[j]
//	d[j] = x[j] - m
//	e[j] = exp(d[j])
//	s    = Σ_j e[j]                (a fixed pairwise tree)
//	loss = log(s) - d[label]
//	g[j] = e[j]·(scale/s) - [j == label]·scale
//
// with a polynomial exp and log of at most 1 ulp error, no fused
// multiply-add, and one IEEE division per row. Row losses are summed in
// float64 in a fixed order (eight accumulators over chunks of [ChunkRows]
// rows), so the total does not depend on the implementation. The loss of a
// row is within 1e-6·(1+|loss|) of the exact value and each gradient element
// within 1e-6·scale.
//
// # Special values
//
//   - A logit of -Inf contributes exactly nothing: its exponential is +0 and
//     its gradient entry is exactly 0 (or -scale at the label).
//   - A logit of -Inf at the label gives that row a loss of +Inf and a
//     finite gradient.
//   - With dense targets, a -Inf logit whose target is exactly 0 contributes
//     exactly 0 (0·(-Inf) is taken as 0).
//   - A NaN or +Inf logit, or a row of -Inf only, makes that row's loss and
//     every gradient entry of that row NaN; other rows are unaffected, and
//     the mean or sum that includes the row is NaN.
//   - Huge finite logits (±3e38) do not overflow spuriously: with integer
//     labels a loss is +Inf only when the exact loss exceeds the float32
//     range. One exception follows from computing in float32: with dense
//     targets or label smoothing, a class with a nonzero target whose logit
//     lies more than MaxFloat32 below the row's maximum has d = -Inf, and
//     the row's loss is +Inf even where the exact loss (weighted by a small
//     target) would fit.
//   - Subnormal inputs follow IEEE arithmetic; nothing is flushed to zero.
//     No exponential is subnormal: exp(d) below 2^-126 is exactly +0.
//
// # Errors
//
// Every argument is checked before anything is written: a call that returns
// an error leaves all output slices exactly as they were, so a caller that
// computes in place loses nothing. Errors wrap the sentinel errors below
// ([ErrShape], [ErrLength], [ErrLabel], [ErrOverlap], [ErrOption]) and can be
// tested with [errors.Is]; they name the first bad row where there is one.
//
// An empty batch (N = 0) is valid: the loss is 0 and nothing is written.
package kernel

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Classes is the number of logits in every row.
const Classes = 10

// ChunkRows is the number of rows whose losses are summed together before
// they are added, chunk by chunk, to the batch total. It is part of the
// numerical contract: the total depends on it, and on nothing else.
const ChunkRows = 8192

// Sentinel errors; every error returned by the package wraps one of them.
var (
	// ErrShape: the length of logits is not a multiple of Classes.
	ErrShape = errors.New("kernel: logits length is not a multiple of 10")
	// ErrLength: an output, label or target slice does not match the batch.
	ErrLength = errors.New("kernel: slice length does not match the batch")
	// ErrLabel: a label is outside [0, Classes) and is not the ignored label.
	ErrLabel = errors.New("kernel: label out of range")
	// ErrOverlap: an output slice overlaps an input other than exactly.
	ErrOverlap = errors.New("kernel: output overlaps an input")
	// ErrOption: an Options field is invalid.
	ErrOption = errors.New("kernel: invalid option")
	// ErrInternal: a worker goroutine panicked. It cannot happen on
	// validated input; it is reported rather than crashing the program.
	ErrInternal = errors.New("kernel: internal error")
	// ErrImplementation: Use was given a name this machine cannot run.
	ErrImplementation = errors.New("kernel: unknown or unsupported implementation")
)

// kernels is one implementation of the four block functions. Each processes
// n rows (len(logits) = 10·n); the assembly versions require n to be a
// multiple of 8, and the driver passes the last rows of a batch to the
// generic functions. See kernel_generic.go for the contract of each.
//
// The methods call the functions directly (no function values), so that
// escape analysis keeps acc on the caller's stack. Each architecture has at
// most one assembly implementation, bound in kernel_$GOARCH.go to the
// functions xentLabelsAsm, xentTargetsAsm, softmaxAsm and logSoftmaxAsm.
type kernels struct {
	name string
	asm  bool
}

func (k *kernels) xentLabels(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64) {
	if k.asm {
		xentLabelsAsm(grad, logits, labels, scale, losses, acc)
	} else {
		xentLabelsGeneric(grad, logits, labels, scale, losses, acc)
	}
}

func (k *kernels) xentTargets(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64) {
	if k.asm {
		xentTargetsAsm(grad, logits, targets, scale, losses, acc)
	} else {
		xentTargetsGeneric(grad, logits, targets, scale, losses, acc)
	}
}

func (k *kernels) softmax(dst, logits []float32) {
	if k.asm {
		softmaxAsm(dst, logits)
	} else {
		softmaxGeneric(dst, logits)
	}
}

func (k *kernels) logSoftmax(dst, logits []float32) {
	if k.asm {
		logSoftmaxAsm(dst, logits)
	} else {
		logSoftmaxGeneric(dst, logits)
	}
}

var generic = &kernels{name: "generic"}

// available lists the implementations this machine can run, the preferred
// one first. archKernels (kernel_$GOARCH.go or kernel_other.go) holds the
// assembly implementations whose CPU features are present.
var available = append(archKernels(), generic)

// active is the implementation in use.
var active atomic.Pointer[kernels]

func init() { active.Store(available[0]) }

// Implementation returns the name of the implementation in use: "avx2",
// "neon" or "generic".
func Implementation() string { return active.Load().name }

// Implementations returns the names of the implementations this machine can
// run, the default first. "generic" is always last.
func Implementations() []string {
	names := make([]string, len(available))
	for i, k := range available {
		names[i] = k.name
	}
	return names
}

// Use switches every later call in the process to the named implementation,
// one of Implementations(). It is meant for benchmarks, tests and debugging:
// since all implementations give identical results, programs never need it.
// It is safe to call concurrently with other functions of the package; a
// call already running finishes with the implementation it started with.
func Use(name string) error {
	for _, k := range available {
		if k.name == name {
			active.Store(k)
			return nil
		}
	}
	return fmt.Errorf("%w: %q (this machine has %v)", ErrImplementation, name, Implementations())
}

// Reduction says how the row losses of a batch are combined.
type Reduction int

const (
	// Mean returns the mean row loss (the default, as in PyTorch). Without
	// class weights it divides by the number of rows that are not ignored;
	// with weights, by the sum of the weights of those rows' labels. The
	// gradient is that of the mean. When nothing is counted (N = 0, every
	// row ignored, or a zero weight sum) the loss is 0 and so is the
	// gradient.
	Mean Reduction = iota
	// Sum returns the sum of the row losses; the gradient is that of the
	// sum.
	Sum
	// None writes each row's loss to Options.Losses (which must then be
	// set) and returns their sum; the gradient is that of the sum, as in
	// PyTorch when the per-row losses are summed in backward.
	None
)

// String returns "mean", "sum" or "none".
func (r Reduction) String() string {
	switch r {
	case Mean:
		return "mean"
	case Sum:
		return "sum"
	case None:
		return "none"
	}
	return fmt.Sprintf("Reduction(%d)", int(r))
}

// Options configures CrossEntropy and CrossEntropyTargets the way the
// arguments of PyTorch's torch.nn.CrossEntropyLoss do. The zero value (and a
// nil *Options) means PyTorch's defaults: mean reduction, no class weights,
// no label smoothing, no ignored label.
//
// With class weights w and label smoothing ε, the loss of a row with label l
// is, as in PyTorch,
//
//	(1-ε)·w[l]·(-log p[l]) + (ε/10)·Σ_j w[j]·(-log p[j])
//
// which is the dense-target loss of the row a[j] = w[j]·((1-ε)·[j == l] +
// ε/10); the package computes it that way. For dense targets t the effective
// target row is a[j] = w[j]·((1-ε)·t[j] + ε/10).
type Options struct {
	// Reduction combines the row losses; the zero value is Mean.
	Reduction Reduction

	// Weights, when not nil, holds Classes non-negative, non-NaN weights,
	// one per class.
	Weights []float32

	// LabelSmoothing is ε in [0, 1): the target mixes the label (or the
	// dense target) with the uniform distribution, with weight ε on the
	// uniform.
	LabelSmoothing float32

	// Ignore enables IgnoreLabel: rows whose label equals IgnoreLabel (which
	// may be any int32, in range or not) get a loss of 0 and a gradient of 0,
	// and are left out of the mean. It applies to integer labels only;
	// CrossEntropyTargets rejects it. When Ignore is false, IgnoreLabel is
	// not used, so the zero value disables it.
	Ignore      bool
	IgnoreLabel int32

	// Workers is the number of goroutines a call may use: 0 (the default)
	// chooses automatically, splitting a batch only when it has at least two
	// chunks of ChunkRows rows and then using up to GOMAXPROCS goroutines;
	// 1 keeps the work on the calling goroutine. Work is split in whole
	// chunks whose sums are added in order, so results are bit-identical
	// for every value of Workers and GOMAXPROCS. Only the parallel path
	// allocates (the chunk sums and the goroutines).
	Workers int

	// Losses, when not nil, receives the loss of each row (N values,
	// weighted and smoothed, 0 for ignored rows), whatever the reduction.
	// It is required by the None reduction.
	Losses []float32
}

// CrossEntropy returns the mean softmax cross-entropy of logits (row-major
// [N][10], len(logits) = 10·N) against integer labels in [0, 10)
// (len(labels) = N). When grad is not nil it must have len(logits) elements
// and receives d(mean loss)/d(logits) = (softmax(logits) - onehot(labels))/N.
// grad may be the very same slice as logits, to compute in place.
//
// It is Options{}.CrossEntropy; see the package documentation for the
// arithmetic, the special values and the errors.
func CrossEntropy(grad, logits []float32, labels []int32) (float64, error) {
	return (*Options)(nil).CrossEntropy(grad, logits, labels)
}

// CrossEntropyTargets is CrossEntropy with dense targets: targets has the
// shape of logits and holds one row per example, one-hot (as from a label)
// or a probability distribution. With T = Σ_j t[j] and D = Σ_j t[j]·d[j],
// the row loss is log(s)·T - D and the gradient (e[j]/s)·T - t[j], scaled by
// 1/N. For one-hot rows the results are bit-identical to CrossEntropy.
// grad may be the same slice as logits but must not overlap targets.
func CrossEntropyTargets(grad, logits, targets []float32) (float64, error) {
	return (*Options)(nil).CrossEntropyTargets(grad, logits, targets)
}

// Softmax writes softmax(logits) row by row to dst (len(dst) =
// len(logits)); dst may be logits itself. Each element is e[j]·(1/s) in the
// notation of the package documentation.
func Softmax(dst, logits []float32) error {
	return (*Options)(nil).Softmax(dst, logits)
}

// LogSoftmax writes log(softmax(logits)) row by row to dst (len(dst) =
// len(logits)); dst may be logits itself. Each element is d[j] - log(s) in
// the notation of the package documentation: exact for the largest logit's
// class up to the rounding of log(s), and never -Inf unless the logit is.
func LogSoftmax(dst, logits []float32) error {
	return (*Options)(nil).LogSoftmax(dst, logits)
}

// Softmax is the package-level Softmax, computed with o.Workers; the other
// fields of Options do not apply. A nil receiver means the zero Options.
func (o *Options) Softmax(dst, logits []float32) error {
	return o.rowwise(kindSoftmax, dst, logits)
}

// LogSoftmax is the package-level LogSoftmax, computed with o.Workers; the
// other fields of Options do not apply.
func (o *Options) LogSoftmax(dst, logits []float32) error {
	return o.rowwise(kindLogSoftmax, dst, logits)
}

func (o *Options) rowwise(kind int, dst, logits []float32) error {
	var workers int
	if o != nil {
		workers = o.Workers
	}
	if workers < 0 {
		return fmt.Errorf("%w: %d workers", ErrOption, workers)
	}
	n, err := rows(logits)
	if err != nil {
		return err
	}
	if err := checkOut("dst", dst, n, logits); err != nil {
		return err
	}
	b := batch{k: active.Load(), kind: kind, n: n, grad: dst, logits: logits}
	_, err = b.run(workers)
	return err
}

// CrossEntropy is the package-level CrossEntropy with these options. A nil
// receiver means the zero Options.
func (o *Options) CrossEntropy(grad, logits []float32, labels []int32) (float64, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	n, err := rows(logits)
	if err != nil {
		return 0, err
	}
	if len(labels) != n {
		return 0, fmt.Errorf("%w: %d labels for %d rows", ErrLength, len(labels), n)
	}
	if err := opt.check(n, grad, logits, nil); err != nil {
		return 0, err
	}
	// Labels, and the divisor of the mean: the number of counted rows, or
	// the sum of their weights (float64, in row order).
	var count, div float64
	switch {
	case opt.Weights != nil || opt.Ignore:
		for i, l := range labels {
			if opt.Ignore && l == opt.IgnoreLabel {
				continue
			}
			if uint32(l) >= Classes {
				return 0, fmt.Errorf("%w: row %d has label %d", ErrLabel, i, l)
			}
			if opt.Weights != nil {
				count += float64(opt.Weights[l])
			} else {
				count++
			}
		}
	default: // the common case: every row counts
		for i, l := range labels {
			if uint32(l) >= Classes {
				return 0, fmt.Errorf("%w: row %d has label %d", ErrLabel, i, l)
			}
		}
		count = float64(n)
	}
	b := opt.batch(kindLabels, n, grad, logits)
	b.labels = labels
	b.scale, div = opt.scale(count)
	total, err := b.run(opt.Workers)
	return total / div, err
}

// CrossEntropyTargets is the package-level CrossEntropyTargets with these
// options. With the Mean reduction it divides by N, as PyTorch does for
// probability targets, whatever the weights. Ignore is rejected with
// ErrOption.
func (o *Options) CrossEntropyTargets(grad, logits, targets []float32) (float64, error) {
	var opt Options
	if o != nil {
		opt = *o
	}
	n, err := rows(logits)
	if err != nil {
		return 0, err
	}
	if len(targets) != len(logits) {
		return 0, fmt.Errorf("%w: %d targets for %d logits", ErrLength, len(targets), len(logits))
	}
	if opt.Ignore {
		return 0, fmt.Errorf("%w: Ignore applies to integer labels only", ErrOption)
	}
	if err := opt.check(n, grad, logits, targets); err != nil {
		return 0, err
	}
	b := opt.batch(kindTargets, n, grad, logits)
	b.tgts = targets
	var div float64
	b.scale, div = opt.scale(float64(n))
	total, err := b.run(opt.Workers)
	return total / div, err
}

// batch returns the batch of a validated call; kind is kindLabels or
// kindTargets, and becomes kindStaged when an option needs target rows.
func (o *Options) batch(kind, n int, grad, logits []float32) batch {
	b := batch{k: active.Load(), kind: kind, n: n, grad: grad, logits: logits, losses: o.Losses}
	if o.Weights == nil && o.LabelSmoothing == 0 && !o.Ignore {
		return b
	}
	b.kind = kindStaged
	for j := range b.w {
		b.w[j] = 1
		if o.Weights != nil {
			b.w[j] = o.Weights[j]
		}
	}
	b.keep = 1 - o.LabelSmoothing
	b.uni = o.LabelSmoothing / Classes
	b.ignore, b.ignoreLabel = o.Ignore, o.IgnoreLabel
	return b
}

// scale returns the gradient scale and the divisor of the returned loss for
// a batch whose mean divides by count.
func (o *Options) scale(count float64) (scale float32, div float64) {
	if o.Reduction != Mean {
		return 1, 1
	}
	if count == 0 {
		return 0, math.Inf(1) // loss 0, gradient 0
	}
	return float32(1 / count), count
}

// check validates the options and the output slices of a batch of n rows.
func (o *Options) check(n int, grad, logits, targets []float32) error {
	if o.Workers < 0 {
		return fmt.Errorf("%w: %d workers", ErrOption, o.Workers)
	}
	switch o.Reduction {
	case Mean, Sum:
	case None:
		if o.Losses == nil {
			return fmt.Errorf("%w: reduction none needs Losses", ErrOption)
		}
	default:
		return fmt.Errorf("%w: %v", ErrOption, o.Reduction)
	}
	if o.Weights != nil {
		if len(o.Weights) != Classes {
			return fmt.Errorf("%w: %d weights for %d classes", ErrOption, len(o.Weights), Classes)
		}
		for j, w := range o.Weights {
			if !(w >= 0) || math.IsInf(float64(w), 1) {
				return fmt.Errorf("%w: weight %d is %v", ErrOption, j, w)
			}
		}
	}
	if eps := o.LabelSmoothing; !(eps >= 0 && eps < 1) {
		return fmt.Errorf("%w: label smoothing %v is outside [0, 1)", ErrOption, eps)
	}
	if grad != nil {
		if err := checkOut("grad", grad, n, logits); err != nil {
			return err
		}
		if overlaps(grad, targets) {
			return fmt.Errorf("%w: grad and targets", ErrOverlap)
		}
	}
	if l := o.Losses; l != nil {
		if len(l) != n {
			return fmt.Errorf("%w: %d losses for %d rows", ErrLength, len(l), n)
		}
		if overlaps(l, logits) || overlaps(l, targets) || overlaps(l, grad) || overlaps(l, o.Weights) {
			return fmt.Errorf("%w: Losses and another slice", ErrOverlap)
		}
	}
	if overlaps(grad, o.Weights) {
		return fmt.Errorf("%w: grad and Weights", ErrOverlap)
	}
	return nil
}

// rows returns the number of rows of logits.
func rows(logits []float32) (int, error) {
	if len(logits)%Classes != 0 {
		return 0, fmt.Errorf("%w: len(logits) = %d", ErrShape, len(logits))
	}
	return len(logits) / Classes, nil
}

// checkOut checks an output slice of n rows that may be exactly in, or
// disjoint from it.
func checkOut(name string, out []float32, n int, in []float32) error {
	if len(out) != n*Classes {
		return fmt.Errorf("%w: len(%s) = %d for %d rows", ErrLength, name, len(out), n)
	}
	if overlaps(out, in) && &out[0] != &in[0] {
		return fmt.Errorf("%w: %s overlaps its input without being it", ErrOverlap, name)
	}
	return nil
}

// overlaps reports whether a and b share memory.
func overlaps(a, b []float32) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	a0 := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
	b0 := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(len(b))*4 && b0 < a0+uintptr(len(a))*4
}

// part returns s[i*w : j*w], or nil when s is nil.
func part[T any](s []T, i, j, w int) []T {
	if s == nil {
		return nil
	}
	return s[i*w : j*w]
}

// sum8 combines the eight accumulators of a chunk (numerics.md §2.5).
func sum8(a *[8]float64) float64 {
	return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
}

// The kinds of batch a call runs.
const (
	kindLabels     = iota // labels, no options: the label kernel
	kindTargets           // dense targets, no options: the target kernel
	kindStaged            // options: effective target rows built per block
	kindSoftmax           // Softmax
	kindLogSoftmax        // LogSoftmax
)

// A batch is one validated call, cut into chunks of ChunkRows rows that are
// computed independently (by one or several goroutines) and whose loss sums
// are added in chunk order.
type batch struct {
	k      *kernels
	kind   int
	n      int // rows
	grad   []float32
	logits []float32
	labels []int32   // kindLabels, kindStaged with labels
	tgts   []float32 // kindTargets, kindStaged with targets
	losses []float32
	scale  float32

	// kindStaged: class weights (1 without weights), 1-ε and ε/10, and
	// the ignored label when ignore is set.
	w           [Classes]float32
	keep, uni   float32
	ignore      bool
	ignoreLabel int32
}

// chunk computes rows [c0, c1), c0 a multiple of ChunkRows, and returns the
// sum of their losses: row i is added to acc[(i-c0)%8] and the eight
// accumulators are combined by sum8. Full blocks of 8 rows go to b.k, the
// last rows of the batch to the generic code, which continues the
// accumulator pattern.
func (b *batch) chunk(c0, c1 int) float64 {
	if chunkHook != nil {
		chunkHook(c0)
	}
	if b.kind == kindStaged {
		return b.stagedChunk(c0, c1)
	}
	var acc [8]float64
	for _, r := range [2][2]int{{c0, c0 + (c1-c0)&^7}, {c0 + (c1-c0)&^7, c1}} {
		r0, r1 := r[0], r[1]
		if r0 == r1 {
			continue
		}
		k := b.k
		if (r1-r0)%8 != 0 {
			k = generic
		}
		x := b.logits[r0*Classes : r1*Classes]
		g := part(b.grad, r0, r1, Classes)
		l := part(b.losses, r0, r1, 1)
		switch b.kind {
		case kindLabels:
			k.xentLabels(g, x, b.labels[r0:r1], b.scale, l, &acc)
		case kindTargets:
			k.xentTargets(g, x, b.tgts[r0*Classes:r1*Classes], b.scale, l, &acc)
		case kindSoftmax:
			k.softmax(g, x)
		case kindLogSoftmax:
			k.logSoftmax(g, x)
		}
	}
	return sum8(&acc)
}

// stagedChunk runs the options path (weights, label smoothing, ignored
// labels) through the dense-target kernel: for each block of 8 rows it
// builds, on the stack, the effective target rows
//
//	a[j] = w[j]·((1-ε)·t[j] + ε/10)
//
// where t is the one-hot row of the label (labels != nil) or the caller's
// target row, and, for ignored rows, a row of zero logits with zero targets,
// whose loss and gradient are exactly +0.
func (b *batch) stagedChunk(c0, c1 int) float64 {
	var acc [8]float64
	var xs, ts [8 * Classes]float32
	for b0 := c0; b0 < c1; b0 += 8 {
		b1 := min(b0+8, c1)
		x := b.logits[b0*Classes : b1*Classes]
		ignored := false
		for i := b0; i < b1; i++ {
			trow := (*[Classes]float32)(ts[(i-b0)*Classes:])
			if b.ignore && b.labels[i] == b.ignoreLabel {
				*trow = [Classes]float32{}
				ignored = true
				continue
			}
			for j := range trow {
				t := float32(0)
				if b.labels == nil {
					t = b.tgts[i*Classes+j]
				} else if int32(j) == b.labels[i] {
					t = 1
				}
				trow[j] = float32(b.w[j] * (float32(b.keep*t) + b.uni))
			}
		}
		if ignored {
			copy(xs[:], x)
			x = xs[:len(x)]
			for i := b0; i < b1; i++ {
				if b.labels[i] == b.ignoreLabel {
					*(*[Classes]float32)(xs[(i-b0)*Classes:]) = [Classes]float32{}
				}
			}
		}
		k := b.k
		if b1-b0 != 8 {
			k = generic
		}
		k.xentTargets(part(b.grad, b0, b1, Classes), x, ts[:len(x)], b.scale, part(b.losses, b0, b1, 1), &acc)
	}
	return sum8(&acc)
}

// chunkHook, when set by a test, runs at the start of every chunk.
var chunkHook func(c0 int)

// run computes the whole batch on up to workers goroutines (0: automatic)
// and returns the sum of its row losses: the chunk sums added in chunk
// order, whatever the number of workers.
func (b *batch) run(workers int) (float64, error) {
	chunks := (b.n + ChunkRows - 1) / ChunkRows
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers = min(workers, chunks); workers <= 1 {
		var total float64
		for c0 := 0; c0 < b.n; c0 += ChunkRows {
			total += b.chunk(c0, min(c0+ChunkRows, b.n))
		}
		return total, nil
	}
	p := &parallelBatch{batch: *b, sums: make([]float64, chunks)} // the parallel path's two allocations
	p.wg.Add(workers - 1)
	for range workers - 1 {
		go p.worker()
	}
	p.work()
	p.wg.Wait()
	if err := p.failure.Load(); err != nil {
		return 0, *err
	}
	var total float64
	for _, s := range p.sums {
		total += s
	}
	return total, nil
}

// parallelBatch is a batch shared by several goroutines, each taking the
// next chunk in turn and storing its sum at the chunk's index.
type parallelBatch struct {
	batch
	sums    []float64
	next    atomic.Int64
	failure atomic.Pointer[error]
	wg      sync.WaitGroup
}

func (p *parallelBatch) worker() {
	defer p.wg.Done()
	p.work()
}

// work computes chunks until none is left. A panic (which validated input
// cannot cause) is recorded as an error wrapping ErrInternal, and stops the
// other workers at their next chunk.
func (p *parallelBatch) work() {
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("%w: %v", ErrInternal, r)
			p.failure.CompareAndSwap(nil, &err)
		}
	}()
	for {
		c := int(p.next.Add(1) - 1)
		if c >= len(p.sums) || p.failure.Load() != nil {
			return
		}
		c0 := c * ChunkRows
		p.sums[c] = p.chunk(c0, min(c0+ChunkRows, p.n))
	}
}

// Clipping bounds of LossFromProbs, as in the seed recipe.
const (
	probMin = 1e-7
	probMax = 1 - 1e-7
)

// LossFromProbs returns the mean over rows of -Σ_j t[j]·log(clip(p[j])) for
// probabilities p (softmax outputs, row-major [N][10]) and targets t of the
// same shape, one-hot or soft, with clip(p) = min(max(p, 1e-7), 1-1e-7): the
// probability-space recipe of frameworks that keep softmax and the loss
// apart. A term with t[j] == 0 is exactly 0. The logarithm and the sums are
// those of the fused path (a ten-term pairwise tree per row, float64 over
// rows), so the result is the same on every machine. Prefer CrossEntropy,
// which works from the logits and needs no clipping.
func LossFromProbs(probs, targets []float32) (float64, error) {
	n, err := rows(probs)
	if err != nil {
		return 0, err
	}
	if len(targets) != len(probs) {
		return 0, fmt.Errorf("%w: %d targets for %d probabilities", ErrLength, len(targets), len(probs))
	}
	if n == 0 {
		return 0, nil
	}
	var total float64
	for c0 := 0; c0 < n; c0 += ChunkRows {
		c1 := min(c0+ChunkRows, n)
		var acc [8]float64
		for i := c0; i < c1; i++ {
			p := (*[Classes]float32)(probs[i*Classes:])
			t := (*[Classes]float32)(targets[i*Classes:])
			var terms [Classes]float32
			for j := range terms {
				if t[j] != 0 {
					terms[j] = float32(t[j] * log32(min(max(p[j], probMin), probMax)))
				}
			}
			acc[(i-c0)%8] += float64(-sum10(&terms))
		}
		total += sum8(&acc)
	}
	return total / float64(n), nil
}

// GradFromProbs writes grad[i] = (probs[i] - targets[i])/N, the gradient of
// the mean cross-entropy with respect to the logits when probs =
// softmax(logits): the seed's "predictions - targets", averaged over the
// batch. grad may be the same slice as probs or as targets.
func GradFromProbs(grad, probs, targets []float32) error {
	n, err := rows(probs)
	if err != nil {
		return err
	}
	if len(targets) != len(probs) {
		return fmt.Errorf("%w: %d targets for %d probabilities", ErrLength, len(targets), len(probs))
	}
	if err := checkOut("grad", grad, n, probs); err != nil {
		return err
	}
	if overlaps(grad, targets) && &grad[0] != &targets[0] {
		return fmt.Errorf("%w: grad overlaps targets without being targets", ErrOverlap)
	}
	if n == 0 {
		return nil
	}
	scale := float32(1 / float64(n))
	for i := range grad {
		grad[i] = float32((probs[i] - targets[i]) * scale)
	}
	return nil
}
