// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package seq

import "testing"

// TestLoad reads the specification and checks a few values whose bits are
// well known, so that a broken reader cannot pass silently.
func TestLoad(t *testing.T) {
	v, err := Load("../../kernel_generic.go")
	if err != nil {
		t.Fatal(err)
	}
	for c, want := range map[Const]uint32{
		Magic:   0x4b400000, // 1.5·2^23
		One:     0x3f800000,
		Half:    0x3f000000,
		OneBits: 0x3f800000,
		ExpInv:  253,
		ExpBias: 126,
		Log2e:   0x3fb8aa3b,
		Cutoff:  0xc2aeac4f,
		Zero:    0,
	} {
		if v.Bits[c] != want {
			t.Errorf("%s = %#08x, want %#08x", c.Name(), v.Bits[c], want)
		}
	}
	if v.MantBits != 23 {
		t.Errorf("mantBits = %d, want 23", v.MantBits)
	}
	if v.Bits[Ln2Hi] != 0x3f318000 || v.Bits[Ln2Lo] != 0xb95e8083 {
		t.Errorf("ln2 = %#08x + %#08x", v.Bits[Ln2Hi], v.Bits[Ln2Lo])
	}
}
