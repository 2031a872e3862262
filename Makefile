# dumpable-kernel: a crash-dump lab for Linux on arm64 (Raspberry Pi 4), run under QEMU.
#
#   make demo    build everything, run case 1 (NULL dereference), show the dump
#   make test    unit tests, then end-to-end tests that boot the lab
#   make deps    install the Debian packages the lab needs (run by both)
#
# Outputs go to build/; the kernel build is cached in ~/.cache/dumpable-kernel.

# The build directory: ./dumpable passes its own (DUMPABLE_BUILD) as B=.
B ?= build
CROSS := aarch64-linux-gnu-
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror=implicit-function-declaration
INC := -Ikernel/src/include/uapi
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

P4NI9_SRC := tools/p4ni9/cases.c tools/p4ni9/cli.c
SAVE_SRC := tools/kdump-save/config.c tools/kdump-save/label.c tools/kdump-save/store.c \
	tools/kdump-save/durable.c tools/kdump-save/watchdog.c tools/kdump-save/net.c tools/common/kdumpfmt.c
HDRS := $(wildcard tools/*/*.h) kernel/src/include/uapi/linux/p4ni9.h

.PHONY: all demo test unit e2e deps host-tools target-tools kernel images clean help

all: target-tools host-tools

help:
	@sed -n '2,8s/^# \{0,1\}//p' Makefile

deps:
	@sh lab/deps

# Target tools: static, for arm64 (triage: see below).
target-tools: $(B)/arm64/p4ni9 $(B)/arm64/kdump-save $(B)/arm64/triage

$(B)/arm64/p4ni9: $(P4NI9_SRC) tools/p4ni9/main.c $(HDRS)
	@mkdir -p $(@D)
	$(CROSS)gcc $(CFLAGS) $(WARN) $(INC) -static -o $@ $(P4NI9_SRC) tools/p4ni9/main.c

$(B)/arm64/kdump-save: $(SAVE_SRC) tools/kdump-save/main.c $(HDRS)
	@mkdir -p $(@D)
	$(CROSS)gcc $(CFLAGS) $(WARN) -static -o $@ $(SAVE_SRC) tools/kdump-save/main.c

# Host tools: the lab runner, the case table, the dump check, triage.
host-tools: $(B)/host/p4ni9 $(B)/host/dumpcheck $(B)/host/triage $(B)/host/lab $(B)/host/kdump-save \
	$(B)/host/dump-collector

# The host end of kdump-save's network target (kdump.url=): libc only.
COLLECTOR_SRC := tools/collector/collector.c tools/common/kdumpfmt.c
$(B)/host/dump-collector: $(COLLECTOR_SRC) tools/collector/main.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ $(COLLECTOR_SRC) tools/collector/main.c

# kdump-save for the host: only for tests/unit/kdump-save-run (run by hand, never PID 1).
$(B)/host/kdump-save: $(SAVE_SRC) tools/kdump-save/main.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ $(SAVE_SRC) tools/kdump-save/main.c

$(B)/host/p4ni9: $(P4NI9_SRC) tools/p4ni9/main.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(INC) -o $@ $(P4NI9_SRC) tools/p4ni9/main.c

$(B)/host/dumpcheck: tools/dumpcheck/dumpcheck.c tools/common/kdumpfmt.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ tools/dumpcheck/dumpcheck.c tools/common/kdumpfmt.c

# The lab runner (tools/lab): QEMU, QMP, the console, the verdict; JSON with jansson.
LAB_PURE := tools/lab/classify.c tools/lab/events.c tools/lab/harvest.c tools/lab/spec.c tools/lab/typing.c \
	tools/lab/board.c tools/lab/util.c tools/common/how.c tools/common/kdumpfmt.c \
	tools/p4ni9/cases.c tools/kdump-save/net.c
LAB_SRC := $(LAB_PURE) tools/lab/boot.c tools/lab/watch.c tools/lab/qmp.c tools/lab/rpi4.c \
	tools/lab/prepare.c tools/lab/report.c tools/lab/run.c tools/lab/collect.c tools/lab/lava.c
LAB_LIBS := -ljansson -lm
LAB_INC := $(INC) -Itools -Itools/lab

$(B)/host/lab: $(LAB_SRC) tools/lab/main.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(LAB_INC) -o $@ $(LAB_SRC) tools/lab/main.c $(LAB_LIBS)

# triage: reads vmcores with libkdumpfile, vmlinux with libelf/libdw.
TRIAGE_SRC := tools/triage/analyze.c tools/triage/arch_arm64.c tools/triage/classify.c \
	tools/triage/dump.c tools/triage/err.c tools/triage/printk.c tools/triage/report.c \
	tools/triage/vmlinux.c tools/p4ni9/cases.c tools/common/kdumpfmt.c tools/common/how.c
TRIAGE_PC := libkdumpfile libdw libelf jansson
TRIAGE_CFLAGS = $(shell pkg-config --cflags $(TRIAGE_PC))
TRIAGE_LIBS = $(shell pkg-config --libs $(TRIAGE_PC))
TRIAGE_UNIT := $(B)/unit/test_triage $(B)/unit/test_triage-san

$(B)/host/triage: $(TRIAGE_SRC) tools/triage/main.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(INC) -Itools $(TRIAGE_CFLAGS) -o $@ $(TRIAGE_SRC) tools/triage/main.c $(TRIAGE_LIBS)

# triage for the target, linked against Debian 12's arm64 libkdumpfile, libdw
# and libelf, unpacked by lab/arm64-root into the cache. libkdumpfile ships no
# static archive, so this one is dynamic: lab/build-userland puts it in the
# main initramfs with its libraries. The sysroot's headers come after the
# cross compiler's own (-idirafter); its libraries are named by path.
ARM64_TRIPLET := aarch64-linux-gnu
$(B)/arm64/triage: $(TRIAGE_SRC) tools/triage/main.c $(HDRS) lab/arm64-root
	@mkdir -p $(@D)
	S=$$(sh lab/arm64-root triage-sysroot libkdumpfile-dev libdw-dev libelf-dev libjansson-dev) && \
	L=$$S/usr/lib/$(ARM64_TRIPLET) && \
	$(CROSS)gcc $(CFLAGS) $(WARN) $(INC) -Itools -idirafter $$S/usr/include -o $@ \
		$(TRIAGE_SRC) tools/triage/main.c $$L/libkdumpfile.so $$L/libdw.so $$L/libelf.so $$L/libjansson.so \
		-Wl,-rpath-link,$$L:$$S/lib/$(ARM64_TRIPLET)

$(B)/unit/test_triage: tests/unit/test_triage.c $(TRIAGE_SRC) $(HDRS) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(INC) -Itools $(TRIAGE_CFLAGS) -o $@ $(filter %.c,$^) $(TRIAGE_LIBS)

$(B)/unit/test_triage-san: tests/unit/test_triage.c $(TRIAGE_SRC) $(HDRS) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SAN) $(WARN) $(INC) -Itools $(TRIAGE_CFLAGS) -o $@ $(filter %.c,$^) $(TRIAGE_LIBS)

# The fuzzers (clang's libFuzzer): tests/fuzz/run builds and runs them.
# fuzz_triage: the input is the dump file; fuzz_memory: the input changes
# the memory of a real dump as triage reads it.
$(B)/fuzz/fuzz_triage: tools/triage/fuzz_triage.c $(TRIAGE_SRC) $(HDRS)
$(B)/fuzz/fuzz_memory: tools/triage/fuzz_memory.c $(TRIAGE_SRC) $(HDRS)
$(B)/fuzz/fuzz_triage $(B)/fuzz/fuzz_memory:
	@mkdir -p $(@D)
	clang -O1 -g -fsanitize=fuzzer,address,undefined $(WARN) $(INC) -Itools $(TRIAGE_CFLAGS) -o $@ $(filter %.c,$^) $(TRIAGE_LIBS)

# Unit tests: plain and under ASan/UBSan.
UNIT := $(B)/unit/test_p4ni9 $(B)/unit/test_kdump_save $(B)/unit/test_kdumpfmt $(B)/unit/test_lab \
	$(B)/unit/test_collector $(B)/unit/test_lava
UNIT_SAN := $(UNIT:%=%-san)

$(B)/unit/test_p4ni9 $(B)/unit/test_p4ni9-san: tests/unit/test_p4ni9.c $(P4NI9_SRC)
$(B)/unit/test_kdump_save $(B)/unit/test_kdump_save-san: tests/unit/test_kdump_save.c tools/kdump-save/config.c tools/kdump-save/label.c tools/kdump-save/store.c tools/kdump-save/durable.c tools/kdump-save/watchdog.c tools/kdump-save/net.c
$(B)/unit/test_kdumpfmt $(B)/unit/test_kdumpfmt-san: tests/unit/test_kdumpfmt.c tools/common/kdumpfmt.c
$(B)/unit/test_collector $(B)/unit/test_collector-san: tests/unit/test_collector.c $(COLLECTOR_SRC)
$(B)/unit/test_lab $(B)/unit/test_lab-san: tests/unit/test_lab.c $(LAB_PURE) tools/lab/qmp.c $(wildcard tools/lab/*.h)
$(B)/unit/test_lab $(B)/unit/test_lab-san: UNIT_LIBS = -ljansson
# The LAVA side (tools/lab/lava.c) with the runner it builds on, main() aside.
$(B)/unit/test_lava $(B)/unit/test_lava-san: tests/unit/test_lava.c $(LAB_SRC) $(wildcard tools/lab/*.h)
$(B)/unit/test_lava $(B)/unit/test_lava-san: UNIT_LIBS = -ljansson
$(B)/unit/test_lava $(B)/unit/test_lava-san: UNIT_DEFS = -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' -Itools/lab
# The lab's classifier is tested on real console logs and dmesgs kept here.
$(B)/unit/test_lab $(B)/unit/test_lab-san: UNIT_DEFS = -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"'

$(UNIT): $(HDRS) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(INC) -Itools $(UNIT_DEFS) -o $@ $(filter %.c,$^) -lm $(UNIT_LIBS)

$(UNIT_SAN): $(HDRS) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) -O1 -g $(SAN) $(WARN) $(INC) -Itools $(UNIT_DEFS) -o $@ $(filter %.c,$^) -lm $(UNIT_LIBS)

# The real dump-collector over TCP (tests/run unit runs it with the binary's path).
COLLECTOR_E2E := $(B)/unit/collector-e2e
$(COLLECTOR_E2E): tests/unit/collector_e2e.c tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ tests/unit/collector_e2e.c

unit: $(UNIT) $(UNIT_SAN) $(TRIAGE_UNIT) $(COLLECTOR_E2E) host-tools
	@sh tests/run unit

e2e: deps
	@./dumpable build
	@sh tests/run e2e

# Everything: build (the kernel is cached), unit tests, then the lab.
test: deps
	@./dumpable build
	@$(MAKE) --no-print-directory $(UNIT) $(UNIT_SAN) $(TRIAGE_UNIT) $(COLLECTOR_E2E) host-tools
	@sh tests/run all

demo: deps
	@./dumpable run null-deref

kernel images:
	@./dumpable build

clean:
	rm -rf $(B)
