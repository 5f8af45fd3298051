# The two commands of the README: `make bench` (the side-by-side benchmark
# report) and `make test` (everything CI runs). Targets only need Go; the
# emulated CPU tiers need qemu-user (Debian: qemu-user-static) and are
# skipped with a SKIP line when it is missing, unless REQUIRE_TOOLS=1 (as
# in CI). The NEON WORD encodings are checked with GNU binutils for aarch64
# (Debian: binutils-aarch64-linux-gnu) in the same way.

GO        ?= go
FUZZTIME  ?= 1m
FUZZMINIMIZETIME ?= 5s
COUNT     ?= 10
BENCH     ?= CrossEntropy$$
BENCHTIME ?= 1s
# benchstat runs the benchmarks with GOMAXPROCS 1 (-cpu 1): one goroutine,
# as the README's tables state; BENCHCPU=1,2 adds a column per value.
BENCHCPU  ?= 1
BASE      ?=
BENCHFLAGS ?=
PYTHON    ?= /usr/bin/python3

# Each module is built on its own, as its users build it; go.work is for
# development only.
export GOWORK := off

# The implementation each emulated CPU must select. The assembly paths set
# these; a mismatch fails TestExpectImplementation.
EXPECT_HASWELL ?= avx2
EXPECT_NEHALEM ?= generic
EXPECT_ARM64   ?= neon

# CPU models without the features qemu-user cannot emulate (it warns about them).
HASWELL := Haswell,-pcid,-x2apic,-tsc-deadline,-hle,-rtm,-invpcid
NEHALEM := Nehalem

QEMU_X86   := $(shell command -v qemu-x86_64-static || command -v qemu-x86_64)
QEMU_ARM64 := $(shell command -v qemu-aarch64-static || command -v qemu-aarch64)

