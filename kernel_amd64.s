// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build gc && !purego

#include "textflag.h"

// AVX2 twins of the block functions of kernel_generic.go. Every function
// processes blocks of 8 rows with one row per lane of a YMM register
// (structure of arrays):
//
//   - TRANSPOSE_IN loads the 8 rows (320 bytes) of a block and transposes
//     them, so that Y0..Y9 hold the columns x[0]..x[9]; lane k is row k.
//   - Every lane then runs exactly the scalar sequence of kernel_generic.go
//     with vertical operations: VMULPS then VADDPS (never a fused
//     multiply-add), the same operand values, the same order.
//   - TRANSPOSE_OUT transposes Y0..Y9 back and stores the 8 rows.
//
// The blocks are taken CHUNK at a time, in passes over the chunk that keep
// their intermediate vectors (d, e, s, ...) in the stack frame; see CHUNK.
// A block is read completely before any of it is written, so the output may
// be the very slice that holds the input. Nothing is read or written outside
// the 8 rows of a block (and its 8 labels, its 8 losses, the accumulators).
// Only AVX and AVX2 instructions are used.
//
// Cost, for the label path with gradient: about 530 instructions per block,
// of which about 320 need an FP port (multiply, add, compare, vector
// shift): p0 or p1 on Intel cores (Skylake to Cascade Lake), so at least
// 160 cycles per block, 20 per row; the exponentials alone take 230 of them
// (23 per column). The transposes (shuffles) use p5; the constants are
// memory operands, so no register is spilled.
//
// In Go's assembler the operands of a three-operand AVX instruction are in
// reverse Intel order: VSUBPS A, B, C means C = B - A, and VCMPPS $p, A, B, C
// means C = (B op A).

// Each constant is a float32 (or int32) repeated in the 8 lanes of a YMM, so
// that it can be a memory operand of a vertical instruction. The float bits
// are those of the untyped Go constants of kernel_generic.go converted to
// float32 (round to nearest even).
#define CONST8(name, v) \
	DATA name<>+0(SB)/4, $v; \
	DATA name<>+4(SB)/4, $v; \
	DATA name<>+8(SB)/4, $v; \
	DATA name<>+12(SB)/4, $v; \
	DATA name<>+16(SB)/4, $v; \
	DATA name<>+20(SB)/4, $v; \
	DATA name<>+24(SB)/4, $v; \
	DATA name<>+28(SB)/4, $v; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

CONST8(expLog2e, 0x3fb8aa3b)  // expLog2e = 0x1.715476p+0
CONST8(expMagic, 0x4b400000)  // expMagic = 0x1.8p23
CONST8(expLn2Hi, 0x3f318000)  // expLn2Hi = 0x1.63p-1 (= logLn2Hi)
CONST8(expLn2Lo, 0xb95e8083)  // expLn2Lo = -0x1.bd0106p-13 (= logLn2Lo)
CONST8(expQ0, 0x3efffffe)     // 0x1.fffffcp-2
CONST8(expQ1, 0x3e2aaa49)     // 0x1.555492p-3
CONST8(expQ2, 0x3d2aac79)     // 0x1.5558f2p-5
CONST8(expQ3, 0x3c091d00)     // 0x1.123ap-7
CONST8(expQ4, 0x3ab51202)     // 0x1.6a2404p-10
CONST8(expCutoff, 0xc2aeac4f) // expCutoff = -0x1.5d589ep+6
CONST8(expBias, 0x3f800000)   // int32 0x3f800000 = 127<<23, added to n<<23
CONST8(one, 0x3f800000)       // float32 1
CONST8(half, 0x3f000000)      // float32 0.5
CONST8(logSqrtHalf, 0x3f3504f3) // logSqrtHalf = 0x1.6a09e6p-1
CONST8(logP0, 0x3d9021bb)     // 7.0376836292e-2
CONST8(logP1, 0xbdebd1b8)     // -1.1514610310e-1
CONST8(logP2, 0x3def251a)     // 1.1676998740e-1
CONST8(logP3, 0xbdfe5d4f)     // -1.2420140846e-1
CONST8(logP4, 0x3e11e9bf)     // 1.4249322787e-1
CONST8(logP5, 0xbe2aae50)     // -1.6668057665e-1
CONST8(logP6, 0x3e4cceac)     // 2.0000714765e-1
CONST8(logP7, 0xbe7ffffc)     // -2.4999993993e-1
CONST8(logP8, 0x3eaaaaaa)     // 3.3333331174e-1
CONST8(log253, 0x000000fd)    // int32 253
CONST8(log126, 0x0000007e)    // int32 126
CONST8(zero, 0x00000000)      // float32 +0

// TRANSPOSE_IN(p) loads the block of 8 rows at p (row r at 40·r bytes) and
// leaves column j (x[j] of rows 0..7) in Yj, j = 0..9. It uses only
// Y0..Y9 and Y12..Y15.
//
// Columns 0-3 and 4-7: register r (r = 0..3) receives 4 floats of row r in
// its low half and the same 4 floats of row r+4 in its high half (a 16-byte
// load and a VINSERTF128 from memory: no shuffle port); a 4×4 transpose
// inside each 128-bit half (VUNPCKLPS/VUNPCKHPS, then VUNPCKLPD/VUNPCKHPD)
// turns them into 4 columns.
//
// Columns 8-9: the 16 bytes at 40·r+24 (x[6..9] of row r, still inside the
// row, so the last row is not over-read) are loaded the same way; half of
// the 4×4 transpose extracts x[8] and x[9].
#define TRANSPOSE_IN(p) \
	VMOVUPS 24(p), X12; \
	VINSERTF128 $1, 184(p), Y12, Y12; \
	VMOVUPS 64(p), X13; \
	VINSERTF128 $1, 224(p), Y13, Y13; \
	VMOVUPS 104(p), X14; \
	VINSERTF128 $1, 264(p), Y14, Y14; \
	VMOVUPS 144(p), X15; \
	VINSERTF128 $1, 304(p), Y15, Y15; \
	VUNPCKHPS Y13, Y12, Y12; \
	VUNPCKHPS Y15, Y14, Y14; \
	VUNPCKLPD Y14, Y12, Y8; \
	VUNPCKHPD Y14, Y12, Y9; \
	VMOVUPS 16(p), X4; \
	VINSERTF128 $1, 176(p), Y4, Y4; \
	VMOVUPS 56(p), X5; \
	VINSERTF128 $1, 216(p), Y5, Y5; \
	VMOVUPS 96(p), X6; \
	VINSERTF128 $1, 256(p), Y6, Y6; \
	VMOVUPS 136(p), X7; \
	VINSERTF128 $1, 296(p), Y7, Y7; \
	VUNPCKLPS Y5, Y4, Y12; \
	VUNPCKHPS Y5, Y4, Y13; \
	VUNPCKLPS Y7, Y6, Y14; \
	VUNPCKHPS Y7, Y6, Y15; \
	VUNPCKLPD Y14, Y12, Y4; \
	VUNPCKHPD Y14, Y12, Y5; \
	VUNPCKLPD Y15, Y13, Y6; \
	VUNPCKHPD Y15, Y13, Y7; \
	VMOVUPS 0(p), X0; \
	VINSERTF128 $1, 160(p), Y0, Y0; \
	VMOVUPS 40(p), X1; \
	VINSERTF128 $1, 200(p), Y1, Y1; \
	VMOVUPS 80(p), X2; \
	VINSERTF128 $1, 240(p), Y2, Y2; \
	VMOVUPS 120(p), X3; \
	VINSERTF128 $1, 280(p), Y3, Y3; \
	VUNPCKLPS Y1, Y0, Y12; \
	VUNPCKHPS Y1, Y0, Y13; \
	VUNPCKLPS Y3, Y2, Y14; \
	VUNPCKHPS Y3, Y2, Y15; \
	VUNPCKLPD Y14, Y12, Y0; \
	VUNPCKHPD Y14, Y12, Y1; \
	VUNPCKLPD Y15, Y13, Y2; \
	VUNPCKHPD Y15, Y13, Y3

