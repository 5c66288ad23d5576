# zscan: one `make` builds common/ (its layers util/ tool/ core/ net/ probe/)
# as a static library and every tool (its folder's .c files) into bin/.
#   make            release build into bin/
#   make asan       the same tools built with ASan+UBSan into build/asan/bin/
#   make tsan       the same with ThreadSanitizer into build/tsan/bin/ (for the
#                   threaded tools' tests)
#   make test       both builds, then unit tests (sanitized) and end-to-end tests
#   make check-unit the unit tests built and run as the release (the Debian package's)
#   make bench      benchmarks in bench/ (see bench/README.md)
#   make install    PREFIX=/usr/local DESTDIR= : binaries, man pages, conf/
#   make deps       install the Debian packages the project needs (as root)
#   make fuzz       run the libFuzzer harness for FUZZ_SECONDS (default 60)
#   make format     clang-format every C file

PREFIX  ?= /usr/local
# where the installed blocklists are read from (ZSCAN_SYSCONFDIR overrides it at run time)
SYSCONFDIR ?= /etc/zscan
DESTDIR ?=
CC      ?= cc
TOOLS   := zgen zblacklist zsend zrecv zfilter zhilbert zscan

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
# -MMD -MP: each object's header dependencies, read back below
BASE    := -std=c11 -D_GNU_SOURCE -g -pthread -MMD -MP -I. -Icommon -Ibuild/gen $(WARN) \
	-DZSCAN_SYSCONFDIR='"$(SYSCONFDIR)"'
# CPPFLAGS, CFLAGS and LDFLAGS from the environment reach the release build
# only (a distribution's hardening flags: debian/rules)
RELFLAGS  := $(BASE) -O2 $(CPPFLAGS) $(CFLAGS)
ASANFLAGS := $(BASE) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
TSANFLAGS := $(BASE) -O1 -fno-omit-frame-pointer -fsanitize=thread
LDLIBS  := -lgmp -lsodium -lnet -lpcap -lm -pthread
# a tool's own libraries (and the unit tests' and fuzzer's, which link every
# tool's run code)
LDLIBS_zhilbert := -lpng
TOOL_LDLIBS := $(foreach t,$(TOOLS),$(LDLIBS_$(t)))

# Debian packages needed to build, test and benchmark (see README).
DEPS := build-essential clang libclang-rt-14-dev clang-format libgmp-dev libsodium-dev libpcap-dev \
	libnet1-dev libpng-dev python3 man-db groff-base iproute2 libcap2-bin nftables tcpdump tshark netsniff-ng zmap masscan nmap hyperfine parallel \
	valgrind linux-perf dnsmasq-base bind9-dnsutils chrony snmpd snmp memcached samba samba-common-bin \
	python3-gi gir1.2-gssdp-1.6 bash-completion mandoc sqlite3 postgresql \
	openssh-server openssh-client rsync slurm-wlm munge debhelper lintian dpkg-dev fakeroot \
	python3-kubernetes

