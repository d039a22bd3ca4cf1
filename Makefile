# nohz-tools - top-level Makefile
#
#   make            build libnohz (.so + .a) and the tools into build/
#   make run        install missing deps, build, run nohz-check on this host
#   make test       install missing deps, build, run every test layer this host can
#   make test-vm    the QEMU nohz_full boot tests alone
#   make install    PREFIX=/usr/local DESTDIR=
#   make static     static tools for the QEMU guest (build/static/)
#   make SAN=1 ...  the same with -fsanitize=address,undefined (build/san/)

VERSION    := 0.1.0
SOVERSION  := 0
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
LIBDIR     ?= $(PREFIX)/lib
INCDIR     ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGDIR     ?= $(LIBDIR)/pkgconfig
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions

CC         ?= gcc
SAN        ?=
ifeq ($(SAN),1)
B          ?= build/san
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B          ?= build
SANFLAGS   :=
endif

.DEFAULT_GOAL := all
TOP        := $(abspath .)
WARN       := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CFLAGS     ?= -O2 -g
CPPFLAGS   += -Iinclude -Ilib -D_GNU_SOURCE -DNOHZ_VERSION_STR=\"$(VERSION)\"
ALLCFLAGS   = $(CFLAGS) $(WARN) $(SANFLAGS) -std=gnu11 -pthread

# libperf: from pkg-config, or built once from linux-source-6.1 (scripts/libperf.sh)
PERF_MK    := build/libperf.mk
ifeq ($(filter deps clean distclean help,$(MAKECMDGOALS)),)
-include $(PERF_MK)
endif
$(PERF_MK): scripts/libperf.sh
	@mkdir -p build
	@scripts/libperf.sh > $@.tmp && \
	  { printf 'PERF_CFLAGS := %s\n' "$$(sed -n 1p $@.tmp)"; \
	    printf 'PERF_LIBS := %s\n' "$$(sed -n 2p $@.tmp)"; } > $@ && rm -f $@.tmp

TRACE_CFLAGS := $(shell pkg-config --cflags libtracefs libtraceevent 2>/dev/null)
TRACE_LIBS   := $(shell pkg-config --libs libtracefs libtraceevent 2>/dev/null)
CURSES_LIBS  := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
LIB_DEPS      = $(PERF_LIBS) $(TRACE_LIBS) -lnuma -lz -lpthread -lm

