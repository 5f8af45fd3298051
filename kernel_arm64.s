// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

// NEON (ASIMD) versions of the block functions of kernel_generic.go, which
// is their specification: every lane performs, in the same order, the same
// float32 operations as the generic code, so the results are bit-identical
// (numerics.md). In particular: no fused multiply-add (FMUL, then FADD),
// sums over the ten classes in the tree of sum10, IEEE division, FPCR as Go
// leaves it (round to nearest, no flush-to-zero).
//
// Layout. One row per 32-bit lane: a block of 4 rows (160 bytes) is loaded
// with five LDP Q and transposed so that column j (x[0][j], x[1][j],
// x[2][j], x[3][j]) is one register. Rows are 40 bytes, so rows 0 and 2 start
// at a 16-byte boundary of the block and rows 1 and 3 in the middle of a
// register: one ZIP .2D step gathers the 64-bit halves of the rows, one TRN
// .4S step the columns; the store is the same two steps in reverse. Two
// blocks of 4 rows make the 8-row step of the driver: rows 0-3 of an 8-row
// step add their float64 losses to A0, A1 (acc[0..3]), rows 4-7 to A2, A3
// (acc[4..7]); bit 2 of the count of rows left tells which.
//
// Instructions. Go's arm64 assembler has no vector floating-point
// instructions (FADD, FMUL, FDIV, FMAX, FCMGT, FCVTL, SCVTF, ..., see
// golang/go#41092), so they are written as WORD with the GNU mnemonic in the
// comment. Every WORD is checked against its comment by
//
//	internal/neonwords/check.sh kernel_arm64.s
//
// which needs binutils-aarch64-linux-gnu (check.sh -w rewrites the words
// from the comments after an edit). Integer and permute instructions the Go
// assembler knows (VZIP1, VTRN1, VSHL, VADD, VBIT, ...) are written natively.
//
// Inner loop, instructions per block of 4 rows (per row in parentheses),
// counted from this file:
//	labels:      412.5 (103.125) with gradient and losses, 363.5 (90.875) loss only
//	targets:     494.5 (123.625) with gradient and losses, 431.5 (107.875) loss only
//	softmax:     335 (83.75)
//	logsoftmax:  377 (94.25)
// of which the ten exponentials take 240 (60). Registers are never spilled:
// the exp32 constants stay in V23..V31, those of log32 are loaded in pairs
// where they are used.

#include "textflag.h"

// func xentLabelsNEON(grad, logits []float32, labels []int32, scale float32, losses []float32, acc *[8]float64)
//
// xentLabelsGeneric for n = len(labels) rows, n rounded down to a multiple
// of 8. Per block of 4 rows: loss = log32(s) - d[l]; when grad != nil,
// g[j] = e[j]·(scale/s), then g[l] = g[l] - scale.
//
// Registers:
//	R0 grad (0: loss only)  R1 logits  R2 labels  R3 losses (0: none)
//	R4 rows left  R5 acc  R6..R9 l + 10·r of rows r = 0..3 (the index of
//	x[r][l] in the block)  R7 also the address of expConsts in the prologue
//	R10 logConsts
//	V18 scale (every lane)  V19..V22 A0..A3 = acc[0:2], acc[2:4], acc[4:6], acc[6:8]
//	V23 cutoff         V24 0x3f800000 (int)   V25 1.0     V26 Q0
//	V27 Q1             V28 Q2                 V29 Q3      V30 magic (1.5·2^23)
//	V31 KA = {log2e, ln2hi, ln2lo, Q4}, used by element (FMUL Vd, Vn, V31.S[i])
//	V0..V17 the block: columns x[j] → d[j] → e[j] → g[j] of rows 0-3 and
//	        temporaries, as the comments in the loop name them.
TEXT ·xentLabelsNEON(SB), NOSPLIT, $0-112
	MOVD	grad_base+0(FP), R0
	MOVD	logits_base+24(FP), R1
	MOVD	labels_base+48(FP), R2
	MOVD	labels_len+56(FP), R4
	MOVD	losses_base+80(FP), R3
	MOVD	acc+104(FP), R5
	AND	$~7, R4
	CBZ	R4, labels_done
	FMOVS	scale+72(FP), F18
	VDUP	V18.S[0], V18.S4
	MOVD	$expConsts<>(SB), R7
	VLD1.P	64(R7), [V23.S4, V24.S4, V25.S4, V26.S4]
	VLD1.P	64(R7), [V27.S4, V28.S4, V29.S4, V30.S4]
	VLD1	(R7), [V31.S4]
	MOVD	$logConsts<>(SB), R10
	VLD1	(R5), [V19.D2, V20.D2, V21.D2, V22.D2]

labels_loop:
	// Load rows 0-3: row pair 0-1 in P00..P04, pair 2-3 in P10..P14 (40 bytes a row).
	FLDPQ	0(R1), (F0, F1)
	FLDPQ	32(R1), (F2, F3)
	FLDPQ	64(R1), (F4, F5)
	FLDPQ	96(R1), (F6, F7)
	FLDPQ	128(R1), (F8, F9)
	// Transpose, step 1 (ZIP .2D of P0k, P1k): gather the 64-bit halves of rows 0,2 and 1,3.
	VZIP1	V5.D2, V0.D2, V10.D2
	VZIP2	V5.D2, V0.D2, V5.D2
	VZIP1	V6.D2, V1.D2, V0.D2
	VZIP2	V6.D2, V1.D2, V6.D2
	VZIP1	V7.D2, V2.D2, V1.D2
	VZIP2	V7.D2, V2.D2, V7.D2
	VZIP1	V8.D2, V3.D2, V2.D2
	VZIP2	V8.D2, V3.D2, V8.D2
	VZIP1	V9.D2, V4.D2, V3.D2
	VZIP2	V9.D2, V4.D2, V9.D2
	// Transpose, step 2 (TRN .4S): column j of rows 0-3 in one register.
	VTRN1	V7.S4, V10.S4, V4.S4
	VTRN2	V7.S4, V10.S4, V7.S4
	VTRN1	V2.S4, V5.S4, V10.S4
	VTRN2	V2.S4, V5.S4, V2.S4
	VTRN1	V8.S4, V0.S4, V5.S4
	VTRN2	V8.S4, V0.S4, V8.S4
	VTRN1	V3.S4, V6.S4, V0.S4
	VTRN2	V3.S4, V6.S4, V3.S4
	VTRN1	V9.S4, V1.S4, V6.S4
	VTRN2	V9.S4, V1.S4, V9.S4
	// x[j] of rows 0-3, j = 0..9: V4 V7 V10 V2 V5 V8 V0 V3 V6 V9
	// xl = x[r][l] for the labels l of rows r = 0..3, read before the gradient may overwrite x.
	LDPW	(R2), (R6, R7)
	LDPW	8(R2), (R8, R9)
	ADD	$10, R7
	ADD	$20, R8
	ADD	$30, R9
	FMOVS	(R1)(R6<<2), F1
	FMOVS	(R1)(R7<<2), F11
	VMOV	V11.S[0], V1.S[1]
	FMOVS	(R1)(R8<<2), F11
	VMOV	V11.S[0], V1.S[2]
	FMOVS	(R1)(R9<<2), F11
	VMOV	V11.S[0], V1.S[3]
	// m = max10(x) + 0: a tree of FMAX (any order is exact; FMAX keeps NaN), then + 0 turns -0 into +0.
	WORD	$0x4e27f48b	// fmax v11.4s, v4.4s, v7.4s
	WORD	$0x4e22f54c	// fmax v12.4s, v10.4s, v2.4s
	WORD	$0x4e2cf56b	// fmax v11.4s, v11.4s, v12.4s
	WORD	$0x4e28f4ac	// fmax v12.4s, v5.4s, v8.4s
	WORD	$0x4e23f40d	// fmax v13.4s, v0.4s, v3.4s
	WORD	$0x4e2df58c	// fmax v12.4s, v12.4s, v13.4s
	WORD	$0x4e2cf56b	// fmax v11.4s, v11.4s, v12.4s
	WORD	$0x4e29f4cd	// fmax v13.4s, v6.4s, v9.4s
	WORD	$0x4e2df56b	// fmax v11.4s, v11.4s, v13.4s
	VEOR	V12.B16, V12.B16, V12.B16
	WORD	$0x4e2cd56b	// fadd v11.4s, v11.4s, v12.4s
	// dl = d[l] = xl - m, in V1.
	WORD	$0x4eabd421	// fsub v1.4s, v1.4s, v11.4s
	// d[j] = x[j] - m (m in V11), in place.
	WORD	$0x4eabd484	// fsub v4.4s, v4.4s, v11.4s
	WORD	$0x4eabd4e7	// fsub v7.4s, v7.4s, v11.4s
	WORD	$0x4eabd54a	// fsub v10.4s, v10.4s, v11.4s
	WORD	$0x4eabd442	// fsub v2.4s, v2.4s, v11.4s
	WORD	$0x4eabd4a5	// fsub v5.4s, v5.4s, v11.4s
	WORD	$0x4eabd508	// fsub v8.4s, v8.4s, v11.4s
	WORD	$0x4eabd400	// fsub v0.4s, v0.4s, v11.4s
	WORD	$0x4eabd463	// fsub v3.4s, v3.4s, v11.4s
	WORD	$0x4eabd4c6	// fsub v6.4s, v6.4s, v11.4s
	WORD	$0x4eabd529	// fsub v9.4s, v9.4s, v11.4s
	// e[j] = exp32(d[j]), in place.
	// Each exponential, in the order of exp32 (24 instructions):
	//   z = float32(d*log2e) + magic; n = z - magic
	//   r = d - float32(n*ln2hi); r = r - float32(n*ln2lo)
	//   q = float32(Q4*r) + Q3, then q = float32(q*r) + Q2, Q1, Q0 (FMUL, then FADD)
	//   r2 = r*r; p = float32(r2*q) + r; mask = d < cutoff (FCMGT); p = p + 1
	//   e = p * frombits(bits(z)<<23 + 0x3f800000) (SHL, ADD .4S); e = 0 where mask (BIC).
	// e[0] in V4
	WORD	$0x4f9f908b	// fmul v11.4s, v4.4s, v31.s[0]
	WORD	$0x4e3ed56b	// fadd v11.4s, v11.4s, v30.4s
	WORD	$0x4ebed56d	// fsub v13.4s, v11.4s, v30.4s
	WORD	$0x4fbf91ac	// fmul v12.4s, v13.4s, v31.s[1]
	WORD	$0x4eacd48c	// fsub v12.4s, v4.4s, v12.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd58c	// fsub v12.4s, v12.4s, v13.4s
	WORD	$0x4fbf998d	// fmul v13.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e2cdd8e	// fmul v14.4s, v12.4s, v12.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e2cd5ce	// fadd v14.4s, v14.4s, v12.4s
	WORD	$0x6ea4e6ed	// fcmgt v13.4s, v23.4s, v4.4s
	WORD	$0x4e39d5ce	// fadd v14.4s, v14.4s, v25.4s
	VSHL	$23, V11.S4, V11.S4
	VADD	V24.S4, V11.S4, V11.S4
	WORD	$0x6e2bddc4	// fmul v4.4s, v14.4s, v11.4s
	WORD	$0x4e6d1c84	// bic v4.16b, v4.16b, v13.16b
	// e[1] in V7
	WORD	$0x4f9f90ec	// fmul v12.4s, v7.4s, v31.s[0]
	WORD	$0x4e3ed58c	// fadd v12.4s, v12.4s, v30.4s
	WORD	$0x4ebed58e	// fsub v14.4s, v12.4s, v30.4s
	WORD	$0x4fbf91cd	// fmul v13.4s, v14.4s, v31.s[1]
	WORD	$0x4eadd4ed	// fsub v13.4s, v7.4s, v13.4s
	WORD	$0x4f9f99ce	// fmul v14.4s, v14.4s, v31.s[2]
	WORD	$0x4eaed5ad	// fsub v13.4s, v13.4s, v14.4s
	WORD	$0x4fbf99ae	// fmul v14.4s, v13.4s, v31.s[3]
	WORD	$0x4e3dd5ce	// fadd v14.4s, v14.4s, v29.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3cd5ce	// fadd v14.4s, v14.4s, v28.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3bd5ce	// fadd v14.4s, v14.4s, v27.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3ad5ce	// fadd v14.4s, v14.4s, v26.4s
	WORD	$0x6e2dddab	// fmul v11.4s, v13.4s, v13.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e2dd56b	// fadd v11.4s, v11.4s, v13.4s
	WORD	$0x6ea7e6ee	// fcmgt v14.4s, v23.4s, v7.4s
	WORD	$0x4e39d56b	// fadd v11.4s, v11.4s, v25.4s
	VSHL	$23, V12.S4, V12.S4
	VADD	V24.S4, V12.S4, V12.S4
	WORD	$0x6e2cdd67	// fmul v7.4s, v11.4s, v12.4s
	WORD	$0x4e6e1ce7	// bic v7.16b, v7.16b, v14.16b
	// e[2] in V10
	WORD	$0x4f9f914d	// fmul v13.4s, v10.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ab	// fsub v11.4s, v13.4s, v30.4s
	WORD	$0x4fbf916e	// fmul v14.4s, v11.4s, v31.s[1]
	WORD	$0x4eaed54e	// fsub v14.4s, v10.4s, v14.4s
	WORD	$0x4f9f996b	// fmul v11.4s, v11.4s, v31.s[2]
	WORD	$0x4eabd5ce	// fsub v14.4s, v14.4s, v11.4s
	WORD	$0x4fbf99cb	// fmul v11.4s, v14.4s, v31.s[3]
	WORD	$0x4e3dd56b	// fadd v11.4s, v11.4s, v29.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e3cd56b	// fadd v11.4s, v11.4s, v28.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e3bd56b	// fadd v11.4s, v11.4s, v27.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e3ad56b	// fadd v11.4s, v11.4s, v26.4s
	WORD	$0x6e2eddcc	// fmul v12.4s, v14.4s, v14.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e2ed58c	// fadd v12.4s, v12.4s, v14.4s
	WORD	$0x6eaae6eb	// fcmgt v11.4s, v23.4s, v10.4s
	WORD	$0x4e39d58c	// fadd v12.4s, v12.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2ddd8a	// fmul v10.4s, v12.4s, v13.4s
	WORD	$0x4e6b1d4a	// bic v10.16b, v10.16b, v11.16b
	// e[3] in V2
	WORD	$0x4f9f904e	// fmul v14.4s, v2.4s, v31.s[0]
	WORD	$0x4e3ed5ce	// fadd v14.4s, v14.4s, v30.4s
	WORD	$0x4ebed5cc	// fsub v12.4s, v14.4s, v30.4s
	WORD	$0x4fbf918b	// fmul v11.4s, v12.4s, v31.s[1]
	WORD	$0x4eabd44b	// fsub v11.4s, v2.4s, v11.4s
	WORD	$0x4f9f998c	// fmul v12.4s, v12.4s, v31.s[2]
	WORD	$0x4eacd56b	// fsub v11.4s, v11.4s, v12.4s
	WORD	$0x4fbf996c	// fmul v12.4s, v11.4s, v31.s[3]
	WORD	$0x4e3dd58c	// fadd v12.4s, v12.4s, v29.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3cd58c	// fadd v12.4s, v12.4s, v28.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3bd58c	// fadd v12.4s, v12.4s, v27.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3ad58c	// fadd v12.4s, v12.4s, v26.4s
	WORD	$0x6e2bdd6d	// fmul v13.4s, v11.4s, v11.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	WORD	$0x6ea2e6ec	// fcmgt v12.4s, v23.4s, v2.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V14.S4, V14.S4
	VADD	V24.S4, V14.S4, V14.S4
	WORD	$0x6e2edda2	// fmul v2.4s, v13.4s, v14.4s
	WORD	$0x4e6c1c42	// bic v2.16b, v2.16b, v12.16b
	// e[4] in V5
	WORD	$0x4f9f90ab	// fmul v11.4s, v5.4s, v31.s[0]
	WORD	$0x4e3ed56b	// fadd v11.4s, v11.4s, v30.4s
	WORD	$0x4ebed56d	// fsub v13.4s, v11.4s, v30.4s
	WORD	$0x4fbf91ac	// fmul v12.4s, v13.4s, v31.s[1]
	WORD	$0x4eacd4ac	// fsub v12.4s, v5.4s, v12.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd58c	// fsub v12.4s, v12.4s, v13.4s
	WORD	$0x4fbf998d	// fmul v13.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e2cdd8e	// fmul v14.4s, v12.4s, v12.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e2cd5ce	// fadd v14.4s, v14.4s, v12.4s
	WORD	$0x6ea5e6ed	// fcmgt v13.4s, v23.4s, v5.4s
	WORD	$0x4e39d5ce	// fadd v14.4s, v14.4s, v25.4s
	VSHL	$23, V11.S4, V11.S4
	VADD	V24.S4, V11.S4, V11.S4
	WORD	$0x6e2bddc5	// fmul v5.4s, v14.4s, v11.4s
	WORD	$0x4e6d1ca5	// bic v5.16b, v5.16b, v13.16b
	// e[5] in V8
	WORD	$0x4f9f910c	// fmul v12.4s, v8.4s, v31.s[0]
	WORD	$0x4e3ed58c	// fadd v12.4s, v12.4s, v30.4s
	WORD	$0x4ebed58e	// fsub v14.4s, v12.4s, v30.4s
	WORD	$0x4fbf91cd	// fmul v13.4s, v14.4s, v31.s[1]
	WORD	$0x4eadd50d	// fsub v13.4s, v8.4s, v13.4s
	WORD	$0x4f9f99ce	// fmul v14.4s, v14.4s, v31.s[2]
	WORD	$0x4eaed5ad	// fsub v13.4s, v13.4s, v14.4s
	WORD	$0x4fbf99ae	// fmul v14.4s, v13.4s, v31.s[3]
	WORD	$0x4e3dd5ce	// fadd v14.4s, v14.4s, v29.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3cd5ce	// fadd v14.4s, v14.4s, v28.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3bd5ce	// fadd v14.4s, v14.4s, v27.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3ad5ce	// fadd v14.4s, v14.4s, v26.4s
	WORD	$0x6e2dddab	// fmul v11.4s, v13.4s, v13.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e2dd56b	// fadd v11.4s, v11.4s, v13.4s
	WORD	$0x6ea8e6ee	// fcmgt v14.4s, v23.4s, v8.4s
	WORD	$0x4e39d56b	// fadd v11.4s, v11.4s, v25.4s
	VSHL	$23, V12.S4, V12.S4
	VADD	V24.S4, V12.S4, V12.S4
	WORD	$0x6e2cdd68	// fmul v8.4s, v11.4s, v12.4s
	WORD	$0x4e6e1d08	// bic v8.16b, v8.16b, v14.16b
	// e[6] in V0
	WORD	$0x4f9f900d	// fmul v13.4s, v0.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ab	// fsub v11.4s, v13.4s, v30.4s
	WORD	$0x4fbf916e	// fmul v14.4s, v11.4s, v31.s[1]
	WORD	$0x4eaed40e	// fsub v14.4s, v0.4s, v14.4s
	WORD	$0x4f9f996b	// fmul v11.4s, v11.4s, v31.s[2]
	WORD	$0x4eabd5ce	// fsub v14.4s, v14.4s, v11.4s
	WORD	$0x4fbf99cb	// fmul v11.4s, v14.4s, v31.s[3]
	WORD	$0x4e3dd56b	// fadd v11.4s, v11.4s, v29.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e3cd56b	// fadd v11.4s, v11.4s, v28.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e3bd56b	// fadd v11.4s, v11.4s, v27.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e3ad56b	// fadd v11.4s, v11.4s, v26.4s
	WORD	$0x6e2eddcc	// fmul v12.4s, v14.4s, v14.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e2ed58c	// fadd v12.4s, v12.4s, v14.4s
	WORD	$0x6ea0e6eb	// fcmgt v11.4s, v23.4s, v0.4s
	WORD	$0x4e39d58c	// fadd v12.4s, v12.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2ddd80	// fmul v0.4s, v12.4s, v13.4s
	WORD	$0x4e6b1c00	// bic v0.16b, v0.16b, v11.16b
	// e[7] in V3
	WORD	$0x4f9f906e	// fmul v14.4s, v3.4s, v31.s[0]
	WORD	$0x4e3ed5ce	// fadd v14.4s, v14.4s, v30.4s
	WORD	$0x4ebed5cc	// fsub v12.4s, v14.4s, v30.4s
	WORD	$0x4fbf918b	// fmul v11.4s, v12.4s, v31.s[1]
	WORD	$0x4eabd46b	// fsub v11.4s, v3.4s, v11.4s
	WORD	$0x4f9f998c	// fmul v12.4s, v12.4s, v31.s[2]
	WORD	$0x4eacd56b	// fsub v11.4s, v11.4s, v12.4s
	WORD	$0x4fbf996c	// fmul v12.4s, v11.4s, v31.s[3]
	WORD	$0x4e3dd58c	// fadd v12.4s, v12.4s, v29.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3cd58c	// fadd v12.4s, v12.4s, v28.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3bd58c	// fadd v12.4s, v12.4s, v27.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3ad58c	// fadd v12.4s, v12.4s, v26.4s
	WORD	$0x6e2bdd6d	// fmul v13.4s, v11.4s, v11.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	WORD	$0x6ea3e6ec	// fcmgt v12.4s, v23.4s, v3.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V14.S4, V14.S4
	VADD	V24.S4, V14.S4, V14.S4
	WORD	$0x6e2edda3	// fmul v3.4s, v13.4s, v14.4s
	WORD	$0x4e6c1c63	// bic v3.16b, v3.16b, v12.16b
	// e[8] in V6
	WORD	$0x4f9f90cb	// fmul v11.4s, v6.4s, v31.s[0]
	WORD	$0x4e3ed56b	// fadd v11.4s, v11.4s, v30.4s
	WORD	$0x4ebed56d	// fsub v13.4s, v11.4s, v30.4s
	WORD	$0x4fbf91ac	// fmul v12.4s, v13.4s, v31.s[1]
	WORD	$0x4eacd4cc	// fsub v12.4s, v6.4s, v12.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd58c	// fsub v12.4s, v12.4s, v13.4s
	WORD	$0x4fbf998d	// fmul v13.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e2cdd8e	// fmul v14.4s, v12.4s, v12.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e2cd5ce	// fadd v14.4s, v14.4s, v12.4s
	WORD	$0x6ea6e6ed	// fcmgt v13.4s, v23.4s, v6.4s
	WORD	$0x4e39d5ce	// fadd v14.4s, v14.4s, v25.4s
	VSHL	$23, V11.S4, V11.S4
	VADD	V24.S4, V11.S4, V11.S4
	WORD	$0x6e2bddc6	// fmul v6.4s, v14.4s, v11.4s
	WORD	$0x4e6d1cc6	// bic v6.16b, v6.16b, v13.16b
	// e[9] in V9
	WORD	$0x4f9f912c	// fmul v12.4s, v9.4s, v31.s[0]
	WORD	$0x4e3ed58c	// fadd v12.4s, v12.4s, v30.4s
	WORD	$0x4ebed58e	// fsub v14.4s, v12.4s, v30.4s
	WORD	$0x4fbf91cd	// fmul v13.4s, v14.4s, v31.s[1]
	WORD	$0x4eadd52d	// fsub v13.4s, v9.4s, v13.4s
	WORD	$0x4f9f99ce	// fmul v14.4s, v14.4s, v31.s[2]
	WORD	$0x4eaed5ad	// fsub v13.4s, v13.4s, v14.4s
	WORD	$0x4fbf99ae	// fmul v14.4s, v13.4s, v31.s[3]
	WORD	$0x4e3dd5ce	// fadd v14.4s, v14.4s, v29.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3cd5ce	// fadd v14.4s, v14.4s, v28.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3bd5ce	// fadd v14.4s, v14.4s, v27.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e3ad5ce	// fadd v14.4s, v14.4s, v26.4s
	WORD	$0x6e2dddab	// fmul v11.4s, v13.4s, v13.4s
	WORD	$0x6e2edd6b	// fmul v11.4s, v11.4s, v14.4s
	WORD	$0x4e2dd56b	// fadd v11.4s, v11.4s, v13.4s
	WORD	$0x6ea9e6ee	// fcmgt v14.4s, v23.4s, v9.4s
	WORD	$0x4e39d56b	// fadd v11.4s, v11.4s, v25.4s
	VSHL	$23, V12.S4, V12.S4
	VADD	V24.S4, V12.S4, V12.S4
	WORD	$0x6e2cdd69	// fmul v9.4s, v11.4s, v12.4s
	WORD	$0x4e6e1d29	// bic v9.16b, v9.16b, v14.16b
	// s = ((e0+e1)+(e2+e3)) + ((e4+e5)+(e6+e7)) + (e8+e9).
	WORD	$0x4e27d48d	// fadd v13.4s, v4.4s, v7.4s
	WORD	$0x4e22d54b	// fadd v11.4s, v10.4s, v2.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	WORD	$0x4e28d4ab	// fadd v11.4s, v5.4s, v8.4s
	WORD	$0x4e23d40e	// fadd v14.4s, v0.4s, v3.4s
	WORD	$0x4e2ed56b	// fadd v11.4s, v11.4s, v14.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	WORD	$0x4e29d4cb	// fadd v11.4s, v6.4s, v9.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	CBZ	R0, labels_nograd
	// q = scale / s (IEEE division); g[j] = e[j]*q.
	WORD	$0x6e2dfe4e	// fdiv v14.4s, v18.4s, v13.4s
	WORD	$0x6e2edc84	// fmul v4.4s, v4.4s, v14.4s
	WORD	$0x6e2edce7	// fmul v7.4s, v7.4s, v14.4s
	WORD	$0x6e2edd4a	// fmul v10.4s, v10.4s, v14.4s
	WORD	$0x6e2edc42	// fmul v2.4s, v2.4s, v14.4s
	WORD	$0x6e2edca5	// fmul v5.4s, v5.4s, v14.4s
	WORD	$0x6e2edd08	// fmul v8.4s, v8.4s, v14.4s
	WORD	$0x6e2edc00	// fmul v0.4s, v0.4s, v14.4s
	WORD	$0x6e2edc63	// fmul v3.4s, v3.4s, v14.4s
	WORD	$0x6e2edcc6	// fmul v6.4s, v6.4s, v14.4s
	WORD	$0x6e2edd29	// fmul v9.4s, v9.4s, v14.4s
	// Transpose back, step 1 (TRN .4S of column pairs).
	VTRN1	V7.S4, V4.S4, V14.S4
	VTRN2	V7.S4, V4.S4, V7.S4
	VTRN1	V2.S4, V10.S4, V4.S4
	VTRN2	V2.S4, V10.S4, V2.S4
	VTRN1	V8.S4, V5.S4, V10.S4
	VTRN2	V8.S4, V5.S4, V8.S4
	VTRN1	V3.S4, V0.S4, V5.S4
	VTRN2	V3.S4, V0.S4, V3.S4
	VTRN1	V9.S4, V6.S4, V0.S4
	VTRN2	V9.S4, V6.S4, V9.S4
	// Transpose back, step 2 (ZIP .2D): rows in P00..P04, P10..P14.
	VZIP1	V4.D2, V14.D2, V6.D2
	VZIP2	V4.D2, V14.D2, V4.D2
	VZIP1	V5.D2, V10.D2, V14.D2
	VZIP2	V5.D2, V10.D2, V5.D2
	VZIP1	V7.D2, V0.D2, V10.D2
	VZIP2	V7.D2, V0.D2, V7.D2
	VZIP1	V8.D2, V2.D2, V0.D2
	VZIP2	V8.D2, V2.D2, V8.D2
	VZIP1	V9.D2, V3.D2, V2.D2
	VZIP2	V9.D2, V3.D2, V9.D2
	// Store rows 0-3.
	FSTPQ	(F6, F14), 0(R0)
	FSTPQ	(F10, F0), 32(R0)
	FSTPQ	(F2, F4), 64(R0)
	FSTPQ	(F5, F7), 96(R0)
	FSTPQ	(F8, F9), 128(R0)
	// g[l] = g[l] - scale, row by row in memory (FMOVS, FSUBS, FMOVS).
	FMOVS	(R0)(R6<<2), F9
	FMOVS	(R0)(R7<<2), F8
	FMOVS	(R0)(R8<<2), F7
	FMOVS	(R0)(R9<<2), F5
	FSUBS	F18, F9, F9
	FSUBS	F18, F8, F8
	FSUBS	F18, F7, F7
	FSUBS	F18, F5, F5
	FMOVS	F9, (R0)(R6<<2)
	FMOVS	F8, (R0)(R7<<2)
	FMOVS	F7, (R0)(R8<<2)
	FMOVS	F5, (R0)(R9<<2)
	ADD	$160, R0

labels_nograd:
	// log32(s), s in V13, constants from logConsts<>:
	// kb = bits(s)>>23; f = float32(s * frombits((253-kb)<<23)); k = kb - 126;
	// where f < sqrt(1/2): f = f+f (FADD, BIT) and k = k-1 (ADD of the -1 mask); k = float32(k) (SCVTF).
	FLDPQ	0(R10), (F5, F7)
	FLDPQ	32(R10), (F8, F9)
	VUSHR	$23, V13.S4, V4.S4
	VSUB	V4.S4, V7.S4, V2.S4
	VSHL	$23, V2.S4, V2.S4
	WORD	$0x6e22dda0	// fmul v0.4s, v13.4s, v2.4s
	VSUB	V8.S4, V4.S4, V4.S4
	WORD	$0x6ea0e4a2	// fcmgt v2.4s, v5.4s, v0.4s
	WORD	$0x4e20d408	// fadd v8.4s, v0.4s, v0.4s
	VBIT	V2.B16, V8.B16, V0.B16
	VADD	V2.S4, V4.S4, V4.S4
	WORD	$0x4e21d888	// scvtf v8.4s, v4.4s
	// u = f - 1; z = u*u; q = float32(P0*u) + P1, then q = float32(q*u) + P2 .. P8.
	WORD	$0x4eb9d404	// fsub v4.4s, v0.4s, v25.4s
	WORD	$0x6e24dc80	// fmul v0.4s, v4.4s, v4.4s
	WORD	$0x4f899082	// fmul v2.4s, v4.4s, v9.s[0]
	FLDPQ	64(R10), (F7, F5)
	WORD	$0x4e27d442	// fadd v2.4s, v2.4s, v7.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x4e25d442	// fadd v2.4s, v2.4s, v5.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	FLDPQ	96(R10), (F7, F5)
	WORD	$0x4e27d442	// fadd v2.4s, v2.4s, v7.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x4e25d442	// fadd v2.4s, v2.4s, v5.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	FLDPQ	128(R10), (F7, F5)
	WORD	$0x4e27d442	// fadd v2.4s, v2.4s, v7.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x4e25d442	// fadd v2.4s, v2.4s, v5.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	FLDPQ	160(R10), (F7, F5)
	WORD	$0x4e27d442	// fadd v2.4s, v2.4s, v7.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x4e25d442	// fadd v2.4s, v2.4s, v5.4s
	// y = float32(float32(q*u)*z); y = y + float32(k*ln2lo); y = y - float32(0.5*z); y = u + y;
	// log = y + float32(k*ln2hi), in V2.
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x6e20dc42	// fmul v2.4s, v2.4s, v0.4s
	WORD	$0x4f9f9907	// fmul v7.4s, v8.4s, v31.s[2]
	WORD	$0x4e27d442	// fadd v2.4s, v2.4s, v7.4s
	WORD	$0x4fa99007	// fmul v7.4s, v0.4s, v9.s[1]
	WORD	$0x4ea7d442	// fsub v2.4s, v2.4s, v7.4s
	WORD	$0x4e22d482	// fadd v2.4s, v4.4s, v2.4s
	WORD	$0x4fbf9107	// fmul v7.4s, v8.4s, v31.s[1]
	WORD	$0x4e27d442	// fadd v2.4s, v2.4s, v7.4s
	// loss = log(s) - d[l].
	WORD	$0x4ea1d442	// fsub v2.4s, v2.4s, v1.4s
	CBZ	R3, labels_nolosses
	VST1.P	[V2.S4], 16(R3)

labels_nolosses:
	// acc[i%8] += float64(loss[i]) (FCVTL, FCVTL2, FADD .2D): rows 0-3 of an 8-row step go to
	// A0, A1, rows 4-7 (bit 2 of the rows left is set) to A2, A3.
	WORD	$0x0e617841	// fcvtl v1.2d, v2.2s
	WORD	$0x4e61784d	// fcvtl2 v13.2d, v2.4s
	TBNZ	$2, R4, labels_odd
	WORD	$0x4e61d673	// fadd v19.2d, v19.2d, v1.2d
	WORD	$0x4e6dd694	// fadd v20.2d, v20.2d, v13.2d
	B	labels_next
labels_odd:
	WORD	$0x4e61d6b5	// fadd v21.2d, v21.2d, v1.2d
	WORD	$0x4e6dd6d6	// fadd v22.2d, v22.2d, v13.2d
labels_next:
	ADD	$160, R1
	ADD	$16, R2
	SUBS	$4, R4
	BNE	labels_loop

	VST1	[V19.D2, V20.D2, V21.D2, V22.D2], (R5)

labels_done:
	RET

// func xentTargetsNEON(grad, logits, targets []float32, scale float32, losses []float32, acc *[8]float64)
//
// xentTargetsGeneric for n = len(logits)/10 rows, n rounded down to a
// multiple of 8. Per block of 4 rows: T = sum10(t), D = sum10(td),
// loss = float32(log32(s)·T) - D; when grad != nil, g[j] = float32(e[j]·qt)
// - float32(t[j]·scale) with qt = float32((scale/s)·T). The subtraction of
// t[j]·scale is elementwise, so it is done on the rows after the transpose
// back, with the target rows read a second time.
//
// Registers:
//	R0 grad (0: loss only)  R1 logits  R2 targets  R3 losses (0: none)
//	R4 rows left  R5 acc  R7 address of expConsts  R10 logConsts
//	V18 scale (every lane)  V19..V22 A0..A3 = acc[0:2], acc[2:4], acc[4:6], acc[6:8]
//	V23 cutoff         V24 0x3f800000 (int)   V25 1.0     V26 Q0
//	V27 Q1             V28 Q2                 V29 Q3      V30 magic (1.5·2^23)
//	V31 KA = {log2e, ln2hi, ln2lo, Q4}, used by element (FMUL Vd, Vn, V31.S[i])
//	V0..V17 the block: columns, T, D, temporaries, as the comments in the
//	        loop name them.
TEXT ·xentTargetsNEON(SB), NOSPLIT, $0-112
	MOVD	grad_base+0(FP), R0
	MOVD	logits_base+24(FP), R1
	MOVD	targets_base+48(FP), R2
	MOVD	logits_len+32(FP), R4
	MOVD	$10, R7
	UDIV	R7, R4, R4
	MOVD	losses_base+80(FP), R3
	MOVD	acc+104(FP), R5
	AND	$~7, R4
	CBZ	R4, targets_done
	FMOVS	scale+72(FP), F18
	VDUP	V18.S[0], V18.S4
	MOVD	$expConsts<>(SB), R7
	VLD1.P	64(R7), [V23.S4, V24.S4, V25.S4, V26.S4]
	VLD1.P	64(R7), [V27.S4, V28.S4, V29.S4, V30.S4]
	VLD1	(R7), [V31.S4]
	MOVD	$logConsts<>(SB), R10
	VLD1	(R5), [V19.D2, V20.D2, V21.D2, V22.D2]

