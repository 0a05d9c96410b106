/* Row reader: RFC 4180 quoting, CRLF, BOM, blank lines, line numbers, errors, gzip. */
#include "err.h"
#include "reader.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct got {
    char text[1024]; /* rows as "f1|f2;" with line numbers "@L" */
    size_t len;
    size_t ncols;
};

static int
hdr(void *arg, tp_reader *r)
{
    struct got *g = arg;
    g->ncols = tp_reader_ncols(r);
    return 0;
}

static int
row(void *arg, const tp_row *r)
{
    struct got *g = arg;
    g->len += (size_t)snprintf(g->text + g->len, sizeof g->text - g->len, "@%ld:", r->line);
    for (size_t i = 0; i < r->n; i++)
        g->len += (size_t)snprintf(g->text + g->len, sizeof g->text - g->len, "%s%s", i ? "|" : "",
                                   r->f[i]);
    g->len += (size_t)snprintf(g->text + g->len, sizeof g->text - g->len, ";");
    return 0;
}

static char dir[] = "/tmp/tp-unit-XXXXXX";

/* Read content as a file; returns tp_reader_run's value, rows in g. */
static int
run(const char *content, size_t n, struct got *g)
{
    char path[64];
    snprintf(path, sizeof path, "%s/in.csv", dir);
    FILE *fp = fopen(path, "wb");
    fwrite(content, 1, n, fp);
    fclose(fp);
    memset(g, 0, sizeof *g);
    tp_reader *r = tp_reader_open(path, ',', NULL, 0);
    int rc = tp_reader_run(r, hdr, row, g);
    tp_reader_close(r);
    return rc;
}

#define RUN(s, g) run(s, sizeof(s) - 1, g)

void
test_reader(void)
{
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    struct got g;
    CHECK(RUN("a,b\n1,2\n3,4\n", &g) == 0 && strcmp(g.text, "@2:1|2;@3:3|4;") == 0);
    CHECK(RUN("a,b\r\n1,2\r\n", &g) == 0 && strcmp(g.text, "@2:1|2;") == 0);
    CHECK(RUN("\xEF\xBB\xBF"
              "a,b\n1,2",
              &g) == 0 &&
          strcmp(g.text, "@2:1|2;") == 0);
    CHECK(RUN("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n", &g) == 0 &&
          strcmp(g.text, "@2:x,y|say \"hi\";") == 0);
    CHECK(RUN("a,b\n\"multi\nline\",2\n3,4\n", &g) == 0 &&
          strcmp(g.text, "@2:multi\nline|2;@4:3|4;") == 0);
    CHECK(RUN("a,b\n 1 , 2 \n", &g) == 0 && strcmp(g.text, "@2: 1 | 2 ;") == 0);
    CHECK(RUN("a,b\n1,2\n\n3,4\n", &g) == 0 && strcmp(g.text, "@2:1|2;@4:3|4;") == 0);
    /* a lone empty field written as "" is a row, not a blank line */
    CHECK(RUN("a\n1\n\"\"\n3\n", &g) == 0 && g.ncols == 1 && strcmp(g.text, "@2:1;@3:;@4:3;") == 0);
    CHECK(RUN("\"\"\nx\n", &g) == 0 && g.ncols == 1 && strcmp(g.text, "@2:x;") == 0);
    CHECK(RUN("", &g) == 0 && g.ncols == 0 && g.len == 0);
    CHECK(RUN("a,b\n", &g) == 0 && g.ncols == 2 && g.len == 0);

    CHECK(RUN("a,b\n1,2\n3\n", &g) == -1);
    CHECK(strstr(tp_errmsg(), "in.csv:3: expected 2 fields, found 1") != NULL);
    CHECK(RUN("a,b\n1,2\n3,\"4\n", &g) == -1);
    CHECK(strstr(tp_errmsg(), "in.csv:3: unterminated quoted field") != NULL);
    CHECK(RUN("a,b\n1,x\"y\n", &g) == -1);
    CHECK(strstr(tp_errmsg(), "in.csv:2: malformed quoted field") != NULL);
    CHECK(RUN("a,b\n1,\"x\"y\n", &g) == -1);
    CHECK(RUN("a,b\n1,x\0y\n", &g) == -1);
    CHECK(strstr(tp_errmsg(), "in.csv:2: column 'b': NUL byte in value") != NULL);
    CHECK(RUN("a,a\n1,2\n", &g) == -1);
    CHECK(strstr(tp_errmsg(), "in.csv:1: duplicate column name 'a'") != NULL);

    const char *names[] = {"a", "b", "c", "b", "a"};
    size_t first = 99;
    CHECK(tp_first_duplicate(names, 5, &first) == 3 && first == 1);
    CHECK(tp_first_duplicate(names, 3, &first) == -1);
    CHECK(tp_first_duplicate(names, 0, NULL) == -1);

    /* gzip is recognised by its magic bytes, whatever the name */
    char path[64];
    snprintf(path, sizeof path, "%s/in.csv", dir);
    gzFile gz = gzopen(path, "wb");
    gzputs(gz, "a,b\n5,6\n");
    gzclose(gz);
    memset(&g, 0, sizeof g);
    tp_reader *r = tp_reader_open(path, ',', NULL, 0);
    CHECK(tp_reader_run(r, hdr, row, &g) == 0 && strcmp(g.text, "@2:5|6;") == 0);
    tp_reader_close(r);

    /* a second member is read; NUL padding after the last is too; other bytes are not */
    gz = gzopen(path, "ab");
    gzputs(gz, "7,8\n");
    gzclose(gz);
    memset(&g, 0, sizeof g);
    r = tp_reader_open(path, ',', NULL, 0);
    CHECK(tp_reader_run(r, hdr, row, &g) == 0 && strcmp(g.text, "@2:5|6;@3:7|8;") == 0);
    tp_reader_close(r);
    FILE *fp = fopen(path, "ab");
    fwrite("\0\0\0\0", 1, 4, fp);
    fclose(fp);
    memset(&g, 0, sizeof g);
    r = tp_reader_open(path, ',', NULL, 0);
    CHECK(tp_reader_run(r, hdr, row, &g) == 0 && strcmp(g.text, "@2:5|6;@3:7|8;") == 0);
    tp_reader_close(r);
    fp = fopen(path, "ab");
    fputs("9,10\n", fp);
    fclose(fp);
    r = tp_reader_open(path, ',', NULL, 0);
    CHECK(tp_reader_run(r, hdr, row, &g) == -1);
    CHECK(strstr(tp_errmsg(), "in.csv: trailing garbage after gzip data (byte ") != NULL);
    tp_reader_close(r);

    /* corrupt gzip: a valid header, then garbage */
    fp = fopen(path, "wb");
    fwrite("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbagegarbage", 1, 24, fp);
    fclose(fp);
    r = tp_reader_open(path, ',', NULL, 0);
    CHECK(tp_reader_run(r, hdr, row, &g) == -1);
    CHECK(strstr(tp_errmsg(), "corrupt gzip") != NULL);
    tp_reader_close(r);

    /* headerless input with a signature */
    char *sig[] = {"x", "y"};
    fp = fopen(path, "wb");
    fputs("1,2\n", fp);
    fclose(fp);
    memset(&g, 0, sizeof g);
    r = tp_reader_open(path, ',', sig, 2);
    CHECK(tp_reader_run(r, hdr, row, &g) == 0 && g.ncols == 2 && strcmp(g.text, "@1:1|2;") == 0);
    CHECK(tp_reader_find(r, "y") == 1 && tp_reader_find(r, "z") == -1);
    tp_reader_close(r);

    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