COMMON_SRC := $(wildcard common/*/*.c common/*/*/*.c)
# a tool's own run loop and helpers: its folder's files other than main.c
TOOL_SRC   := $(filter-out %/main.c,$(foreach t,$(TOOLS),$(wildcard $(t)/*.c)))
GEN_SRC    := build/gen/default_blocklist.c build/gen/optnames.c
LIB_SRC    := $(COMMON_SRC) $(GEN_SRC)
REL_OBJ    := $(patsubst %.c,build/rel/%.o,$(LIB_SRC))
ASAN_OBJ   := $(patsubst %.c,build/asan/%.o,$(LIB_SRC))
TSAN_OBJ   := $(patsubst %.c,build/tsan/%.o,$(LIB_SRC))
UNIT_SRC   := $(wildcard tests/unit/*.c) $(TOOL_SRC)
TESTTOOL_SRC := $(wildcard tests/tools/*.c)
UDP_PROBES := $(wildcard conf/udp-probes/*.pkt conf/udp-probes/*.tpl)

.PHONY: all asan tsan test unit check-unit e2e bench install uninstall deps format clean demo fuzz
all: $(addprefix bin/,$(TOOLS)) $(patsubst tests/tools/%.c,build/tools/%,$(TESTTOOL_SRC))

# the default blocklists, each as a C string (listfile_default_blocklist
# and listfile_default_blocklist6)
build/gen/default_blocklist.c: conf/blocklist.conf conf/blocklist6.conf
	@mkdir -p $(@D)
	{ echo "/* generated from conf/blocklist.conf and blocklist6.conf by the Makefile */"; \
	  echo "#include <stddef.h>"; \
	  for f in conf/blocklist.conf conf/blocklist6.conf; do \
	    n=listfile_default_blocklist$$(case $$f in *6.conf) echo 6;; esac); \
	    echo "const char $$n[] ="; \
	    awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "\t\"%s\\n\"\n", $$0 }' $$f; \
	    echo "\t\"\";"; \
	    echo "const size_t $${n}_len = sizeof $$n - 1;"; \
	  done; } > $@.tmp && mv $@.tmp $@

# every tool's long options, for the configuration file (tool/config.h)
build/gen/optnames.c: common/tool/optnames.awk $(addsuffix /main.c,$(TOOLS))
	@mkdir -p $(@D)
	awk -f $^ > $@.tmp && mv $@.tmp $@

build/rel/%.o: %.c | $(GEN_SRC)
	@mkdir -p $(@D)
	$(CC) $(RELFLAGS) -c -o $@ $<

build/asan/%.o: %.c | $(GEN_SRC)
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -c -o $@ $<

build/tsan/%.o: %.c | $(GEN_SRC)
	@mkdir -p $(@D)
	$(CC) $(TSANFLAGS) -c -o $@ $<

build/tsan/libzscan.a: $(TSAN_OBJ)
	rm -f $@ && ar rcs $@ $^


build/rel/libzscan.a: $(REL_OBJ)
	rm -f $@ && ar rcs $@ $^

build/asan/libzscan.a: $(ASAN_OBJ)
	rm -f $@ && ar rcs $@ $^



