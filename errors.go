// Copyright 2026 The xentropy Authors. All rights reserved.
// Use of this source code is governed by a BSD-style license that can be
// found in the LICENSE file.

package kernel

import (
	"errors"
)

// Sentinel errors; every error returned by the package wraps one of them.
var (
	// ErrShape: the length of logits is not a multiple of the class count
	// (Classes, or Options.Classes).
	ErrShape = errors.New("kernel: logits length is not a multiple of the class count")
	// ErrLength: an output, label or target slice does not match the batch.
	ErrLength = errors.New("kernel: slice length does not match the batch")
	// ErrLabel: a label is outside [0, C) (C = Classes, or Options.Classes)
	// and is not the ignored label.
	ErrLabel = errors.New("kernel: label out of range")
	// ErrOverlap: an output slice overlaps an input other than exactly.
	ErrOverlap = errors.New("kernel: output overlaps an input")
	// ErrOption: an Options field is invalid.
	ErrOption = errors.New("kernel: invalid option")
	// ErrInternal: a worker goroutine panicked. It cannot happen on
	// validated input; it is reported rather than crashing the program.
	ErrInternal = errors.New("kernel: internal error")
	// ErrImplementation: Use was given a name this machine cannot run.
	ErrImplementation = errors.New("kernel: unknown or unsupported implementation")
)