// TRANSPOSE_OUT(p) is the inverse of TRANSPOSE_IN: it stores the columns
// Y0..Y9 as the 8 rows of the block at p. It destroys Y0..Y9 and uses
// Y12..Y15. Columns 8-9 are interleaved into (x[8], x[9]) pairs and stored
// with 8-byte stores at 40·r+32.
#define TRANSPOSE_OUT(p) \
	VUNPCKLPS Y1, Y0, Y12; \
	VUNPCKHPS Y1, Y0, Y13; \
	VUNPCKLPS Y3, Y2, Y14; \
	VUNPCKHPS Y3, Y2, Y15; \
	VUNPCKLPD Y14, Y12, Y0; \
	VUNPCKHPD Y14, Y12, Y1; \
	VUNPCKLPD Y15, Y13, Y2; \
	VUNPCKHPD Y15, Y13, Y3; \
	VMOVUPS X0, 0(p); \
	VEXTRACTF128 $1, Y0, 160(p); \
	VMOVUPS X1, 40(p); \
	VEXTRACTF128 $1, Y1, 200(p); \
	VMOVUPS X2, 80(p); \
	VEXTRACTF128 $1, Y2, 240(p); \
	VMOVUPS X3, 120(p); \
	VEXTRACTF128 $1, Y3, 280(p); \
	VUNPCKLPS Y5, Y4, Y12; \
	VUNPCKHPS Y5, Y4, Y13; \
	VUNPCKLPS Y7, Y6, Y14; \
	VUNPCKHPS Y7, Y6, Y15; \
	VUNPCKLPD Y14, Y12, Y4; \
	VUNPCKHPD Y14, Y12, Y5; \
	VUNPCKLPD Y15, Y13, Y6; \
	VUNPCKHPD Y15, Y13, Y7; \
	VMOVUPS X4, 16(p); \
	VEXTRACTF128 $1, Y4, 176(p); \
	VMOVUPS X5, 56(p); \
	VEXTRACTF128 $1, Y5, 216(p); \
	VMOVUPS X6, 96(p); \
	VEXTRACTF128 $1, Y6, 256(p); \
	VMOVUPS X7, 136(p); \
	VEXTRACTF128 $1, Y7, 296(p); \
	VUNPCKLPS Y9, Y8, Y12; \
	VUNPCKHPS Y9, Y8, Y13; \
	VMOVLPS X12, 32(p); \
	VMOVHPS X12, 72(p); \
	VMOVLPS X13, 112(p); \
	VMOVHPS X13, 152(p); \
	VEXTRACTF128 $1, Y12, X12; \
	VEXTRACTF128 $1, Y13, X13; \
	VMOVLPS X12, 192(p); \
	VMOVHPS X12, 232(p); \
	VMOVLPS X13, 272(p); \
	VMOVHPS X13, 312(p)

// MAX10 computes max10: m = max_j x[j] + 0 into Y10, from the columns
// Y0..Y9, with temporaries Y12..Y14. The order of the maxima does not matter
// for a row without NaN, and adding +0 turns a maximum of -0 into +0 as the
// specification does. (VMAXPS may hide a NaN from m, but a NaN x[j] makes
// d[j], hence s and every output of the row, NaN anyway.)
#define MAX10 \
	VMAXPS Y1, Y0, Y12; \
	VMAXPS Y3, Y2, Y13; \
	VMAXPS Y13, Y12, Y12; \
	VMAXPS Y5, Y4, Y13; \
	VMAXPS Y7, Y6, Y14; \
	VMAXPS Y14, Y13, Y13; \
	VMAXPS Y13, Y12, Y12; \
	VMAXPS Y9, Y8, Y13; \
	VMAXPS Y13, Y12, Y10; \
	VXORPS Y13, Y13, Y13; \
	VADDPS Y13, Y10, Y10

// D_ALL(b) computes d[j] = x[j] - m (m in Y10) for the columns Y0..Y9 and
// stores d[j] at 32·j(b).
#define D_ALL(b) \
	VSUBPS  Y10, Y0, Y0; \
	VMOVUPS Y0, 0(b); \
	VSUBPS  Y10, Y1, Y1; \
	VMOVUPS Y1, 32(b); \
	VSUBPS  Y10, Y2, Y2; \
	VMOVUPS Y2, 64(b); \
	VSUBPS  Y10, Y3, Y3; \
	VMOVUPS Y3, 96(b); \
	VSUBPS  Y10, Y4, Y4; \
	VMOVUPS Y4, 128(b); \
	VSUBPS  Y10, Y5, Y5; \
	VMOVUPS Y5, 160(b); \
	VSUBPS  Y10, Y6, Y6; \
	VMOVUPS Y6, 192(b); \
	VSUBPS  Y10, Y7, Y7; \
	VMOVUPS Y7, 224(b); \
	VSUBPS  Y10, Y8, Y8; \
	VMOVUPS Y8, 256(b); \
	VSUBPS  Y10, Y9, Y9; \
	VMOVUPS Y9, 288(b)

