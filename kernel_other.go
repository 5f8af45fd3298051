// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build (!amd64 && !arm64) || !gc || purego

package kernel

// archTiers is empty: only the generic Go code runs on this platform or
// with these build tags.
var archTiers []tier

// callTier is never called: no kernels value has a tier other than 0 here.
func callTier(t int, f blockFunc, a *blockArgs) { panic(unreachable) }

// weightSumTier is never called, like callTier.
func weightSumTier(t int, w []float32, acc *[16]float64) uint32 { panic(unreachable) }
