// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build !amd64 || !gc || purego

package kernel

// l2Bytes is the L2 size above which a tuning's chunkFar applies: no tier
// outside amd64 has a tuning, so it is only a default.
const l2Bytes = 1 << 20
