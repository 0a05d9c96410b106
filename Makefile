# tp — build, test, demo, benchmark and install.
# One static library (lib/libtp.a) and one binary per tool; C11 + POSIX 2008, warnings are errors.

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
COMPDIR = $(PREFIX)/share/bash-completion/completions
DOCDIR = $(PREFIX)/share/doc/tp
CC ?= cc
CFLAGS ?= -O2 -g
TP_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Ilib
# Snappy is C++: linked as a shared library it makes every tp process load libstdc++,
# about 0.7 ms of each start, and a run starts four processes per shard. Its archive and
# libstdc++'s are linked in instead when both are installed (libsnappy-dev,
# libstdc++-12-dev); else the shared library, as the sanitizer and fuzz builds always do.
SNAPPY_A := $(shell $(CC) -print-file-name=libsnappy.a 2>/dev/null)
STDCXX_A := $(shell $(CC) -print-file-name=libstdc++.a 2>/dev/null)
SNAPPY_LIBS = -lsnappy
ifneq ($(and $(filter /%,$(SNAPPY_A)),$(filter /%,$(STDCXX_A)),$(wildcard $(SNAPPY_A)),$(wildcard $(STDCXX_A))),)
SNAPPY_LIBS = $(SNAPPY_A) $(STDCXX_A) -static-libgcc
endif
# yajl (JSON input) likewise: its archive (libyajl_s.a, in libyajl-dev) when there.
YAJL_A := $(shell $(CC) -print-file-name=libyajl_s.a 2>/dev/null)
YAJL_LIBS = -lyajl
ifneq ($(and $(filter /%,$(YAJL_A)),$(wildcard $(YAJL_A))),)
YAJL_LIBS = $(YAJL_A)
endif
FUZZ_LDLIBS = -lcsv -lyajl -lz -lsnappy -lzstd -llz4 -lbrotlidec -lm
ifeq ($(SANITIZE),1)
CC = clang
CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
SNAPPY_LIBS = -lsnappy
YAJL_LIBS = -lyajl
endif
LDLIBS = -lcsv $(YAJL_LIBS) -lz $(SNAPPY_LIBS) -lzstd -llz4 -lbrotlidec -lm