# bin/TOOL and its sanitized twins: the objects of TOOL/*.c and the library
define TOOL_RULES
bin/$(1): $(patsubst %.c,build/rel/%.o,$(wildcard $(1)/*.c)) build/rel/libzscan.a
	@mkdir -p $$(@D)
	$$(CC) $$(RELFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS) $$(LDLIBS_$(1))
build/asan/bin/$(1): $(patsubst %.c,build/asan/%.o,$(wildcard $(1)/*.c)) build/asan/libzscan.a
	@mkdir -p $$(@D)
	$$(CC) $$(ASANFLAGS) -o $$@ $$^ $$(LDLIBS) $$(LDLIBS_$(1))
build/tsan/bin/$(1): $(patsubst %.c,build/tsan/%.o,$(wildcard $(1)/*.c)) build/tsan/libzscan.a
	@mkdir -p $$(@D)
	$$(CC) $$(TSANFLAGS) -o $$@ $$^ $$(LDLIBS) $$(LDLIBS_$(1))
endef
$(foreach t,$(TOOLS),$(eval $(call TOOL_RULES,$(t))))

build/asan/unit: $(patsubst %.c,build/asan/%.o,$(UNIT_SRC)) build/asan/libzscan.a
	$(CC) $(ASANFLAGS) -o $@ $^ $(LDLIBS) $(TOOL_LDLIBS)

# the unit tests built with the release's flags: a package build
# (debian/rules) tests the code it ships
build/rel/unit: $(patsubst %.c,build/rel/%.o,$(UNIT_SRC)) build/rel/libzscan.a
	$(CC) $(RELFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TOOL_LDLIBS)

check-unit: build/rel/unit
	build/rel/unit

build/tools/%: tests/tools/%.c build/rel/libzscan.a
	@mkdir -p $(@D)
	$(CC) $(RELFLAGS) -o $@ $(filter %.c %.a,$^) $(LDLIBS)

asan: $(addprefix build/asan/bin/,$(TOOLS)) build/asan/unit build/fuzz/fuzz_parse

tsan: $(addprefix build/tsan/bin/,$(TOOLS))

# libFuzzer over everything parsed from outside (clang, ASan+UBSan)
FUZZFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -I. -Icommon -Ibuild/gen -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -pthread
FUZZ_SRC  := $(LIB_SRC) $(TOOL_SRC)
build/fuzz/fuzz_parse: tests/fuzz/fuzz_parse.c $(FUZZ_SRC) $(wildcard common/*/*.h common/*/*/*.h $(addsuffix /*.h,$(TOOLS)))
	@mkdir -p $(@D)
	clang $(FUZZFLAGS) -o $@ tests/fuzz/fuzz_parse.c $(FUZZ_SRC) $(LDLIBS) $(TOOL_LDLIBS)

FUZZ_SECONDS ?= 60
fuzz: build/fuzz/fuzz_parse
	@mkdir -p build/fuzz/corpus
	cp tests/fuzz/corpus/* build/fuzz/corpus/
	build/fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -timeout=5 build/fuzz/corpus

test: all asan tsan
	tests/run

bench: all
	bench/run

demo: all
	tests/demo

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(PREFIX)/share/zscan/udp-probes
	install -m 755 $(addprefix bin/,$(TOOLS)) zrecv/zscan-db zrecv/zscan-merge $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(foreach t,$(TOOLS),$(t)/$(t).1) zrecv/zscan-db.1 zrecv/zscan-merge.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 conf/blocklist.conf conf/blocklist6.conf $(DESTDIR)$(SYSCONFDIR)/
# the example configuration: never over one already there (an edited one)
	[ -e $(DESTDIR)$(SYSCONFDIR)/zscan.conf ] || \
		install -m 644 conf/zscan.conf $(DESTDIR)$(SYSCONFDIR)/zscan.conf
	install -m 644 $(UDP_PROBES) $(DESTDIR)$(PREFIX)/share/zscan/udp-probes/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	for t in $(TOOLS); do \
		install -m 644 conf/bash-completion/zscan $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$t; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(TOOLS) zscan-db zscan-merge) \
	      $(foreach t,$(TOOLS) zscan-db zscan-merge,$(DESTDIR)$(PREFIX)/share/man/man1/$(t).1) \
	      $(DESTDIR)$(SYSCONFDIR)/blocklist.conf $(DESTDIR)$(SYSCONFDIR)/blocklist6.conf \
	      $(addprefix $(DESTDIR)$(PREFIX)/share/zscan/udp-probes/,$(notdir $(UDP_PROBES))) \
	      $(addprefix $(DESTDIR)$(PREFIX)/share/bash-completion/completions/,$(TOOLS))
# the configuration only as installed: an edited one stays
	! cmp -s conf/zscan.conf $(DESTDIR)$(SYSCONFDIR)/zscan.conf || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/zscan.conf

# The servers the tests start themselves (chrony, snmpd, memcached, samba)
# must not start as the machine's services when installed: chrony would
# set its clock from public pools. A policy-rc.d that refuses every start
# is in place while apt runs, unless the machine has one of its own.
deps:
	apt-get update -q
	set -e; own=; \
	if [ ! -e /usr/sbin/policy-rc.d ]; then \
		own=1; printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; \
	fi; \
	rc=0; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(DEPS) || rc=$$?; \
	if [ -n "$$own" ]; then rm -f /usr/sbin/policy-rc.d; fi; \
	exit $$rc

format:
	clang-format -i $(wildcard common/*/*.[ch] common/*/*/*.[ch] $(addsuffix /*.[ch],$(TOOLS)) tests/unit/*.[ch] tests/tools/*.c tests/fuzz/*.c)

clean:
	rm -rf bin build

-include $(shell find build -name '*.d' 2>/dev/null)

.SECONDARY:
