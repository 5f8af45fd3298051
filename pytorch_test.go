// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// pytorchCase is one batch of testdata/pytorch_fused.json, written by
// testdata/pytorch/fused.py (make pytorch-golden): PyTorch's float64 loss
// with a z-loss, its autograd gradient, torch.logsumexp and torch.argmax.
type pytorchCase struct {
	Name        string    `json:"name"`
	N           int       `json:"n"`
	Logits      []float32 `json:"logits"`
	Labels      []int32   `json:"labels"`
	Targets     []float32 `json:"targets"`
	Weights     []float32 `json:"weights"`
	Smoothing   float32   `json:"smoothing"`
	Ignore      bool      `json:"ignore"`
	IgnoreLabel int32     `json:"ignore_label"`
	Reduction   string    `json:"reduction"`
	Z           float32   `json:"z"`
	Loss        float64   `json:"loss"`
	Losses      []float64 `json:"losses"`
	Grad        []float64 `json:"grad"`
	LSE         []float64 `json:"lse"`
	Argmax      []int32   `json:"argmax"`
}

// TestPyTorchFused checks the loss with a z-loss, its gradient, the
// log-sum-exps and the predictions against PyTorch's, for every
// implementation: the loss within 1e-6 relative (or absolute below 1), each
// row loss within 1e-6·(max(1, A)+|loss|), each gradient element within
// 1e-6·scale·max(1, A)·max(1, |1+2·z·lse|) (A the row's target mass), each
// log-sum-exp within 1e-6·(1+|lse|), and every prediction exactly.
func TestPyTorchFused(t *testing.T) {
	data, err := os.ReadFile("testdata/pytorch_fused.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Torch string        `json:"torch"`
		Cases []pytorchCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no case in testdata/pytorch_fused.json")
	}
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, c := range file.Cases {
			o := Options{Weights: c.Weights, LabelSmoothing: c.Smoothing, Ignore: c.Ignore, IgnoreLabel: c.IgnoreLabel, ZLoss: c.Z}
			switch c.Reduction {
			case "sum":
				o.Reduction = Sum
			case "none":
				o.Reduction = None
			}
			n := c.N
			o.Losses, o.Predictions, o.LogSumExp = make([]float32, n), make([]int32, n), make([]float32, n)
			grad := make([]float32, n*Classes)
			var loss float64
			var count float64
			if c.Targets != nil {
				loss, err = o.CrossEntropyTargets(grad, c.Logits, c.Targets)
				count = float64(n)
			} else {
				loss, err = o.CrossEntropy(grad, c.Logits, c.Labels)
				for _, l := range c.Labels {
					if labelWeights(&o, l) != nil {
						count += float64(weightOf(&o, l))
					}
				}
			}
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			if math.Abs(loss-c.Loss) > 1e-6*math.Max(1, math.Abs(c.Loss)) {
				t.Errorf("%s: loss %v, PyTorch %v", c.Name, loss, c.Loss)
			}
			scale := 1.0
			if o.Reduction == Mean {
				scale = 1 / count
			}
			for i := range n {
				x := c.Logits[i*Classes : (i+1)*Classes]
				var a []float64
				if c.Targets != nil {
					t64 := make([]float64, Classes)
					for j := range t64 {
						t64[j] = float64(c.Targets[i*Classes+j])
					}
					a = denseWeights(&o, t64)
				} else {
					a = labelWeights(&o, c.Labels[i])
				}
				var mass float64
				for _, v := range a {
					mass += math.Abs(v)
				}
				mass = math.Max(1, mass)
				if got, want := o.Losses[i], c.Losses[i]; math.Abs(float64(got)-want) > 1e-6*(mass+math.Abs(want)) {
					t.Errorf("%s row %d: loss %v, PyTorch %v", c.Name, i, got, want)
				}
				if got, want := o.LogSumExp[i], c.LSE[i]; math.Abs(float64(got)-want) > 1e-6*(1+math.Abs(want)) {
					t.Errorf("%s row %d: lse %v, PyTorch %v", c.Name, i, got, want)
				}
				if o.Predictions[i] != c.Argmax[i] {
					t.Errorf("%s row %d: prediction %d, PyTorch %d for row %v", c.Name, i, o.Predictions[i], c.Argmax[i], x)
				}
				factor := math.Max(1, math.Abs(1+2*float64(c.Z)*c.LSE[i]))
				for j := range Classes {
					got, want := float64(grad[i*Classes+j]), c.Grad[i*Classes+j]
					if math.Abs(got-want) > 1e-6*scale*mass*factor {
						t.Errorf("%s row %d: grad[%d] = %v, PyTorch %v", c.Name, i, j, got, want)
					}
				}
			}
		}
	})
}

