// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

package kernel

import "github.com/klauspost/cpuid/v2"

// l2Bytes is the size of this CPU's L2 cache (per core), 1 MiB when cpuid
// does not report it: the size of a batch's logits above which a tuning's
// chunkFar applies.
var l2Bytes = func() int {
	if l2 := cpuid.CPU.Cache.L2; l2 > 0 {
		return l2
	}
	return 1 << 20
}()

// A tuned entry: the tuning of a tier on the CPUs of a vendor, family and
// range of models, and the measurement it rests on (ns per row of
// BenchmarkTuning, ten classes with gradient, one goroutine; the README's
// section "On a Zen 4" has the table).
type tuned struct {
	vendor   cpuid.Vendor
	family   int
	models   [2]int // first and last model
	tier     string
	tuning   tuning
	measured string
}

// tunings is the table of tunings by CPU; a tier on a CPU it does not
// list runs with defaultTunings.
var tunings = []tuned{
	{cpuid.AMD, 25, [2]int{0x10, 0x1f}, "avx512", tuning{chunk: 0, chunkFar: 4, chunkFar16: 2, farMin: 4 << 20, prefetchMin: 0},
		"Zen 4 Genoa (AVX-512 on 256-bit units), BenchmarkTuning: 6.5 and 6.3 ns/row at 1M and 4M rows without prefetch in chunks of 4, against 10.5 and 11.4 prefetching 10 KiB ahead and 7.9 and 7.7 in chunks of 8; " +
			"chunks of 4 from 4 MiB of logits: 6.65, 6.64 and 6.49 ns/row at 256Ki, 512Ki and 1Mi rows against 7.86, 7.97 and 8.13 in chunks of 8, but 5.92 against 5.69 at 64Ki rows (2.5 MiB) and the same at 128Ki; " +
			"16 columns in chunks of 2 from 4 MiB: 11.8 and 12.1 ns/row at 256Ki and 1Mi rows of 16 classes against 14.8 and 15.1 in chunks of 4 (20 alternating runs), where ten columns in chunks of 2 and 4 are alike (6.3–6.5 at 256Ki to 4Mi rows)"},
}

// defaultTunings are the tunings of the tiers on a CPU that tunings does
// not list: avx512 prefetches 10 KiB ahead from 4 MiB of logits (Zen 5
// Turin: 31% less time at 1M rows, 23% at 4M), avx2 never.
var defaultTunings = map[string]tuning{
	"avx512": {prefetchMin: 4 << 20},
}

// tuningFor returns the tuning of the tier name on this CPU.
func tuningFor(name string) tuning {
	for _, t := range tunings {
		if t.tier == name && t.vendor == cpuid.CPU.VendorID && t.family == cpuid.CPU.Family &&
			t.models[0] <= cpuid.CPU.Model && cpuid.CPU.Model <= t.models[1] {
			return t.tuning
		}
	}
	return defaultTunings[name]
}
