// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel_test

import (
	"errors"
	"fmt"

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

func ExampleImplementation() {
	// The fastest implementation for this CPU is chosen at start-up; all
	// give the same bits.
	impls := kernel.Implementations()
	fmt.Println(impls[len(impls)-1])
	// Output:
	// generic
}
