/*
 * csvtok: the benchmark baseline. It reads one file (plain or gzip, through zlib's
 * gzread with a 256 KiB buffer) and tokenizes it with libcsv, with callbacks that only
 * count fields and rows, then prints "ROWS FIELDS". It is the floor a tp tool that
 * reads the same file cannot go below: same input path, same tokenizer, no work.
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BUFSZ (256 * 1024)

struct counts {
	unsigned long long rows;
	unsigned long long fields;
};

static void
on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct counts *)data)->fields++;
}

static void
on_row(int c, void *data)
{
	(void)c;
	((struct counts *)data)->rows++;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

int
main(int argc, char *argv[])
{
	static char buf[BUFSZ];
	struct csv_parser p;
	struct counts n = {0, 0};
	const char *name;
	gzFile gz;
	int len;

	if (argc > 2) {
		fputs("usage: csvtok [FILE]\n", stderr);
		return 2;
	}
	name = argc == 2 ? argv[1] : "-";
	gz = strcmp(name, "-") == 0 ? gzdopen(0, "rb") : gzopen(name, "rb");
	if (gz == NULL) {
		fprintf(stderr, "csvtok: %s: %s\n", name, strerror(errno));
		return 1;
	}
	if (gzbuffer(gz, BUFSZ) != 0 || csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0) {
		fputs("csvtok: out of memory\n", stderr);
		return 1;
	}
	csv_set_space_func(&p, no_space);
	while ((len = gzread(gz, buf, sizeof buf)) > 0) {
		if (csv_parse(&p, buf, (size_t)len, on_field, on_row, &n) != (size_t)len) {
			fprintf(stderr, "csvtok: %s: %s\n", name, csv_strerror(csv_error(&p)));
			return 1;
		}
	}
	if (len < 0) {
		int e;
		fprintf(stderr, "csvtok: %s: %s\n", name, gzerror(gz, &e));
		return 1;
	}
	if (csv_fini(&p, on_field, on_row, &n) != 0) {
		fprintf(stderr, "csvtok: %s: %s\n", name, csv_strerror(csv_error(&p)));
		return 1;
	}
	csv_free(&p);
	if (gzclose(gz) != Z_OK) {
		fprintf(stderr, "csvtok: %s: read error\n", name);
		return 1;
	}
	printf("%llu %llu\n", n.rows, n.fields);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "csvtok: stdout: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