# Objects depend on the flags they were built with: switching SANITIZE=1 on or off
# rebuilds everything instead of mixing instrumented and plain objects.
FLAGS_STAMP := .flags-$(shell printf '%s' '$(CC) $(CFLAGS) $(LDFLAGS)' | cksum | cut -d' ' -f1)

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:.c=.o)
TOOLS = tp-scan tp-context tp-transform tp-split tp-write
BINS = $(addprefix bin/,$(TOOLS)) bin/tp-run bin/tp-processing bin/tp-gen-orders bin/tp-gen-json
UNIT_SRC = $(wildcard tests/unit/*.c)

all: $(BINS)

$(FLAGS_STAMP):
	rm -f .flags-*
	touch $@

lib/%.o: lib/%.c $(wildcard lib/*.h) $(FLAGS_STAMP)
	$(CC) $(TP_CFLAGS) $(CFLAGS) -c -o $@ $<

lib/libtp.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

bin/tp-%: tools/tp-%.c $(wildcard lib/*.h) lib/libtp.a $(FLAGS_STAMP) | bin
	$(CC) $(TP_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< lib/libtp.a $(LDLIBS)

bin/tp-run: tools/tp-run | bin
	cp tools/tp-run $@
	chmod +x $@

bin/tp-processing: tools/tp-processing | bin
	cp tools/tp-processing $@
	chmod +x $@

bin/tp-gen-orders: examples/tp-gen-orders.c $(FLAGS_STAMP) | bin
	$(CC) $(TP_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lz -lm

bin/tp-gen-json: examples/tp-gen-json.c $(FLAGS_STAMP) | bin
	$(CC) $(TP_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lz

bin:
	mkdir -p bin

tests/unit/run: $(UNIT_SRC) tests/unit/unit.h $(wildcard lib/*.h) lib/libtp.a $(FLAGS_STAMP)
	$(CC) $(TP_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_SRC) lib/libtp.a $(LDLIBS)

deps:
	@./.ci/deps

check: deps all tests/unit/run
	tests/unit/run
	TP_SANITIZE=$(SANITIZE) bats tests

# Tests too slow for every check (minutes): 100,000 shards through tp-run. CI runs it once.
check-slow: deps all
	bats tests/slow

# The unit tests under valgrind (memory errors and leaks fail).
valgrind: tests/unit/run
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 tests/unit/run

demo: deps all
	examples/demo.sh

bench: deps all
	tests/bench.sh

install: all
	$(MAKE) install-only

# The files of make install without building first (what make deb and the tests use).
install-only:
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	for t in $(TOOLS) tp-run tp-processing; do cp bin/$$t $(DESTDIR)$(BINDIR)/$$t; done
	cp man/tp-*.1 $(DESTDIR)$(MANDIR)/man1/
	cp man/tp-formats.5 $(DESTDIR)$(MANDIR)/man5/
	cp man/tp.7 $(DESTDIR)$(MANDIR)/man7/
	mkdir -p $(DESTDIR)$(COMPDIR)
	cp tools/tp-completion.bash $(DESTDIR)$(COMPDIR)/tp-run
	for t in $(TOOLS) tp-processing; do ln -sf tp-run $(DESTDIR)$(COMPDIR)/$$t; done
	mkdir -p $(DESTDIR)$(DOCDIR)
	cp README.md $(DESTDIR)$(DOCDIR)/

# A Debian package of what install-only installs (.ci/deb): build/tp_VERSION_ARCH.deb
deb: all
	./.ci/deb

clean:
	rm -rf bin build lib/*.o lib/libtp.a tests/unit/run .flags-*

.PHONY: all check check-slow demo bench install install-only deb clean deps valgrind

# Fuzzing (libFuzzer, clang): one target for the row reader and one for each filter
# (tests/fuzz/). The first input bytes of a filter's target choose its options (split
# mode, label, dedup, bad-row policy, formats; see each target's opening comment) and the
# target checks the results, not only that nothing crashed. tp-transform and tp-split run
# against contexts built from tests/fuzz/sample.csv by tests/fuzz/contexts.sh, one per
# split mode. `make fuzz FUZZ_SECONDS=N` runs each for N seconds on a copy of its corpus
# (tests/fuzz/corpus/TARGET) and prints libFuzzer's "Done N runs" line; a failed check
# stops it like a crash, with the input in build/fuzz/crash-TARGET-*.
# Leak detection is off here: a tool that stops on bad input leaves its memory to the
# process exit, which never comes in a fuzzer; leaks are checked by valgrind instead
# (TP_VALGRIND=1 bats tests, make valgrind).
FUZZ_SECONDS ?= 20
# The reader's target also starts from the Apache Parquet test corpus (the files up to
# 64 KiB, after two option bytes of 0: as given, fail policy), when ../shared is there.
PARQUET_TESTING ?= ../shared/data/parquet-testing
FUZZ_TARGETS = reader scan transform split write
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DTP_FUZZ -Wall -Wextra -Werror -Ilib -O1 -g \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_DEPS = tests/fuzz/check.c $(LIB_SRC) $(wildcard lib/*.h)

build/fuzz/fuzz-reader: tests/fuzz/fuzz-reader.c $(FUZZ_DEPS)
	mkdir -p build/fuzz
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-reader.c $(LIB_SRC) $(FUZZ_LDLIBS)

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/driver.c tools/tp-%.c $(FUZZ_DEPS)
	mkdir -p build/fuzz
	clang $(FUZZ_CFLAGS) -c -o build/fuzz/tool-$*.o -Dmain=tp_tool_main tools/tp-$*.c
	clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz-$*.c build/fuzz/tool-$*.o $(LIB_SRC) $(FUZZ_LDLIBS)

build/fuzz/ctx/stamp: tests/fuzz/contexts.sh tests/fuzz/sample.csv bin/tp-scan bin/tp-context
	tests/fuzz/contexts.sh build/fuzz/ctx
	touch $@

fuzz-build: deps all $(addprefix build/fuzz/fuzz-,$(FUZZ_TARGETS)) build/fuzz/ctx/stamp

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		rm -rf build/fuzz/corpus-$$t && mkdir -p build/fuzz/corpus-$$t; \
		[ $$t != reader ] || for f in $(PARQUET_TESTING)/*.parquet $(PARQUET_TESTING)/bad_data/*.parquet; do \
			[ -f "$$f" ] && [ $$(stat -c %s "$$f") -le 65536 ] || continue; \
			{ printf '\000\000'; cat "$$f"; } >"build/fuzz/corpus-$$t/pq-$${f##*/}"; \
		done; \
		echo "fuzz-$$t: $(FUZZ_SECONDS) s"; \
		ASAN_OPTIONS=detect_leaks=0 build/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) \
			-detect_leaks=0 -rss_limit_mb=4096 -artifact_prefix=build/fuzz/crash-$$t- \
			-print_final_stats=1 build/fuzz/corpus-$$t tests/fuzz/corpus/$$t 2>build/fuzz/log-$$t || \
			{ tail -60 build/fuzz/log-$$t; exit 1; }; \
		grep -E '^Done [0-9]+ runs' build/fuzz/log-$$t | sed "s/^/fuzz-$$t: /"; \
	done

# Renew the committed corpus: the seeds of tests/fuzz/seeds.sh, the corpus itself and
# what the last `make fuzz` found (build/fuzz/corpus-TARGET), merged with -merge=1 so
# that only inputs that add coverage stay; and the gzip seeds (gz-*) as they are, since
# zlib is not instrumented and the merge cannot tell a truncated member from a valid one.
fuzz-corpus: fuzz-build
	tests/fuzz/seeds.sh build/fuzz/seeds build/fuzz/ctx
	@for t in $(FUZZ_TARGETS); do \
		rm -rf build/fuzz/merged-$$t && mkdir -p build/fuzz/corpus-$$t build/fuzz/merged-$$t; \
		ASAN_OPTIONS=detect_leaks=0 build/fuzz/fuzz-$$t -merge=1 -detect_leaks=0 -rss_limit_mb=4096 \
			build/fuzz/merged-$$t tests/fuzz/corpus/$$t build/fuzz/seeds/$$t build/fuzz/corpus-$$t \
			2>build/fuzz/merge-$$t || { tail -40 build/fuzz/merge-$$t; exit 1; }; \
		rm -rf tests/fuzz/corpus/$$t && mv build/fuzz/merged-$$t tests/fuzz/corpus/$$t; \
		for f in build/fuzz/seeds/$$t/gz-*; do [ -f "$$f" ] && \
			cp "$$f" tests/fuzz/corpus/$$t/$$(sha1sum <"$$f" | cut -c1-40); done; \
		echo "fuzz-$$t: $$(ls tests/fuzz/corpus/$$t | wc -l) corpus files"; \
	done

.PHONY: fuzz fuzz-build fuzz-corpus