targets_loop:
	// Load rows 0-3: row pair 0-1 in P00..P04, pair 2-3 in P10..P14 (40 bytes a row).
	FLDPQ	0(R1), (F0, F1)
	FLDPQ	32(R1), (F2, F3)
	FLDPQ	64(R1), (F4, F5)
	FLDPQ	96(R1), (F6, F7)
	FLDPQ	128(R1), (F8, F9)
	// Transpose, step 1 (ZIP .2D of P0k, P1k): gather the 64-bit halves of rows 0,2 and 1,3.
	VZIP1	V5.D2, V0.D2, V10.D2
	VZIP2	V5.D2, V0.D2, V5.D2
	VZIP1	V6.D2, V1.D2, V0.D2
	VZIP2	V6.D2, V1.D2, V6.D2
	VZIP1	V7.D2, V2.D2, V1.D2
	VZIP2	V7.D2, V2.D2, V7.D2
	VZIP1	V8.D2, V3.D2, V2.D2
	VZIP2	V8.D2, V3.D2, V8.D2
	VZIP1	V9.D2, V4.D2, V3.D2
	VZIP2	V9.D2, V4.D2, V9.D2
	// Transpose, step 2 (TRN .4S): column j of rows 0-3 in one register.
	VTRN1	V7.S4, V10.S4, V4.S4
	VTRN2	V7.S4, V10.S4, V7.S4
	VTRN1	V2.S4, V5.S4, V10.S4
	VTRN2	V2.S4, V5.S4, V2.S4
	VTRN1	V8.S4, V0.S4, V5.S4
	VTRN2	V8.S4, V0.S4, V8.S4
	VTRN1	V3.S4, V6.S4, V0.S4
	VTRN2	V3.S4, V6.S4, V3.S4
	VTRN1	V9.S4, V1.S4, V6.S4
	VTRN2	V9.S4, V1.S4, V9.S4
	// x[j] of rows 0-3, j = 0..9: V4 V7 V10 V2 V5 V8 V0 V3 V6 V9
	// m = max10(x) + 0: a tree of FMAX (any order is exact; FMAX keeps NaN), then + 0 turns -0 into +0.
	WORD	$0x4e27f481	// fmax v1.4s, v4.4s, v7.4s
	WORD	$0x4e22f54b	// fmax v11.4s, v10.4s, v2.4s
	WORD	$0x4e2bf421	// fmax v1.4s, v1.4s, v11.4s
	WORD	$0x4e28f4ab	// fmax v11.4s, v5.4s, v8.4s
	WORD	$0x4e23f40c	// fmax v12.4s, v0.4s, v3.4s
	WORD	$0x4e2cf56b	// fmax v11.4s, v11.4s, v12.4s
	WORD	$0x4e2bf421	// fmax v1.4s, v1.4s, v11.4s
	WORD	$0x4e29f4cc	// fmax v12.4s, v6.4s, v9.4s
	WORD	$0x4e2cf421	// fmax v1.4s, v1.4s, v12.4s
	VEOR	V11.B16, V11.B16, V11.B16
	WORD	$0x4e2bd421	// fadd v1.4s, v1.4s, v11.4s
	// d[j] = x[j] - m (m in V1), in place.
	WORD	$0x4ea1d484	// fsub v4.4s, v4.4s, v1.4s
	WORD	$0x4ea1d4e7	// fsub v7.4s, v7.4s, v1.4s
	WORD	$0x4ea1d54a	// fsub v10.4s, v10.4s, v1.4s
	WORD	$0x4ea1d442	// fsub v2.4s, v2.4s, v1.4s
	WORD	$0x4ea1d4a5	// fsub v5.4s, v5.4s, v1.4s
	WORD	$0x4ea1d508	// fsub v8.4s, v8.4s, v1.4s
	WORD	$0x4ea1d400	// fsub v0.4s, v0.4s, v1.4s
	WORD	$0x4ea1d463	// fsub v3.4s, v3.4s, v1.4s
	WORD	$0x4ea1d4c6	// fsub v6.4s, v6.4s, v1.4s
	WORD	$0x4ea1d529	// fsub v9.4s, v9.4s, v1.4s
	// T = sum10(t) and D = sum10(td) with td[j] = t[j]*d[j] where t[j] != 0, +0 elsewhere
	// (FCMEQ #0, BIC). t is read and transposed in three groups of columns (0-3, 4-7, 8-9),
	// which need fewer registers than the whole block; T and D are kept as the partial sums
	// A = (v0+v1)+(v2+v3), A + B, (A + B) + (v8+v9) of sum10.
	// t[j] of rows 0-3 for j = 0..3: rows (LDR Q), 4x4 transpose (TRN .4S, ZIP .2D).
	FMOVQ	0(R2), F1
	FMOVQ	40(R2), F12
	FMOVQ	80(R2), F11
	FMOVQ	120(R2), F13
	VTRN1	V12.S4, V1.S4, V14.S4
	VTRN2	V12.S4, V1.S4, V12.S4
	VTRN1	V13.S4, V11.S4, V1.S4
	VTRN2	V13.S4, V11.S4, V13.S4
	VZIP1	V1.D2, V14.D2, V11.D2
	VZIP2	V1.D2, V14.D2, V1.D2
	VZIP1	V13.D2, V12.D2, V14.D2
	VZIP2	V13.D2, V12.D2, V13.D2
	// T = (t0+t1)+(t2+t3) in V12; td[0..3]; D = (td0+td1)+(td2+td3) in V11.
	WORD	$0x4e2ed56c	// fadd v12.4s, v11.4s, v14.4s
	WORD	$0x4e2dd42f	// fadd v15.4s, v1.4s, v13.4s
	WORD	$0x4e2fd58c	// fadd v12.4s, v12.4s, v15.4s
	WORD	$0x4ea0d96f	// fcmeq v15.4s, v11.4s, #0.0
	WORD	$0x6e24dd6b	// fmul v11.4s, v11.4s, v4.4s
	WORD	$0x4e6f1d6b	// bic v11.16b, v11.16b, v15.16b
	WORD	$0x4ea0d9cf	// fcmeq v15.4s, v14.4s, #0.0
	WORD	$0x6e27ddce	// fmul v14.4s, v14.4s, v7.4s
	WORD	$0x4e6f1dce	// bic v14.16b, v14.16b, v15.16b
	WORD	$0x4ea0d82f	// fcmeq v15.4s, v1.4s, #0.0
	WORD	$0x6e2adc21	// fmul v1.4s, v1.4s, v10.4s
	WORD	$0x4e6f1c21	// bic v1.16b, v1.16b, v15.16b
	WORD	$0x4ea0d9af	// fcmeq v15.4s, v13.4s, #0.0
	WORD	$0x6e22ddad	// fmul v13.4s, v13.4s, v2.4s
	WORD	$0x4e6f1dad	// bic v13.16b, v13.16b, v15.16b
	WORD	$0x4e2ed56b	// fadd v11.4s, v11.4s, v14.4s
	WORD	$0x4e2dd421	// fadd v1.4s, v1.4s, v13.4s
	WORD	$0x4e21d56b	// fadd v11.4s, v11.4s, v1.4s
	// t[j] of rows 0-3 for j = 4..7: rows (LDR Q), 4x4 transpose (TRN .4S, ZIP .2D).
	FMOVQ	16(R2), F13
	FMOVQ	56(R2), F1
	FMOVQ	96(R2), F14
	FMOVQ	136(R2), F15
	VTRN1	V1.S4, V13.S4, V16.S4
	VTRN2	V1.S4, V13.S4, V1.S4
	VTRN1	V15.S4, V14.S4, V13.S4
	VTRN2	V15.S4, V14.S4, V15.S4
	VZIP1	V13.D2, V16.D2, V14.D2
	VZIP2	V13.D2, V16.D2, V13.D2
	VZIP1	V15.D2, V1.D2, V16.D2
	VZIP2	V15.D2, V1.D2, V15.D2
	// T = T + ((t4+t5)+(t6+t7)); td[4..7]; D = D + ((td4+td5)+(td6+td7)).
	WORD	$0x4e30d5c1	// fadd v1.4s, v14.4s, v16.4s
	WORD	$0x4e2fd5b1	// fadd v17.4s, v13.4s, v15.4s
	WORD	$0x4e31d421	// fadd v1.4s, v1.4s, v17.4s
	WORD	$0x4e21d58c	// fadd v12.4s, v12.4s, v1.4s
	WORD	$0x4ea0d9c1	// fcmeq v1.4s, v14.4s, #0.0
	WORD	$0x6e25ddce	// fmul v14.4s, v14.4s, v5.4s
	WORD	$0x4e611dce	// bic v14.16b, v14.16b, v1.16b
	WORD	$0x4ea0da01	// fcmeq v1.4s, v16.4s, #0.0
	WORD	$0x6e28de10	// fmul v16.4s, v16.4s, v8.4s
	WORD	$0x4e611e10	// bic v16.16b, v16.16b, v1.16b
	WORD	$0x4ea0d9a1	// fcmeq v1.4s, v13.4s, #0.0
	WORD	$0x6e20ddad	// fmul v13.4s, v13.4s, v0.4s
	WORD	$0x4e611dad	// bic v13.16b, v13.16b, v1.16b
	WORD	$0x4ea0d9e1	// fcmeq v1.4s, v15.4s, #0.0
	WORD	$0x6e23ddef	// fmul v15.4s, v15.4s, v3.4s
	WORD	$0x4e611def	// bic v15.16b, v15.16b, v1.16b
	WORD	$0x4e30d5ce	// fadd v14.4s, v14.4s, v16.4s
	WORD	$0x4e2fd5ad	// fadd v13.4s, v13.4s, v15.4s
	WORD	$0x4e2dd5ce	// fadd v14.4s, v14.4s, v13.4s
	WORD	$0x4e2ed56b	// fadd v11.4s, v11.4s, v14.4s
	// t[8], t[9] of rows 0-3: LDR D of each row, ZIP1 .2D, TRN .4S.
	FMOVD	32(R2), F15
	FMOVD	72(R2), F13
	FMOVD	112(R2), F16
	FMOVD	152(R2), F14
	VZIP1	V16.D2, V15.D2, V15.D2
	VZIP1	V14.D2, V13.D2, V13.D2
	VTRN1	V13.S4, V15.S4, V14.S4
	VTRN2	V13.S4, V15.S4, V13.S4
	// T = T + (t8+t9); td[8], td[9]; D = D + (td8+td9). T in V12, D in V11.
	WORD	$0x4e2dd5cf	// fadd v15.4s, v14.4s, v13.4s
	WORD	$0x4e2fd58c	// fadd v12.4s, v12.4s, v15.4s
	WORD	$0x4ea0d9cf	// fcmeq v15.4s, v14.4s, #0.0
	WORD	$0x6e26ddce	// fmul v14.4s, v14.4s, v6.4s
	WORD	$0x4e6f1dce	// bic v14.16b, v14.16b, v15.16b
	WORD	$0x4ea0d9af	// fcmeq v15.4s, v13.4s, #0.0
	WORD	$0x6e29ddad	// fmul v13.4s, v13.4s, v9.4s
	WORD	$0x4e6f1dad	// bic v13.16b, v13.16b, v15.16b
	WORD	$0x4e2dd5ce	// fadd v14.4s, v14.4s, v13.4s
	WORD	$0x4e2ed56b	// fadd v11.4s, v11.4s, v14.4s
	// e[j] = exp32(d[j]), in place.
	// Each exponential, in the order of exp32 (24 instructions):
	//   z = float32(d*log2e) + magic; n = z - magic
	//   r = d - float32(n*ln2hi); r = r - float32(n*ln2lo)
	//   q = float32(Q4*r) + Q3, then q = float32(q*r) + Q2, Q1, Q0 (FMUL, then FADD)
	//   r2 = r*r; p = float32(r2*q) + r; mask = d < cutoff (FCMGT); p = p + 1
	//   e = p * frombits(bits(z)<<23 + 0x3f800000) (SHL, ADD .4S); e = 0 where mask (BIC).
	// e[0] in V4
	WORD	$0x4f9f908d	// fmul v13.4s, v4.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ae	// fsub v14.4s, v13.4s, v30.4s
	WORD	$0x4fbf91cf	// fmul v15.4s, v14.4s, v31.s[1]
	WORD	$0x4eafd48f	// fsub v15.4s, v4.4s, v15.4s
	WORD	$0x4f9f99ce	// fmul v14.4s, v14.4s, v31.s[2]
	WORD	$0x4eaed5ef	// fsub v15.4s, v15.4s, v14.4s
	WORD	$0x4fbf99ee	// fmul v14.4s, v15.4s, v31.s[3]
	WORD	$0x4e3dd5ce	// fadd v14.4s, v14.4s, v29.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3cd5ce	// fadd v14.4s, v14.4s, v28.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3bd5ce	// fadd v14.4s, v14.4s, v27.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3ad5ce	// fadd v14.4s, v14.4s, v26.4s
	WORD	$0x6e2fddf0	// fmul v16.4s, v15.4s, v15.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e2fd610	// fadd v16.4s, v16.4s, v15.4s
	WORD	$0x6ea4e6ee	// fcmgt v14.4s, v23.4s, v4.4s
	WORD	$0x4e39d610	// fadd v16.4s, v16.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2dde04	// fmul v4.4s, v16.4s, v13.4s
	WORD	$0x4e6e1c84	// bic v4.16b, v4.16b, v14.16b
	// e[1] in V7
	WORD	$0x4f9f90ef	// fmul v15.4s, v7.4s, v31.s[0]
	WORD	$0x4e3ed5ef	// fadd v15.4s, v15.4s, v30.4s
	WORD	$0x4ebed5f0	// fsub v16.4s, v15.4s, v30.4s
	WORD	$0x4fbf920e	// fmul v14.4s, v16.4s, v31.s[1]
	WORD	$0x4eaed4ee	// fsub v14.4s, v7.4s, v14.4s
	WORD	$0x4f9f9a10	// fmul v16.4s, v16.4s, v31.s[2]
	WORD	$0x4eb0d5ce	// fsub v14.4s, v14.4s, v16.4s
	WORD	$0x4fbf99d0	// fmul v16.4s, v14.4s, v31.s[3]
	WORD	$0x4e3dd610	// fadd v16.4s, v16.4s, v29.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3cd610	// fadd v16.4s, v16.4s, v28.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3bd610	// fadd v16.4s, v16.4s, v27.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3ad610	// fadd v16.4s, v16.4s, v26.4s
	WORD	$0x6e2eddcd	// fmul v13.4s, v14.4s, v14.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e2ed5ad	// fadd v13.4s, v13.4s, v14.4s
	WORD	$0x6ea7e6f0	// fcmgt v16.4s, v23.4s, v7.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V15.S4, V15.S4
	VADD	V24.S4, V15.S4, V15.S4
	WORD	$0x6e2fdda7	// fmul v7.4s, v13.4s, v15.4s
	WORD	$0x4e701ce7	// bic v7.16b, v7.16b, v16.16b
	// e[2] in V10
	WORD	$0x4f9f914e	// fmul v14.4s, v10.4s, v31.s[0]
	WORD	$0x4e3ed5ce	// fadd v14.4s, v14.4s, v30.4s
	WORD	$0x4ebed5cd	// fsub v13.4s, v14.4s, v30.4s
	WORD	$0x4fbf91b0	// fmul v16.4s, v13.4s, v31.s[1]
	WORD	$0x4eb0d550	// fsub v16.4s, v10.4s, v16.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd610	// fsub v16.4s, v16.4s, v13.4s
	WORD	$0x4fbf9a0d	// fmul v13.4s, v16.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e30de0f	// fmul v15.4s, v16.4s, v16.4s
	WORD	$0x6e2dddef	// fmul v15.4s, v15.4s, v13.4s
	WORD	$0x4e30d5ef	// fadd v15.4s, v15.4s, v16.4s
	WORD	$0x6eaae6ed	// fcmgt v13.4s, v23.4s, v10.4s
	WORD	$0x4e39d5ef	// fadd v15.4s, v15.4s, v25.4s
	VSHL	$23, V14.S4, V14.S4
	VADD	V24.S4, V14.S4, V14.S4
	WORD	$0x6e2eddea	// fmul v10.4s, v15.4s, v14.4s
	WORD	$0x4e6d1d4a	// bic v10.16b, v10.16b, v13.16b
	// e[3] in V2
	WORD	$0x4f9f9050	// fmul v16.4s, v2.4s, v31.s[0]
	WORD	$0x4e3ed610	// fadd v16.4s, v16.4s, v30.4s
	WORD	$0x4ebed60f	// fsub v15.4s, v16.4s, v30.4s
	WORD	$0x4fbf91ed	// fmul v13.4s, v15.4s, v31.s[1]
	WORD	$0x4eadd44d	// fsub v13.4s, v2.4s, v13.4s
	WORD	$0x4f9f99ef	// fmul v15.4s, v15.4s, v31.s[2]
	WORD	$0x4eafd5ad	// fsub v13.4s, v13.4s, v15.4s
	WORD	$0x4fbf99af	// fmul v15.4s, v13.4s, v31.s[3]
	WORD	$0x4e3dd5ef	// fadd v15.4s, v15.4s, v29.4s
	WORD	$0x6e2dddef	// fmul v15.4s, v15.4s, v13.4s
	WORD	$0x4e3cd5ef	// fadd v15.4s, v15.4s, v28.4s
	WORD	$0x6e2dddef	// fmul v15.4s, v15.4s, v13.4s
	WORD	$0x4e3bd5ef	// fadd v15.4s, v15.4s, v27.4s
	WORD	$0x6e2dddef	// fmul v15.4s, v15.4s, v13.4s
	WORD	$0x4e3ad5ef	// fadd v15.4s, v15.4s, v26.4s
	WORD	$0x6e2dddae	// fmul v14.4s, v13.4s, v13.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e2dd5ce	// fadd v14.4s, v14.4s, v13.4s
	WORD	$0x6ea2e6ef	// fcmgt v15.4s, v23.4s, v2.4s
	WORD	$0x4e39d5ce	// fadd v14.4s, v14.4s, v25.4s
	VSHL	$23, V16.S4, V16.S4
	VADD	V24.S4, V16.S4, V16.S4
	WORD	$0x6e30ddc2	// fmul v2.4s, v14.4s, v16.4s
	WORD	$0x4e6f1c42	// bic v2.16b, v2.16b, v15.16b
	// e[4] in V5
	WORD	$0x4f9f90ad	// fmul v13.4s, v5.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ae	// fsub v14.4s, v13.4s, v30.4s
	WORD	$0x4fbf91cf	// fmul v15.4s, v14.4s, v31.s[1]
	WORD	$0x4eafd4af	// fsub v15.4s, v5.4s, v15.4s
	WORD	$0x4f9f99ce	// fmul v14.4s, v14.4s, v31.s[2]
	WORD	$0x4eaed5ef	// fsub v15.4s, v15.4s, v14.4s
	WORD	$0x4fbf99ee	// fmul v14.4s, v15.4s, v31.s[3]
	WORD	$0x4e3dd5ce	// fadd v14.4s, v14.4s, v29.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3cd5ce	// fadd v14.4s, v14.4s, v28.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3bd5ce	// fadd v14.4s, v14.4s, v27.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3ad5ce	// fadd v14.4s, v14.4s, v26.4s
	WORD	$0x6e2fddf0	// fmul v16.4s, v15.4s, v15.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e2fd610	// fadd v16.4s, v16.4s, v15.4s
	WORD	$0x6ea5e6ee	// fcmgt v14.4s, v23.4s, v5.4s
	WORD	$0x4e39d610	// fadd v16.4s, v16.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2dde05	// fmul v5.4s, v16.4s, v13.4s
	WORD	$0x4e6e1ca5	// bic v5.16b, v5.16b, v14.16b
	// e[5] in V8
	WORD	$0x4f9f910f	// fmul v15.4s, v8.4s, v31.s[0]
	WORD	$0x4e3ed5ef	// fadd v15.4s, v15.4s, v30.4s
	WORD	$0x4ebed5f0	// fsub v16.4s, v15.4s, v30.4s
	WORD	$0x4fbf920e	// fmul v14.4s, v16.4s, v31.s[1]
	WORD	$0x4eaed50e	// fsub v14.4s, v8.4s, v14.4s
	WORD	$0x4f9f9a10	// fmul v16.4s, v16.4s, v31.s[2]
	WORD	$0x4eb0d5ce	// fsub v14.4s, v14.4s, v16.4s
	WORD	$0x4fbf99d0	// fmul v16.4s, v14.4s, v31.s[3]
	WORD	$0x4e3dd610	// fadd v16.4s, v16.4s, v29.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3cd610	// fadd v16.4s, v16.4s, v28.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3bd610	// fadd v16.4s, v16.4s, v27.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3ad610	// fadd v16.4s, v16.4s, v26.4s
	WORD	$0x6e2eddcd	// fmul v13.4s, v14.4s, v14.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e2ed5ad	// fadd v13.4s, v13.4s, v14.4s
	WORD	$0x6ea8e6f0	// fcmgt v16.4s, v23.4s, v8.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V15.S4, V15.S4
	VADD	V24.S4, V15.S4, V15.S4
	WORD	$0x6e2fdda8	// fmul v8.4s, v13.4s, v15.4s
	WORD	$0x4e701d08	// bic v8.16b, v8.16b, v16.16b
	// e[6] in V0
	WORD	$0x4f9f900e	// fmul v14.4s, v0.4s, v31.s[0]
	WORD	$0x4e3ed5ce	// fadd v14.4s, v14.4s, v30.4s
	WORD	$0x4ebed5cd	// fsub v13.4s, v14.4s, v30.4s
	WORD	$0x4fbf91b0	// fmul v16.4s, v13.4s, v31.s[1]
	WORD	$0x4eb0d410	// fsub v16.4s, v0.4s, v16.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd610	// fsub v16.4s, v16.4s, v13.4s
	WORD	$0x4fbf9a0d	// fmul v13.4s, v16.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e30de0f	// fmul v15.4s, v16.4s, v16.4s
	WORD	$0x6e2dddef	// fmul v15.4s, v15.4s, v13.4s
	WORD	$0x4e30d5ef	// fadd v15.4s, v15.4s, v16.4s
	WORD	$0x6ea0e6ed	// fcmgt v13.4s, v23.4s, v0.4s
	WORD	$0x4e39d5ef	// fadd v15.4s, v15.4s, v25.4s
	VSHL	$23, V14.S4, V14.S4
	VADD	V24.S4, V14.S4, V14.S4
	WORD	$0x6e2edde0	// fmul v0.4s, v15.4s, v14.4s
	WORD	$0x4e6d1c00	// bic v0.16b, v0.16b, v13.16b
	// e[7] in V3
	WORD	$0x4f9f9070	// fmul v16.4s, v3.4s, v31.s[0]
	WORD	$0x4e3ed610	// fadd v16.4s, v16.4s, v30.4s
	WORD	$0x4ebed60f	// fsub v15.4s, v16.4s, v30.4s
	WORD	$0x4fbf91ed	// fmul v13.4s, v15.4s, v31.s[1]
	WORD	$0x4eadd46d	// fsub v13.4s, v3.4s, v13.4s
	WORD	$0x4f9f99ef	// fmul v15.4s, v15.4s, v31.s[2]
	WORD	$0x4eafd5ad	// fsub v13.4s, v13.4s, v15.4s
	WORD	$0x4fbf99af	// fmul v15.4s, v13.4s, v31.s[3]
	WORD	$0x4e3dd5ef	// fadd v15.4s, v15.4s, v29.4s
	WORD	$0x6e2dddef	// fmul v15.4s, v15.4s, v13.4s
	WORD	$0x4e3cd5ef	// fadd v15.4s, v15.4s, v28.4s
	WORD	$0x6e2dddef	// fmul v15.4s, v15.4s, v13.4s
	WORD	$0x4e3bd5ef	// fadd v15.4s, v15.4s, v27.4s
	WORD	$0x6e2dddef	// fmul v15.4s, v15.4s, v13.4s
	WORD	$0x4e3ad5ef	// fadd v15.4s, v15.4s, v26.4s
	WORD	$0x6e2dddae	// fmul v14.4s, v13.4s, v13.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e2dd5ce	// fadd v14.4s, v14.4s, v13.4s
	WORD	$0x6ea3e6ef	// fcmgt v15.4s, v23.4s, v3.4s
	WORD	$0x4e39d5ce	// fadd v14.4s, v14.4s, v25.4s
	VSHL	$23, V16.S4, V16.S4
	VADD	V24.S4, V16.S4, V16.S4
	WORD	$0x6e30ddc3	// fmul v3.4s, v14.4s, v16.4s
	WORD	$0x4e6f1c63	// bic v3.16b, v3.16b, v15.16b
	// e[8] in V6
	WORD	$0x4f9f90cd	// fmul v13.4s, v6.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ae	// fsub v14.4s, v13.4s, v30.4s
	WORD	$0x4fbf91cf	// fmul v15.4s, v14.4s, v31.s[1]
	WORD	$0x4eafd4cf	// fsub v15.4s, v6.4s, v15.4s
	WORD	$0x4f9f99ce	// fmul v14.4s, v14.4s, v31.s[2]
	WORD	$0x4eaed5ef	// fsub v15.4s, v15.4s, v14.4s
	WORD	$0x4fbf99ee	// fmul v14.4s, v15.4s, v31.s[3]
	WORD	$0x4e3dd5ce	// fadd v14.4s, v14.4s, v29.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3cd5ce	// fadd v14.4s, v14.4s, v28.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3bd5ce	// fadd v14.4s, v14.4s, v27.4s
	WORD	$0x6e2fddce	// fmul v14.4s, v14.4s, v15.4s
	WORD	$0x4e3ad5ce	// fadd v14.4s, v14.4s, v26.4s
	WORD	$0x6e2fddf0	// fmul v16.4s, v15.4s, v15.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e2fd610	// fadd v16.4s, v16.4s, v15.4s
	WORD	$0x6ea6e6ee	// fcmgt v14.4s, v23.4s, v6.4s
	WORD	$0x4e39d610	// fadd v16.4s, v16.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2dde06	// fmul v6.4s, v16.4s, v13.4s
	WORD	$0x4e6e1cc6	// bic v6.16b, v6.16b, v14.16b
	// e[9] in V9
	WORD	$0x4f9f912f	// fmul v15.4s, v9.4s, v31.s[0]
	WORD	$0x4e3ed5ef	// fadd v15.4s, v15.4s, v30.4s
	WORD	$0x4ebed5f0	// fsub v16.4s, v15.4s, v30.4s
	WORD	$0x4fbf920e	// fmul v14.4s, v16.4s, v31.s[1]
	WORD	$0x4eaed52e	// fsub v14.4s, v9.4s, v14.4s
	WORD	$0x4f9f9a10	// fmul v16.4s, v16.4s, v31.s[2]
	WORD	$0x4eb0d5ce	// fsub v14.4s, v14.4s, v16.4s
	WORD	$0x4fbf99d0	// fmul v16.4s, v14.4s, v31.s[3]
	WORD	$0x4e3dd610	// fadd v16.4s, v16.4s, v29.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3cd610	// fadd v16.4s, v16.4s, v28.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3bd610	// fadd v16.4s, v16.4s, v27.4s
	WORD	$0x6e2ede10	// fmul v16.4s, v16.4s, v14.4s
	WORD	$0x4e3ad610	// fadd v16.4s, v16.4s, v26.4s
	WORD	$0x6e2eddcd	// fmul v13.4s, v14.4s, v14.4s
	WORD	$0x6e30ddad	// fmul v13.4s, v13.4s, v16.4s
	WORD	$0x4e2ed5ad	// fadd v13.4s, v13.4s, v14.4s
	WORD	$0x6ea9e6f0	// fcmgt v16.4s, v23.4s, v9.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V15.S4, V15.S4
	VADD	V24.S4, V15.S4, V15.S4
	WORD	$0x6e2fdda9	// fmul v9.4s, v13.4s, v15.4s
	WORD	$0x4e701d29	// bic v9.16b, v9.16b, v16.16b
	// s = ((e0+e1)+(e2+e3)) + ((e4+e5)+(e6+e7)) + (e8+e9).
	WORD	$0x4e27d48e	// fadd v14.4s, v4.4s, v7.4s
	WORD	$0x4e22d54d	// fadd v13.4s, v10.4s, v2.4s
	WORD	$0x4e2dd5ce	// fadd v14.4s, v14.4s, v13.4s
	WORD	$0x4e28d4ad	// fadd v13.4s, v5.4s, v8.4s
	WORD	$0x4e23d410	// fadd v16.4s, v0.4s, v3.4s
	WORD	$0x4e30d5ad	// fadd v13.4s, v13.4s, v16.4s
	WORD	$0x4e2dd5ce	// fadd v14.4s, v14.4s, v13.4s
	WORD	$0x4e29d4cd	// fadd v13.4s, v6.4s, v9.4s
	WORD	$0x4e2dd5ce	// fadd v14.4s, v14.4s, v13.4s
	CBZ	R0, targets_nograd
	// q = scale / s; qt = float32(q*T); g[j] = float32(e[j]*qt).
	WORD	$0x6e2efe50	// fdiv v16.4s, v18.4s, v14.4s
	WORD	$0x6e2cde10	// fmul v16.4s, v16.4s, v12.4s
	WORD	$0x6e30dc84	// fmul v4.4s, v4.4s, v16.4s
	WORD	$0x6e30dce7	// fmul v7.4s, v7.4s, v16.4s
	WORD	$0x6e30dd4a	// fmul v10.4s, v10.4s, v16.4s
	WORD	$0x6e30dc42	// fmul v2.4s, v2.4s, v16.4s
	WORD	$0x6e30dca5	// fmul v5.4s, v5.4s, v16.4s
	WORD	$0x6e30dd08	// fmul v8.4s, v8.4s, v16.4s
	WORD	$0x6e30dc00	// fmul v0.4s, v0.4s, v16.4s
	WORD	$0x6e30dc63	// fmul v3.4s, v3.4s, v16.4s
	WORD	$0x6e30dcc6	// fmul v6.4s, v6.4s, v16.4s
	WORD	$0x6e30dd29	// fmul v9.4s, v9.4s, v16.4s
	// Transpose back, step 1 (TRN .4S of column pairs).
	VTRN1	V7.S4, V4.S4, V16.S4
	VTRN2	V7.S4, V4.S4, V7.S4
	VTRN1	V2.S4, V10.S4, V4.S4
	VTRN2	V2.S4, V10.S4, V2.S4
	VTRN1	V8.S4, V5.S4, V10.S4
	VTRN2	V8.S4, V5.S4, V8.S4
	VTRN1	V3.S4, V0.S4, V5.S4
	VTRN2	V3.S4, V0.S4, V3.S4
	VTRN1	V9.S4, V6.S4, V0.S4
	VTRN2	V9.S4, V6.S4, V9.S4
	// Transpose back, step 2 (ZIP .2D): rows in P00..P04, P10..P14.
	VZIP1	V4.D2, V16.D2, V6.D2
	VZIP2	V4.D2, V16.D2, V4.D2
	VZIP1	V5.D2, V10.D2, V16.D2
	VZIP2	V5.D2, V10.D2, V5.D2
	VZIP1	V7.D2, V0.D2, V10.D2
	VZIP2	V7.D2, V0.D2, V7.D2
	VZIP1	V8.D2, V2.D2, V0.D2
	VZIP2	V8.D2, V2.D2, V8.D2
	VZIP1	V9.D2, V3.D2, V2.D2
	VZIP2	V9.D2, V3.D2, V9.D2
	// g = g - float32(t*scale), elementwise on the rows: t read again, 32 bytes at a time.
	FLDPQ	0(R2), (F3, F13)
	WORD	$0x4f929063	// fmul v3.4s, v3.4s, v18.s[0]
	WORD	$0x4f9291ad	// fmul v13.4s, v13.4s, v18.s[0]
	WORD	$0x4ea3d4c6	// fsub v6.4s, v6.4s, v3.4s
	WORD	$0x4eadd610	// fsub v16.4s, v16.4s, v13.4s
	FLDPQ	32(R2), (F13, F3)
	WORD	$0x4f9291ad	// fmul v13.4s, v13.4s, v18.s[0]
	WORD	$0x4f929063	// fmul v3.4s, v3.4s, v18.s[0]
	WORD	$0x4eadd54a	// fsub v10.4s, v10.4s, v13.4s
	WORD	$0x4ea3d400	// fsub v0.4s, v0.4s, v3.4s
	FLDPQ	64(R2), (F3, F13)
	WORD	$0x4f929063	// fmul v3.4s, v3.4s, v18.s[0]
	WORD	$0x4f9291ad	// fmul v13.4s, v13.4s, v18.s[0]
	WORD	$0x4ea3d442	// fsub v2.4s, v2.4s, v3.4s
	WORD	$0x4eadd484	// fsub v4.4s, v4.4s, v13.4s
	FLDPQ	96(R2), (F13, F3)
	WORD	$0x4f9291ad	// fmul v13.4s, v13.4s, v18.s[0]
	WORD	$0x4f929063	// fmul v3.4s, v3.4s, v18.s[0]
	WORD	$0x4eadd4a5	// fsub v5.4s, v5.4s, v13.4s
	WORD	$0x4ea3d4e7	// fsub v7.4s, v7.4s, v3.4s
	FLDPQ	128(R2), (F3, F13)
	WORD	$0x4f929063	// fmul v3.4s, v3.4s, v18.s[0]
	WORD	$0x4f9291ad	// fmul v13.4s, v13.4s, v18.s[0]
	WORD	$0x4ea3d508	// fsub v8.4s, v8.4s, v3.4s
	WORD	$0x4eadd529	// fsub v9.4s, v9.4s, v13.4s
	// Store rows 0-3.
	FSTPQ	(F6, F16), 0(R0)
	FSTPQ	(F10, F0), 32(R0)
	FSTPQ	(F2, F4), 64(R0)
	FSTPQ	(F5, F7), 96(R0)
	FSTPQ	(F8, F9), 128(R0)
	ADD	$160, R0

