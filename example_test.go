// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel_test

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/xentropy/kernel"
)

func ExampleCrossEntropy() {
	// Two examples, ten logits each, and their digits.
	logits := []float32{
		0.1, 0.2, 3.0, 0.1, 0.0, 0.2, 0.1, 0.3, 0.1, 0.1, // confident "2"
		1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, // no idea
	}
	labels := []int32{2, 7}
	grad := make([]float32, len(logits))

	loss, err := kernel.CrossEntropy(grad, logits, labels)
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean loss %.4f\n", loss)
	fmt.Printf("d loss/d logit[0][2] = %.4f (push the right digit up)\n", grad[2])
	fmt.Printf("d loss/d logit[1][0] = %.4f (push the others down)\n", grad[10])
	// Output:
	// mean loss 1.3586
	// d loss/d logit[0][2] = -0.1697 (push the right digit up)
	// d loss/d logit[1][0] = 0.0500 (push the others down)
}

func ExampleCrossEntropy_inPlace() {
	logits := []float32{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	// The gradient overwrites the logits.
	loss, err := kernel.CrossEntropy(logits, logits, []int32{4})
	fmt.Printf("%.4f %v\n%.2f\n", loss, err, logits)
	// Output:
	// 2.3026 <nil>
	// [0.10 0.10 0.10 0.10 -0.90 0.10 0.10 0.10 0.10 0.10]
}

func ExampleCrossEntropy_errors() {
	logits := make([]float32, 20)
	grad := make([]float32, 20)
	_, err := kernel.CrossEntropy(grad, logits, []int32{3, 10})
	fmt.Println(errors.Is(err, kernel.ErrLabel))
	fmt.Println(err)
	// Output:
	// true
	// kernel: label out of range: row 1 has label 10
}

func ExampleCrossEntropyTargets() {
	logits := []float32{2, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	// A soft target: 90% class 0, 10% class 1.
	targets := []float32{0.9, 0.1, 0, 0, 0, 0, 0, 0, 0, 0}
	loss, err := kernel.CrossEntropyTargets(nil, logits, targets)
	fmt.Printf("%.4f %v\n", loss, err)
	// Output:
	// 0.9963 <nil>
}

func ExampleOptions_CrossEntropy() {
	logits := []float32{
		2, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 5,
	}
	labels := []int32{0, -1, 9} // -1 marks padding
	perRow := make([]float32, 3)
	opts := kernel.Options{
		Reduction:      kernel.Sum,
		LabelSmoothing: 0.1,
		Ignore:         true,
		IgnoreLabel:    -1,
		Losses:         perRow,
	}
	sum, err := opts.CrossEntropy(nil, logits, labels)
	fmt.Printf("%.4f %v %.4f\n", sum, err, perRow)
	// Output:
	// 1.4855 <nil> [0.9766 0.0000 0.5089]
}

func ExampleSoftmax() {
	logits := []float32{1, 2, 3, 4, 0, 0, 0, 0, 0, 0}
	probs := make([]float32, len(logits))
	if err := kernel.Softmax(probs, logits); err != nil {
		panic(err)
	}
	fmt.Printf("%.3f\n", probs)
	// Output:
	// [0.030 0.081 0.221 0.601 0.011 0.011 0.011 0.011 0.011 0.011]
}

func ExampleLogSoftmax() {
	logits := []float32{0, 0, 0, 0, 0, 0, 0, 0, 0, float32(-1e30)}
	logp := make([]float32, len(logits))
	if err := kernel.LogSoftmax(logp, logits); err != nil {
		panic(err)
	}
	fmt.Printf("%.4f %g\n", logp[0], logp[9])
	// Output:
	// -2.1972 -1e+30
}

func ExampleLossFromProbs() {
	// A confident, correct prediction: 0.85 for the right digit.
	probs := []float32{0.02, 0.01, 0.85, 0.03, 0.01, 0.02, 0.01, 0.03, 0.01, 0.01}
	target := []float32{0, 0, 1, 0, 0, 0, 0, 0, 0, 0}
	loss, _ := kernel.LossFromProbs(probs, target)
	fmt.Printf("%.4f\n", loss)
	// Output:
	// 0.1625
}

func ExampleGradFromProbs() {
	probs := []float32{0.02, 0.01, 0.85, 0.03, 0.01, 0.02, 0.01, 0.03, 0.01, 0.01}
	target := []float32{0, 0, 1, 0, 0, 0, 0, 0, 0, 0}
	grad := make([]float32, 10)
	_ = kernel.GradFromProbs(grad, probs, target)
	fmt.Printf("%.2f\n", grad)
	// Output:
	// [0.02 0.01 -0.15 0.03 0.01 0.02 0.01 0.03 0.01 0.01]
}

func ExampleImplementations() {
	// The fastest implementation for this CPU is chosen at start-up and
	// listed first; "generic", the Go specification, is always last.
	impls := kernel.Implementations()
	fmt.Println(impls[0] == kernel.Implementation(), impls[len(impls)-1])
	// Output:
	// true generic
}

func ExampleUse() {
	logits := []float32{3, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	labels := []int32{0}
	// Every implementation gives the same bits: compare each with the Go
	// specification, then restore the default.
	def := kernel.Implementation()
	defer kernel.Use(def)
	if err := kernel.Use("generic"); err != nil {
		panic(err)
	}
	want, _ := kernel.CrossEntropy(nil, logits, labels)
	same := true
	for _, name := range kernel.Implementations() {
		if err := kernel.Use(name); err != nil {
			panic(err)
		}
		got, _ := kernel.CrossEntropy(nil, logits, labels)
		same = same && got == want
	}
	fmt.Println(same)
	err := kernel.Use("avx9000")
	fmt.Println(errors.Is(err, kernel.ErrImplementation))
	// Output:
	// true
	// true
}

// A training step: the mean loss of a batch and the gradient of the logits,
// computed in place, ready for the backward pass.
func Example() {
	const n = 3
	logits := []float32{ // the output of a model's last layer, [n][10]
		2.0, 0.1, 0.3, 0.0, 0.1, 0.0, 0.2, 0.1, 0.0, 0.4,
		0.0, 0.2, 0.1, 1.5, 0.0, 0.3, 0.1, 0.0, 0.2, 0.1,
		0.1, 0.0, 0.2, 0.1, 0.9, 0.0, 0.1, 1.1, 0.0, 0.2,
	}
	labels := []uint8{0, 3, 4} // as an MNIST loader gives them

	// One call: the mean loss, the gradient written over the logits, and
	// each row's predicted class, taken before its logits are overwritten.
	preds := make([]int32, n)
	opts := kernel.Options{Predictions: preds}
	loss, err := kernel.CrossEntropyLabels(opts, logits, logits, labels)
	if err != nil {
		panic(err)
	}
	correct := 0
	for i, p := range preds {
		if p == int32(labels[i]) {
			correct++
		}
	}
	// logits now holds d(mean loss)/d(logits): softmax minus one-hot, over n.
	fmt.Printf("loss %.4f, accuracy %d/%d, predictions %v\n", loss, correct, n, preds)
	fmt.Printf("row 0: %.3f\n", logits[:kernel.Classes])
	// Output:
	// loss 1.2708, accuracy 2/3, predictions [0 3 7]
	// row 0: [-0.195 0.021 0.025 0.019 0.021 0.019 0.023 0.021 0.019 0.028]
}

func ExampleArgmax() {
	logits := []float32{
		0.1, 2.5, 0.3, 0.0, 0.1, 0.0, 0.2, 0.1, 0.0, 0.4, // class 1
		0.0, 0.2, 0.1, 1.5, 0.0, 0.3, 0.1, 0.0, 1.5, 0.1, // a tie: the first, 3
	}
	classes := make([]int32, 2)
	err := kernel.Argmax(classes, logits)
	fmt.Println(classes, err)
	// Output:
	// [1 3] <nil>
}

func ExampleOptions_zLoss() {
	logits := []float32{
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	}
	lse := make([]float32, 2)
	plain, _ := kernel.Options{LogSumExp: lse}.CrossEntropy(nil, logits, []int32{0, 0})
	// PaLM's z-loss: 1e-4·lse² added to each row, pulling log Σ exp(x)
	// towards 0.
	withZ, _ := kernel.Options{ZLoss: 1e-4}.CrossEntropy(nil, logits, []int32{0, 0})
	fmt.Printf("log-sum-exp per row %.4f\n", lse)
	fmt.Printf("loss %.6f, with z-loss %.6f\n", plain, withZ)
	// Output:
	// log-sum-exp per row [2.3026 8.0030]
	// loss 1.152800, with z-loss 1.156267
}

func ExampleCrossEntropyLabels() {
	logits := make([]float32, 2*kernel.Classes) // two rows of zeros
	labels := []int{7, -100}                    // -100: PyTorch's ignore_index
	opts := kernel.Options{Ignore: true, IgnoreLabel: -100}
	loss, err := kernel.CrossEntropyLabels(opts, nil, logits, labels)
	fmt.Printf("%.4f %v\n", loss, err)
	_, err = kernel.CrossEntropyLabels(kernel.Options{}, nil, logits, []uint8{7, 12})
	fmt.Println(err)
	// Output:
	// 2.3026 <nil>
	// kernel: label out of range: row 1 has label 12
}

func ExampleOptions_CrossEntropyTargets() {
	logits := []float32{
		2, 1, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 3, 0, 0, 0, 0, 0, 0,
	}
	targets := []float32{ // one soft row, one one-hot row
		0.9, 0.1, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
	}
	grad := make([]float32, len(logits))
	opts := kernel.Options{Reduction: kernel.Sum, LabelSmoothing: 0.1}
	sum, err := opts.CrossEntropyTargets(grad, logits, targets)
	fmt.Printf("%.4f %v\n", sum, err)
	fmt.Printf("%.3f\n", grad[10:])
	// Output:
	// 1.7966 <nil>
	// [0.024 0.024 0.024 -0.219 0.024 0.024 0.024 0.024 0.024 0.024]
}

// Reduction None with class weights: each row's weighted loss goes to
// Losses, and the gradient is that of their sum.
func ExampleOptions_CrossEntropy_none() {
	logits := []float32{
		1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	}
	labels := []int32{0, 1}
	perRow := make([]float32, 2)
	opts := kernel.Options{
		Reduction: kernel.None,
		Weights:   []float32{1, 2, 1, 1, 1, 1, 1, 1, 1, 1}, // class 1 counts twice
		Losses:    perRow,
	}
	sum, err := opts.CrossEntropy(nil, logits, labels)
	fmt.Printf("%.4f %v %.4f\n", sum, err, perRow)
	// Output:
	// 6.3835 <nil> [1.4612 4.9223]
}

func ExampleOptions_Softmax() {
	logits := make([]float32, 4*kernel.ChunkRows*kernel.Classes) // a large batch
	for i := range logits {
		logits[i] = float32(i % 7)
	}
	// Two goroutines; the bits are those of one.
	if err := (kernel.Options{Workers: 2}).Softmax(logits, logits); err != nil {
		panic(err)
	}
	fmt.Printf("%.4f\n", logits[:kernel.Classes])
	// Output:
	// [0.0015 0.0042 0.0114 0.0310 0.0842 0.2288 0.6219 0.0015 0.0042 0.0114]
}

func ExampleOptions_LogSoftmax() {
	logits := []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	logp := make([]float32, len(logits))
	if err := (kernel.Options{Workers: 1}).LogSoftmax(logp, logits); err != nil {
		panic(err)
	}
	fmt.Printf("%.4f\n", logp)
	// Output:
	// [-9.4586 -8.4586 -7.4586 -6.4586 -5.4586 -4.4586 -3.4586 -2.4586 -1.4586 -0.4586]
}

func ExampleOptions_TopK() {
	// One decoding step over a vocabulary of 6 tokens: the greedy choice
	// and the 3 best candidates with their log-probabilities, at
	// temperature 0.5 (Scale 2).
	logits := []float32{1.0, 3.5, -2.0, 3.5, 0.25, 2.0}
	idx, logp := make([]int32, 3), make([]float32, 3)
	if err := (kernel.Options{Classes: 6, Scale: 2}).TopK(idx, logp, logits, 3); err != nil {
		panic(err)
	}
	fmt.Println("greedy:", idx[0]) // ties go to the lower index
	for i, j := range idx {
		fmt.Printf("token %d  log p %.4f\n", j, logp[i])
	}
	// Output:
	// greedy: 1
	// token 1  log p -0.7218
	// token 3  log p -0.7218
	// token 5  log p -3.7218
}

func ExampleOptions_divisor() {
	// Gradient accumulation: two micro-batches of one step of 5 rows,
	// each divided by the step's count, give the gradient of one call over
	// the 5 rows bit for bit, and losses that add up to its loss.
	logits := []float32{2, 0, 1, 1, 0, 3, 1, 2, 2, 1, 0, 0, 3, 1, 1}
	labels := []int32{0, 2, 1, 0, 2}
	opts := kernel.Options{Classes: 3, Divisor: 5}
	gAll, gMicro := make([]float32, 15), make([]float32, 15)
	all, _ := opts.CrossEntropy(gAll, logits, labels)
	l1, _ := opts.CrossEntropy(gMicro[:6], logits[:6], labels[:2])
	l2, _ := opts.CrossEntropy(gMicro[6:], logits[6:], labels[2:])
	fmt.Println(slices.Equal(gAll, gMicro), math.Abs(l1+l2-all) < 1e-12)
	// Output:
	// true true
}
