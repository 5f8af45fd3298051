// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import "math"

// wideRows computes rows [from, to) of the chunk that starts at row c0
// with the wide block functions, classes per lane, row i's loss added to
// acc[(i-c0)%8]. The rows go to the kernels labelBuf at a time, their losses
// to Losses or to a buffer on the stack. Options are applied in each row's
// effective targets (targetRow); an ignored row gets a loss and a gradient
// of +0, and the prediction and log-sum-exp of its logits, from the generic
// code (ignoredRow); a batch whose weights are scaled by 2^norm (see
// Options.batch) runs the generic code, which applies the scale.
func (b *batch) wideRows(from, to, c0 int, acc *[8]float64) {
	var lossBuf [labelBuf]float32
	var labBuf [labelBuf]int32
	f := blockTable[b.kind][layoutWide]
	for p0 := from; p0 < to; p0 += labelBuf {
		p1 := min(p0+labelBuf, to)
		a := b.call.rows(p0, p1, b.call.stride)
		if f.op() > opTargets {
			b.k.call(f, &a)
			continue
		}
		if a.losses == nil {
			a.losses = lossBuf[:p1-p0]
		}
		if b.hasLabels {
			a.labels = b.labelBlock(labBuf[:], p0, p1)
		}
		k := b.k
		if b.norm != 0 {
			k = generic // the assembly does not scale the weights by 2^norm
		}
		if !b.ignore {
			k.call(f, &a)
		} else {
			// Runs of rows that are not ignored go to the kernels.
			for r0, n := 0, p1-p0; r0 < n; {
				if a.labels[r0] == b.ignoreLabel {
					b.ignoredRow(p0+r0, &a.losses[r0])
					r0++
					continue
				}
				r1 := r0 + 1
				for r1 < n && a.labels[r1] != b.ignoreLabel {
					r1++
				}
				h := a.rows(r0, r1, a.stride)
				k.call(f, &h)
				r0 = r1
			}
		}
		losses := a.losses
		for i, l := range losses {
			acc[(p0+i-c0)%8] += float64(l)
		}
		if b.norm != 0 && b.call.losses != nil {
			for i, l := range losses {
				losses[i] = float32(math.Ldexp(float64(l), -b.norm))
			}
		}
	}
}

// ignoredRow gives row i, whose label is ignored, a loss and a gradient of
// +0, and the prediction and log-sum-exp of its logits.
func (b *batch) ignoredRow(i int, loss *float32) {
	c := b.c
	pred, lse := rowOutputs(&b.call, row(b.call.logits, i, c, b.call.stride))
	if b.call.preds != nil {
		b.call.preds[i] = pred
	}
	if b.call.lse != nil {
		b.call.lse[i] = lse
	}
	if b.call.out != nil {
		clear(row(b.call.out, i, c, b.call.stride))
	}
	*loss = 0
}
