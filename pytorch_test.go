// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"encoding/json"
	"math"
	"os"
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