// weightOf is the weight of label l in the mean's divisor.
func weightOf(o *Options, l int32) float32 {
	if o.Weights == nil {
		return 1
	}
	return o.Weights[l]
}

// formulaBatch returns the logits and labels of a case of
// testdata/pytorch_classes.json (formula_batch in fused.py): x = (v -
// 2000)/256 with v = ((i·c + j)·2654435761 + seed mod 2^32 >> 16) mod 4001,
// exact in float32, and labels (i·7919 + seed) mod c.
func formulaBatch(n, c int, seed uint64) ([]float32, []int32) {
	x := make([]float32, n*c)
	for k := range x {
		u := (uint64(k)*2654435761 + seed) % (1 << 32)
		v := (u >> 16) % 4001
		x[k] = float32(int64(v)-2000) / 256
	}
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32((uint64(i)*7919 + seed) % uint64(c))
	}
	return x, labels
}

// TestPyTorchClasses checks other class counts (2 to 32000) against
// PyTorch: the loss with a z-loss, with weights and label smoothing for some
// counts, the row losses, log-sum-exps and predictions, and the gradient at
// sampled indices (every label's among them), with the bounds of
// TestPyTorchFused.
func TestPyTorchClasses(t *testing.T) {
	data, err := os.ReadFile("testdata/pytorch_classes.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			pytorchCase
			Classes   int    `json:"classes"`
			Seed      uint64 `json:"seed"`
			GradIndex []int  `json:"grad_index"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no case in testdata/pytorch_classes.json")
	}
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, c := range file.Cases {
			x, labels := formulaBatch(c.N, c.Classes, c.Seed)
			if !slices.Equal(labels, c.Labels) {
				t.Fatalf("%s: the labels of the formula differ from the file's", c.Name)
			}
			n, cl := c.N, c.Classes
			o := Options{Classes: cl, Weights: c.Weights, LabelSmoothing: c.Smoothing, ZLoss: c.Z,
				Losses: make([]float32, n), Predictions: make([]int32, n), LogSumExp: make([]float32, n)}
			grad := make([]float32, len(x))
			loss, err := o.CrossEntropy(grad, x, labels)
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			if math.Abs(loss-c.Loss) > 1e-6*math.Max(1, math.Abs(c.Loss)) {
				t.Errorf("%s: loss %v, PyTorch %v", c.Name, loss, c.Loss)
			}
			var count, wsum float64
			for _, l := range labels {
				count += float64(weightOf(&o, l))
			}
			for j := range cl {
				wsum += float64(weightOf(&o, int32(j)))
			}
			scale := 1 / count
			for i := range n {
				// The row's target mass: (1-ε)·w[l] + ε·mean(w).
				eps := float64(c.Smoothing)
				mass := math.Max(1, (1-eps)*float64(weightOf(&o, labels[i]))+eps*wsum/float64(cl))
				if got, want := o.Losses[i], c.Losses[i]; math.Abs(float64(got)-want) > 1e-6*(mass+math.Abs(want)) {
					t.Errorf("%s row %d: loss %v, PyTorch %v", c.Name, i, got, want)
				}
				if got, want := o.LogSumExp[i], c.LSE[i]; math.Abs(float64(got)-want) > 1e-6*(1+math.Abs(want)) {
					t.Errorf("%s row %d: lse %v, PyTorch %v", c.Name, i, got, want)
				}
				if o.Predictions[i] != c.Argmax[i] {
					t.Errorf("%s row %d: prediction %d, PyTorch %d", c.Name, i, o.Predictions[i], c.Argmax[i])
				}
			}
			for k, idx := range c.GradIndex {
				i := idx / cl
				eps := float64(c.Smoothing)
				mass := math.Max(1, (1-eps)*float64(weightOf(&o, labels[i]))+eps*wsum/float64(cl))
				factor := math.Max(1, math.Abs(1+2*float64(c.Z)*c.LSE[i]))
				if got, want := float64(grad[idx]), c.Grad[k]; math.Abs(got-want) > 1e-6*scale*mass*factor {
					t.Errorf("%s: grad[%d] (row %d) = %v, PyTorch %v", c.Name, idx, i, got, want)
				}
			}
		}
	})
}