LIB_SRCS   := $(sort $(wildcard lib/*.c))
LIB_OBJS   := $(LIB_SRCS:lib/%.c=$(B)/lib/%.o)
# tools/common.c links into every tool; tools/irqtop-*.c into irqtop
TOOL_COMMON := tools/common.c
TOOL_SRCS  := $(filter-out tools/irqtop-%.c $(TOOL_COMMON),$(sort $(wildcard tools/*.c)))
TOOLS      := $(TOOL_SRCS:tools/%.c=%)
TOOL_BINS  := $(TOOLS:%=$(B)/%)
TOOL_LIBS_irqtop := $(CURSES_LIBS)
# extra sources of a tool: tools/irqtop-*.c link into build/irqtop
TOOL_SRCS_irqtop := $(wildcard tools/irqtop-*.c)
UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(B)/tests/helpers/%)

SONAME     := libnohz.so.$(SOVERSION)
SOFILE     := libnohz.so.$(VERSION)
LIB_SO     := $(B)/$(SOFILE)
LIB_A      := $(B)/libnohz.a
LIB_MAP    := $(B)/libnohz.map
# libperf/libapi archives (when built from source) go inside libnohz.a, so a
# static consumer needs only what libnohz.pc lists
PERF_ARCHIVES = $(filter %.a,$(PERF_LIBS))

.PHONY: all deps run test test-unit test-vm static install uninstall clean distclean \
	fuzz bench help
all: $(LIB_SO) $(LIB_A) $(TOOL_BINS) $(B)/libnohz.pc

help:
	@sed -n '3,11p' Makefile

deps:
	@scripts/deps.sh build

$(B)/lib/%.o: lib/%.c include/nohz.h $(wildcard lib/*.h) $(PERF_MK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PERF_CFLAGS) $(TRACE_CFLAGS) -fPIC \
		-c $< -o $@

# Export exactly the functions declared in include/nohz.h.
$(LIB_MAP): include/nohz.h
	@mkdir -p $(dir $@)
	@{ echo 'LIBNOHZ_$(SOVERSION) {'; echo ' global:'; \
	   grep -oE '\bnohz_[a-z0-9_]+ *\(' include/nohz.h | tr -d ' (' | sort -u | \
	   sed 's/.*/  &;/'; echo ' local: *;'; echo '};'; } > $@

# An ar MRI script: our objects plus every member of the libperf archives.
$(LIB_A): $(LIB_OBJS) $(PERF_MK) $(PERF_ARCHIVES)
	@rm -f $@
	{ echo 'create $@'; for o in $(LIB_OBJS); do echo "addmod $$o"; done; \
	  for a in $(PERF_ARCHIVES); do echo "addlib $$a"; done; echo save; echo end; } | ar -M
	ranlib $@

$(LIB_SO): $(LIB_OBJS) $(LIB_MAP)
	$(CC) $(ALLCFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(LIB_MAP) \
		-Wl,--no-undefined -o $@ $(LIB_OBJS) $(LIB_DEPS)
	ln -sf $(SOFILE) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libnohz.so

# A distribution libperf (no archives above) is a dependency of its own.
# install writes the .pc again: PREFIX may differ from the build's.
# Paths under the prefix are written as ${prefix}/..., so that
# pkg-config --define-prefix relocates a copy installed under a DESTDIR.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' \
	    -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@PERF_REQ@|$(if $(PERF_ARCHIVES),,libperf )|'
$(B)/libnohz.pc: libnohz.pc.in Makefile $(PERF_MK)
	$(PC_SED) $< > $@

# Tools link the static library so they run from build/ without LD_LIBRARY_PATH
# and need no libperf at run time.
$(B)/irqtop $(B)/irqtop.static: $(TOOL_SRCS_irqtop)
$(B)/%: tools/%.c $(TOOL_COMMON) $(LIB_A) include/nohz.h $(wildcard tools/*.h)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(TRACE_CFLAGS) -o $@ $< $(TOOL_SRCS_$*) $(TOOL_COMMON) \
		$(LIB_A) $(LIB_DEPS) $(TOOL_LIBS_$*)

$(B)/tests/test_%: tests/unit/test_%.c $(LIB_A) include/nohz.h $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(TRACE_CFLAGS) $(PERF_CFLAGS) -o $@ $< $(LIB_A) \
		$(LIB_DEPS) -lcmocka

# HELPER_LIBS_x: extra flags of one helper (fuse_stall builds as a stub without fuse3)
HELPER_LIBS_fuse_stall := $(shell pkg-config --cflags --libs fuse3 2>/dev/null)
$(B)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -o $@ $< $(HELPER_LIBS_$*) -lpthread

# helpers named nohz_*.c drive libnohz directly (shortest stem wins)
$(B)/tests/helpers/nohz_%: tests/helpers/nohz_%.c $(LIB_A) include/nohz.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(TRACE_CFLAGS) -o $@ $< $(LIB_A) $(LIB_DEPS)

run:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	@cpus=$$(scripts/default-cpus.sh); \
	 echo "nohz-check -c $$cpus -d 10s"; \
	 $(B)/nohz-check -c $$cpus -d 10s; rc=$$?; \
	 echo "nohz-check exit status: $$rc (0 pass, 1 fail, 2 error)"; \
	 [ $$rc -le 1 ]

test-unit: $(UNIT_BINS)
	@tests/run.sh --unit-only $(B)

test:
	@scripts/deps.sh build test vm
	@$(MAKE) --no-print-directory all tests-bins
	@$(MAKE) --no-print-directory SAN=1 all tests-bins
	@$(MAKE) --no-print-directory fuzz-bins || echo "make test: fuzz targets not built"
	@tests/run.sh build build/san

.PHONY: tests-bins
tests-bins: $(UNIT_BINS) $(HELPER_BINS)

# libFuzzer targets tests/fuzz/fuzz_X.c -> build/fuzz/fuzz_X, with the parsers
# they reach built by clang for the fuzzer (coverage), ASan and UBSan.
#   make fuzz [FUZZ_TIME=600]   run each target FUZZ_TIME seconds (default 60)
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 60
FUZZ_B     := build/fuzz
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -std=gnu11 -pthread $(WARN)
FUZZ_LIB   := $(patsubst %,$(FUZZ_B)/lib/%.o,cpulist cmdline proc interrupts sys util \
	dstate dscan)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(wildcard tests/fuzz/fuzz_*.c))
$(FUZZ_B)/lib/%.o: lib/%.c include/nohz.h lib/internal.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) -lz
.PHONY: fuzz-bins
fuzz-bins: $(FUZZ_LIB) $(FUZZ_BINS)
fuzz:
	@scripts/deps.sh build fuzz
	@$(MAKE) --no-print-directory fuzz-bins
	@tests/fuzz/run.sh $(FUZZ_TIME)

test-vm:
	@scripts/deps.sh build vm
	@$(MAKE) --no-print-directory static
	@tests/vm/run.sh

bench:
	@scripts/deps.sh build test bench vm
	@$(MAKE) --no-print-directory all tests-bins
	@bench/run.sh

# Static tools for the initramfs of the VM tests.
static:
	@$(MAKE) --no-print-directory B=build/static \
		CFLAGS="-O2 -g" LDSTATIC=1 all-static

.PHONY: all-static
all-static: $(LIB_A) $(TOOLS:%=$(B)/%.static)
$(B)/%.static: tools/%.c $(TOOL_COMMON) $(LIB_A) include/nohz.h $(wildcard tools/*.h)
	@rm -f $@	# the pipe hides the compiler's status: test -x must see a fresh file
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(TRACE_CFLAGS) -static -o $@ $< $(TOOL_SRCS_$*) \
		$(TOOL_COMMON) $(LIB_A) \
		$(PERF_LIBS) $(shell pkg-config --static --libs libtracefs libtraceevent) \
		-lnuma -lz -lpthread -lm $(if $(filter irqtop,$*),-lncursesw -ltinfo) 2>&1 | \
		grep -v 'dlopen\|statically linked' >&2 || true
	@test -x $@

# Installed layout: pig in bin/ (any user may spin), the other tools in sbin/
# (their full use needs root: perf events, tracefs, other users' /proc
# files); man pages by section; one bash completion file, linked under each
# tool's name.  The manifest lists every installed path for uninstall.
BIN_TOOLS   = $(filter pig,$(TOOLS))
SBIN_TOOLS  = $(filter-out pig,$(TOOLS))
MANPAGES    = doc/libnohz.3 $(foreach t,$(TOOLS),$(wildcard doc/$(t).[18]))
MANIFEST    = $(PREFIX)/share/nohz-tools/manifest
INSTALLED   = $(BIN_TOOLS:%=$(BINDIR)/%) $(SBIN_TOOLS:%=$(SBINDIR)/%) \
	$(LIBDIR)/$(SOFILE) $(LIBDIR)/$(SONAME) $(LIBDIR)/libnohz.so $(LIBDIR)/libnohz.a \
	$(INCDIR)/nohz.h $(PKGDIR)/libnohz.pc \
	$(foreach p,$(MANPAGES),$(MANDIR)/man$(subst .,,$(suffix $(p)))/$(notdir $(p))) \
	$(COMPDIR)/nohz-tools $(TOOLS:%=$(COMPDIR)/%) $(MANIFEST)

# The installed archive: libnohz.a relinked into one object whose only
# global symbols are the functions of nohz.h, so neither internal helpers nor
# libperf can clash with a program's own (build/libnohz.a keeps them global
# for the unit tests).
LIB_A_DIST := $(B)/dist/libnohz.a
$(LIB_A_DIST): $(LIB_A) $(LIB_MAP)
	@mkdir -p $(dir $@)
	sed -n 's/^  \(nohz_[a-z0-9_]*\);$$/\1/p' $(LIB_MAP) > $(B)/dist/exports
	$(LD) -r --whole-archive $(LIB_A) -o $(B)/dist/libnohz.o
	objcopy --keep-global-symbols=$(B)/dist/exports $(B)/dist/libnohz.o
	rm -f $@ && ar rcs $@ $(B)/dist/libnohz.o

install: all $(LIB_A_DIST)
	install -d $(sort $(patsubst %/,%,$(dir $(addprefix $(DESTDIR),$(INSTALLED)))))
	$(if $(BIN_TOOLS),install -m 755 $(BIN_TOOLS:%=$(B)/%) $(DESTDIR)$(BINDIR)/)
	install -m 755 $(SBIN_TOOLS:%=$(B)/%) $(DESTDIR)$(SBINDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(SOFILE) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libnohz.so
	install -m 644 $(LIB_A_DIST) $(DESTDIR)$(LIBDIR)/
	install -m 644 include/nohz.h $(DESTDIR)$(INCDIR)/
	$(PC_SED) libnohz.pc.in > $(DESTDIR)$(PKGDIR)/libnohz.pc
	chmod 644 $(DESTDIR)$(PKGDIR)/libnohz.pc
	$(foreach p,$(MANPAGES),install -m 644 $(p) \
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(p)))/ &&) true
	install -m 644 completion/nohz-tools $(DESTDIR)$(COMPDIR)/
	for t in $(TOOLS); do ln -sf nohz-tools $(DESTDIR)$(COMPDIR)/$$t; done
	printf '%s\n' $(INSTALLED) > $(DESTDIR)$(MANIFEST)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig || true; fi

# Removes what the manifest lists (or, without one, what install would write).
uninstall:
	@m='$(DESTDIR)$(MANIFEST)'; \
	if [ -f "$$m" ]; then list=$$(cat "$$m"); from=$(MANIFEST); \
	else list='$(INSTALLED)'; from="the computed list (no manifest)"; fi; \
	for f in $$list; do rm -f "$(DESTDIR)$$f"; done; \
	rmdir "$(DESTDIR)$(dir $(MANIFEST))" 2>/dev/null || true; \
	echo "uninstall: removed the $$(echo $$list | wc -w) paths of $$from"

clean:
	rm -rf build/san build/static build/lib build/tests $(TOOL_BINS) $(LIB_SO) \
		$(B)/$(SONAME) $(B)/libnohz.so $(LIB_A) $(B)/dist $(LIB_MAP) $(B)/libnohz.pc

distclean:
	rm -rf build
