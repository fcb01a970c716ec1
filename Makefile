# SPDX-License-Identifier: GPL-2.0
# daxstress: `make` builds lib/, the workloads and the daxstress command;
# `make check` runs every test; `make run` runs the smoke suite in the pmem VM.
# Out-of-tree builds: make BUILD=build/asan SAN=address,undefined

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?=
CC      ?= gcc

PKGS    := liburing libpmem2 libndctl json-c inih blkid libtracefs mount libarchive
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	   -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation -D_GNU_SOURCE= -pthread \
	   $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -laio -pthread
ifneq ($(SAN),)
CFLAGS  += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SAN)
endif

# workloads/*.c are scenario definitions that register themselves, like the
# pin sources and breakers; workloads/main.c is the program around any one.
WL_SRCS  := $(filter-out workloads/main.c,$(wildcard workloads/*.c))
LIB_SRCS := $(sort $(wildcard lib/*/*.c) $(WL_SRCS))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBA     := $(BUILD)/libdaxstress.a
# Pin sources and breakers register themselves in linker sections, which
# nothing references by name: link every object of the archive.
WHOLE_LIBA := -Wl,--whole-archive $(LIBA) -Wl,--no-whole-archive

WORKLOAD_NAMES := pin-truncate $(notdir $(WL_SRCS:.c=))
WORKLOADS := $(WORKLOAD_NAMES:%=$(BUILD)/workloads/%)
RUNNER_SRCS := $(sort $(wildcard runner/*.c))
RUNNER_OBJS := $(RUNNER_SRCS:%.c=$(BUILD)/%.o)
DAXSTRESS := $(BUILD)/daxstress

# Standalone reproducers of the findings: libc only, no lib/ (docs/findings).
REPRODUCERS := $(patsubst reproducers/%.c,$(BUILD)/reproducers/%,$(wildcard reproducers/*.c))

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/*.c))

all: $(LIBA) $(WORKLOADS) $(DAXSTRESS) $(REPRODUCERS)

$(BUILD)/reproducers/%: reproducers/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -pthread -o $@ $<

# reflink-pin's copy-on-write mode is chosen by its name (the 6.1 variant).
all: $(BUILD)/reproducers/reflink-pin-cow
$(BUILD)/reproducers/reflink-pin-cow: $(BUILD)/reproducers/reflink-pin
	ln -sf reflink-pin $@

# reflink-cow-reuse's control (the clone read, not copied on write), by its name;
# reflink-read-both: the same blocks read through two files (6.1's other way to the warning).
all: $(BUILD)/reproducers/reflink-read-reuse $(BUILD)/reproducers/reflink-read-both
$(BUILD)/reproducers/reflink-read-reuse $(BUILD)/reproducers/reflink-read-both: \
		$(BUILD)/reproducers/reflink-cow-reuse
	ln -sf reflink-cow-reuse $@

$(BUILD)/%.o: %.c $(wildcard lib/*/*.h runner/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(WORKLOADS): $(BUILD)/workloads/%: workloads/main.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DWL_NAME='"$*"' $(LDFLAGS) -o $@ $< $(WHOLE_LIBA) $(LDLIBS)

$(DAXSTRESS): $(RUNNER_OBJS) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $(RUNNER_OBJS) $(WHOLE_LIBA) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(WHOLE_LIBA) $(LDLIBS) -lcmocka

# Helpers of the fault tests (tests/faults/), not tests themselves.
FAULT_HELPERS := $(patsubst tests/faults/%.c,$(BUILD)/faults/%,$(wildcard tests/faults/*.c))

$(BUILD)/faults/%: tests/faults/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

tests: $(UNIT_TESTS) $(FAULT_HELPERS)

# Targets that need the packages list deps alone and build in their recipe
# ($(MAKE) payload), so that `make -j` cannot compile before deps installed them.
deps:
	@sh scripts/deps.sh

# The project's own tests: unit tests, the planted-stall tests, the same
# under ASan+UBSan, and the VM test on the stock Debian kernel.
check: deps
	$(MAKE) all tests payload $(BUILD)/fuzz/fuzz_config $(BUILD)/fuzz/fuzz_cli
	$(MAKE) BUILD=$(BUILD)/asan SAN=address,undefined all tests
	$(MAKE) BUILD=$(BUILD)/tsan SAN=thread all
	TSAN_BUILD=$(BUILD)/tsan sh tests/run.sh $(BUILD) $(BUILD)/asan

# Every host test N times in both builds with load beside it (LOAD=hog: a
# busy loop per CPU; twin: a second copy; none), then a flake table.
N ?= 20
LOAD ?= hog
check-soak: deps
	$(MAKE) all tests
	$(MAKE) BUILD=$(BUILD)/asan SAN=address,undefined all tests
	N=$(N) LOAD=$(LOAD) BUILDS="$(BUILD) $(BUILD)/asan" sh tests/soak.sh

# The guest gets the installed tree; the launcher finds $(BUILD)/payload itself.
payload: all
	rm -rf $(BUILD)/payload
	$(MAKE) install DESTDIR=$(abspath $(BUILD))/payload PREFIX=/usr

run: deps
	$(MAKE) payload
	$(DAXSTRESS) vm --suite smoke --fs ext4,xfs

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/daxstress \
		$(DESTDIR)$(PREFIX)/share/daxstress/configs $(DESTDIR)$(PREFIX)/libexec/daxstress/vm
	install -m 755 $(DAXSTRESS) $(DESTDIR)$(PREFIX)/bin/daxstress
	install -m 755 $(WORKLOADS) $(DESTDIR)$(PREFIX)/libexec/daxstress/
	install -m 644 configs/*.conf configs/known-issues configs/kernels $(DESTDIR)$(PREFIX)/share/daxstress/configs/
	install -d $(DESTDIR)$(PREFIX)/share/daxstress/configs/fio
	install -m 644 configs/fio/*.fio $(DESTDIR)$(PREFIX)/share/daxstress/configs/fio/
	install -d $(DESTDIR)$(PREFIX)/share/daxstress/configs/virtiofsd
	install -m 644 configs/virtiofsd/*.patch $(DESTDIR)$(PREFIX)/share/daxstress/configs/virtiofsd/
	if [ -d runner/vm ]; then cp -r runner/vm/. $(DESTDIR)$(PREFIX)/libexec/daxstress/vm/; fi

clean:
	rm -rf $(BUILD)

.PHONY: all tests deps check check-soak run payload install clean
.SECONDARY:

# Coverage-guided fuzzing of the parsers (clang libFuzzer + ASan/UBSan).
# `make fuzz FUZZ_SECONDS=600` for a long run; make check runs a short pass.
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := fuzz_config fuzz_cli
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
FUZZ_LIB_SRCS := $(LIB_SRCS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS)
	@mkdir -p $(dir $@)
	clang -g -O1 -std=gnu11 -D_GNU_SOURCE= -fsanitize=fuzzer,address,undefined \
		$(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS) -laio -pthread

# Each target keeps its corpus in tests/fuzz/corpus-<target without fuzz_>
# (fuzz_config: tests/fuzz/corpus); new inputs go to $(BUILD)/fuzz/corpus-*.
fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD=$(BUILD) sh tests/fuzz/short.sh

.PHONY: fuzz

# The kselftest filesystems/dax inside Debian's 6.1, 6.12 and 7.3 trees
# (kselftest/README.md): build, install, gen_tar, run on the host and in the
# VM on each stock kernel, parse with the tree's kunit.py, checkpatch --strict.
kselftest-check: deps
	$(MAKE) payload
	BUILD=$(BUILD) sh tests/kselftest/check.sh

# The kselftest as a format-patch series against the 7.3 tree (kselftest/patches/).
kselftest-patches:
	bash kselftest/mkpatches.sh

# Our fstests test (fstests/) inside a real fstests ./check run in the VM on
# stock 6.1 (fails within its budget) and 6.12 (passes); and as a patch.
fstests-check: deps
	$(MAKE) payload
	BUILD=$(BUILD) bash fstests/vm-check.sh

fstests-patch:
	bash fstests/mkpatch.sh

# The kernel matrix (configs/kernels) against its expectations; builds the
# test kernels on first use (13-15 min each here), cached afterwards.
# RESUME=1 goes on with a matrix cut short (scripts/prove.sh).
prove: deps
	$(MAKE) payload
	BUILD=$(BUILD) sh scripts/prove.sh

# Test kernels of configs/kernels: build them all, or run the smoke suite on one
# (make kernel-smoke-build-6.1-gup-put-no-wake).
kernels: all
	runner/kbuild/matrix.sh --build all

kernel-smoke-%: payload
	$(DAXSTRESS) vm --kernel "$$(runner/kbuild/matrix.sh --spec $*)" --fs ext4,xfs --suite smoke

.PHONY: fuzz kselftest-check kselftest-patches fstests-check fstests-patch prove kernels

# Headless Chromium screenshot of an HTML summary (default results/latest/index.html).
HTML ?= results/latest/index.html
html-shot:
	sh scripts/html-shot.sh $(HTML)

.PHONY: html-shot

# The kernel's checkpatch.pl --strict over the C code (fetched once from
# Debian's linux-source into ~/.cache/daxstress/checkpatch; not part of check).
checkpatch:
	sh scripts/checkpatch.sh

.PHONY: checkpatch

# The fixes of docs/findings as git format-patch mails, made from Debian's
# kernel sources (fetched into ~/.cache/daxstress/kbuild; not part of check)
# and checked against them: docs/findings/patches/NAME/.
findings-patches:
	scripts/findings-patches.sh

.PHONY: findings-patches

# Benchmarks in the pmem VM (not part of check, 20-30 min under TCG):
# collision rates against the peer503 baseline, time to detection, overhead;
# writes docs/BENCHMARKS.md. BENCH_REPS=10 BENCH_SKIP=planted ... (scripts/bench.sh).
bench: deps
	$(MAKE) payload
	BUILD=$(BUILD) sh scripts/bench.sh

.PHONY: bench

# daxstress under LAVA (ci/lava/, docs/ci/LAVA.md), not part of check:
# lava-check runs one job through Debian's lava-run (lava-dispatcher, no
# server) against a local QEMU device and checks the results it recorded.
lava-check: deps
	$(MAKE) payload
	BUILD=$(BUILD) ci/lava/lava.sh check

.PHONY: lava-check

# The fan-out through a local lava-server with two workers (ci/lava/lava.sh
# matrix): installs and starts them, submits kernel x fs x shard jobs with
# lavacli, collects and merges the results, stops everything it started.
lava-matrix: deps
	$(MAKE) payload
	BUILD=$(BUILD) ci/lava/lava.sh matrix

.PHONY: lava-matrix

# virtiofs with a DAX window (daxstress vm --fs virtiofs): a Debian sid
# chroot with QEMU 11.1 and our patched virtiofsd, made once under
# ~/.cache/daxstress/virtiofs (2.3 GB, 25 min here under load; not part of
# check). make check runs tests/cli/virtiofs_opts.sh (no boot); the VM case
# (tests/virtiofs/short.sh, 93 s here) and the clean-up test run in virtiofs-check
# (Ctrl-C, guest panic, daemon crash: three boots).
virtiofs-prep:
	runner/vm/virtiofs-prep.sh

virtiofs-check: payload virtiofs-prep
	BUILD=$(BUILD) sh tests/virtiofs/short.sh
	BUILD=$(BUILD) sh tests/virtiofs/cleanup.sh

.PHONY: virtiofs-prep virtiofs-check