targets_nograd:
	// log32(s), s in V14, constants from logConsts<>:
	// kb = bits(s)>>23; f = float32(s * frombits((253-kb)<<23)); k = kb - 126;
	// where f < sqrt(1/2): f = f+f (FADD, BIT) and k = k-1 (ADD of the -1 mask); k = float32(k) (SCVTF).
	FLDPQ	0(R10), (F9, F8)
	FLDPQ	32(R10), (F7, F5)
	VUSHR	$23, V14.S4, V4.S4
	VSUB	V4.S4, V8.S4, V2.S4
	VSHL	$23, V2.S4, V2.S4
	WORD	$0x6e22ddc0	// fmul v0.4s, v14.4s, v2.4s
	VSUB	V7.S4, V4.S4, V4.S4
	WORD	$0x6ea0e522	// fcmgt v2.4s, v9.4s, v0.4s
	WORD	$0x4e20d407	// fadd v7.4s, v0.4s, v0.4s
	VBIT	V2.B16, V7.B16, V0.B16
	VADD	V2.S4, V4.S4, V4.S4
	WORD	$0x4e21d887	// scvtf v7.4s, v4.4s
	// u = f - 1; z = u*u; q = float32(P0*u) + P1, then q = float32(q*u) + P2 .. P8.
	WORD	$0x4eb9d404	// fsub v4.4s, v0.4s, v25.4s
	WORD	$0x6e24dc80	// fmul v0.4s, v4.4s, v4.4s
	WORD	$0x4f859082	// fmul v2.4s, v4.4s, v5.s[0]
	FLDPQ	64(R10), (F8, F9)
	WORD	$0x4e28d442	// fadd v2.4s, v2.4s, v8.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x4e29d442	// fadd v2.4s, v2.4s, v9.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	FLDPQ	96(R10), (F8, F9)
	WORD	$0x4e28d442	// fadd v2.4s, v2.4s, v8.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x4e29d442	// fadd v2.4s, v2.4s, v9.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	FLDPQ	128(R10), (F8, F9)
	WORD	$0x4e28d442	// fadd v2.4s, v2.4s, v8.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x4e29d442	// fadd v2.4s, v2.4s, v9.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	FLDPQ	160(R10), (F8, F9)
	WORD	$0x4e28d442	// fadd v2.4s, v2.4s, v8.4s
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x4e29d442	// fadd v2.4s, v2.4s, v9.4s
	// y = float32(float32(q*u)*z); y = y + float32(k*ln2lo); y = y - float32(0.5*z); y = u + y;
	// log = y + float32(k*ln2hi), in V2.
	WORD	$0x6e24dc42	// fmul v2.4s, v2.4s, v4.4s
	WORD	$0x6e20dc42	// fmul v2.4s, v2.4s, v0.4s
	WORD	$0x4f9f98e8	// fmul v8.4s, v7.4s, v31.s[2]
	WORD	$0x4e28d442	// fadd v2.4s, v2.4s, v8.4s
	WORD	$0x4fa59008	// fmul v8.4s, v0.4s, v5.s[1]
	WORD	$0x4ea8d442	// fsub v2.4s, v2.4s, v8.4s
	WORD	$0x4e22d482	// fadd v2.4s, v4.4s, v2.4s
	WORD	$0x4fbf90e8	// fmul v8.4s, v7.4s, v31.s[1]
	WORD	$0x4e28d442	// fadd v2.4s, v2.4s, v8.4s
	// loss = float32(log(s)*T) - D.
	WORD	$0x6e2cdc42	// fmul v2.4s, v2.4s, v12.4s
	WORD	$0x4eabd442	// fsub v2.4s, v2.4s, v11.4s
	CBZ	R3, targets_nolosses
	VST1.P	[V2.S4], 16(R3)