// EXP2 and EXP4 compute e = exp(d), the exponential of expRow, for two or
// four columns at once: column c is loaded from dc and its e stored to ec
// (which may be the same address). The instructions of the columns are interleaved, so
// that the out-of-order core always has independent work: one column alone
// is a chain of 24 dependent operations (about 73 cycles). Each column
// runs exactly the sequence of expRow (operations independent of each
// other are merely issued early):
//
//	z = d·log2e + magic; n = z - magic; 2^n = bits(z)<<23 + 0x3f800000;
//	r = d - n·ln2hi; r = r - n·ln2lo;
//	q = Q4·r + Q3; q = q·r + Q2; q = q·r + Q1; q = q·r + Q0; r2 = r·r;
//	p = r2·q + r; p = p + 1; e = p·2^n; e = 0 where d < cutoff
//
// (every product rounded, then added: no FMA). A NaN d compares false and
// its e stays NaN. Four registers per column (Y0..Y3, Y4..Y7, Y8..Y11,
// Y12..Y15): D = d, then r, then d again (reloaded) and the cutoff mask;
// Z = z, then 2^n; Q = n, then q; P = a product, then r2, p and e.
#define EXP2(d0, e0, d1, e1) \
	VMOVUPS d0, Y0; \
	VMOVUPS d1, Y4; \
	VMULPS expLog2e<>(SB), Y0, Y1; \
	VMULPS expLog2e<>(SB), Y4, Y5; \
	VADDPS expMagic<>(SB), Y1, Y1; \
	VADDPS expMagic<>(SB), Y5, Y5; \
	VSUBPS expMagic<>(SB), Y1, Y2; \
	VSUBPS expMagic<>(SB), Y5, Y6; \
	VPSLLD $23, Y1, Y1; \
	VPSLLD $23, Y5, Y5; \
	VPADDD expBias<>(SB), Y1, Y1; \
	VPADDD expBias<>(SB), Y5, Y5; \
	VMULPS expLn2Hi<>(SB), Y2, Y3; \
	VMULPS expLn2Hi<>(SB), Y6, Y7; \
	VSUBPS Y3, Y0, Y0; \
	VSUBPS Y7, Y4, Y4; \
	VMULPS expLn2Lo<>(SB), Y2, Y2; \
	VMULPS expLn2Lo<>(SB), Y6, Y6; \
	VSUBPS Y2, Y0, Y0; \
	VSUBPS Y6, Y4, Y4; \
	VMULPS expQ4<>(SB), Y0, Y2; \
	VMULPS expQ4<>(SB), Y4, Y6; \
	VMULPS Y0, Y0, Y3; \
	VMULPS Y4, Y4, Y7; \
	VADDPS expQ3<>(SB), Y2, Y2; \
	VADDPS expQ3<>(SB), Y6, Y6; \
	VMULPS Y0, Y2, Y2; \
	VMULPS Y4, Y6, Y6; \
	VADDPS expQ2<>(SB), Y2, Y2; \
	VADDPS expQ2<>(SB), Y6, Y6; \
	VMULPS Y0, Y2, Y2; \
	VMULPS Y4, Y6, Y6; \
	VADDPS expQ1<>(SB), Y2, Y2; \
	VADDPS expQ1<>(SB), Y6, Y6; \
	VMULPS Y0, Y2, Y2; \
	VMULPS Y4, Y6, Y6; \
	VADDPS expQ0<>(SB), Y2, Y2; \
	VADDPS expQ0<>(SB), Y6, Y6; \
	VMULPS Y2, Y3, Y3; \
	VMULPS Y6, Y7, Y7; \
	VADDPS Y0, Y3, Y3; \
	VADDPS Y4, Y7, Y7; \
	VADDPS one<>(SB), Y3, Y3; \
	VADDPS one<>(SB), Y7, Y7; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMOVUPS d0, Y0; \
	VMOVUPS d1, Y4; \
	VCMPPS $1, expCutoff<>(SB), Y0, Y0; \
	VCMPPS $1, expCutoff<>(SB), Y4, Y4; \
	VANDNPS Y3, Y0, Y3; \
	VANDNPS Y7, Y4, Y7; \
	VMOVUPS Y3, e0; \
	VMOVUPS Y7, e1

#define EXP4(d0, e0, d1, e1, d2, e2, d3, e3) \
	VMOVUPS d0, Y0; \
	VMOVUPS d1, Y4; \
	VMOVUPS d2, Y8; \
	VMOVUPS d3, Y12; \
	VMULPS expLog2e<>(SB), Y0, Y1; \
	VMULPS expLog2e<>(SB), Y4, Y5; \
	VMULPS expLog2e<>(SB), Y8, Y9; \
	VMULPS expLog2e<>(SB), Y12, Y13; \
	VADDPS expMagic<>(SB), Y1, Y1; \
	VADDPS expMagic<>(SB), Y5, Y5; \
	VADDPS expMagic<>(SB), Y9, Y9; \
	VADDPS expMagic<>(SB), Y13, Y13; \
	VSUBPS expMagic<>(SB), Y1, Y2; \
	VSUBPS expMagic<>(SB), Y5, Y6; \
	VSUBPS expMagic<>(SB), Y9, Y10; \
	VSUBPS expMagic<>(SB), Y13, Y14; \
	VPSLLD $23, Y1, Y1; \
	VPSLLD $23, Y5, Y5; \
	VPSLLD $23, Y9, Y9; \
	VPSLLD $23, Y13, Y13; \
	VPADDD expBias<>(SB), Y1, Y1; \
	VPADDD expBias<>(SB), Y5, Y5; \
	VPADDD expBias<>(SB), Y9, Y9; \
	VPADDD expBias<>(SB), Y13, Y13; \
	VMULPS expLn2Hi<>(SB), Y2, Y3; \
	VMULPS expLn2Hi<>(SB), Y6, Y7; \
	VMULPS expLn2Hi<>(SB), Y10, Y11; \
	VMULPS expLn2Hi<>(SB), Y14, Y15; \
	VSUBPS Y3, Y0, Y0; \
	VSUBPS Y7, Y4, Y4; \
	VSUBPS Y11, Y8, Y8; \
	VSUBPS Y15, Y12, Y12; \
	VMULPS expLn2Lo<>(SB), Y2, Y2; \
	VMULPS expLn2Lo<>(SB), Y6, Y6; \
	VMULPS expLn2Lo<>(SB), Y10, Y10; \
	VMULPS expLn2Lo<>(SB), Y14, Y14; \
	VSUBPS Y2, Y0, Y0; \
	VSUBPS Y6, Y4, Y4; \
	VSUBPS Y10, Y8, Y8; \
	VSUBPS Y14, Y12, Y12; \
	VMULPS expQ4<>(SB), Y0, Y2; \
	VMULPS expQ4<>(SB), Y4, Y6; \
	VMULPS expQ4<>(SB), Y8, Y10; \
	VMULPS expQ4<>(SB), Y12, Y14; \
	VMULPS Y0, Y0, Y3; \
	VMULPS Y4, Y4, Y7; \
	VMULPS Y8, Y8, Y11; \
	VMULPS Y12, Y12, Y15; \
	VADDPS expQ3<>(SB), Y2, Y2; \
	VADDPS expQ3<>(SB), Y6, Y6; \
	VADDPS expQ3<>(SB), Y10, Y10; \
	VADDPS expQ3<>(SB), Y14, Y14; \
	VMULPS Y0, Y2, Y2; \
	VMULPS Y4, Y6, Y6; \
	VMULPS Y8, Y10, Y10; \
	VMULPS Y12, Y14, Y14; \
	VADDPS expQ2<>(SB), Y2, Y2; \
	VADDPS expQ2<>(SB), Y6, Y6; \
	VADDPS expQ2<>(SB), Y10, Y10; \
	VADDPS expQ2<>(SB), Y14, Y14; \
	VMULPS Y0, Y2, Y2; \
	VMULPS Y4, Y6, Y6; \
	VMULPS Y8, Y10, Y10; \
	VMULPS Y12, Y14, Y14; \
	VADDPS expQ1<>(SB), Y2, Y2; \
	VADDPS expQ1<>(SB), Y6, Y6; \
	VADDPS expQ1<>(SB), Y10, Y10; \
	VADDPS expQ1<>(SB), Y14, Y14; \
	VMULPS Y0, Y2, Y2; \
	VMULPS Y4, Y6, Y6; \
	VMULPS Y8, Y10, Y10; \
	VMULPS Y12, Y14, Y14; \
	VADDPS expQ0<>(SB), Y2, Y2; \
	VADDPS expQ0<>(SB), Y6, Y6; \
	VADDPS expQ0<>(SB), Y10, Y10; \
	VADDPS expQ0<>(SB), Y14, Y14; \
	VMULPS Y2, Y3, Y3; \
	VMULPS Y6, Y7, Y7; \
	VMULPS Y10, Y11, Y11; \
	VMULPS Y14, Y15, Y15; \
	VADDPS Y0, Y3, Y3; \
	VADDPS Y4, Y7, Y7; \
	VADDPS Y8, Y11, Y11; \
	VADDPS Y12, Y15, Y15; \
	VADDPS one<>(SB), Y3, Y3; \
	VADDPS one<>(SB), Y7, Y7; \
	VADDPS one<>(SB), Y11, Y11; \
	VADDPS one<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VMOVUPS d0, Y0; \
	VMOVUPS d1, Y4; \
	VMOVUPS d2, Y8; \
	VMOVUPS d3, Y12; \
	VCMPPS $1, expCutoff<>(SB), Y0, Y0; \
	VCMPPS $1, expCutoff<>(SB), Y4, Y4; \
	VCMPPS $1, expCutoff<>(SB), Y8, Y8; \
	VCMPPS $1, expCutoff<>(SB), Y12, Y12; \
	VANDNPS Y3, Y0, Y3; \
	VANDNPS Y7, Y4, Y7; \
	VANDNPS Y11, Y8, Y11; \
	VANDNPS Y15, Y12, Y15; \
	VMOVUPS Y3, e0; \
	VMOVUPS Y7, e1; \
	VMOVUPS Y11, e2; \
	VMOVUPS Y15, e3

