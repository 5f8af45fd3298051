// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import "testing"

// panicsUnreachable reports whether f panics with the unreachable message;
// any other panic fails the test.
func panicsUnreachable(t *testing.T, f func()) (yes bool) {
	t.Helper()
	defer func() {
		switch r := recover(); r {
		case nil:
		case unreachable:
			yes = true
		default:
			t.Errorf("panic %v, want %q", r, unreachable)
		}
	}()
	f()
	return false
}

// TestUnreachable shows that the functions that must never run are never
// reached, and that they fail loudly if they are: the driver's routing
// gives every tier (and its half) only block functions it has, and
// callTier panics for a function a tier does not have and for a tier that
// does not exist (every tier on a platform without assembly).
func TestUnreachable(t *testing.T) {
	for _, k := range available {
		for _, kd := range []kind{kindLabels, kindTargets, kindStaged, kindSoftmax, kindLogSoftmax, kindArgmax} {
			for c := 2; c <= 3*padCols; c++ {
				b := batch{k: k, kind: kd, c: c}
				f := blockTable[kd][b.layout()]
				if f.layout() == layoutSixteen && (!k.sixteen || k.half != nil && !k.half.sixteen) {
					t.Errorf("%s: %d classes routed to the functions of 16 columns, which the tier does not have", k.name, c)
				}
				if f.op() != kd.op() {
					t.Errorf("%s: kind %d routed to op %d", k.name, kd, f.op())
				}
			}
		}
		if k.tier == 0 {
			continue
		}
		for f := blockFunc(0); int(f) < numBlockFuncs; f++ {
			a := blockArgs{c: 2, stride: 2, xscale: 1, acc: new([8]float64)} // no rows
			absent := f.layout() == layoutSixteen && !k.sixteen || f.op() == opCandidates && f.layout() != layoutWide
			if got := panicsUnreachable(t, func() { callTier(k.tier, f, &a) }); got != absent {
				t.Errorf("%s: block function %d panics: %v, want %v", k.name, f, got, absent)
			}
		}
	}
	a := blockArgs{c: 2, stride: 2, xscale: 1, acc: new([8]float64)}
	if !panicsUnreachable(t, func() { callTier(len(archTiers)+1, fnXentLabels, &a) }) {
		t.Errorf("callTier of a tier that does not exist returned")
	}
}

// op returns the op that computes a kind of batch.
func (k kind) op() op {
	return [numKinds]op{
		kindLabels:     opLabels,
		kindTargets:    opTargets,
		kindStaged:     opTargets,
		kindSoftmax:    opSoftmax,
		kindLogSoftmax: opLogSoftmax,
		kindArgmax:     opArgmax,
	}[k]
}
