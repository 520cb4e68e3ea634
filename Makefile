# union-conformance: make conformance [TARGET=...] [FORMAT=tap] | make test
SHELL := /bin/bash
TARGET ?= reference
FORMAT ?= text
ARGS ?=
CLI := harness/bin/union-conformance

.PHONY: conformance test deps typecheck record compare bench install uninstall

deps:
	@harness/bin/ensure-deps '$(TARGET)'

conformance: deps
	@$(CLI) --target '$(TARGET)' $(if $(filter tap,$(FORMAT)),--tap) $(ARGS)

# Writes each case's actual transcript under results/runs/<target>/ for review (never into golden/).
record: deps
	@$(CLI) --target '$(TARGET)' --record 'results/runs/$(TARGET)' $(ARGS) || true

TARGETS ?= reference overlayfs overlayfs:redirect_dir=on,index=on fuse-overlayfs unionfs-fuse plain overlayfs:userxattr reference:userxattr aufs recorded:uml:aufs recorded:uml:reference
# Runs every target in TARGETS (recorded:T: the run recorded under results/T/ before, not run again;
# uml:aufs takes about an hour), records each under results/<target>/, writes results/compare.md,
# compare.json, compare.html and the README's picture of it (compare.png).
# Without the spec's words: results/ is committed, the spec is not ours.
compare: deps
	@env -u SPEC $(CLI) --compare $(ARGS) $(TARGETS)
	@node --import tsx harness/html/picture.ts results

.PHONY: explain
# make explain CASE=copyup/chmod/lower-file [TARGET=overlayfs]: the case, its golden transcript and
# a bash script that reproduces it on TARGET without the harness (the spec's words where SPEC is).
explain: deps
	@SPEC='$(abspath $(SPEC))' $(CLI) --target '$(TARGET)' --explain '$(CASE)'

typecheck: deps
	@npx tsc --noEmit -p .

# SPEC: the 2010 union-mounts spec, for the test of the headings cases cite (skipped, saying so, where it is not).
SPEC ?= ../shared/spec/union-mounts.txt
test: deps
	@npx tsc --noEmit -p .
	@SPEC='$(abspath $(SPEC))' npx tap

.PHONY: spec-coverage
spec-coverage: deps
	@node --import tsx harness/spec-coverage.ts

.PHONY: bench-suite
# Times the whole suite per target (BENCH_TARGETS="overlayfs reference fuse-overlayfs" by default), BENCH_RUNS times each (3).
bench-suite: deps
	@node --import tsx harness/bench-suite.ts $(BENCH_TARGETS)

# The User-Mode Linux devkit (TARGET=uml...): a Debian root under .devkit/ (built once, about a minute,
# by devkit/build.ts as part of the uml target's deps), and a guest kept up between runs (a run boots
# and halts its own when none is up).
.PHONY: devkit devkit-up devkit-down
devkit:
	@harness/bin/ensure-deps uml

devkit-up: deps devkit
	@node --import tsx devkit/uml.ts up

devkit-down: deps
	@node --import tsx devkit/uml.ts down

# The UML kernel with aufs for TARGET=uml:aufs (opt-in, not part of make test): Debian's
# linux-source-6.1 and the aufs6.1 standalone patches from AUFS_SRC (default
# ../shared/vendor/aufs6.1-standalone.tar.gz, or a clone), cached as .devkit/aufs/linux.
.PHONY: devkit-aufs
devkit-aufs: deps devkit
	@$(if $(AUFS_SRC),AUFS_SRC='$(abspath $(AUFS_SRC))') node --import tsx devkit/aufs-kernel.ts

# The reference against fuse-overlayfs and kernel overlayfs (reference/bench/).
bench: deps
	@$(MAKE) -s -C reference bench

# unionref on PATH and as the mount helper for `mount -t fuse.unionref`.
install uninstall:
	@$(MAKE) -s -C reference $@

# Differential fuzzing (harness/fuzz/): random programs on random layers, every pair of TARGETS
# compared through the deviation model; findings shrunk into suite/found/.
# make fuzz TARGETS="reference overlayfs" [SEED=n] [RUNS=n | TIME=s] [REPLAY=path]
.PHONY: fuzz bench-fuzz
fuzz: deps
	@node --import tsx harness/fuzz/cli.ts --targets '$(if $(filter command line environment,$(origin TARGETS)),$(TARGETS),reference overlayfs)' \
		$(if $(SEED),--seed '$(SEED)') $(if $(RUNS),--runs '$(RUNS)') $(if $(TIME),--time '$(TIME)') $(if $(REPLAY),--replay '$(REPLAY)') $(ARGS)

# Programs per second against the suite's cases per second on the same targets, in one run.
bench-fuzz: deps
	@node --import tsx harness/fuzz/bench.ts $(if $(BENCH_TARGETS),$(BENCH_TARGETS),reference overlayfs)