// LOG1(s0, h0) computes log32(s) of the row sums at s0 into Y3; LOG4(s0,
// h0, ..., s3, h3) computes those of s0..s3 into Y3, Y7, Y11, Y15, the four
// interleaved (one alone is a chain of about 30 dependent operations). hc
// is a scratch vector that receives k·ln2hi. Each is, operation by
// operation, log32 without branches:
//
//	kb = bits(s)>>23; f = s·frombits((253-kb)<<23);
//	k = float32(int32(kb) - 126);
//	where f < √½: f = f+f, k = k-1 (VBLENDVPS: other lanes untouched);
//	u = f - 1; z = u·u; q = P0·u + P1, then q = q·u + Pi, i = 2..8;
//	y = (q·u)·z; y = y + k·ln2lo; y = y - 0.5·z; y = u + y;
//	log = y + k·ln2hi.
//
// Four registers per row sum (Y0..Y3, Y4..Y7, Y8..Y11, Y12..Y15): K = kb,
// then k, then k·ln2lo; F = f, then u; M = the mask, then z, then 0.5·z;
// Y = f+f or k-1, then k·ln2hi (stored to hc), q, y and the logarithm.
#define LOG1(s0, h0) \
	VMOVDQU s0, Y0; \
	VPSRLD $23, Y0, Y0; \
	VMOVDQU log253<>(SB), Y1; \
	VPSUBD Y0, Y1, Y1; \
	VPSLLD $23, Y1, Y1; \
	VMULPS s0, Y1, Y1; \
	VPSUBD log126<>(SB), Y0, Y0; \
	VCVTDQ2PS Y0, Y0; \
	VCMPPS $1, logSqrtHalf<>(SB), Y1, Y2; \
	VADDPS Y1, Y1, Y3; \
	VBLENDVPS Y2, Y3, Y1, Y1; \
	VSUBPS one<>(SB), Y0, Y3; \
	VBLENDVPS Y2, Y3, Y0, Y0; \
	VMULPS expLn2Hi<>(SB), Y0, Y3; \
	VMOVUPS Y3, h0; \
	VMULPS expLn2Lo<>(SB), Y0, Y0; \
	VSUBPS one<>(SB), Y1, Y1; \
	VMULPS Y1, Y1, Y2; \
	VMULPS logP0<>(SB), Y1, Y3; \
	VADDPS logP1<>(SB), Y3, Y3; \
	VMULPS Y1, Y3, Y3; \
	VADDPS logP2<>(SB), Y3, Y3; \
	VMULPS Y1, Y3, Y3; \
	VADDPS logP3<>(SB), Y3, Y3; \
	VMULPS Y1, Y3, Y3; \
	VADDPS logP4<>(SB), Y3, Y3; \
	VMULPS Y1, Y3, Y3; \
	VADDPS logP5<>(SB), Y3, Y3; \
	VMULPS Y1, Y3, Y3; \
	VADDPS logP6<>(SB), Y3, Y3; \
	VMULPS Y1, Y3, Y3; \
	VADDPS logP7<>(SB), Y3, Y3; \
	VMULPS Y1, Y3, Y3; \
	VADDPS logP8<>(SB), Y3, Y3; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y2, Y3, Y3; \
	VADDPS Y0, Y3, Y3; \
	VMULPS half<>(SB), Y2, Y2; \
	VSUBPS Y2, Y3, Y3; \
	VADDPS Y3, Y1, Y3; \
	VADDPS h0, Y3, Y3

