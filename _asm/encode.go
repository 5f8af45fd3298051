// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package main

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
	fadd2d  = threeSame{"fadd", 0, 0b01, 0b11010, "2d"}
	bic16b  = threeSame{"bic", 0, 0b01, 0b00011, "16b"} // logical: size 01 is BIC
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
	fcvtl2d  = twoMisc{"fcvtl", 0, 0, 0b01, 0b10111, "2d", "2s", ""}  // low half
	fcvtl22d = twoMisc{"fcvtl2", 1, 0, 0b01, 0b10111, "2d", "4s", ""} // high half
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

// vreg checks a vector register number.
func vreg(r int) uint32 {
	if r < 0 || r > 31 {
		panic(fmt.Sprintf("vector register %d", r))
	}
	return uint32(r)
}
