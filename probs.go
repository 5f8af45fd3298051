// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
)

// Clipping bounds of LossFromProbs: those of Keras (categorical_crossentropy
// on probabilities clips to [epsilon, 1-epsilon], epsilon = 1e-7).
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
	n, err := rows(probs, Classes)
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
// softmax(logits): "predictions minus targets", averaged over the batch,
// the form in which frameworks that keep the softmax apart from the loss
// (Keras on probabilities, or PyTorch's NLLLoss after a softmax) pass the
// gradient back. grad may be the same slice as probs or as targets.
func GradFromProbs(grad, probs, targets []float32) error {
	n, err := rows(probs, Classes)
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