# Modules besides the root: the benchmark program and the examples keep
# their heavier requirements (plotting, data sets) out of the root go.mod.
SUBMODULES := $(dir $(wildcard bench/go.mod examples/*/go.mod))

.PHONY: test vet unit avx512 race purego amd64v3 qemu qemu-amd64 qemu-arm64 submodules \
	bench bench-peers benchstat fuzz golden pytorch-golden mnist gocode neon-words generate generated

test: vet generated neon-words avx512 unit race purego amd64v3 qemu submodules
	@echo "make test: all passed"

# The assembly and its Go declarations are generated from kernel_generic.go
# by the module in _asm (avo for amd64, a Go emitter for NEON). generate
# rewrites them; generated (part of make test) fails while a checked-in
# file differs from what the generator emits, and runs the generator's own
# tests (every NEON word decoded back to its mnemonic, determinism).
generate:
	cd _asm && $(GO) run .

generated:
	@echo "== generated: the assembly is what _asm emits from kernel_generic.go"
	cd _asm && $(GO) vet ./... && $(GO) test -count=1 ./...

vet:
	$(GO) vet ./...
	GOARCH=amd64 $(GO) vet ./...
	GOARCH=amd64 $(GO) vet -tags purego ./...
	GOARCH=arm64 $(GO) vet ./...
	GOARCH=arm64 $(GO) vet -tags purego ./...
	GOARCH=riscv64 $(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt needed"; exit 1; }

# The avx512 tier runs natively where the CPU has AVX-512 (QEMU cannot
# emulate it): the unit tests below test it like every implementation.
# Elsewhere TestAVX512 prints a SKIP line; REQUIRE_AVX512=1 (CI, on a CPU
# that lists avx512f) turns it into a failure.
avx512:
	@echo "== avx512: is the avx512 tier detected and run natively here?"
	REQUIRE_AVX512=$(REQUIRE_AVX512) $(GO) test -count=1 -v -run '^TestAVX512$$' .

unit:
	$(GO) test -count=1 ./...

race:
	$(GO) test -count=1 -race -short ./...

purego:
	$(GO) test -count=1 -tags purego ./...

# The compiler may fuse multiply-adds at GOAMD64=v3; the generic code must
# not change (TestGolden compares with testdata/golden.txt).
amd64v3:
	GOAMD64=v3 $(GO) test -count=1 -run 'Golden|Reference|Agree|Seed' ./...

qemu: qemu-amd64 qemu-arm64

# Dispatch is real: under an emulated Haswell the AVX2 path must be chosen
# and pass; under Nehalem (no AVX) the generic one.
qemu-amd64:
	@echo "== qemu-amd64: the amd64 test binary under emulated CPUs: Haswell must choose $(EXPECT_HASWELL), Nehalem $(EXPECT_NEHALEM)"
ifeq ($(QEMU_X86),)
	@echo "SKIP qemu-amd64: qemu-x86_64 not installed (apt-get install qemu-user-static)"
	@test "$(REQUIRE_TOOLS)" != 1 || { echo "REQUIRE_TOOLS=1: refusing to skip"; exit 1; }
else
	$(GO) test -c -o .qemu-amd64.test .
	KERNEL_EXPECT_IMPL=$(EXPECT_HASWELL) $(QEMU_X86) -cpu $(HASWELL) ./.qemu-amd64.test -test.short -test.count=1
	KERNEL_EXPECT_IMPL=$(EXPECT_NEHALEM) $(QEMU_X86) -cpu $(NEHALEM) ./.qemu-amd64.test -test.short -test.count=1
	rm -f .qemu-amd64.test
endif

qemu-arm64:
	@echo "== qemu-arm64: the arm64 suite under qemu-aarch64 must choose $(EXPECT_ARM64); then purego"
ifeq ($(QEMU_ARM64),)
	@echo "SKIP qemu-arm64: qemu-aarch64 not installed (apt-get install qemu-user-static)"
	@test "$(REQUIRE_TOOLS)" != 1 || { echo "REQUIRE_TOOLS=1: refusing to skip"; exit 1; }
else
	KERNEL_EXPECT_IMPL=$(EXPECT_ARM64) GOARCH=arm64 $(GO) test -count=1 -short -exec $(QEMU_ARM64) .
	GOARCH=arm64 $(GO) test -count=1 -short -tags purego -exec $(QEMU_ARM64) -run 'Golden|Reference|Agree' .
endif

# Every WORD of kernel_arm64.s against the GNU mnemonic in its comment.
neon-words:
	@echo "== neon-words: every WORD of kernel_arm64.s against GNU as"
	@if command -v aarch64-linux-gnu-as >/dev/null; then \
		echo "internal/neonwords/check.sh kernel_arm64.s"; \
		internal/neonwords/check.sh kernel_arm64.s; \
	else \
		echo "SKIP neon-words: aarch64-linux-gnu-as not installed (apt-get install binutils-aarch64-linux-gnu)"; \
		test "$(REQUIRE_TOOLS)" != 1 || { echo "REQUIRE_TOOLS=1: refusing to skip"; exit 1; }; \
	fi

submodules:
	@for m in $(SUBMODULES); do \
		echo "== $$m"; \
		(cd $$m && for a in amd64 arm64 riscv64; do GOARCH=$$a $(GO) vet ./... || exit 1; done && \
			$(GO) test -count=1 -short ./...) || exit 1; \
	done

# The go test benchmarks, for benchstat: sub-benchmarks impl=<name>/n=<N>.
# With BASE (a commit), the test binaries of BASE and of the working tree
# run in turn, one -count at a time, so that a change in the machine's load
# falls on both.
benchstat:
ifeq ($(BASE),)
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -count $(COUNT) -cpu $(BENCHCPU) . | tee .bench-new.txt
	$(GO) tool benchstat -col /impl .bench-new.txt
else
	rm -rf .bench-base && git worktree add --detach .bench-base $(BASE)
	(cd .bench-base && $(GO) test -c -o ../.bench-old.test .)
	git worktree remove --force .bench-base
	$(GO) test -c -o .bench-new.test .
	rm -f .bench-old.txt .bench-new.txt
	for i in $$(seq $(COUNT)); do \
		./.bench-old.test -test.run '^$$' -test.bench '$(BENCH)' -test.benchtime $(BENCHTIME) -test.count 1 -test.cpu $(BENCHCPU) >> .bench-old.txt && \
		./.bench-new.test -test.run '^$$' -test.bench '$(BENCH)' -test.benchtime $(BENCHTIME) -test.count 1 -test.cpu $(BENCHCPU) >> .bench-new.txt || exit 1; \
	done
	$(GO) tool benchstat base=.bench-old.txt new=.bench-new.txt
endif

fuzz:
	@for f in $$($(GO) test -list '^Fuzz' . | grep '^Fuzz'); do \
		echo "== $$f ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $(FUZZFLAGS) . || exit 1; \
	done

# Rewrites testdata/pytorch_fused.json and testdata/pytorch_classes.json,
# PyTorch's results for the fused outputs, the z-loss and other class counts
# that TestPyTorchFused and TestPyTorchClasses check (python3 with torch
# and numpy: apt-get install python3-torch python3-numpy).
pytorch-golden:
	$(PYTHON) testdata/pytorch/fused.py testdata/pytorch_fused.json testdata/pytorch_classes.json

# Rewrites testdata/golden.txt from the generic code (after a deliberate
# change of the numerical contract only).
golden:
	$(GO) test -run Golden -update-golden .

# The side-by-side benchmark report (bench/, a module of its own): the table
# on stdout, bench/out/results.{json,md} and bench/out/chart.{svg,png}.
# BENCHFLAGS=-quick runs in under 30 s; BENCHFLAGS="-chart chart.svg -chart
# chart.png" also refreshes the chart the README shows.
bench:
	cd bench && $(GO) run . $(BENCHFLAGS)

# PyTorch and NumPy on the same data, then the report with their rows
# (Debian: apt-get install -y python3-torch python3-numpy; the scripts say
# so and exit cleanly when they are missing).
bench-peers:
	cd bench && $(PYTHON) peers/numpy_peer.py $(BENCHFLAGS)
	cd bench && $(PYTHON) peers/torch_peer.py $(BENCHFLAGS)
	cd bench && $(GO) run . -peers $(BENCHFLAGS)

# The end-to-end example: trains softmax regression and a 128-unit MLP on
# MNIST with the kernel as the loss, and plots test accuracy per epoch.
mnist:
	cd examples/mnist && $(GO) run . -model softmax,mlp -plot curves.png

# The next-token model of Go source: tokenizes GOROOT/src, trains with the
# kernel's cross-entropy over the vocabulary (micro-batches, Divisor,
# RowWeights), compares with n-gram baselines, decodes with TopK, and
# plots the perplexity per epoch.
gocode:
	cd examples/gocode && $(GO) run . -plot perplexity.png