#define LOG4(s0, h0, s1, h1, s2, h2, s3, h3) \
	VMOVDQU s0, Y0; \
	VMOVDQU s1, Y4; \
	VMOVDQU s2, Y8; \
	VMOVDQU s3, Y12; \
	VPSRLD $23, Y0, Y0; \
	VPSRLD $23, Y4, Y4; \
	VPSRLD $23, Y8, Y8; \
	VPSRLD $23, Y12, Y12; \
	VMOVDQU log253<>(SB), Y1; \
	VMOVDQU log253<>(SB), Y5; \
	VMOVDQU log253<>(SB), Y9; \
	VMOVDQU log253<>(SB), Y13; \
	VPSUBD Y0, Y1, Y1; \
	VPSUBD Y4, Y5, Y5; \
	VPSUBD Y8, Y9, Y9; \
	VPSUBD Y12, Y13, Y13; \
	VPSLLD $23, Y1, Y1; \
	VPSLLD $23, Y5, Y5; \
	VPSLLD $23, Y9, Y9; \
	VPSLLD $23, Y13, Y13; \
	VMULPS s0, Y1, Y1; \
	VMULPS s1, Y5, Y5; \
	VMULPS s2, Y9, Y9; \
	VMULPS s3, Y13, Y13; \
	VPSUBD log126<>(SB), Y0, Y0; \
	VPSUBD log126<>(SB), Y4, Y4; \
	VPSUBD log126<>(SB), Y8, Y8; \
	VPSUBD log126<>(SB), Y12, Y12; \
	VCVTDQ2PS Y0, Y0; \
	VCVTDQ2PS Y4, Y4; \
	VCVTDQ2PS Y8, Y8; \
	VCVTDQ2PS Y12, Y12; \
	VCMPPS $1, logSqrtHalf<>(SB), Y1, Y2; \
	VCMPPS $1, logSqrtHalf<>(SB), Y5, Y6; \
	VCMPPS $1, logSqrtHalf<>(SB), Y9, Y10; \
	VCMPPS $1, logSqrtHalf<>(SB), Y13, Y14; \
	VADDPS Y1, Y1, Y3; \
	VADDPS Y5, Y5, Y7; \
	VADDPS Y9, Y9, Y11; \
	VADDPS Y13, Y13, Y15; \
	VBLENDVPS Y2, Y3, Y1, Y1; \
	VBLENDVPS Y6, Y7, Y5, Y5; \
	VBLENDVPS Y10, Y11, Y9, Y9; \
	VBLENDVPS Y14, Y15, Y13, Y13; \
	VSUBPS one<>(SB), Y0, Y3; \
	VSUBPS one<>(SB), Y4, Y7; \
	VSUBPS one<>(SB), Y8, Y11; \
	VSUBPS one<>(SB), Y12, Y15; \
	VBLENDVPS Y2, Y3, Y0, Y0; \
	VBLENDVPS Y6, Y7, Y4, Y4; \
	VBLENDVPS Y10, Y11, Y8, Y8; \
	VBLENDVPS Y14, Y15, Y12, Y12; \
	VMULPS expLn2Hi<>(SB), Y0, Y3; \
	VMULPS expLn2Hi<>(SB), Y4, Y7; \
	VMULPS expLn2Hi<>(SB), Y8, Y11; \
	VMULPS expLn2Hi<>(SB), Y12, Y15; \
	VMOVUPS Y3, h0; \
	VMOVUPS Y7, h1; \
	VMOVUPS Y11, h2; \
	VMOVUPS Y15, h3; \
	VMULPS expLn2Lo<>(SB), Y0, Y0; \
	VMULPS expLn2Lo<>(SB), Y4, Y4; \
	VMULPS expLn2Lo<>(SB), Y8, Y8; \
	VMULPS expLn2Lo<>(SB), Y12, Y12; \
	VSUBPS one<>(SB), Y1, Y1; \
	VSUBPS one<>(SB), Y5, Y5; \
	VSUBPS one<>(SB), Y9, Y9; \
	VSUBPS one<>(SB), Y13, Y13; \
	VMULPS Y1, Y1, Y2; \
	VMULPS Y5, Y5, Y6; \
	VMULPS Y9, Y9, Y10; \
	VMULPS Y13, Y13, Y14; \
	VMULPS logP0<>(SB), Y1, Y3; \
	VMULPS logP0<>(SB), Y5, Y7; \
	VMULPS logP0<>(SB), Y9, Y11; \
	VMULPS logP0<>(SB), Y13, Y15; \
	VADDPS logP1<>(SB), Y3, Y3; \
	VADDPS logP1<>(SB), Y7, Y7; \
	VADDPS logP1<>(SB), Y11, Y11; \
	VADDPS logP1<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VADDPS logP2<>(SB), Y3, Y3; \
	VADDPS logP2<>(SB), Y7, Y7; \
	VADDPS logP2<>(SB), Y11, Y11; \
	VADDPS logP2<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VADDPS logP3<>(SB), Y3, Y3; \
	VADDPS logP3<>(SB), Y7, Y7; \
	VADDPS logP3<>(SB), Y11, Y11; \
	VADDPS logP3<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VADDPS logP4<>(SB), Y3, Y3; \
	VADDPS logP4<>(SB), Y7, Y7; \
	VADDPS logP4<>(SB), Y11, Y11; \
	VADDPS logP4<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VADDPS logP5<>(SB), Y3, Y3; \
	VADDPS logP5<>(SB), Y7, Y7; \
	VADDPS logP5<>(SB), Y11, Y11; \
	VADDPS logP5<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VADDPS logP6<>(SB), Y3, Y3; \
	VADDPS logP6<>(SB), Y7, Y7; \
	VADDPS logP6<>(SB), Y11, Y11; \
	VADDPS logP6<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VADDPS logP7<>(SB), Y3, Y3; \
	VADDPS logP7<>(SB), Y7, Y7; \
	VADDPS logP7<>(SB), Y11, Y11; \
	VADDPS logP7<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VADDPS logP8<>(SB), Y3, Y3; \
	VADDPS logP8<>(SB), Y7, Y7; \
	VADDPS logP8<>(SB), Y11, Y11; \
	VADDPS logP8<>(SB), Y15, Y15; \
	VMULPS Y1, Y3, Y3; \
	VMULPS Y5, Y7, Y7; \
	VMULPS Y9, Y11, Y11; \
	VMULPS Y13, Y15, Y15; \
	VMULPS Y2, Y3, Y3; \
	VMULPS Y6, Y7, Y7; \
	VMULPS Y10, Y11, Y11; \
	VMULPS Y14, Y15, Y15; \
	VADDPS Y0, Y3, Y3; \
	VADDPS Y4, Y7, Y7; \
	VADDPS Y8, Y11, Y11; \
	VADDPS Y12, Y15, Y15; \
	VMULPS half<>(SB), Y2, Y2; \
	VMULPS half<>(SB), Y6, Y6; \
	VMULPS half<>(SB), Y10, Y10; \
	VMULPS half<>(SB), Y14, Y14; \
	VSUBPS Y2, Y3, Y3; \
	VSUBPS Y6, Y7, Y7; \
	VSUBPS Y10, Y11, Y11; \
	VSUBPS Y14, Y15, Y15; \
	VADDPS Y3, Y1, Y3; \
	VADDPS Y7, Y5, Y7; \
	VADDPS Y11, Y9, Y11; \
	VADDPS Y15, Y13, Y15; \
	VADDPS h0, Y3, Y3; \
	VADDPS h1, Y7, Y7; \
	VADDPS h2, Y11, Y11; \
	VADDPS h3, Y15, Y15

// SUM10M(b, dst) computes the tree sum10 of the ten vectors at 32·j(b),
// j = 0..9, into dst: ((v0+v1)+(v2+v3)) + ((v4+v5)+(v6+v7)), then
// + (v8+v9). Temporaries Y12..Y14.
#define SUM10M(b, dst) \
	VMOVUPS 0(b), Y12; \
	VADDPS  32(b), Y12, Y12; \
	VMOVUPS 64(b), Y13; \
	VADDPS  96(b), Y13, Y13; \
	VADDPS  Y13, Y12, Y12; \
	VMOVUPS 128(b), Y13; \
	VADDPS  160(b), Y13, Y13; \
	VMOVUPS 192(b), Y14; \
	VADDPS  224(b), Y14, Y14; \
	VADDPS  Y14, Y13, Y13; \
	VADDPS  Y13, Y12, Y12; \
	VMOVUPS 256(b), Y13; \
	VADDPS  288(b), Y13, Y13; \
	VADDPS  Y13, Y12, dst

// SUM10(dst) is SUM10M on the columns Y0..Y9. Temporaries Y12..Y14.
#define SUM10(dst) \
	VADDPS Y1, Y0, Y12; \
	VADDPS Y3, Y2, Y13; \
	VADDPS Y13, Y12, Y12; \
	VADDPS Y5, Y4, Y13; \
	VADDPS Y7, Y6, Y14; \
	VADDPS Y14, Y13, Y13; \
	VADDPS Y13, Y12, Y12; \
	VADDPS Y9, Y8, Y13; \
	VADDPS Y13, Y12, dst

// EXP_ALL(d, e) computes e[j] = exp(d[j]) for the ten columns, d[j] at
// 32·j(d) and e[j] stored at 32·j(e), four, four and two columns at a time.
#define EXP_ALL(d, e) \
	EXP4(0(d), 0(e), 32(d), 32(e), 64(d), 64(e), 96(d), 96(e)); \
	EXP4(128(d), 128(e), 160(d), 160(e), 192(d), 192(e), 224(d), 224(e)); \
	EXP2(256(d), 256(e), 288(d), 288(e))

// MUL_ALL(b, q) computes the columns Y0..Y9 = q·v[j], v[j] at 32·j(b).
#define MUL_ALL(b, q) \
	VMULPS 0(b), q, Y0; \
	VMULPS 32(b), q, Y1; \
	VMULPS 64(b), q, Y2; \
	VMULPS 96(b), q, Y3; \
	VMULPS 128(b), q, Y4; \
	VMULPS 160(b), q, Y5; \
	VMULPS 192(b), q, Y6; \
	VMULPS 224(b), q, Y7; \
	VMULPS 256(b), q, Y8; \
	VMULPS 288(b), q, Y9