targets_nolosses:
	// acc[i%8] += float64(loss[i]) (FCVTL, FCVTL2, FADD .2D): rows 0-3 of an 8-row step go to
	// A0, A1, rows 4-7 (bit 2 of the rows left is set) to A2, A3.
	WORD	$0x0e61784b	// fcvtl v11.2d, v2.2s
	WORD	$0x4e61784c	// fcvtl2 v12.2d, v2.4s
	TBNZ	$2, R4, targets_odd
	WORD	$0x4e6bd673	// fadd v19.2d, v19.2d, v11.2d
	WORD	$0x4e6cd694	// fadd v20.2d, v20.2d, v12.2d
	B	targets_next
targets_odd:
	WORD	$0x4e6bd6b5	// fadd v21.2d, v21.2d, v11.2d
	WORD	$0x4e6cd6d6	// fadd v22.2d, v22.2d, v12.2d
targets_next:
	ADD	$160, R1
	ADD	$160, R2
	SUBS	$4, R4
	BNE	targets_loop

	VST1	[V19.D2, V20.D2, V21.D2, V22.D2], (R5)

targets_done:
	RET

// func softmaxNEON(dst, logits []float32)
//
// softmaxGeneric for n = len(logits)/10 rows, n rounded down to a multiple
// of 8: y[j] = e[j]·(1/s). dst may be logits: a block is read whole before
// it is written.
//
// Registers:
//	R0 dst  R1 logits  R4 rows left  R7 address of expConsts
//	V23 cutoff         V24 0x3f800000 (int)   V25 1.0     V26 Q0
//	V27 Q1             V28 Q2                 V29 Q3      V30 magic (1.5·2^23)
//	V31 KA = {log2e, ln2hi, ln2lo, Q4}, used by element (FMUL Vd, Vn, V31.S[i])
//	V0..V22 the block.
TEXT ·softmaxNEON(SB), NOSPLIT, $0-48
	MOVD	dst_base+0(FP), R0
	MOVD	logits_base+24(FP), R1
	MOVD	logits_len+32(FP), R4
	MOVD	$10, R7
	UDIV	R7, R4, R4
	AND	$~7, R4
	CBZ	R4, softmax_done
	MOVD	$expConsts<>(SB), R7
	VLD1.P	64(R7), [V23.S4, V24.S4, V25.S4, V26.S4]
	VLD1.P	64(R7), [V27.S4, V28.S4, V29.S4, V30.S4]
	VLD1	(R7), [V31.S4]

