// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

//go:build race

package kernel

// Under the race detector sync.Pool drops a share of the values put into
// it, on purpose, so the parallel path allocates now and then.
func init() { raceEnabled = true }