// PICK_LABEL gathers x[l] of the 8 rows of the block at SI, with the labels
// at BX, into Y11 (lane r = the float at 40·r + 4·labels[r] bytes into the
// block), with scalar loads: the driver has checked every label is in
// [0, 10), so each load stays in its row. Uses AX and X12.
#define PICK_LABEL \
	MOVL    0(BX), AX; \
	VMOVD   0(SI)(AX*4), X11; \
	MOVL    4(BX), AX; \
	VPINSRD $1, 40(SI)(AX*4), X11, X11; \
	MOVL    8(BX), AX; \
	VPINSRD $2, 80(SI)(AX*4), X11, X11; \
	MOVL    12(BX), AX; \
	VPINSRD $3, 120(SI)(AX*4), X11, X11; \
	MOVL    16(BX), AX; \
	VMOVD   160(SI)(AX*4), X12; \
	MOVL    20(BX), AX; \
	VPINSRD $1, 200(SI)(AX*4), X12, X12; \
	MOVL    24(BX), AX; \
	VPINSRD $2, 240(SI)(AX*4), X12, X12; \
	MOVL    28(BX), AX; \
	VPINSRD $3, 280(SI)(AX*4), X12, X12; \
	VINSERTF128 $1, X12, Y11, Y11

// SUB_LABEL(loff, goff) does g[l] = g[l] - scale for the row whose label is
// at loff(BX) and whose gradient row is at goff(DI), with scale in X13. The
// row was just stored; the element is reloaded (store forwarding) and
// rewritten. This scalar fix-up costs 4 instructions per row, one of them
// arithmetic, where a vertical VPCMPEQD/VANDPS/VSUBPS per column would cost
// 30 per block.
#define SUB_LABEL(loff, goff) \
	MOVL   loff(BX), AX; \
	VMOVSS goff(DI)(AX*4), X12; \
	VSUBSS X13, X12, X12; \
	VMOVSS X12, goff(DI)(AX*4)

// SUB_LABELS applies SUB_LABEL to the 8 rows of the block.
#define SUB_LABELS \
	VMOVSS scale+32(FP), X13; \
	SUB_LABEL(0, 0); \
	SUB_LABEL(4, 40); \
	SUB_LABEL(8, 80); \
	SUB_LABEL(12, 120); \
	SUB_LABEL(16, 160); \
	SUB_LABEL(20, 200); \
	SUB_LABEL(24, 240); \
	SUB_LABEL(28, 280)

// ACCUMULATE(L, XL) stores the 8 float32 losses in L (lane k = row k, XL
// its low half) to losses at DX when DX is not nil (advancing DX), and adds
// them as float64 to acc[k] at R8: acc[0..3] += float64(L[0..3]),
// acc[4..7] += float64(L[4..7]). Every YMM register is busy in the
// exponential pass, so the two accumulators live in *acc (in L1; the chain
// through memory costs a few cycles per block). Uses Y12, Y13.
#define ACCUMULATE(L, XL, skip) \
	TESTQ   DX, DX; \
	JZ      skip; \
	VMOVUPS L, (DX); \
	ADDQ    $32, DX; \
skip: \
	VCVTPS2PD XL, Y12; \
	VEXTRACTF128 $1, L, X13; \
	VCVTPS2PD X13, Y13; \
	VADDPD  0(R8), Y12, Y12; \
	VADDPD  32(R8), Y13, Y13; \
	VMOVUPD Y12, 0(R8); \
	VMOVUPD Y13, 32(R8)

// TD(off, D, R) computes td[j] = (t[j] != 0) ? t[j]·d[j] : 0 into R, with
// t[j] at off(R11) and d[j] in D: the product, then an AND with the mask
// t[j] != 0 (predicate NEQ_UQ, true for NaN as Go's != is), so that a term
// with t[j] = ±0 is +0 even when d[j] is -Inf or NaN. Uses Y15.
#define TD(off, D, R) \
	VMOVUPS off(R11), R; \
	VCMPPS  $4, zero<>(SB), R, Y15; \
	VMULPS  D, R, R; \
	VANDPS  Y15, R, R

// D_TREE computes D = sum10(td) into Y11 from d[j] in Y0..Y9 and t[j] at
// 32·j(R11). Uses Y12..Y15.
#define D_TREE \
	TD(0, Y0, Y11); \
	TD(32, Y1, Y12); \
	VADDPS Y12, Y11, Y11; \
	TD(64, Y2, Y12); \
	TD(96, Y3, Y13); \
	VADDPS Y13, Y12, Y12; \
	VADDPS Y12, Y11, Y11; \
	TD(128, Y4, Y12); \
	TD(160, Y5, Y13); \
	VADDPS Y13, Y12, Y12; \
	TD(192, Y6, Y13); \
	TD(224, Y7, Y14); \
	VADDPS Y14, Y13, Y13; \
	VADDPS Y13, Y12, Y12; \
	VADDPS Y12, Y11, Y11; \
	TD(256, Y8, Y12); \
	TD(288, Y9, Y13); \
	VADDPS Y13, Y12, Y12; \
	VADDPS Y12, Y11, Y11

// TG(Y, off) computes g[j] = float32(e[j]·qt) - float32(t[j]·scale) into Y,
// with e[j] at 320+off(R11), t[j] at off(R11), qt in Y12, scale in Y13.
// Uses Y14.
#define TG(Y, off) \
	VMULPS (320+off)(R11), Y12, Y; \
	VMULPS off(R11), Y13, Y14; \
	VSUBPS Y14, Y, Y

// CHUNK is the number of 8-row blocks of each pass. Each function works on
// chunks of CHUNK blocks (the last may be shorter), in passes over the
// chunk: the first computes the exponentials and row sums of every block
// and keeps them in the stack frame; the second takes the logarithms, four
// blocks at a time; the third divides and writes the outputs. A block in
// one pass would be a single chain of dependent operations (transpose, max,
// exp, sum, log, divide, scale, transpose) longer than the out-of-order
// window, which could not overlap it with the next block: llvm-mca
// (cascadelake) simulates 360 cycles per block that way, against about 250
// in passes. Within each pass the blocks, and the interleaved columns, are
// independent. The frames (up to 6 KB) exceed the limit of NOSPLIT
// functions, so the functions have the usual stack-growth prologue; they
// call nothing and keep no pointers in their frames.
#define CHUNK 8

// NEXT_CHUNK(done) sets R9 = min(CX, CHUNK), the blocks of the next chunk,
// and CX -= R9; it jumps to done when no block is left. It points R11 at
// the frame and sets R10 = R9.
#define NEXT_CHUNK(done) \
	TESTQ   CX, CX; \
	JZ      done; \
	MOVQ    $CHUNK, R9; \
	CMPQ    CX, R9; \
	CMOVQLT CX, R9; \
	SUBQ    R9, CX; \
	MOVQ    R9, R10; \
	MOVQ    SP, R11

// func xentLabelsAVX2(grad, logits *float32, labels *int32, blocks int, scale float32, losses *float32, acc *[8]float64)
//
// xentLabelsGeneric for 8·blocks rows. grad and losses may be nil.
//
// Registers:
//	SI = logits, DI = grad (nil: loss only), BX = labels, DX = losses (or nil),
//	R8 = acc, CX = blocks after this chunk, R9 = blocks in this chunk,
//	R10 = blocks left in this pass, R11 = this block's record in the frame,
//	R12 = the labels of this chunk, AX = a label.
//	Pass 1: Y0..Y9 = the columns x[j], then d[j]; Y10 = m; Y11 = x[l],
//	        then d[l]; then the registers of EXP4 and SUM10M.
//	Pass 2: the registers of LOG4; Y3, Y7, Y11, Y15 = the losses of four
//	        blocks.
//	Pass 3: Y11 = q; Y0..Y9 = g[j].
// Frame (3328 = CHUNK·416 bytes): one 416-byte record per block of the
// chunk: d[j], then e[j], at 32·j; s at 320; d[l] at 352; k·ln2hi at 384.
TEXT ·xentLabelsAVX2(SB), 0, $3328-56
	MOVQ grad+0(FP), DI
	MOVQ logits+8(FP), SI
	MOVQ labels+16(FP), BX
	MOVQ blocks+24(FP), CX
	MOVQ losses+40(FP), DX
	MOVQ acc+48(FP), R8

