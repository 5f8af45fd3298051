// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import "fmt"

// The encoders of the NEON instructions that Go's arm64 assembler lacks
// (golang/go#41092): one function per instruction form of the Arm
// Architecture Reference Manual (section C4.1.x, "Advanced SIMD ..."), each
// computing the 32-bit word from register numbers and returning it with
// the GNU spelling of the instruction, which the generator writes as
//
//	WORD	$0x........	// <GNU mnemonic>
//
// encode_test.go decodes every word with golang.org/x/arch/arm64asm and
// internal/neonwords/check.sh assembles every comment with binutils.

// word is one encoded instruction.
type word struct {
	bits uint32
	gnu  string
}

// threeSame is an instruction of the form "Advanced SIMD three same":
//
//	31 30 29 28-24 23-22 21 20-16 15-11  10 9-5 4-0
//	0  Q  U  01110 size  1  Rm    opcode 1  Rn  Rd
//
// For the floating-point opcodes size is (a, sz): a selects the second
// instruction of an opcode (FSUB for FADD, FCMGT for FCMGE), sz the
// element size (0 = .4S, 1 = .2D).
type threeSame struct {
	name   string
	u      uint32
	size   uint32
	opcode uint32
	arr    string // arrangement of all three operands
}

var (
	fadd4s  = threeSame{"fadd", 0, 0b00, 0b11010, "4s"}
	fsub4s  = threeSame{"fsub", 0, 0b10, 0b11010, "4s"}
	fmul4s  = threeSame{"fmul", 1, 0b00, 0b11011, "4s"}
	fdiv4s  = threeSame{"fdiv", 1, 0b00, 0b11111, "4s"}
	fmax4s  = threeSame{"fmax", 0, 0b00, 0b11110, "4s"}
	fcmgt4s = threeSame{"fcmgt", 1, 0b10, 0b11100, "4s"}
	fcmge4s = threeSame{"fcmge", 1, 0b00, 0b11100, "4s"} // false where an operand is NaN
	fcmeq4s = threeSame{"fcmeq", 0, 0b00, 0b11100, "4s"} // register form: false where an operand is NaN
	fadd2d  = threeSame{"fadd", 0, 0b01, 0b11010, "2d"}
	bic16b  = threeSame{"bic", 0, 0b01, 0b00011, "16b"} // logical: size 01 is BIC
	orn16b  = threeSame{"orn", 0, 0b11, 0b00011, "16b"} // logical: size 11 is ORN (vn | ^vm)
	// The pairwise forms: the pairs of lanes of vn, then those of vm.
	faddp4s = threeSame{"faddp", 1, 0b00, 0b11010, "4s"}
	fmaxp4s = threeSame{"fmaxp", 1, 0b00, 0b11110, "4s"} // NaN when a lane of the pair is NaN
)

// enc returns "<name> vd, vn, vm" (Q = 1: every form used is 128-bit).
func (f threeSame) enc(d, n, m int) word {
	w := 1<<30 | f.u<<29 | 0b01110<<24 | f.size<<22 | 1<<21 | vreg(m)<<16 | f.opcode<<11 | 1<<10 | vreg(n)<<5 | vreg(d)
	return word{w, fmt.Sprintf("%s v%d.%s, v%d.%s, v%d.%s", f.name, d, f.arr, n, f.arr, m, f.arr)}
}

// twoMisc is an instruction of the form "Advanced SIMD two-register
// miscellaneous":
//
//	31 30 29 28-24 23-22 21-17 16-12  11-10 9-5 4-0
//	0  Q  U  01110 size  10000 opcode 10    Rn  Rd
type twoMisc struct {
	name   string
	q      uint32
	u      uint32
	size   uint32
	opcode uint32
	darr   string // arrangement of Vd
	narr   string // arrangement of Vn
	suffix string // an operand after Vn (", #0.0" for the compares with zero)
}

var (
	fcmeqz4s = twoMisc{"fcmeq", 1, 0, 0b10, 0b01101, "4s", "4s", ", #0.0"}
	scvtf4s  = twoMisc{"scvtf", 1, 0, 0b00, 0b11101, "4s", "4s", ""}
	fcvtl2d  = twoMisc{"fcvtl", 0, 0, 0b01, 0b10111, "2d", "2s", ""}    // low half
	fcvtl22d = twoMisc{"fcvtl2", 1, 0, 0b01, 0b10111, "2d", "4s", ""}   // high half
	cmeqz4s  = twoMisc{"cmeq", 1, 0, 0b10, 0b01001, "4s", "4s", ", #0"} // int32 lanes == 0
)

