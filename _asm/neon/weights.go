// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import (
	"fmt"
	"go/types"
	"strings"
)

// rowWeightSumNEON, the loop of weightSumGeneric (kernel_generic_blocks.go)
// over the whole steps of 16 row weights: w[i] is converted to float64
// (FCVTL, FCVTL2: exact) and added to acc[i%16], the 16 accumulators in
// V16..V23 (two lanes each), so that every accumulator adds its weights in
// row order. The weights' bits are OR-ed into V24, whose sign bits give the
// result. It is not a block function: its arguments are w and acc, not the
// record.

// weightParams is the Go parameter list of rowWeightSumNEON.
const weightParams = "w []float32, acc *[16]float64"

// weightFrame returns the operands of the arguments of rowWeightSumNEON
// (the base and length of w, acc, the result) and the size of its
// arguments, from the Go compiler's arm64 sizes: the result follows the
// parameters at the alignment of a pointer.
func weightFrame() (base, length, acc, ret string, size int64) {
	f32, f64 := types.Typ[types.Float32], types.Typ[types.Float64]
	params := []*types.Var{
		types.NewVar(0, nil, "w", types.NewSlice(f32)),
		types.NewVar(0, nil, "acc", types.NewPointer(types.NewArray(f64, 16))),
	}
	offs := arm64Sizes.Offsetsof(params)
	end := offs[1] + arm64Sizes.Sizeof(params[1].Type())
	ptr := arm64Sizes.Alignof(types.Typ[types.UnsafePointer])
	retOff := (end + ptr - 1) / ptr * ptr
	size = retOff + arm64Sizes.Sizeof(types.Typ[types.Uint32])
	return fmt.Sprintf("w_base+%d(FP)", offs[0]), fmt.Sprintf("w_len+%d(FP)", offs[0]+sliceLen),
		fmt.Sprintf("acc+%d(FP)", offs[1]), fmt.Sprintf("ret+%d(FP)", retOff), size
}

// weightsText returns rowWeightSumNEON.
func weightsText() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	word := func(w word) { p("\tWORD\t$0x%08x\t// %s", w.bits, w.gnu) }
	base, length, acc, ret, size := weightFrame()
	p("// func rowWeightSumNEON(%s) uint32", weightParams)
	p("//")
	p("// The loop of weightSumGeneric over the whole steps of 16 weights: R0 = w,")
	p("// R1 the steps left, R2 and R3 = &acc[0] and &acc[8]; V0..V3 a step's weights,")
	p("// V4..V11 them in float64, V16..V23 acc[0..15], V24 the OR of the weights.")
	p("TEXT ·rowWeightSumNEON(SB), NOSPLIT, $0-%d", size)
	p("\tMOVD\t%s, R0", base)
	p("\tMOVD\t%s, R1", length)
	p("\tMOVD\t%s, R2", acc)
	p("\tADD\t$64, R2, R3")
	p("\tVLD1\t(R2), [V16.D2, V17.D2, V18.D2, V19.D2]")
	p("\tVLD1\t(R3), [V20.D2, V21.D2, V22.D2, V23.D2]")
	p("\tVEOR\tV24.B16, V24.B16, V24.B16")
	p("\tLSR\t$4, R1, R1")
	p("\tCBZ\tR1, weights_done")
	p("weights_loop:")
	p("\tVLD1.P\t64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]")
	for g := range 4 {
		p("\tVORR\tV%d.B16, V24.B16, V24.B16", g)
		word(fcvtl2d.enc(4+2*g, g))
		word(fcvtl22d.enc(5+2*g, g))
	}
	for j := range 8 {
		word(fadd2d.enc(16+j, 16+j, 4+j))
	}
	p("\tSUBS\t$1, R1")
	p("\tBNE\tweights_loop")
	p("weights_done:")
	p("\tVST1\t[V16.D2, V17.D2, V18.D2, V19.D2], (R2)")
	p("\tVST1\t[V20.D2, V21.D2, V22.D2, V23.D2], (R3)")
	p("\t// The sign bits of the four lanes of V24, folded into bit 31.")
	p("\tVMOV\tV24.D[0], R4")
	p("\tVMOV\tV24.D[1], R5")
	p("\tORR\tR5, R4, R4")
	p("\tORR\tR4>>32, R4, R4")
	p("\tANDW\t$0x80000000, R4, R4")
	p("\tMOVW\tR4, %s", ret)
	p("\tRET")
	return b.String()
}

// weightsStub returns the Go declaration of rowWeightSumNEON.
func weightsStub() string {
	return fmt.Sprintf(`
// rowWeightSumNEON is weightSumGeneric's loop over the whole steps of 16
// weights of w: w[i] is added, in float64, to acc[i%%16]. It returns a
// nonzero value when one of those weights has its sign bit set. Nothing
// outside w and acc is read or written.
//
//go:noescape
func rowWeightSumNEON(%s) uint32
`, weightParams)
}