softmax_loop:
	// Load rows 0-3: row pair 0-1 in P00..P04, pair 2-3 in P10..P14 (40 bytes a row).
	FLDPQ	0(R1), (F0, F1)
	FLDPQ	32(R1), (F2, F3)
	FLDPQ	64(R1), (F4, F5)
	FLDPQ	96(R1), (F6, F7)
	FLDPQ	128(R1), (F8, F9)
	// Transpose, step 1 (ZIP .2D of P0k, P1k): gather the 64-bit halves of rows 0,2 and 1,3.
	VZIP1	V5.D2, V0.D2, V10.D2
	VZIP2	V5.D2, V0.D2, V5.D2
	VZIP1	V6.D2, V1.D2, V0.D2
	VZIP2	V6.D2, V1.D2, V6.D2
	VZIP1	V7.D2, V2.D2, V1.D2
	VZIP2	V7.D2, V2.D2, V7.D2
	VZIP1	V8.D2, V3.D2, V2.D2
	VZIP2	V8.D2, V3.D2, V8.D2
	VZIP1	V9.D2, V4.D2, V3.D2
	VZIP2	V9.D2, V4.D2, V9.D2
	// Transpose, step 2 (TRN .4S): column j of rows 0-3 in one register.
	VTRN1	V7.S4, V10.S4, V4.S4
	VTRN2	V7.S4, V10.S4, V7.S4
	VTRN1	V2.S4, V5.S4, V10.S4
	VTRN2	V2.S4, V5.S4, V2.S4
	VTRN1	V8.S4, V0.S4, V5.S4
	VTRN2	V8.S4, V0.S4, V8.S4
	VTRN1	V3.S4, V6.S4, V0.S4
	VTRN2	V3.S4, V6.S4, V3.S4
	VTRN1	V9.S4, V1.S4, V6.S4
	VTRN2	V9.S4, V1.S4, V9.S4
	// x[j] of rows 0-3, j = 0..9: V4 V7 V10 V2 V5 V8 V0 V3 V6 V9
	// m = max10(x) + 0: a tree of FMAX (any order is exact; FMAX keeps NaN), then + 0 turns -0 into +0.
	WORD	$0x4e27f481	// fmax v1.4s, v4.4s, v7.4s
	WORD	$0x4e22f54b	// fmax v11.4s, v10.4s, v2.4s
	WORD	$0x4e2bf421	// fmax v1.4s, v1.4s, v11.4s
	WORD	$0x4e28f4ab	// fmax v11.4s, v5.4s, v8.4s
	WORD	$0x4e23f40c	// fmax v12.4s, v0.4s, v3.4s
	WORD	$0x4e2cf56b	// fmax v11.4s, v11.4s, v12.4s
	WORD	$0x4e2bf421	// fmax v1.4s, v1.4s, v11.4s
	WORD	$0x4e29f4cc	// fmax v12.4s, v6.4s, v9.4s
	WORD	$0x4e2cf421	// fmax v1.4s, v1.4s, v12.4s
	VEOR	V11.B16, V11.B16, V11.B16
	WORD	$0x4e2bd421	// fadd v1.4s, v1.4s, v11.4s
	// d[j] = x[j] - m (m in V1), in place.
	WORD	$0x4ea1d484	// fsub v4.4s, v4.4s, v1.4s
	WORD	$0x4ea1d4e7	// fsub v7.4s, v7.4s, v1.4s
	WORD	$0x4ea1d54a	// fsub v10.4s, v10.4s, v1.4s
	WORD	$0x4ea1d442	// fsub v2.4s, v2.4s, v1.4s
	WORD	$0x4ea1d4a5	// fsub v5.4s, v5.4s, v1.4s
	WORD	$0x4ea1d508	// fsub v8.4s, v8.4s, v1.4s
	WORD	$0x4ea1d400	// fsub v0.4s, v0.4s, v1.4s
	WORD	$0x4ea1d463	// fsub v3.4s, v3.4s, v1.4s
	WORD	$0x4ea1d4c6	// fsub v6.4s, v6.4s, v1.4s
	WORD	$0x4ea1d529	// fsub v9.4s, v9.4s, v1.4s
	// e[j] = exp32(d[j]), in place.
	// Each exponential, in the order of exp32 (24 instructions):
	//   z = float32(d*log2e) + magic; n = z - magic
	//   r = d - float32(n*ln2hi); r = r - float32(n*ln2lo)
	//   q = float32(Q4*r) + Q3, then q = float32(q*r) + Q2, Q1, Q0 (FMUL, then FADD)
	//   r2 = r*r; p = float32(r2*q) + r; mask = d < cutoff (FCMGT); p = p + 1
	//   e = p * frombits(bits(z)<<23 + 0x3f800000) (SHL, ADD .4S); e = 0 where mask (BIC).
	// e[0] in V4
	WORD	$0x4f9f9081	// fmul v1.4s, v4.4s, v31.s[0]
	WORD	$0x4e3ed421	// fadd v1.4s, v1.4s, v30.4s
	WORD	$0x4ebed42c	// fsub v12.4s, v1.4s, v30.4s
	WORD	$0x4fbf918b	// fmul v11.4s, v12.4s, v31.s[1]
	WORD	$0x4eabd48b	// fsub v11.4s, v4.4s, v11.4s
	WORD	$0x4f9f998c	// fmul v12.4s, v12.4s, v31.s[2]
	WORD	$0x4eacd56b	// fsub v11.4s, v11.4s, v12.4s
	WORD	$0x4fbf996c	// fmul v12.4s, v11.4s, v31.s[3]
	WORD	$0x4e3dd58c	// fadd v12.4s, v12.4s, v29.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3cd58c	// fadd v12.4s, v12.4s, v28.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3bd58c	// fadd v12.4s, v12.4s, v27.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3ad58c	// fadd v12.4s, v12.4s, v26.4s
	WORD	$0x6e2bdd6d	// fmul v13.4s, v11.4s, v11.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	WORD	$0x6ea4e6ec	// fcmgt v12.4s, v23.4s, v4.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V1.S4, V1.S4
	VADD	V24.S4, V1.S4, V1.S4
	WORD	$0x6e21dda4	// fmul v4.4s, v13.4s, v1.4s
	WORD	$0x4e6c1c84	// bic v4.16b, v4.16b, v12.16b
	// e[1] in V7
	WORD	$0x4f9f90eb	// fmul v11.4s, v7.4s, v31.s[0]
	WORD	$0x4e3ed56b	// fadd v11.4s, v11.4s, v30.4s
	WORD	$0x4ebed56d	// fsub v13.4s, v11.4s, v30.4s
	WORD	$0x4fbf91ac	// fmul v12.4s, v13.4s, v31.s[1]
	WORD	$0x4eacd4ec	// fsub v12.4s, v7.4s, v12.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd58c	// fsub v12.4s, v12.4s, v13.4s
	WORD	$0x4fbf998d	// fmul v13.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e2cdd81	// fmul v1.4s, v12.4s, v12.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e2cd421	// fadd v1.4s, v1.4s, v12.4s
	WORD	$0x6ea7e6ed	// fcmgt v13.4s, v23.4s, v7.4s
	WORD	$0x4e39d421	// fadd v1.4s, v1.4s, v25.4s
	VSHL	$23, V11.S4, V11.S4
	VADD	V24.S4, V11.S4, V11.S4
	WORD	$0x6e2bdc27	// fmul v7.4s, v1.4s, v11.4s
	WORD	$0x4e6d1ce7	// bic v7.16b, v7.16b, v13.16b
	// e[2] in V10
	WORD	$0x4f9f914c	// fmul v12.4s, v10.4s, v31.s[0]
	WORD	$0x4e3ed58c	// fadd v12.4s, v12.4s, v30.4s
	WORD	$0x4ebed581	// fsub v1.4s, v12.4s, v30.4s
	WORD	$0x4fbf902d	// fmul v13.4s, v1.4s, v31.s[1]
	WORD	$0x4eadd54d	// fsub v13.4s, v10.4s, v13.4s
	WORD	$0x4f9f9821	// fmul v1.4s, v1.4s, v31.s[2]
	WORD	$0x4ea1d5ad	// fsub v13.4s, v13.4s, v1.4s
	WORD	$0x4fbf99a1	// fmul v1.4s, v13.4s, v31.s[3]
	WORD	$0x4e3dd421	// fadd v1.4s, v1.4s, v29.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e3cd421	// fadd v1.4s, v1.4s, v28.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e3bd421	// fadd v1.4s, v1.4s, v27.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e3ad421	// fadd v1.4s, v1.4s, v26.4s
	WORD	$0x6e2dddab	// fmul v11.4s, v13.4s, v13.4s
	WORD	$0x6e21dd6b	// fmul v11.4s, v11.4s, v1.4s
	WORD	$0x4e2dd56b	// fadd v11.4s, v11.4s, v13.4s
	WORD	$0x6eaae6e1	// fcmgt v1.4s, v23.4s, v10.4s
	WORD	$0x4e39d56b	// fadd v11.4s, v11.4s, v25.4s
	VSHL	$23, V12.S4, V12.S4
	VADD	V24.S4, V12.S4, V12.S4
	WORD	$0x6e2cdd6a	// fmul v10.4s, v11.4s, v12.4s
	WORD	$0x4e611d4a	// bic v10.16b, v10.16b, v1.16b
	// e[3] in V2
	WORD	$0x4f9f904d	// fmul v13.4s, v2.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ab	// fsub v11.4s, v13.4s, v30.4s
	WORD	$0x4fbf9161	// fmul v1.4s, v11.4s, v31.s[1]
	WORD	$0x4ea1d441	// fsub v1.4s, v2.4s, v1.4s
	WORD	$0x4f9f996b	// fmul v11.4s, v11.4s, v31.s[2]
	WORD	$0x4eabd421	// fsub v1.4s, v1.4s, v11.4s
	WORD	$0x4fbf982b	// fmul v11.4s, v1.4s, v31.s[3]
	WORD	$0x4e3dd56b	// fadd v11.4s, v11.4s, v29.4s
	WORD	$0x6e21dd6b	// fmul v11.4s, v11.4s, v1.4s
	WORD	$0x4e3cd56b	// fadd v11.4s, v11.4s, v28.4s
	WORD	$0x6e21dd6b	// fmul v11.4s, v11.4s, v1.4s
	WORD	$0x4e3bd56b	// fadd v11.4s, v11.4s, v27.4s
	WORD	$0x6e21dd6b	// fmul v11.4s, v11.4s, v1.4s
	WORD	$0x4e3ad56b	// fadd v11.4s, v11.4s, v26.4s
	WORD	$0x6e21dc2c	// fmul v12.4s, v1.4s, v1.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e21d58c	// fadd v12.4s, v12.4s, v1.4s
	WORD	$0x6ea2e6eb	// fcmgt v11.4s, v23.4s, v2.4s
	WORD	$0x4e39d58c	// fadd v12.4s, v12.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2ddd82	// fmul v2.4s, v12.4s, v13.4s
	WORD	$0x4e6b1c42	// bic v2.16b, v2.16b, v11.16b
	// e[4] in V5
	WORD	$0x4f9f90a1	// fmul v1.4s, v5.4s, v31.s[0]
	WORD	$0x4e3ed421	// fadd v1.4s, v1.4s, v30.4s
	WORD	$0x4ebed42c	// fsub v12.4s, v1.4s, v30.4s
	WORD	$0x4fbf918b	// fmul v11.4s, v12.4s, v31.s[1]
	WORD	$0x4eabd4ab	// fsub v11.4s, v5.4s, v11.4s
	WORD	$0x4f9f998c	// fmul v12.4s, v12.4s, v31.s[2]
	WORD	$0x4eacd56b	// fsub v11.4s, v11.4s, v12.4s
	WORD	$0x4fbf996c	// fmul v12.4s, v11.4s, v31.s[3]
	WORD	$0x4e3dd58c	// fadd v12.4s, v12.4s, v29.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3cd58c	// fadd v12.4s, v12.4s, v28.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3bd58c	// fadd v12.4s, v12.4s, v27.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3ad58c	// fadd v12.4s, v12.4s, v26.4s
	WORD	$0x6e2bdd6d	// fmul v13.4s, v11.4s, v11.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	WORD	$0x6ea5e6ec	// fcmgt v12.4s, v23.4s, v5.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V1.S4, V1.S4
	VADD	V24.S4, V1.S4, V1.S4
	WORD	$0x6e21dda5	// fmul v5.4s, v13.4s, v1.4s
	WORD	$0x4e6c1ca5	// bic v5.16b, v5.16b, v12.16b
	// e[5] in V8
	WORD	$0x4f9f910b	// fmul v11.4s, v8.4s, v31.s[0]
	WORD	$0x4e3ed56b	// fadd v11.4s, v11.4s, v30.4s
	WORD	$0x4ebed56d	// fsub v13.4s, v11.4s, v30.4s
	WORD	$0x4fbf91ac	// fmul v12.4s, v13.4s, v31.s[1]
	WORD	$0x4eacd50c	// fsub v12.4s, v8.4s, v12.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd58c	// fsub v12.4s, v12.4s, v13.4s
	WORD	$0x4fbf998d	// fmul v13.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e2cdd81	// fmul v1.4s, v12.4s, v12.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e2cd421	// fadd v1.4s, v1.4s, v12.4s
	WORD	$0x6ea8e6ed	// fcmgt v13.4s, v23.4s, v8.4s
	WORD	$0x4e39d421	// fadd v1.4s, v1.4s, v25.4s
	VSHL	$23, V11.S4, V11.S4
	VADD	V24.S4, V11.S4, V11.S4
	WORD	$0x6e2bdc28	// fmul v8.4s, v1.4s, v11.4s
	WORD	$0x4e6d1d08	// bic v8.16b, v8.16b, v13.16b
	// e[6] in V0
	WORD	$0x4f9f900c	// fmul v12.4s, v0.4s, v31.s[0]
	WORD	$0x4e3ed58c	// fadd v12.4s, v12.4s, v30.4s
	WORD	$0x4ebed581	// fsub v1.4s, v12.4s, v30.4s
	WORD	$0x4fbf902d	// fmul v13.4s, v1.4s, v31.s[1]
	WORD	$0x4eadd40d	// fsub v13.4s, v0.4s, v13.4s
	WORD	$0x4f9f9821	// fmul v1.4s, v1.4s, v31.s[2]
	WORD	$0x4ea1d5ad	// fsub v13.4s, v13.4s, v1.4s
	WORD	$0x4fbf99a1	// fmul v1.4s, v13.4s, v31.s[3]
	WORD	$0x4e3dd421	// fadd v1.4s, v1.4s, v29.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e3cd421	// fadd v1.4s, v1.4s, v28.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e3bd421	// fadd v1.4s, v1.4s, v27.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e3ad421	// fadd v1.4s, v1.4s, v26.4s
	WORD	$0x6e2dddab	// fmul v11.4s, v13.4s, v13.4s
	WORD	$0x6e21dd6b	// fmul v11.4s, v11.4s, v1.4s
	WORD	$0x4e2dd56b	// fadd v11.4s, v11.4s, v13.4s
	WORD	$0x6ea0e6e1	// fcmgt v1.4s, v23.4s, v0.4s
	WORD	$0x4e39d56b	// fadd v11.4s, v11.4s, v25.4s
	VSHL	$23, V12.S4, V12.S4
	VADD	V24.S4, V12.S4, V12.S4
	WORD	$0x6e2cdd60	// fmul v0.4s, v11.4s, v12.4s
	WORD	$0x4e611c00	// bic v0.16b, v0.16b, v1.16b
	// e[7] in V3
	WORD	$0x4f9f906d	// fmul v13.4s, v3.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ab	// fsub v11.4s, v13.4s, v30.4s
	WORD	$0x4fbf9161	// fmul v1.4s, v11.4s, v31.s[1]
	WORD	$0x4ea1d461	// fsub v1.4s, v3.4s, v1.4s
	WORD	$0x4f9f996b	// fmul v11.4s, v11.4s, v31.s[2]
	WORD	$0x4eabd421	// fsub v1.4s, v1.4s, v11.4s
	WORD	$0x4fbf982b	// fmul v11.4s, v1.4s, v31.s[3]
	WORD	$0x4e3dd56b	// fadd v11.4s, v11.4s, v29.4s
	WORD	$0x6e21dd6b	// fmul v11.4s, v11.4s, v1.4s
	WORD	$0x4e3cd56b	// fadd v11.4s, v11.4s, v28.4s
	WORD	$0x6e21dd6b	// fmul v11.4s, v11.4s, v1.4s
	WORD	$0x4e3bd56b	// fadd v11.4s, v11.4s, v27.4s
	WORD	$0x6e21dd6b	// fmul v11.4s, v11.4s, v1.4s
	WORD	$0x4e3ad56b	// fadd v11.4s, v11.4s, v26.4s
	WORD	$0x6e21dc2c	// fmul v12.4s, v1.4s, v1.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e21d58c	// fadd v12.4s, v12.4s, v1.4s
	WORD	$0x6ea3e6eb	// fcmgt v11.4s, v23.4s, v3.4s
	WORD	$0x4e39d58c	// fadd v12.4s, v12.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2ddd83	// fmul v3.4s, v12.4s, v13.4s
	WORD	$0x4e6b1c63	// bic v3.16b, v3.16b, v11.16b
	// e[8] in V6
	WORD	$0x4f9f90c1	// fmul v1.4s, v6.4s, v31.s[0]
	WORD	$0x4e3ed421	// fadd v1.4s, v1.4s, v30.4s
	WORD	$0x4ebed42c	// fsub v12.4s, v1.4s, v30.4s
	WORD	$0x4fbf918b	// fmul v11.4s, v12.4s, v31.s[1]
	WORD	$0x4eabd4cb	// fsub v11.4s, v6.4s, v11.4s
	WORD	$0x4f9f998c	// fmul v12.4s, v12.4s, v31.s[2]
	WORD	$0x4eacd56b	// fsub v11.4s, v11.4s, v12.4s
	WORD	$0x4fbf996c	// fmul v12.4s, v11.4s, v31.s[3]
	WORD	$0x4e3dd58c	// fadd v12.4s, v12.4s, v29.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3cd58c	// fadd v12.4s, v12.4s, v28.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3bd58c	// fadd v12.4s, v12.4s, v27.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3ad58c	// fadd v12.4s, v12.4s, v26.4s
	WORD	$0x6e2bdd6d	// fmul v13.4s, v11.4s, v11.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	WORD	$0x6ea6e6ec	// fcmgt v12.4s, v23.4s, v6.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V1.S4, V1.S4
	VADD	V24.S4, V1.S4, V1.S4
	WORD	$0x6e21dda6	// fmul v6.4s, v13.4s, v1.4s
	WORD	$0x4e6c1cc6	// bic v6.16b, v6.16b, v12.16b
	// e[9] in V9
	WORD	$0x4f9f912b	// fmul v11.4s, v9.4s, v31.s[0]
	WORD	$0x4e3ed56b	// fadd v11.4s, v11.4s, v30.4s
	WORD	$0x4ebed56d	// fsub v13.4s, v11.4s, v30.4s
	WORD	$0x4fbf91ac	// fmul v12.4s, v13.4s, v31.s[1]
	WORD	$0x4eacd52c	// fsub v12.4s, v9.4s, v12.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd58c	// fsub v12.4s, v12.4s, v13.4s
	WORD	$0x4fbf998d	// fmul v13.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e2cdd81	// fmul v1.4s, v12.4s, v12.4s
	WORD	$0x6e2ddc21	// fmul v1.4s, v1.4s, v13.4s
	WORD	$0x4e2cd421	// fadd v1.4s, v1.4s, v12.4s
	WORD	$0x6ea9e6ed	// fcmgt v13.4s, v23.4s, v9.4s
	WORD	$0x4e39d421	// fadd v1.4s, v1.4s, v25.4s
	VSHL	$23, V11.S4, V11.S4
	VADD	V24.S4, V11.S4, V11.S4
	WORD	$0x6e2bdc29	// fmul v9.4s, v1.4s, v11.4s
	WORD	$0x4e6d1d29	// bic v9.16b, v9.16b, v13.16b
	// s = ((e0+e1)+(e2+e3)) + ((e4+e5)+(e6+e7)) + (e8+e9).
	WORD	$0x4e27d48c	// fadd v12.4s, v4.4s, v7.4s
	WORD	$0x4e22d541	// fadd v1.4s, v10.4s, v2.4s
	WORD	$0x4e21d58c	// fadd v12.4s, v12.4s, v1.4s
	WORD	$0x4e28d4a1	// fadd v1.4s, v5.4s, v8.4s
	WORD	$0x4e23d40d	// fadd v13.4s, v0.4s, v3.4s
	WORD	$0x4e2dd421	// fadd v1.4s, v1.4s, v13.4s
	WORD	$0x4e21d58c	// fadd v12.4s, v12.4s, v1.4s
	WORD	$0x4e29d4c1	// fadd v1.4s, v6.4s, v9.4s
	WORD	$0x4e21d58c	// fadd v12.4s, v12.4s, v1.4s
	// q = 1 / s; y[j] = e[j]*q.
	WORD	$0x6e2cff2c	// fdiv v12.4s, v25.4s, v12.4s
	WORD	$0x6e2cdc84	// fmul v4.4s, v4.4s, v12.4s
	WORD	$0x6e2cdce7	// fmul v7.4s, v7.4s, v12.4s
	WORD	$0x6e2cdd4a	// fmul v10.4s, v10.4s, v12.4s
	WORD	$0x6e2cdc42	// fmul v2.4s, v2.4s, v12.4s
	WORD	$0x6e2cdca5	// fmul v5.4s, v5.4s, v12.4s
	WORD	$0x6e2cdd08	// fmul v8.4s, v8.4s, v12.4s
	WORD	$0x6e2cdc00	// fmul v0.4s, v0.4s, v12.4s
	WORD	$0x6e2cdc63	// fmul v3.4s, v3.4s, v12.4s
	WORD	$0x6e2cdcc6	// fmul v6.4s, v6.4s, v12.4s
	WORD	$0x6e2cdd29	// fmul v9.4s, v9.4s, v12.4s
	// Transpose back, step 1 (TRN .4S of column pairs).
	VTRN1	V7.S4, V4.S4, V12.S4
	VTRN2	V7.S4, V4.S4, V7.S4
	VTRN1	V2.S4, V10.S4, V4.S4
	VTRN2	V2.S4, V10.S4, V2.S4
	VTRN1	V8.S4, V5.S4, V10.S4
	VTRN2	V8.S4, V5.S4, V8.S4
	VTRN1	V3.S4, V0.S4, V5.S4
	VTRN2	V3.S4, V0.S4, V3.S4
	VTRN1	V9.S4, V6.S4, V0.S4
	VTRN2	V9.S4, V6.S4, V9.S4
	// Transpose back, step 2 (ZIP .2D): rows in P00..P04, P10..P14.
	VZIP1	V4.D2, V12.D2, V6.D2
	VZIP2	V4.D2, V12.D2, V4.D2
	VZIP1	V5.D2, V10.D2, V12.D2
	VZIP2	V5.D2, V10.D2, V5.D2
	VZIP1	V7.D2, V0.D2, V10.D2
	VZIP2	V7.D2, V0.D2, V7.D2
	VZIP1	V8.D2, V2.D2, V0.D2
	VZIP2	V8.D2, V2.D2, V8.D2
	VZIP1	V9.D2, V3.D2, V2.D2
	VZIP2	V9.D2, V3.D2, V9.D2
	// Store rows 0-3.
	FSTPQ	(F6, F12), 0(R0)
	FSTPQ	(F10, F0), 32(R0)
	FSTPQ	(F2, F4), 64(R0)
	FSTPQ	(F5, F7), 96(R0)
	FSTPQ	(F8, F9), 128(R0)
	ADD	$160, R0
	ADD	$160, R1
	SUBS	$4, R4
	BNE	softmax_loop

softmax_done:
	RET

// func logSoftmaxNEON(dst, logits []float32)
//
// logSoftmaxGeneric for n = len(logits)/10 rows, n rounded down to a
// multiple of 8: y[j] = d[j] - log32(s). dst may be logits.
//
// Registers:
//	R0 dst  R1 logits  R4 rows left  R7 address of expConsts  R10 logConsts
//	V23 cutoff         V24 0x3f800000 (int)   V25 1.0     V26 Q0
//	V27 Q1             V28 Q2                 V29 Q3      V30 magic (1.5·2^23)
//	V31 KA = {log2e, ln2hi, ln2lo, Q4}, used by element (FMUL Vd, Vn, V31.S[i])
//	V0..V22 the block.
TEXT ·logSoftmaxNEON(SB), NOSPLIT, $0-48
	MOVD	dst_base+0(FP), R0
	MOVD	logits_base+24(FP), R1
	MOVD	logits_len+32(FP), R4
	MOVD	$10, R7
	UDIV	R7, R4, R4
	AND	$~7, R4
	CBZ	R4, logsoftmax_done
	MOVD	$expConsts<>(SB), R7
	VLD1.P	64(R7), [V23.S4, V24.S4, V25.S4, V26.S4]
	VLD1.P	64(R7), [V27.S4, V28.S4, V29.S4, V30.S4]
	VLD1	(R7), [V31.S4]
	MOVD	$logConsts<>(SB), R10