labelsChunk:
	NEXT_CHUNK(labelsDone)
	MOVQ BX, R12

labelsExpLoop:
	// Pass 1. d[l] = x[l] - m; d[j] = x[j] - m; e[j] = exp(d[j]);
	// s = sum10(e).
	TRANSPOSE_IN(SI)
	PICK_LABEL
	MAX10
	VSUBPS  Y10, Y11, Y11
	VMOVUPS Y11, 352(R11)
	D_ALL(R11)
	EXP_ALL(R11, R11)
	SUM10M(R11, Y10)
	VMOVUPS Y10, 320(R11)
	ADDQ    $320, SI
	ADDQ    $32, BX
	ADDQ    $416, R11
	DECQ    R10
	JNZ     labelsExpLoop

	// Pass 2. loss = log32(s) - d[l], four blocks at a time;
	// losses[i] = loss; acc[i%8] += float64(loss).
	MOVQ R9, R10
	MOVQ SP, R11

labelsLogLoop:
	CMPQ R10, $4
	JLT  labelsLogLast
	LOG4(320(R11), 384(R11), 736(R11), 800(R11), 1152(R11), 1216(R11), 1568(R11), 1632(R11))
	VSUBPS 352(R11), Y3, Y3
	VSUBPS 768(R11), Y7, Y7
	VSUBPS 1184(R11), Y11, Y11
	VSUBPS 1600(R11), Y15, Y15
	ACCUMULATE(Y3, X3, labelsLoss0)
	ACCUMULATE(Y7, X7, labelsLoss1)
	ACCUMULATE(Y11, X11, labelsLoss2)
	ACCUMULATE(Y15, X15, labelsLoss3)
	ADDQ $1664, R11
	SUBQ $4, R10
	JMP  labelsLogLoop

labelsLogLast:
	TESTQ R10, R10
	JZ    labelsGrad
	LOG1(320(R11), 384(R11))
	VSUBPS 352(R11), Y3, Y3
	ACCUMULATE(Y3, X3, labelsLoss4)
	ADDQ $416, R11
	DECQ R10
	JMP  labelsLogLast

labelsGrad:
	// Pass 3 (with a gradient). q = scale / s (IEEE division);
	// g[j] = e[j]·q, stored as rows; then g[l] = g[l] - scale.
	TESTQ DI, DI
	JZ    labelsChunk
	MOVQ  R9, R10
	MOVQ  SP, R11
	MOVQ  R12, BX

labelsGradLoop:
	VBROADCASTSS scale+32(FP), Y11
	VDIVPS       320(R11), Y11, Y11
	MUL_ALL(R11, Y11)
	TRANSPOSE_OUT(DI)
	SUB_LABELS
	ADDQ $320, DI
	ADDQ $32, BX
	ADDQ $416, R11
	DECQ R10
	JNZ  labelsGradLoop
	JMP  labelsChunk

labelsDone:
	VZEROUPPER
	RET

// func xentTargetsAVX2(grad, logits, targets *float32, blocks int, scale float32, losses *float32, acc *[8]float64)
//
// xentTargetsGeneric for 8·blocks rows. grad and losses may be nil.
//
// Registers:
//	SI = logits, DI = grad (nil: loss only), BX = targets, DX = losses
//	(or nil), R8 = acc, CX = blocks after this chunk, R9 = blocks in this
//	chunk, R10 = blocks left in this pass, R11 = this block's record, R13 =
//	its e[j] (R11+320).
//	Pass 1: Y0..Y9 = the columns t[j], then x[j], d[j]; Y10 = T, then m;
//	        Y11 = D; then the registers of EXP4 and SUM10M.
//	Pass 2: the registers of LOG4; Y3, Y7, Y11, Y15 = the losses of four
//	        blocks.
//	Pass 3: Y12 = q, then qt = q·T; Y13 = scale; Y0..Y9 = g[j].
// Frame (6144 = CHUNK·768 bytes): one 768-byte record per block: t[j] at
// 32·j; d[j], then e[j], at 320+32·j; s at 640; T at 672; D at 704;
// k·ln2hi at 736.
TEXT ·xentTargetsAVX2(SB), 0, $6144-56
	MOVQ grad+0(FP), DI
	MOVQ logits+8(FP), SI
	MOVQ targets+16(FP), BX
	MOVQ blocks+24(FP), CX
	MOVQ losses+40(FP), DX
	MOVQ acc+48(FP), R8

targetsChunk:
	NEXT_CHUNK(targetsDone)

targetsExpLoop:
	// Pass 1. The columns t[j] and T = sum10(t); d[j] = x[j] - m;
	// D = sum10(td); e[j] = exp(d[j]); s = sum10(e).
	TRANSPOSE_IN(BX)
	VMOVUPS Y0, 0(R11)
	VMOVUPS Y1, 32(R11)
	VMOVUPS Y2, 64(R11)
	VMOVUPS Y3, 96(R11)
	VMOVUPS Y4, 128(R11)
	VMOVUPS Y5, 160(R11)
	VMOVUPS Y6, 192(R11)
	VMOVUPS Y7, 224(R11)
	VMOVUPS Y8, 256(R11)
	VMOVUPS Y9, 288(R11)
	SUM10(Y10)
	VMOVUPS Y10, 672(R11)
	TRANSPOSE_IN(SI)
	MAX10
	LEAQ    320(R11), R13
	D_ALL(R13)
	D_TREE
	VMOVUPS Y11, 704(R11)
	EXP_ALL(R13, R13)
	SUM10M(R13, Y10)
	VMOVUPS Y10, 640(R11)
	ADDQ    $320, SI
	ADDQ    $320, BX
	ADDQ    $768, R11
	DECQ    R10
	JNZ     targetsExpLoop

	// Pass 2. loss = log32(s)·T - D, four blocks at a time;
	// losses[i] = loss; acc[i%8] += float64(loss).
	MOVQ R9, R10
	MOVQ SP, R11

targetsLogLoop:
	CMPQ R10, $4
	JLT  targetsLogLast
	LOG4(640(R11), 736(R11), 1408(R11), 1504(R11), 2176(R11), 2272(R11), 2944(R11), 3040(R11))
	VMULPS 672(R11), Y3, Y3
	VSUBPS 704(R11), Y3, Y3
	VMULPS 1440(R11), Y7, Y7
	VSUBPS 1472(R11), Y7, Y7
	VMULPS 2208(R11), Y11, Y11
	VSUBPS 2240(R11), Y11, Y11
	VMULPS 2976(R11), Y15, Y15
	VSUBPS 3008(R11), Y15, Y15
	ACCUMULATE(Y3, X3, targetsLoss0)
	ACCUMULATE(Y7, X7, targetsLoss1)
	ACCUMULATE(Y11, X11, targetsLoss2)
	ACCUMULATE(Y15, X15, targetsLoss3)
	ADDQ $3072, R11
	SUBQ $4, R10
	JMP  targetsLogLoop

