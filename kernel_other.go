// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build (!amd64 && !arm64) || !gc || purego

package kernel

// archTiers is empty: only the generic Go code runs on this platform or
// with these build tags, so the functions below are never called.
var archTiers []tier

func xentLabelsTier(t int, grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32) {
}

func xentTargetsTier(t int, grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32) {
}

func softmaxTier(t int, dst, logits []float32) {}

func logSoftmaxTier(t int, dst, logits []float32) {}

func argmaxTier(t int, dst []int32, logits []float32) {}

func wideLabelsTier(t int, grad, logits []float32, c int, labels []int32, scale float32, losses []float32, preds []int32, lse []float32, z float32) {
}

func wideTargetsTier(t int, grad, logits []float32, c int, targets []float32, labels []int32, weights []float32, keep, uni float32, staged bool, scale float32, losses []float32, preds []int32, lse []float32, z float32) {
}

func wideSoftmaxTier(t int, dst, logits []float32, c int) {}

func wideLogSoftmaxTier(t int, dst, logits []float32, c int) {}

func wideArgmaxTier(t int, dst []int32, logits []float32, c int) {}

func xentLabels16Tier(t int, grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32) {
}

func xentTargets16Tier(t int, grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64, preds []int32, lse []float32, z float32) {
}

func softmax16Tier(t int, dst, logits []float32) {}

func logSoftmax16Tier(t int, dst, logits []float32) {}

func argmax16Tier(t int, dst []int32, logits []float32) {}