logsoftmax_loop:
	// Load rows 0-3: row pair 0-1 in P00..P04, pair 2-3 in P10..P14 (40 bytes a row).
	FLDPQ	0(R1), (F0, F1)
	FLDPQ	32(R1), (F2, F3)
	FLDPQ	64(R1), (F4, F5)
	FLDPQ	96(R1), (F6, F7)
	FLDPQ	128(R1), (F8, F9)
	// Transpose, step 1 (ZIP .2D of P0k, P1k): gather the 64-bit halves of rows 0,2 and 1,3.
	VZIP1	V5.D2, V0.D2, V10.D2
	VZIP2	V5.D2, V0.D2, V5.D2
	VZIP1	V6.D2, V1.D2, V0.D2
	VZIP2	V6.D2, V1.D2, V6.D2
	VZIP1	V7.D2, V2.D2, V1.D2
	VZIP2	V7.D2, V2.D2, V7.D2
	VZIP1	V8.D2, V3.D2, V2.D2
	VZIP2	V8.D2, V3.D2, V8.D2
	VZIP1	V9.D2, V4.D2, V3.D2
	VZIP2	V9.D2, V4.D2, V9.D2
	// Transpose, step 2 (TRN .4S): column j of rows 0-3 in one register.
	VTRN1	V7.S4, V10.S4, V4.S4
	VTRN2	V7.S4, V10.S4, V7.S4
	VTRN1	V2.S4, V5.S4, V10.S4
	VTRN2	V2.S4, V5.S4, V2.S4
	VTRN1	V8.S4, V0.S4, V5.S4
	VTRN2	V8.S4, V0.S4, V8.S4
	VTRN1	V3.S4, V6.S4, V0.S4
	VTRN2	V3.S4, V6.S4, V3.S4
	VTRN1	V9.S4, V1.S4, V6.S4
	VTRN2	V9.S4, V1.S4, V9.S4
	// x[j] of rows 0-3, j = 0..9: V4 V7 V10 V2 V5 V8 V0 V3 V6 V9
	// m = max10(x) + 0: a tree of FMAX (any order is exact; FMAX keeps NaN), then + 0 turns -0 into +0.
	WORD	$0x4e27f481	// fmax v1.4s, v4.4s, v7.4s
	WORD	$0x4e22f54b	// fmax v11.4s, v10.4s, v2.4s
	WORD	$0x4e2bf421	// fmax v1.4s, v1.4s, v11.4s
	WORD	$0x4e28f4ab	// fmax v11.4s, v5.4s, v8.4s
	WORD	$0x4e23f40c	// fmax v12.4s, v0.4s, v3.4s
	WORD	$0x4e2cf56b	// fmax v11.4s, v11.4s, v12.4s
	WORD	$0x4e2bf421	// fmax v1.4s, v1.4s, v11.4s
	WORD	$0x4e29f4cc	// fmax v12.4s, v6.4s, v9.4s
	WORD	$0x4e2cf421	// fmax v1.4s, v1.4s, v12.4s
	VEOR	V11.B16, V11.B16, V11.B16
	WORD	$0x4e2bd421	// fadd v1.4s, v1.4s, v11.4s
	// d[j] = x[j] - m (m in V1), in place.
	WORD	$0x4ea1d484	// fsub v4.4s, v4.4s, v1.4s
	WORD	$0x4ea1d4e7	// fsub v7.4s, v7.4s, v1.4s
	WORD	$0x4ea1d54a	// fsub v10.4s, v10.4s, v1.4s
	WORD	$0x4ea1d442	// fsub v2.4s, v2.4s, v1.4s
	WORD	$0x4ea1d4a5	// fsub v5.4s, v5.4s, v1.4s
	WORD	$0x4ea1d508	// fsub v8.4s, v8.4s, v1.4s
	WORD	$0x4ea1d400	// fsub v0.4s, v0.4s, v1.4s
	WORD	$0x4ea1d463	// fsub v3.4s, v3.4s, v1.4s
	WORD	$0x4ea1d4c6	// fsub v6.4s, v6.4s, v1.4s
	WORD	$0x4ea1d529	// fsub v9.4s, v9.4s, v1.4s
	// e[j] = exp32(d[j]) into new registers (d is kept), summed in the tree of sum10 as they come.
	// Each exponential, in the order of exp32 (24 instructions):
	//   z = float32(d*log2e) + magic; n = z - magic
	//   r = d - float32(n*ln2hi); r = r - float32(n*ln2lo)
	//   q = float32(Q4*r) + Q3, then q = float32(q*r) + Q2, Q1, Q0 (FMUL, then FADD)
	//   r2 = r*r; p = float32(r2*q) + r; mask = d < cutoff (FCMGT); p = p + 1
	//   e = p * frombits(bits(z)<<23 + 0x3f800000) (SHL, ADD .4S); e = 0 where mask (BIC).
	// e[0] = exp32(d[0]), d[0] in V4
	WORD	$0x4f9f9081	// fmul v1.4s, v4.4s, v31.s[0]
	WORD	$0x4e3ed421	// fadd v1.4s, v1.4s, v30.4s
	WORD	$0x4ebed42c	// fsub v12.4s, v1.4s, v30.4s
	WORD	$0x4fbf918b	// fmul v11.4s, v12.4s, v31.s[1]
	WORD	$0x4eabd48b	// fsub v11.4s, v4.4s, v11.4s
	WORD	$0x4f9f998c	// fmul v12.4s, v12.4s, v31.s[2]
	WORD	$0x4eacd56b	// fsub v11.4s, v11.4s, v12.4s
	WORD	$0x4fbf996c	// fmul v12.4s, v11.4s, v31.s[3]
	WORD	$0x4e3dd58c	// fadd v12.4s, v12.4s, v29.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3cd58c	// fadd v12.4s, v12.4s, v28.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3bd58c	// fadd v12.4s, v12.4s, v27.4s
	WORD	$0x6e2bdd8c	// fmul v12.4s, v12.4s, v11.4s
	WORD	$0x4e3ad58c	// fadd v12.4s, v12.4s, v26.4s
	WORD	$0x6e2bdd6d	// fmul v13.4s, v11.4s, v11.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e2bd5ad	// fadd v13.4s, v13.4s, v11.4s
	WORD	$0x6ea4e6ec	// fcmgt v12.4s, v23.4s, v4.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V1.S4, V1.S4
	VADD	V24.S4, V1.S4, V1.S4
	WORD	$0x6e21ddab	// fmul v11.4s, v13.4s, v1.4s
	WORD	$0x4e6c1d6b	// bic v11.16b, v11.16b, v12.16b
	// e[1] = exp32(d[1]), d[1] in V7
	WORD	$0x4f9f90ed	// fmul v13.4s, v7.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ac	// fsub v12.4s, v13.4s, v30.4s
	WORD	$0x4fbf9181	// fmul v1.4s, v12.4s, v31.s[1]
	WORD	$0x4ea1d4e1	// fsub v1.4s, v7.4s, v1.4s
	WORD	$0x4f9f998c	// fmul v12.4s, v12.4s, v31.s[2]
	WORD	$0x4eacd421	// fsub v1.4s, v1.4s, v12.4s
	WORD	$0x4fbf982c	// fmul v12.4s, v1.4s, v31.s[3]
	WORD	$0x4e3dd58c	// fadd v12.4s, v12.4s, v29.4s
	WORD	$0x6e21dd8c	// fmul v12.4s, v12.4s, v1.4s
	WORD	$0x4e3cd58c	// fadd v12.4s, v12.4s, v28.4s
	WORD	$0x6e21dd8c	// fmul v12.4s, v12.4s, v1.4s
	WORD	$0x4e3bd58c	// fadd v12.4s, v12.4s, v27.4s
	WORD	$0x6e21dd8c	// fmul v12.4s, v12.4s, v1.4s
	WORD	$0x4e3ad58c	// fadd v12.4s, v12.4s, v26.4s
	WORD	$0x6e21dc2e	// fmul v14.4s, v1.4s, v1.4s
	WORD	$0x6e2cddce	// fmul v14.4s, v14.4s, v12.4s
	WORD	$0x4e21d5ce	// fadd v14.4s, v14.4s, v1.4s
	WORD	$0x6ea7e6ec	// fcmgt v12.4s, v23.4s, v7.4s
	WORD	$0x4e39d5ce	// fadd v14.4s, v14.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2dddc1	// fmul v1.4s, v14.4s, v13.4s
	WORD	$0x4e6c1c21	// bic v1.16b, v1.16b, v12.16b
	// A = (e0+e1) + (e2+e3)
	WORD	$0x4e21d56b	// fadd v11.4s, v11.4s, v1.4s
	// e[2] = exp32(d[2]), d[2] in V10
	WORD	$0x4f9f9141	// fmul v1.4s, v10.4s, v31.s[0]
	WORD	$0x4e3ed421	// fadd v1.4s, v1.4s, v30.4s
	WORD	$0x4ebed42e	// fsub v14.4s, v1.4s, v30.4s
	WORD	$0x4fbf91cc	// fmul v12.4s, v14.4s, v31.s[1]
	WORD	$0x4eacd54c	// fsub v12.4s, v10.4s, v12.4s
	WORD	$0x4f9f99ce	// fmul v14.4s, v14.4s, v31.s[2]
	WORD	$0x4eaed58c	// fsub v12.4s, v12.4s, v14.4s
	WORD	$0x4fbf998e	// fmul v14.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd5ce	// fadd v14.4s, v14.4s, v29.4s
	WORD	$0x6e2cddce	// fmul v14.4s, v14.4s, v12.4s
	WORD	$0x4e3cd5ce	// fadd v14.4s, v14.4s, v28.4s
	WORD	$0x6e2cddce	// fmul v14.4s, v14.4s, v12.4s
	WORD	$0x4e3bd5ce	// fadd v14.4s, v14.4s, v27.4s
	WORD	$0x6e2cddce	// fmul v14.4s, v14.4s, v12.4s
	WORD	$0x4e3ad5ce	// fadd v14.4s, v14.4s, v26.4s
	WORD	$0x6e2cdd8d	// fmul v13.4s, v12.4s, v12.4s
	WORD	$0x6e2eddad	// fmul v13.4s, v13.4s, v14.4s
	WORD	$0x4e2cd5ad	// fadd v13.4s, v13.4s, v12.4s
	WORD	$0x6eaae6ee	// fcmgt v14.4s, v23.4s, v10.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V1.S4, V1.S4
	VADD	V24.S4, V1.S4, V1.S4
	WORD	$0x6e21ddac	// fmul v12.4s, v13.4s, v1.4s
	WORD	$0x4e6e1d8c	// bic v12.16b, v12.16b, v14.16b
	// e[3] = exp32(d[3]), d[3] in V2
	WORD	$0x4f9f904d	// fmul v13.4s, v2.4s, v31.s[0]
	WORD	$0x4e3ed5ad	// fadd v13.4s, v13.4s, v30.4s
	WORD	$0x4ebed5ae	// fsub v14.4s, v13.4s, v30.4s
	WORD	$0x4fbf91c1	// fmul v1.4s, v14.4s, v31.s[1]
	WORD	$0x4ea1d441	// fsub v1.4s, v2.4s, v1.4s
	WORD	$0x4f9f99ce	// fmul v14.4s, v14.4s, v31.s[2]
	WORD	$0x4eaed421	// fsub v1.4s, v1.4s, v14.4s
	WORD	$0x4fbf982e	// fmul v14.4s, v1.4s, v31.s[3]
	WORD	$0x4e3dd5ce	// fadd v14.4s, v14.4s, v29.4s
	WORD	$0x6e21ddce	// fmul v14.4s, v14.4s, v1.4s
	WORD	$0x4e3cd5ce	// fadd v14.4s, v14.4s, v28.4s
	WORD	$0x6e21ddce	// fmul v14.4s, v14.4s, v1.4s
	WORD	$0x4e3bd5ce	// fadd v14.4s, v14.4s, v27.4s
	WORD	$0x6e21ddce	// fmul v14.4s, v14.4s, v1.4s
	WORD	$0x4e3ad5ce	// fadd v14.4s, v14.4s, v26.4s
	WORD	$0x6e21dc2f	// fmul v15.4s, v1.4s, v1.4s
	WORD	$0x6e2eddef	// fmul v15.4s, v15.4s, v14.4s
	WORD	$0x4e21d5ef	// fadd v15.4s, v15.4s, v1.4s
	WORD	$0x6ea2e6ee	// fcmgt v14.4s, v23.4s, v2.4s
	WORD	$0x4e39d5ef	// fadd v15.4s, v15.4s, v25.4s
	VSHL	$23, V13.S4, V13.S4
	VADD	V24.S4, V13.S4, V13.S4
	WORD	$0x6e2ddde1	// fmul v1.4s, v15.4s, v13.4s
	WORD	$0x4e6e1c21	// bic v1.16b, v1.16b, v14.16b
	WORD	$0x4e21d58c	// fadd v12.4s, v12.4s, v1.4s
	WORD	$0x4e2cd56b	// fadd v11.4s, v11.4s, v12.4s
	// e[4] = exp32(d[4]), d[4] in V5
	WORD	$0x4f9f90ac	// fmul v12.4s, v5.4s, v31.s[0]
	WORD	$0x4e3ed58c	// fadd v12.4s, v12.4s, v30.4s
	WORD	$0x4ebed581	// fsub v1.4s, v12.4s, v30.4s
	WORD	$0x4fbf902f	// fmul v15.4s, v1.4s, v31.s[1]
	WORD	$0x4eafd4af	// fsub v15.4s, v5.4s, v15.4s
	WORD	$0x4f9f9821	// fmul v1.4s, v1.4s, v31.s[2]
	WORD	$0x4ea1d5ef	// fsub v15.4s, v15.4s, v1.4s
	WORD	$0x4fbf99e1	// fmul v1.4s, v15.4s, v31.s[3]
	WORD	$0x4e3dd421	// fadd v1.4s, v1.4s, v29.4s
	WORD	$0x6e2fdc21	// fmul v1.4s, v1.4s, v15.4s
	WORD	$0x4e3cd421	// fadd v1.4s, v1.4s, v28.4s
	WORD	$0x6e2fdc21	// fmul v1.4s, v1.4s, v15.4s
	WORD	$0x4e3bd421	// fadd v1.4s, v1.4s, v27.4s
	WORD	$0x6e2fdc21	// fmul v1.4s, v1.4s, v15.4s
	WORD	$0x4e3ad421	// fadd v1.4s, v1.4s, v26.4s
	WORD	$0x6e2fddee	// fmul v14.4s, v15.4s, v15.4s
	WORD	$0x6e21ddce	// fmul v14.4s, v14.4s, v1.4s
	WORD	$0x4e2fd5ce	// fadd v14.4s, v14.4s, v15.4s
	WORD	$0x6ea5e6e1	// fcmgt v1.4s, v23.4s, v5.4s
	WORD	$0x4e39d5ce	// fadd v14.4s, v14.4s, v25.4s
	VSHL	$23, V12.S4, V12.S4
	VADD	V24.S4, V12.S4, V12.S4
	WORD	$0x6e2cddcf	// fmul v15.4s, v14.4s, v12.4s
	WORD	$0x4e611def	// bic v15.16b, v15.16b, v1.16b
	// e[5] = exp32(d[5]), d[5] in V8
	WORD	$0x4f9f910e	// fmul v14.4s, v8.4s, v31.s[0]
	WORD	$0x4e3ed5ce	// fadd v14.4s, v14.4s, v30.4s
	WORD	$0x4ebed5c1	// fsub v1.4s, v14.4s, v30.4s
	WORD	$0x4fbf902c	// fmul v12.4s, v1.4s, v31.s[1]
	WORD	$0x4eacd50c	// fsub v12.4s, v8.4s, v12.4s
	WORD	$0x4f9f9821	// fmul v1.4s, v1.4s, v31.s[2]
	WORD	$0x4ea1d58c	// fsub v12.4s, v12.4s, v1.4s
	WORD	$0x4fbf9981	// fmul v1.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd421	// fadd v1.4s, v1.4s, v29.4s
	WORD	$0x6e2cdc21	// fmul v1.4s, v1.4s, v12.4s
	WORD	$0x4e3cd421	// fadd v1.4s, v1.4s, v28.4s
	WORD	$0x6e2cdc21	// fmul v1.4s, v1.4s, v12.4s
	WORD	$0x4e3bd421	// fadd v1.4s, v1.4s, v27.4s
	WORD	$0x6e2cdc21	// fmul v1.4s, v1.4s, v12.4s
	WORD	$0x4e3ad421	// fadd v1.4s, v1.4s, v26.4s
	WORD	$0x6e2cdd8d	// fmul v13.4s, v12.4s, v12.4s
	WORD	$0x6e21ddad	// fmul v13.4s, v13.4s, v1.4s
	WORD	$0x4e2cd5ad	// fadd v13.4s, v13.4s, v12.4s
	WORD	$0x6ea8e6e1	// fcmgt v1.4s, v23.4s, v8.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V14.S4, V14.S4
	VADD	V24.S4, V14.S4, V14.S4
	WORD	$0x6e2eddac	// fmul v12.4s, v13.4s, v14.4s
	WORD	$0x4e611d8c	// bic v12.16b, v12.16b, v1.16b
	WORD	$0x4e2cd5ef	// fadd v15.4s, v15.4s, v12.4s
	// e[6] = exp32(d[6]), d[6] in V0
	WORD	$0x4f9f900c	// fmul v12.4s, v0.4s, v31.s[0]
	WORD	$0x4e3ed58c	// fadd v12.4s, v12.4s, v30.4s
	WORD	$0x4ebed58d	// fsub v13.4s, v12.4s, v30.4s
	WORD	$0x4fbf91a1	// fmul v1.4s, v13.4s, v31.s[1]
	WORD	$0x4ea1d401	// fsub v1.4s, v0.4s, v1.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd421	// fsub v1.4s, v1.4s, v13.4s
	WORD	$0x4fbf982d	// fmul v13.4s, v1.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e21ddad	// fmul v13.4s, v13.4s, v1.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e21ddad	// fmul v13.4s, v13.4s, v1.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e21ddad	// fmul v13.4s, v13.4s, v1.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e21dc2e	// fmul v14.4s, v1.4s, v1.4s
	WORD	$0x6e2dddce	// fmul v14.4s, v14.4s, v13.4s
	WORD	$0x4e21d5ce	// fadd v14.4s, v14.4s, v1.4s
	WORD	$0x6ea0e6ed	// fcmgt v13.4s, v23.4s, v0.4s
	WORD	$0x4e39d5ce	// fadd v14.4s, v14.4s, v25.4s
	VSHL	$23, V12.S4, V12.S4
	VADD	V24.S4, V12.S4, V12.S4
	WORD	$0x6e2cddc1	// fmul v1.4s, v14.4s, v12.4s
	WORD	$0x4e6d1c21	// bic v1.16b, v1.16b, v13.16b
	// e[7] = exp32(d[7]), d[7] in V3
	WORD	$0x4f9f906e	// fmul v14.4s, v3.4s, v31.s[0]
	WORD	$0x4e3ed5ce	// fadd v14.4s, v14.4s, v30.4s
	WORD	$0x4ebed5cd	// fsub v13.4s, v14.4s, v30.4s
	WORD	$0x4fbf91ac	// fmul v12.4s, v13.4s, v31.s[1]
	WORD	$0x4eacd46c	// fsub v12.4s, v3.4s, v12.4s
	WORD	$0x4f9f99ad	// fmul v13.4s, v13.4s, v31.s[2]
	WORD	$0x4eadd58c	// fsub v12.4s, v12.4s, v13.4s
	WORD	$0x4fbf998d	// fmul v13.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd5ad	// fadd v13.4s, v13.4s, v29.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3cd5ad	// fadd v13.4s, v13.4s, v28.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3bd5ad	// fadd v13.4s, v13.4s, v27.4s
	WORD	$0x6e2cddad	// fmul v13.4s, v13.4s, v12.4s
	WORD	$0x4e3ad5ad	// fadd v13.4s, v13.4s, v26.4s
	WORD	$0x6e2cdd90	// fmul v16.4s, v12.4s, v12.4s
	WORD	$0x6e2dde10	// fmul v16.4s, v16.4s, v13.4s
	WORD	$0x4e2cd610	// fadd v16.4s, v16.4s, v12.4s
	WORD	$0x6ea3e6ed	// fcmgt v13.4s, v23.4s, v3.4s
	WORD	$0x4e39d610	// fadd v16.4s, v16.4s, v25.4s
	VSHL	$23, V14.S4, V14.S4
	VADD	V24.S4, V14.S4, V14.S4
	WORD	$0x6e2ede0c	// fmul v12.4s, v16.4s, v14.4s
	WORD	$0x4e6d1d8c	// bic v12.16b, v12.16b, v13.16b
	// B = (e4+e5) + (e6+e7); A = A + B
	WORD	$0x4e2cd421	// fadd v1.4s, v1.4s, v12.4s
	WORD	$0x4e21d5ef	// fadd v15.4s, v15.4s, v1.4s
	WORD	$0x4e2fd56b	// fadd v11.4s, v11.4s, v15.4s
	// e[8] = exp32(d[8]), d[8] in V6
	WORD	$0x4f9f90cf	// fmul v15.4s, v6.4s, v31.s[0]
	WORD	$0x4e3ed5ef	// fadd v15.4s, v15.4s, v30.4s
	WORD	$0x4ebed5e1	// fsub v1.4s, v15.4s, v30.4s
	WORD	$0x4fbf902c	// fmul v12.4s, v1.4s, v31.s[1]
	WORD	$0x4eacd4cc	// fsub v12.4s, v6.4s, v12.4s
	WORD	$0x4f9f9821	// fmul v1.4s, v1.4s, v31.s[2]
	WORD	$0x4ea1d58c	// fsub v12.4s, v12.4s, v1.4s
	WORD	$0x4fbf9981	// fmul v1.4s, v12.4s, v31.s[3]
	WORD	$0x4e3dd421	// fadd v1.4s, v1.4s, v29.4s
	WORD	$0x6e2cdc21	// fmul v1.4s, v1.4s, v12.4s
	WORD	$0x4e3cd421	// fadd v1.4s, v1.4s, v28.4s
	WORD	$0x6e2cdc21	// fmul v1.4s, v1.4s, v12.4s
	WORD	$0x4e3bd421	// fadd v1.4s, v1.4s, v27.4s
	WORD	$0x6e2cdc21	// fmul v1.4s, v1.4s, v12.4s
	WORD	$0x4e3ad421	// fadd v1.4s, v1.4s, v26.4s
	WORD	$0x6e2cdd90	// fmul v16.4s, v12.4s, v12.4s
	WORD	$0x6e21de10	// fmul v16.4s, v16.4s, v1.4s
	WORD	$0x4e2cd610	// fadd v16.4s, v16.4s, v12.4s
	WORD	$0x6ea6e6e1	// fcmgt v1.4s, v23.4s, v6.4s
	WORD	$0x4e39d610	// fadd v16.4s, v16.4s, v25.4s
	VSHL	$23, V15.S4, V15.S4
	VADD	V24.S4, V15.S4, V15.S4
	WORD	$0x6e2fde0c	// fmul v12.4s, v16.4s, v15.4s
	WORD	$0x4e611d8c	// bic v12.16b, v12.16b, v1.16b
	// e[9] = exp32(d[9]), d[9] in V9
	WORD	$0x4f9f9130	// fmul v16.4s, v9.4s, v31.s[0]
	WORD	$0x4e3ed610	// fadd v16.4s, v16.4s, v30.4s
	WORD	$0x4ebed601	// fsub v1.4s, v16.4s, v30.4s
	WORD	$0x4fbf902f	// fmul v15.4s, v1.4s, v31.s[1]
	WORD	$0x4eafd52f	// fsub v15.4s, v9.4s, v15.4s
	WORD	$0x4f9f9821	// fmul v1.4s, v1.4s, v31.s[2]
	WORD	$0x4ea1d5ef	// fsub v15.4s, v15.4s, v1.4s
	WORD	$0x4fbf99e1	// fmul v1.4s, v15.4s, v31.s[3]
	WORD	$0x4e3dd421	// fadd v1.4s, v1.4s, v29.4s
	WORD	$0x6e2fdc21	// fmul v1.4s, v1.4s, v15.4s
	WORD	$0x4e3cd421	// fadd v1.4s, v1.4s, v28.4s
	WORD	$0x6e2fdc21	// fmul v1.4s, v1.4s, v15.4s
	WORD	$0x4e3bd421	// fadd v1.4s, v1.4s, v27.4s
	WORD	$0x6e2fdc21	// fmul v1.4s, v1.4s, v15.4s
	WORD	$0x4e3ad421	// fadd v1.4s, v1.4s, v26.4s
	WORD	$0x6e2fdded	// fmul v13.4s, v15.4s, v15.4s
	WORD	$0x6e21ddad	// fmul v13.4s, v13.4s, v1.4s
	WORD	$0x4e2fd5ad	// fadd v13.4s, v13.4s, v15.4s
	WORD	$0x6ea9e6e1	// fcmgt v1.4s, v23.4s, v9.4s
	WORD	$0x4e39d5ad	// fadd v13.4s, v13.4s, v25.4s
	VSHL	$23, V16.S4, V16.S4
	VADD	V24.S4, V16.S4, V16.S4
	WORD	$0x6e30ddaf	// fmul v15.4s, v13.4s, v16.4s
	WORD	$0x4e611def	// bic v15.16b, v15.16b, v1.16b
	// s = A + (e8+e9), in V11
	WORD	$0x4e2fd58c	// fadd v12.4s, v12.4s, v15.4s
	WORD	$0x4e2cd56b	// fadd v11.4s, v11.4s, v12.4s
	// log32(s), s in V11, constants from logConsts<>:
	// kb = bits(s)>>23; f = float32(s * frombits((253-kb)<<23)); k = kb - 126;
	// where f < sqrt(1/2): f = f+f (FADD, BIT) and k = k-1 (ADD of the -1 mask); k = float32(k) (SCVTF).
	FLDPQ	0(R10), (F12, F15)
	FLDPQ	32(R10), (F13, F1)
	VUSHR	$23, V11.S4, V16.S4
	VSUB	V16.S4, V15.S4, V14.S4
	VSHL	$23, V14.S4, V14.S4
	WORD	$0x6e2edd71	// fmul v17.4s, v11.4s, v14.4s
	VSUB	V13.S4, V16.S4, V16.S4
	WORD	$0x6eb1e58e	// fcmgt v14.4s, v12.4s, v17.4s
	WORD	$0x4e31d62d	// fadd v13.4s, v17.4s, v17.4s
	VBIT	V14.B16, V13.B16, V17.B16
	VADD	V14.S4, V16.S4, V16.S4
	WORD	$0x4e21da0d	// scvtf v13.4s, v16.4s
	// u = f - 1; z = u*u; q = float32(P0*u) + P1, then q = float32(q*u) + P2 .. P8.
	WORD	$0x4eb9d630	// fsub v16.4s, v17.4s, v25.4s
	WORD	$0x6e30de11	// fmul v17.4s, v16.4s, v16.4s
	WORD	$0x4f81920e	// fmul v14.4s, v16.4s, v1.s[0]
	FLDPQ	64(R10), (F15, F12)
	WORD	$0x4e2fd5ce	// fadd v14.4s, v14.4s, v15.4s
	WORD	$0x6e30ddce	// fmul v14.4s, v14.4s, v16.4s
	WORD	$0x4e2cd5ce	// fadd v14.4s, v14.4s, v12.4s
	WORD	$0x6e30ddce	// fmul v14.4s, v14.4s, v16.4s
	FLDPQ	96(R10), (F15, F12)
	WORD	$0x4e2fd5ce	// fadd v14.4s, v14.4s, v15.4s
	WORD	$0x6e30ddce	// fmul v14.4s, v14.4s, v16.4s
	WORD	$0x4e2cd5ce	// fadd v14.4s, v14.4s, v12.4s
	WORD	$0x6e30ddce	// fmul v14.4s, v14.4s, v16.4s
	FLDPQ	128(R10), (F15, F12)
	WORD	$0x4e2fd5ce	// fadd v14.4s, v14.4s, v15.4s
	WORD	$0x6e30ddce	// fmul v14.4s, v14.4s, v16.4s
	WORD	$0x4e2cd5ce	// fadd v14.4s, v14.4s, v12.4s
	WORD	$0x6e30ddce	// fmul v14.4s, v14.4s, v16.4s
	FLDPQ	160(R10), (F15, F12)
	WORD	$0x4e2fd5ce	// fadd v14.4s, v14.4s, v15.4s
	WORD	$0x6e30ddce	// fmul v14.4s, v14.4s, v16.4s
	WORD	$0x4e2cd5ce	// fadd v14.4s, v14.4s, v12.4s
	// y = float32(float32(q*u)*z); y = y + float32(k*ln2lo); y = y - float32(0.5*z); y = u + y;
	// log = y + float32(k*ln2hi), in V14.
	WORD	$0x6e30ddce	// fmul v14.4s, v14.4s, v16.4s
	WORD	$0x6e31ddce	// fmul v14.4s, v14.4s, v17.4s
	WORD	$0x4f9f99af	// fmul v15.4s, v13.4s, v31.s[2]
	WORD	$0x4e2fd5ce	// fadd v14.4s, v14.4s, v15.4s
	WORD	$0x4fa1922f	// fmul v15.4s, v17.4s, v1.s[1]
	WORD	$0x4eafd5ce	// fsub v14.4s, v14.4s, v15.4s
	WORD	$0x4e2ed60e	// fadd v14.4s, v16.4s, v14.4s
	WORD	$0x4fbf91af	// fmul v15.4s, v13.4s, v31.s[1]
	WORD	$0x4e2fd5ce	// fadd v14.4s, v14.4s, v15.4s
	// y[j] = d[j] - log(s).
	WORD	$0x4eaed484	// fsub v4.4s, v4.4s, v14.4s
	WORD	$0x4eaed4e7	// fsub v7.4s, v7.4s, v14.4s
	WORD	$0x4eaed54a	// fsub v10.4s, v10.4s, v14.4s
	WORD	$0x4eaed442	// fsub v2.4s, v2.4s, v14.4s
	WORD	$0x4eaed4a5	// fsub v5.4s, v5.4s, v14.4s
	WORD	$0x4eaed508	// fsub v8.4s, v8.4s, v14.4s
	WORD	$0x4eaed400	// fsub v0.4s, v0.4s, v14.4s
	WORD	$0x4eaed463	// fsub v3.4s, v3.4s, v14.4s
	WORD	$0x4eaed4c6	// fsub v6.4s, v6.4s, v14.4s
	WORD	$0x4eaed529	// fsub v9.4s, v9.4s, v14.4s
	// Transpose back, step 1 (TRN .4S of column pairs).
	VTRN1	V7.S4, V4.S4, V14.S4
	VTRN2	V7.S4, V4.S4, V7.S4
	VTRN1	V2.S4, V10.S4, V4.S4
	VTRN2	V2.S4, V10.S4, V2.S4
	VTRN1	V8.S4, V5.S4, V10.S4
	VTRN2	V8.S4, V5.S4, V8.S4
	VTRN1	V3.S4, V0.S4, V5.S4
	VTRN2	V3.S4, V0.S4, V3.S4
	VTRN1	V9.S4, V6.S4, V0.S4
	VTRN2	V9.S4, V6.S4, V9.S4
	// Transpose back, step 2 (ZIP .2D): rows in P00..P04, P10..P14.
	VZIP1	V4.D2, V14.D2, V6.D2
	VZIP2	V4.D2, V14.D2, V4.D2
	VZIP1	V5.D2, V10.D2, V14.D2
	VZIP2	V5.D2, V10.D2, V5.D2
	VZIP1	V7.D2, V0.D2, V10.D2
	VZIP2	V7.D2, V0.D2, V7.D2
	VZIP1	V8.D2, V2.D2, V0.D2
	VZIP2	V8.D2, V2.D2, V8.D2
	VZIP1	V9.D2, V3.D2, V2.D2
	VZIP2	V9.D2, V3.D2, V9.D2
	// Store rows 0-3.
	FSTPQ	(F6, F14), 0(R0)
	FSTPQ	(F10, F0), 32(R0)
	FSTPQ	(F2, F4), 64(R0)
	FSTPQ	(F5, F7), 96(R0)
	FSTPQ	(F8, F9), 128(R0)
	ADD	$160, R0
	ADD	$160, R1
	SUBS	$4, R4
	BNE	logsoftmax_loop