targetsLogLast:
	TESTQ R10, R10
	JZ    targetsGrad
	LOG1(640(R11), 736(R11))
	VMULPS 672(R11), Y3, Y3
	VSUBPS 704(R11), Y3, Y3
	ACCUMULATE(Y3, X3, targetsLoss4)
	ADDQ $768, R11
	DECQ R10
	JMP  targetsLogLast

targetsGrad:
	// Pass 3 (with a gradient). q = scale / s; qt = q·T;
	// g[j] = e[j]·qt - t[j]·scale, stored as rows.
	TESTQ DI, DI
	JZ    targetsChunk
	MOVQ  R9, R10
	MOVQ  SP, R11

targetsGradLoop:
	VBROADCASTSS scale+32(FP), Y13
	VDIVPS       640(R11), Y13, Y12
	VMULPS       672(R11), Y12, Y12
	TG(Y0, 0)
	TG(Y1, 32)
	TG(Y2, 64)
	TG(Y3, 96)
	TG(Y4, 128)
	TG(Y5, 160)
	TG(Y6, 192)
	TG(Y7, 224)
	TG(Y8, 256)
	TG(Y9, 288)
	TRANSPOSE_OUT(DI)
	ADDQ $320, DI
	ADDQ $768, R11
	DECQ R10
	JNZ  targetsGradLoop
	JMP  targetsChunk

targetsDone:
	VZEROUPPER
	RET

// func softmaxAVX2(dst, logits *float32, blocks int)
//
// softmaxGeneric for 8·blocks rows: y[j] = e[j]·(1/s).
//
// Registers:
//	SI = logits, DI = dst, CX = blocks after this chunk, R9 = blocks in this
//	chunk, R10 = blocks left in this pass, R11 = this block's record.
//	Pass 1: Y0..Y9 = the columns x[j], then d[j]; Y10 = m; then the
//	        registers of EXP4 and SUM10M.
//	Pass 2: Y11 = q = 1/s; Y0..Y9 = y[j].
// Frame (2816 = CHUNK·352 bytes): one 352-byte record per block: d[j], then
// e[j], at 32·j; s at 320.
TEXT ·softmaxAVX2(SB), 0, $2816-24
	MOVQ dst+0(FP), DI
	MOVQ logits+8(FP), SI
	MOVQ blocks+16(FP), CX

softmaxChunk:
	NEXT_CHUNK(softmaxDone)

softmaxExpLoop:
	// Pass 1. d[j] = x[j] - m; e[j] = exp(d[j]); s = sum10(e).
	TRANSPOSE_IN(SI)
	MAX10
	D_ALL(R11)
	EXP_ALL(R11, R11)
	SUM10M(R11, Y10)
	VMOVUPS Y10, 320(R11)
	ADDQ    $320, SI
	ADDQ    $352, R11
	DECQ    R10
	JNZ     softmaxExpLoop

	// Pass 2. q = 1 / s; y[j] = e[j]·q, stored as rows.
	MOVQ R9, R10
	MOVQ SP, R11

softmaxOutLoop:
	VMOVUPS one<>(SB), Y11
	VDIVPS  320(R11), Y11, Y11
	MUL_ALL(R11, Y11)
	TRANSPOSE_OUT(DI)
	ADDQ $320, DI
	ADDQ $352, R11
	DECQ R10
	JNZ  softmaxOutLoop
	JMP  softmaxChunk

softmaxDone:
	VZEROUPPER
	RET

// func logSoftmaxAVX2(dst, logits *float32, blocks int)
//
// logSoftmaxGeneric for 8·blocks rows: y[j] = d[j] - log32(s).
//
// Registers:
//	SI = logits, DI = dst, CX = blocks after this chunk, R9 = blocks in this
//	chunk, R10 = blocks left in this pass, R11 = this block's record, R13 =
//	its e[j] (R11+384).
//	Pass 1: Y0..Y9 = the columns x[j], then d[j]; Y10 = m; then the
//	        registers of EXP4 and SUM10M.
//	Pass 2: the registers of LOG4.
//	Pass 3: Y11 = log32(s); Y0..Y9 = y[j].
// Frame (5632 = CHUNK·704 bytes): one 704-byte record per block: d[j] at
// 32·j; s at 320, then log32(s) at 352; e[j] at 384+32·j (then k·ln2hi at
// 384).
TEXT ·logSoftmaxAVX2(SB), 0, $5632-24
	MOVQ dst+0(FP), DI
	MOVQ logits+8(FP), SI
	MOVQ blocks+16(FP), CX

logSoftmaxChunk:
	NEXT_CHUNK(logSoftmaxDone)

logSoftmaxExpLoop:
	// Pass 1. d[j] = x[j] - m; e[j] = exp(d[j]); s = sum10(e).
	TRANSPOSE_IN(SI)
	MAX10
	D_ALL(R11)
	LEAQ    384(R11), R13
	EXP_ALL(R11, R13)
	SUM10M(R13, Y10)
	VMOVUPS Y10, 320(R11)
	ADDQ    $320, SI
	ADDQ    $704, R11
	DECQ    R10
	JNZ     logSoftmaxExpLoop

	// Pass 2. log32(s), four blocks at a time.
	MOVQ R9, R10
	MOVQ SP, R11

logSoftmaxLogLoop:
	CMPQ R10, $4
	JLT  logSoftmaxLogLast
	LOG4(320(R11), 384(R11), 1024(R11), 1088(R11), 1728(R11), 1792(R11), 2432(R11), 2496(R11))
	VMOVUPS Y3, 352(R11)
	VMOVUPS Y7, 1056(R11)
	VMOVUPS Y11, 1760(R11)
	VMOVUPS Y15, 2464(R11)
	ADDQ $2816, R11
	SUBQ $4, R10
	JMP  logSoftmaxLogLoop

logSoftmaxLogLast:
	TESTQ R10, R10
	JZ    logSoftmaxOut
	LOG1(320(R11), 384(R11))
	VMOVUPS Y3, 352(R11)
	ADDQ $704, R11
	DECQ R10
	JMP  logSoftmaxLogLast

logSoftmaxOut:
	// Pass 3. y[j] = d[j] - log32(s), stored as rows.
	MOVQ R9, R10
	MOVQ SP, R11

logSoftmaxOutLoop:
	VMOVUPS 352(R11), Y11
	VMOVUPS 0(R11), Y0
	VSUBPS  Y11, Y0, Y0
	VMOVUPS 32(R11), Y1
	VSUBPS  Y11, Y1, Y1
	VMOVUPS 64(R11), Y2
	VSUBPS  Y11, Y2, Y2
	VMOVUPS 96(R11), Y3
	VSUBPS  Y11, Y3, Y3
	VMOVUPS 128(R11), Y4
	VSUBPS  Y11, Y4, Y4
	VMOVUPS 160(R11), Y5
	VSUBPS  Y11, Y5, Y5
	VMOVUPS 192(R11), Y6
	VSUBPS  Y11, Y6, Y6
	VMOVUPS 224(R11), Y7
	VSUBPS  Y11, Y7, Y7
	VMOVUPS 256(R11), Y8
	VSUBPS  Y11, Y8, Y8
	VMOVUPS 288(R11), Y9
	VSUBPS  Y11, Y9, Y9
	TRANSPOSE_OUT(DI)
	ADDQ $320, DI
	ADDQ $704, R11
	DECQ R10
	JNZ  logSoftmaxOutLoop
	JMP  logSoftmaxChunk

logSoftmaxDone:
	VZEROUPPER
	RET
