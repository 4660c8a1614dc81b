# boxutils - small chainloading tools that a shell assembles into containers.
#
#   make              build every tools/*.c into build/bin/
#   make check        install missing packages, build, run every test suite
#   make demo         install missing packages, build, run a container chain
#   make install      PREFIX=/usr/local DESTDIR=
#   make SANITIZE=1   build with ASan and UBSan (into build-san/)

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC         ?= cc
CFLAGS     ?= -O2 -g
PKG_CONFIG ?= pkg-config
BOX_CFLAGS := -std=gnu11 -fPIE -Wall -Wextra -Werror -D_GNU_SOURCE \
	      -DBOX_VERSION='"$(VERSION)"' -Icommon
# The libraries the tools are built on (pkg-config names) and the Debian
# source packages they are built from, static against musl, by
# build-aux/libs.sh into $(LIBS_DIR)/musl (see "libraries" below).
LIB_PKGS   := libcap mount libseccomp jansson
LIB_SRCS   := libcap2 util-linux libseccomp jansson
# every library any module uses; headers only, each tool links its own
PKGS_ALL   := $(LIB_PKGS)
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS_ALL) 2>/dev/null)

ifeq ($(SANITIZE),1)
BUILD      ?= build-san
CFLAGS     += -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=undefined
LDFLAGS    += -fsanitize=address,undefined
else
BUILD      ?= build
endif