logsoftmax_done:
	RET

// Constants of exp32, loaded once into V23..V31 (kernel_generic.go has their values).
// Four lanes each, except KA whose lanes are used one at a time.
// cutoff = -0x1.5d589ep+6
DATA expConsts<>+0(SB)/4, $0xc2aeac4f
DATA expConsts<>+4(SB)/4, $0xc2aeac4f
DATA expConsts<>+8(SB)/4, $0xc2aeac4f
DATA expConsts<>+12(SB)/4, $0xc2aeac4f
// 0x3f800000, added to bits(z)<<23
DATA expConsts<>+16(SB)/4, $0x3f800000
DATA expConsts<>+20(SB)/4, $0x3f800000
DATA expConsts<>+24(SB)/4, $0x3f800000
DATA expConsts<>+28(SB)/4, $0x3f800000
// 1.0
DATA expConsts<>+32(SB)/4, $0x3f800000
DATA expConsts<>+36(SB)/4, $0x3f800000
DATA expConsts<>+40(SB)/4, $0x3f800000
DATA expConsts<>+44(SB)/4, $0x3f800000
// Q0
DATA expConsts<>+48(SB)/4, $0x3efffffe
DATA expConsts<>+52(SB)/4, $0x3efffffe
DATA expConsts<>+56(SB)/4, $0x3efffffe
DATA expConsts<>+60(SB)/4, $0x3efffffe
// Q1
DATA expConsts<>+64(SB)/4, $0x3e2aaa49
DATA expConsts<>+68(SB)/4, $0x3e2aaa49
DATA expConsts<>+72(SB)/4, $0x3e2aaa49
DATA expConsts<>+76(SB)/4, $0x3e2aaa49
// Q2
DATA expConsts<>+80(SB)/4, $0x3d2aac79
DATA expConsts<>+84(SB)/4, $0x3d2aac79
DATA expConsts<>+88(SB)/4, $0x3d2aac79
DATA expConsts<>+92(SB)/4, $0x3d2aac79
// Q3
DATA expConsts<>+96(SB)/4, $0x3c091d00
DATA expConsts<>+100(SB)/4, $0x3c091d00
DATA expConsts<>+104(SB)/4, $0x3c091d00
DATA expConsts<>+108(SB)/4, $0x3c091d00
// magic = 1.5·2^23
DATA expConsts<>+112(SB)/4, $0x4b400000
DATA expConsts<>+116(SB)/4, $0x4b400000
DATA expConsts<>+120(SB)/4, $0x4b400000
DATA expConsts<>+124(SB)/4, $0x4b400000
// KA: log2e, ln2hi, ln2lo, Q4
DATA expConsts<>+128(SB)/4, $0x3fb8aa3b
DATA expConsts<>+132(SB)/4, $0x3f318000
DATA expConsts<>+136(SB)/4, $0xb95e8083
DATA expConsts<>+140(SB)/4, $0x3ab51202
GLOBL expConsts<>(SB), RODATA|NOPTR, $144

// Constants of log32, loaded in pairs (LDP Q) where they are used.
// sqrt(1/2)
DATA logConsts<>+0(SB)/4, $0x3f3504f3
DATA logConsts<>+4(SB)/4, $0x3f3504f3
DATA logConsts<>+8(SB)/4, $0x3f3504f3
DATA logConsts<>+12(SB)/4, $0x3f3504f3
// 253 (int)
DATA logConsts<>+16(SB)/4, $0x000000fd
DATA logConsts<>+20(SB)/4, $0x000000fd
DATA logConsts<>+24(SB)/4, $0x000000fd
DATA logConsts<>+28(SB)/4, $0x000000fd
// 126 (int)
DATA logConsts<>+32(SB)/4, $0x0000007e
DATA logConsts<>+36(SB)/4, $0x0000007e
DATA logConsts<>+40(SB)/4, $0x0000007e
DATA logConsts<>+44(SB)/4, $0x0000007e
// KB, used by lane: P0, 0.5, unused, unused
DATA logConsts<>+48(SB)/4, $0x3d9021bb
DATA logConsts<>+52(SB)/4, $0x3f000000
DATA logConsts<>+56(SB)/4, $0x00000000
DATA logConsts<>+60(SB)/4, $0x00000000
// P1
DATA logConsts<>+64(SB)/4, $0xbdebd1b8
DATA logConsts<>+68(SB)/4, $0xbdebd1b8
DATA logConsts<>+72(SB)/4, $0xbdebd1b8
DATA logConsts<>+76(SB)/4, $0xbdebd1b8
// P2
DATA logConsts<>+80(SB)/4, $0x3def251a
DATA logConsts<>+84(SB)/4, $0x3def251a
DATA logConsts<>+88(SB)/4, $0x3def251a
DATA logConsts<>+92(SB)/4, $0x3def251a
// P3
DATA logConsts<>+96(SB)/4, $0xbdfe5d4f
DATA logConsts<>+100(SB)/4, $0xbdfe5d4f
DATA logConsts<>+104(SB)/4, $0xbdfe5d4f
DATA logConsts<>+108(SB)/4, $0xbdfe5d4f
// P4
DATA logConsts<>+112(SB)/4, $0x3e11e9bf
DATA logConsts<>+116(SB)/4, $0x3e11e9bf
DATA logConsts<>+120(SB)/4, $0x3e11e9bf
DATA logConsts<>+124(SB)/4, $0x3e11e9bf
// P5
DATA logConsts<>+128(SB)/4, $0xbe2aae50
DATA logConsts<>+132(SB)/4, $0xbe2aae50
DATA logConsts<>+136(SB)/4, $0xbe2aae50
DATA logConsts<>+140(SB)/4, $0xbe2aae50
// P6
DATA logConsts<>+144(SB)/4, $0x3e4cceac
DATA logConsts<>+148(SB)/4, $0x3e4cceac
DATA logConsts<>+152(SB)/4, $0x3e4cceac
DATA logConsts<>+156(SB)/4, $0x3e4cceac
// P7
DATA logConsts<>+160(SB)/4, $0xbe7ffffc
DATA logConsts<>+164(SB)/4, $0xbe7ffffc
DATA logConsts<>+168(SB)/4, $0xbe7ffffc
DATA logConsts<>+172(SB)/4, $0xbe7ffffc
// P8
DATA logConsts<>+176(SB)/4, $0x3eaaaaaa
DATA logConsts<>+180(SB)/4, $0x3eaaaaaa
DATA logConsts<>+184(SB)/4, $0x3eaaaaaa
DATA logConsts<>+188(SB)/4, $0x3eaaaaaa
GLOBL logConsts<>(SB), RODATA|NOPTR, $192