func (f twoMisc) enc(d, n int) word {
	w := f.q<<30 | f.u<<29 | 0b01110<<24 | f.size<<22 | 0b10000<<17 | f.opcode<<12 | 0b10<<10 | vreg(n)<<5 | vreg(d)
	return word{w, fmt.Sprintf("%s v%d.%s, v%d.%s%s", f.name, d, f.darr, n, f.narr, f.suffix)}
}

// byElement is an instruction of the form "Advanced SIMD vector x indexed
// element" with 32-bit elements (sz = 0):
//
//	31 30 29 28-24 23-22 21 20 19-16 15-12  11 10 9-5 4-0
//	0  Q  U  01111 size  L  M  Rm    opcode H  0  Rn  Rd
//
// The element index is H:L and the register M:Rm (any of V0..V31).
type byElement struct {
	name   string
	u      uint32
	size   uint32
	opcode uint32
}

var fmulElem4s = byElement{"fmul", 0, 0b10, 0b1001}

func (f byElement) enc(d, n, m, index int) word {
	if index < 0 || index > 3 {
		panic(fmt.Sprintf("%s: element index %d", f.name, index))
	}
	i := uint32(index)
	w := 1<<30 | f.u<<29 | 0b01111<<24 | f.size<<22 | (i&1)<<21 | vreg(m)<<16 | f.opcode<<12 | (i>>1)<<11 | vreg(n)<<5 | vreg(d)
	return word{w, fmt.Sprintf("%s v%d.4s, v%d.4s, v%d.s[%d]", f.name, d, n, m, index)}
}

// acrossLanes is an instruction of the form "Advanced SIMD across lanes"
// with a .4S source (Q = 1) and a scalar S destination:
//
//	31 30 29 28-24 23-22 21-17 16-12  11-10 9-5 4-0
//	0  Q  U  01110 size  11000 opcode 10    Rn  Rd
//
// For the floating-point opcodes size is (o1, sz): FMAXV is o1 = 0,
// FMINV o1 = 1; sz = 0 for single precision.
type acrossLanes struct {
	name   string
	u      uint32
	size   uint32
	opcode uint32
}

// fmaxv4s is the maximum of the four lanes, NaN when a lane is NaN (FMAX
// semantics, not FMAXNM).
var fmaxv4s = acrossLanes{"fmaxv", 1, 0b00, 0b01111}

// uminv4s is the unsigned minimum of the four int32 lanes.
var uminv4s = acrossLanes{"uminv", 1, 0b10, 0b11010}

// enc returns "<name> sd, vn.4s".
func (f acrossLanes) enc(d, n int) word {
	w := 1<<30 | f.u<<29 | 0b01110<<24 | f.size<<22 | 0b11000<<17 | f.opcode<<12 | 0b10<<10 | vreg(n)<<5 | vreg(d)
	return word{w, fmt.Sprintf("%s s%d, v%d.4s", f.name, d, n)}
}

// movi4s is MOVI of "Advanced SIMD modified immediate", 32-bit lanes with
// an unshifted 8-bit immediate (Q = 1, op = 0, cmode = 0000, o2 = 0): the
// int32 imm in every lane. (Go's VMOVI only writes bytes.)
//
//	31 30 29 28-19      18-16 15-12 11 10 9-5   4-0
//	0  Q  op 0111100000 abc   cmode o2 1  defgh Rd
func movi4s(d, imm int) word {
	if imm < 0 || imm > 255 {
		panic(fmt.Sprintf("movi: immediate %d", imm))
	}
	i := uint32(imm)
	w := 1<<30 | 0b0111100000<<19 | (i>>5)<<16 | 0b0000<<12 | 1<<10 | (i&31)<<5 | vreg(d)
	return word{w, fmt.Sprintf("movi v%d.4s, #0x%x", d, imm)}
}

// vreg checks a vector register number.
func vreg(r int) uint32 {
	if r < 0 || r > 31 {
		panic(fmt.Sprintf("vector register %d", r))
	}
	return uint32(r)
}
