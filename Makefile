# tp — build, test, demo, benchmark and install.
# One static library (lib/libtp.a) and one binary per tool; C11 + POSIX 2008, warnings are errors.

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
CC ?= cc
CFLAGS ?= -O2 -g
TP_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Ilib
LDLIBS = -lcsv -lz -lm
ifeq ($(SANITIZE),1)
CC = clang
CFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

# Objects depend on the flags they were built with: switching SANITIZE=1 on or off
# rebuilds everything instead of mixing instrumented and plain objects.
FLAGS_STAMP := .flags-$(shell printf '%s' '$(CC) $(CFLAGS) $(LDFLAGS)' | cksum | cut -d' ' -f1)

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:.c=.o)
TOOLS = tp-scan tp-context tp-transform tp-split tp-write
BINS = $(addprefix bin/,$(TOOLS)) bin/tp-run bin/tp-gen-orders
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

bin/tp-gen-orders: examples/tp-gen-orders.c $(FLAGS_STAMP) | bin
	$(CC) $(TP_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lz -lm

bin:
	mkdir -p bin

tests/unit/run: $(UNIT_SRC) tests/unit/unit.h $(wildcard lib/*.h) lib/libtp.a $(FLAGS_STAMP)
	$(CC) $(TP_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_SRC) lib/libtp.a $(LDLIBS)

deps:
	@./.ci/deps

check: deps all tests/unit/run
	tests/unit/run
	bats tests

demo: deps all
	examples/demo.sh

bench: deps all
	tests/bench.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	for t in $(TOOLS) tp-run; do cp bin/$$t $(DESTDIR)$(BINDIR)/$$t; done
	cp man/tp-*.1 $(DESTDIR)$(MANDIR)/man1/
	cp man/tp.7 $(DESTDIR)$(MANDIR)/man7/

clean:
	rm -rf bin lib/*.o lib/libtp.a tests/unit/run .flags-*

.PHONY: all check demo bench install clean deps