TOOLS      := $(sort $(patsubst tools/%.c,%,$(wildcard tools/*.c)))
BINS       := $(TOOLS:%=$(BUILD)/bin/%)
COMMON_OBJ := $(patsubst common/%.c,$(BUILD)/common/%.o,$(wildcard common/*.c))
LIBBOX     := $(BUILD)/libboxutils.a

# A tool names the pkg-config packages it links in a line of its source:
#   /* boxutils-pkgs: libcap */
# so the Makefile needs no edit to add a tool, and each tool links only
# what it uses (its start-up is paid at every step of a chain).
tool_pkgs  = $(shell sed -n 's|^/\* boxutils-pkgs: \(.*\) \*/$$|\1|p' tools/$(1).c)
tool_libs  = $(if $(strip $(call tool_pkgs,$(1))),$(shell $(PKG_CONFIG) --libs $(call tool_pkgs,$(1))))
# -DBOX_LIBS="libcap 2.66, mount 2.38.1": what --version names as linked in
tool_libs_def = -DBOX_LIBS='"$(shell for p in $(call tool_pkgs,$(1)); do \
	echo "$$p $$($(2) --modversion $$p 2>/dev/null)"; done | paste -sd, | sed 's/,/, /g')"'

.PHONY: all tools libs clean install uninstall check check-only check-san demo \
	shell deps deps-build deps-demo bench lint lint-clang lint-cppcheck \
	lint-shell lint-man fuzz format

# With musl, the libraries are built first (once; build-aux/libs.sh keeps
# them by version), then the tools by a make that sees them.  Where they
# cannot be built (no musl, no deb-src access), the tools are built
# against glibc and the system's -dev packages instead, and make says so.
all:
	@if [ -z "$(MUSL_CC)" ]; then \
		$(MAKE) --no-print-directory tools; \
	elif $(MAKE) --no-print-directory libs; then \
		$(MAKE) --no-print-directory tools; \
	else \
		echo "boxutils: the musl libraries could not be built" \
		     "(see $(LIBS_DIR)/log): building against glibc instead"; \
		$(MAKE) --no-print-directory MUSL_CC= tools; \
	fi

tools: $(BINS)

# keep the objects: they are intermediate files to make, but rebuilding
# them on every link is wasted time
.SECONDARY:

$(BUILD)/common/%.o: common/%.c $(wildcard common/*.h) | $(BUILD)/common
	$(CC) $(BOX_CFLAGS) $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tools/%.o: tools/%.c $(wildcard common/*.h) | $(BUILD)/tools
	$(CC) $(BOX_CFLAGS) $(PKG_CFLAGS) $(call tool_libs_def,$*,$(PKG_CONFIG)) \
		$(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBBOX): $(COMMON_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# The static tools are built with musl when its gcc wrapper is there
# (Debian's musl-tools; make deps installs it): a static glibc binary
# spends about 0.3 ms of kernel and start-up time before main() (its
# image is 20 times the size, and it probes the CPU), a musl one about
# 0.05 ms, and a chain pays that at every step.  MUSL_CC= builds them
# with glibc.  musl's gcc wrapper sees only musl's headers, so the
# kernel's (linux/, asm/, asm-generic/) are linked into an include
# directory of their own.  Modules that need a library's headers
# (/* boxutils-pkgs: ... */ in a common/ file) serve dynamic tools only.
MULTIARCH  := $(shell $(CC) -print-multiarch 2>/dev/null)
MUSL_LIB   ?= /usr/lib/$(patsubst %-gnu,%-musl,$(MULTIARCH))
MUSL_CC    ?= $(if $(wildcard $(MUSL_LIB)/rcrt1.o),$(shell command -v musl-gcc 2>/dev/null))
ifeq ($(SANITIZE),1)
MUSL_CC    :=
endif
MUSL       := $(BUILD)/musl
# musl-gcc's own link line always asks for musl's dynamic loader, even
# with -static-pie: link static-pie with $(CC) and musl's start files.
MUSL_LINK   = $(CC) $(LDFLAGS) $(STATIC_LDFLAGS) -nostdlib \
	$(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $(shell $(CC) -print-file-name=crtbeginS.o) \
	$(1) -L$(MUSL_LIB) -lc $(shell $(CC) -print-libgcc-file-name) \
	$(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o
common_pkgs = $(shell sed -n 's|^/\* boxutils-pkgs: \(.*\) \*/$$|\1|p' $(1))
MUSL_OBJ   := $(patsubst common/%.c,$(MUSL)/common/%.o,$(wildcard common/*.c))
# the libraries' headers and archives: pkg-config on the musl prefix only
# (recursively expanded: read after `libs` has built them)
LIBS_DIR   ?= $(CURDIR)/build/libs
LIBS_PREFIX := $(LIBS_DIR)/musl
LIBS_STAMP := $(LIBS_PREFIX)/.built
MUSL_PKGCONF = PKG_CONFIG_LIBDIR=$(LIBS_PREFIX)/lib/pkgconfig PKG_CONFIG_PATH= \
	$(PKG_CONFIG)
MUSL_CFLAGS = $(BOX_CFLAGS) -isystem $(MUSL)/include \
	$(shell $(MUSL_PKGCONF) --cflags $(LIB_PKGS) 2>/dev/null) \
	-ffunction-sections -fdata-sections $(CPPFLAGS) $(CFLAGS)

# The libraries, from Debian's source packages (build-aux/libs.sh says
# how); the script skips a package whose version is already built.
libs: $(LIBS_STAMP)

$(LIBS_STAMP): build-aux/libs.sh | $(MUSL)/include
	MUSL_CC=$(MUSL_CC) MUSL_KINC=$(CURDIR)/$(MUSL)/include \
		build-aux/libs.sh $(LIBS_PREFIX) $(LIB_SRCS)
	touch $@

$(MUSL)/include:
	mkdir -p $@
	ln -sfn /usr/include/linux $@/linux
	ln -sfn /usr/include/asm-generic $@/asm-generic
	ln -sfn $(if $(wildcard /usr/include/$(MULTIARCH)/asm),/usr/include/$(MULTIARCH)/asm,/usr/include/asm) $@/asm

$(MUSL)/common/%.o: common/%.c $(wildcard common/*.h) | $(MUSL)/common $(MUSL)/include $(LIBS_STAMP)
	$(MUSL_CC) $(MUSL_CFLAGS) -c -o $@ $<

$(MUSL)/tools/%.o: tools/%.c $(wildcard common/*.h) | $(MUSL)/tools $(MUSL)/include $(LIBS_STAMP)
	$(MUSL_CC) $(MUSL_CFLAGS) $(call tool_libs_def,$*,$(MUSL_PKGCONF)) -c -o $@ $<

$(MUSL)/libboxutils.a: $(MUSL_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# Tools that link no library (today: all of them; or only libraries in
# STATIC_PKGS, which ship static archives) are linked static-pie: no
# dynamic loader, no relocation of shared libraries at every step of a
# chain, and a binary that still runs after pivot has taken the host's
# /lib away (pivot --host-prog cap-drop).  A tool naming a library
# without a static archive is linked dynamically against glibc.  ASan
# needs dynamic linking, so SANITIZE=1 builds are dynamic.
# With musl every library is built static (build-aux/libs.sh); with
# glibc a tool that links one is linked dynamically.
STATIC_PKGS ?= $(if $(MUSL_CC),$(LIB_PKGS))
ifeq ($(SANITIZE),1)
STATIC_LDFLAGS :=
else
STATIC_LDFLAGS ?= -static-pie
endif
comma      := ,
tool_static = $(and $(STATIC_LDFLAGS),$(if $(filter-out $(STATIC_PKGS),$(call tool_pkgs,$(1))),,yes))
tool_link  = $(if $(call tool_static,$(1)),$(STATIC_LDFLAGS) $(if $(strip $(call tool_pkgs,$(1))),$(shell $(PKG_CONFIG) --static --libs $(call tool_pkgs,$(1)))),$(call tool_libs,$(1)))

# A tool that calls getpwnam & co. stays dynamic all the same: glibc
# loads NSS modules (libnss_systemd) with dlopen, and in a static binary
# that crashes (`ns-unshare --map-group=nosuchgroup` and `cg-create
# --owner nosuchuser` died of SIGSEGV).  ld warns about exactly those
# calls, so the static link runs with --fatal-warnings, and a tool that
# draws the warning is linked dynamically instead.
tool_musl  = $(and $(MUSL_CC),$(call tool_static,$(1)))
tool_deps  = $(if $(call tool_musl,$(1)),$(MUSL)/tools/$(1).o $(MUSL)/libboxutils.a,$(BUILD)/tools/$(1).o $(LIBBOX))

.SECONDEXPANSION:
$(BUILD)/bin/%: $$(call tool_deps,$$*) | $(BUILD)/bin
	$(if $(call tool_musl,$*),$(call MUSL_LINK,-Wl$(comma)--gc-sections -o $@ $^ \
		$(if $(call tool_pkgs,$*),$(shell $(MUSL_PKGCONF) --static --libs $(call tool_pkgs,$*)))),\
	$(if $(call tool_static,$*),$(CC) $(LDFLAGS) -Wl$(comma)--fatal-warnings \
		-o $@ $< $(LIBBOX) $(call tool_link,$*) 2>/dev/null || \
		) $(CC) $(LDFLAGS) -o $@ $< $(LIBBOX) $(call tool_libs,$*))

$(BUILD)/common $(BUILD)/tools $(BUILD)/bin $(MUSL)/common $(MUSL)/tools:
	mkdir -p $@

clean:
	rm -rf build build-san build-fuzz

# --- installation -------------------------------------------------------

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	for t in $(TOOLS); do \
		install -m 644 man/$$t.1 $(DESTDIR)$(MANDIR)/man1/ && \
		install -m 644 completions/bash/$$t $(DESTDIR)$(BASHCOMPDIR)/$$t && \
		install -m 644 completions/zsh/_$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t && \
		install -m 644 completions/fish/$$t.fish $(DESTDIR)$(FISHCOMPDIR)/$$t.fish \
		|| exit 1; \
	done
	for p in $(wildcard man/*.7); do install -m 644 $$p $(DESTDIR)$(MANDIR)/man7/; done

uninstall:
	for t in $(TOOLS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(MANDIR)/man1/$$t.1 \
		      $(DESTDIR)$(BASHCOMPDIR)/$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t \
		      $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; \
	done
	for p in $(notdir $(wildcard man/*.7)); do rm -f $(DESTDIR)$(MANDIR)/man7/$$p; done

# --- packages -----------------------------------------------------------

# What building needs (the musl libraries are built from Debian's source
# packages: dpkg-dev unpacks them, gperf and cmake build libseccomp and
# jansson; the -dev packages serve the glibc build, MUSL_CC=, and its
# fallback), what the demo needs beside that, and what the tests and
# benchmarks compare against.  `make demo` installs the first two,
# `make check` all three.
DEPS_BUILD := gcc make pkg-config musl-tools dpkg-dev gperf cmake \
	      libcap-dev libmount-dev libseccomp-dev libjansson-dev
DEPS_DEMO  := busybox-static golang-github-containers-common
DEPS_TEST  := shunit2 util-linux iproute2 iputils-ping uidmap \
	      crun runc bubblewrap cgroup-tools hyperfine nftables strace \
	      qemu-system-x86 linux-image-amd64 cpio mandoc procps psmisc \
	      clang libclang-rt-14-dev cppcheck shellcheck zsh fish \
	      debootstrap attr file gnuplot-nox valgrind bash-completion \
	      libmnl-dev jq containernetworking-plugins podman netavark \
	      aardvark-dns wget containerd

# Installs only what dpkg does not already have, so a ready machine
# spends no time here and needs no network.
deps:
	@missing=$$(for p in $(DEPS_BUILD) $(DEPS_DEMO) $(DEPS_TEST); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing" $$missing; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: run as root (or with sudo) to install packages" >&2; exit 1; \
		fi; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps-build:
	@$(MAKE) --no-print-directory deps DEPS_DEMO= DEPS_TEST=

deps-demo:
	@$(MAKE) --no-print-directory deps DEPS_TEST=

# --- tests, demo, benchmarks --------------------------------------------

check: deps
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory check-only

check-only:
	BOX_BIN=$(CURDIR)/$(BUILD)/bin tests/run.sh

# The tool suites again, on an ASan+UBSan build (any report aborts the
# tool, so the test that ran it fails).  LeakSanitizer cannot stop the
# world inside a pid namespace, so leaks are left to the fuzzers.
SAN_SUITES = $(filter-out tests/lib% tests/run.sh tests/fuzz.sh tests/lint.sh tests/install.sh,$(wildcard tests/*.sh))
check-san: deps
	$(MAKE) --no-print-directory SANITIZE=1 BUILD=build-san all
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	BOX_BIN=$(CURDIR)/build-san/bin tests/run.sh $(SAN_SUITES)

demo: deps-demo
	$(MAKE) --no-print-directory all
	BOX_BIN=$(CURDIR)/$(BUILD)/bin examples/demo.sh

shell: deps-demo
	$(MAKE) --no-print-directory all
	BOX_BIN=$(CURDIR)/$(BUILD)/bin examples/demo.sh --shell

bench: deps
	$(MAKE) --no-print-directory all
	BOX_BIN=$(CURDIR)/$(BUILD)/bin bench/run.sh

# --- fuzzing (libFuzzer; clang) -----------------------------------------
# tests/fuzz/fuzz_NAME.c is a harness, tests/fuzz/corpus/NAME/ its seeds.
# New inputs go to build-fuzz/corpus-NAME, never into the seed directory.

FUZZ_CC    ?= clang
FUZZ_TIME  ?= 60
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(FUZZ_NAMES:%=build-fuzz/fuzz_%)

# fuzz_netlink reads requests back with libmnl, a reader independent of
# common/netlink.c (which needs no library)
FUZZ_PKGS  := libmnl $(LIB_PKGS)
FUZZ_CFLAGS = -g -O1 -std=gnu11 -D_GNU_SOURCE -Icommon \
	      $(shell $(PKG_CONFIG) --cflags $(FUZZ_PKGS) 2>/dev/null)
FUZZ_OBJ   := $(patsubst common/%.c,build-fuzz/common/%.o,$(wildcard common/*.c))
FUZZ_LIB   := build-fuzz/libcommon.a

# common/ is compiled once with coverage and sanitizers into an archive
# linked into every harness; a harness may stand in for one of its
# functions (fuzz_netlink's nl_sock_send: the archive member defining it
# is then not pulled in)
build-fuzz/common/%.o: common/%.c $(wildcard common/*.h)
	@mkdir -p build-fuzz/common
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
		$(FUZZ_LIB) $(shell $(PKG_CONFIG) --libs $(FUZZ_PKGS) 2>/dev/null)

fuzz: $(FUZZ_BINS)
	for h in $(FUZZ_NAMES); do \
		mkdir -p build-fuzz/corpus-$$h && \
		build-fuzz/fuzz_$$h -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			build-fuzz/corpus-$$h tests/fuzz/corpus/$$h || exit 1; \
	done

# --- static analysis ----------------------------------------------------

SHELL_SCRIPTS = $(wildcard tests/*.sh tests/integration/*.sh tests/vm/*.sh \
		bench/*.sh examples/*.sh build-aux/*.sh) .ci/run

# One target per linter (tests/lint.sh runs each as a test); `lint` runs
# them all and fails if any found something.  cppcheck is told what
# _Noreturn means, or it takes xdie() & co. for returning and reports
# the code after them.
LINTERS = lint-clang lint-cppcheck lint-shell lint-man

lint:
	@rc=0; for t in $(LINTERS); do \
		$(MAKE) --no-print-directory $$t || rc=1; \
	done; exit $$rc

lint-clang:
	@echo "lint: clang --analyze"; rc=0; \
	for f in common/*.c tools/*.c; do \
		clang --analyze -Xanalyzer -analyzer-output=text -std=gnu11 \
			-D_GNU_SOURCE -DBOX_VERSION='"$(VERSION)"' -Icommon $(PKG_CFLAGS) \
			-o /dev/null $$f 2>&1 | grep -E 'warning|error' && rc=1; \
	done; exit $$rc

lint-cppcheck:
	@echo "lint: cppcheck"
	@cppcheck -q --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -D_GNU_SOURCE '-D_Noreturn=__attribute__((noreturn))' \
		-Icommon common tools

lint-shell:
	@echo "lint: shellcheck"
	@shellcheck -x -S warning $(SHELL_SCRIPTS)

lint-man:
	@echo "lint: mandoc"; rc=0; \
	for p in man/*.[17]; do \
		out=$$(mandoc -Tlint -Wwarning $$p 2>&1); \
		[ -z "$$out" ] || { echo "$$out"; rc=1; }; \
	done; exit $$rc

format:
	clang-format -i common/*.c common/*.h tools/*.c
