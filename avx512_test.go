// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
)

// TestAVX512 reports whether the avx512 tier runs here. The rest of the
// suite (bit identity with the generic code, guard pages, the fuzz corpus,
// the golden digests, the references) runs every implementation this
// machine can run, so the avx512 tier is tested natively where the CPU and
// the operating system support AVX-512, and nowhere else: QEMU's user mode
// cannot emulate it. Elsewhere this test is skipped with a SKIP line that
// `make test` shows; REQUIRE_AVX512=1, for machines known to have AVX-512
// (CI sets it when /proc/cpuinfo lists avx512f), turns the skip into a
// failure (natively, in a build with the assembly), so that a broken
// detection cannot pass silently on avx2.
func TestAVX512(t *testing.T) {
	impls := Implementations()
	if !slices.Contains(impls, "avx512") {
		msg := fmt.Sprintf("SKIP avx512: not available here (%s, implementations %v)", runtime.GOARCH, impls)
		// Emulated CPUs (KERNEL_EXPECT_IMPL) and builds without assembly
		// never have it.
		native := len(archTiers) > 0 && os.Getenv("KERNEL_EXPECT_IMPL") == ""
		if native && os.Getenv("REQUIRE_AVX512") == "1" {
			t.Fatal(msg + "; REQUIRE_AVX512=1")
		}
		t.Skip(msg)
	}
	if impls[0] != "avx512" || !slices.Contains(impls, "avx2") {
		t.Fatalf("Implementations() = %v: avx512 must come first, and avx2 must stay available", impls)
	}
	if os.Getenv("KERNEL_EXPECT_IMPL") == "" && Implementation() != "avx512" {
		t.Fatalf("Implementation() = %q on a machine with avx512", Implementation())
	}
	def := Implementation()
	defer Use(def)
	for _, name := range []string{"avx2", "avx512"} {
		if err := Use(name); err != nil || Implementation() != name {
			t.Fatalf("Use(%q) = %v, Implementation() = %q", name, err, Implementation())
		}
	}
	t.Logf("avx512 runs natively here; the suite tests it against the generic code")
}
