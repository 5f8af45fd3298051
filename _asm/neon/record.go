// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package neon

import "fmt"

// The argument of every NEON function is one pointer, a *blockArgs (the
// record of block.go), kept in recordReg for the whole function. Its
// fields are read through the offsets that the compiler writes to
// go_asm.h, blockArgs_<field>: the generator knows the names of the
// fields, never their offsets.

const (
	// recordParams is the Go parameter list of every NEON function.
	recordParams = "a *blockArgs"
	// recordReg holds the record pointer: R16 is free in every function
	// (no function calls another, so no trampoline of the linker runs).
	recordReg = "R16"
	// sliceLen is the offset of a slice's length in its header.
	sliceLen = 8
	// argsSize is the size of the arguments: the pointer.
	argsSize = 8
)

// text returns the TEXT line of the NEON function name.
func text(name string) string {
	return fmt.Sprintf("TEXT ·%s(SB), NOSPLIT, $0-%d", name, argsSize)
}

// loadRecord returns the instruction that loads the record pointer, the
// only argument (a, at offset 0 of the arguments), into recordReg.
func loadRecord() string {
	return "\tMOVD\ta+0(FP), " + recordReg
}

// field returns the operand of the field name of the record: a value, a
// pointer or a slice's base address.
func field(name string) string {
	return fmt.Sprintf("blockArgs_%s(%s)", name, recordReg)
}

// fieldLen returns the operand of the length of the slice field name.
func fieldLen(name string) string {
	return fmt.Sprintf("(blockArgs_%s+%d)(%s)", name, sliceLen, recordReg)
}
