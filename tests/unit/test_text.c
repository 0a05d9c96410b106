/* Escaped text records and atomic output: round trip of awkward bytes. */
#include "err.h"
#include "io.h"
#include "text.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
test_text(void)
{
    char dir[] = "/tmp/tp-unit-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "%s/rec", dir);
    const char *vals[] = {"plain", "tab\there", "new\nline", "back\\slash", "cr\r", ""};
    tp_out *o = tp_out_open(path, 0);
    CHECK(o != NULL);
    struct stat st;
    CHECK(stat(path, &st) < 0); /* not under its final name before commit */
    for (int i = 0; i < 6; i++) {
        if (i) tp_out_byte(o, '\t');
        tp_out_esc(o, vals[i], strlen(vals[i]));
    }
    tp_out_byte(o, '\n');
    CHECK(tp_out_commit(o, NULL) == 0);
    CHECK(stat(path, &st) == 0);
    tp_lines *l = tp_lines_open(path);
    char **f;
    size_t n;
    CHECK(l && tp_lines_next(l, &f, &n) == 1 && n == 6);
    for (int i = 0; i < 6 && n == 6; i++)
        CHECK(strcmp(f[i], vals[i]) == 0);
    CHECK(tp_lines_next(l, &f, &n) == 0);
    tp_lines_close(l);

    /* a record without its end of line is a truncated file */
    FILE *fp = fopen(path, "w");
    fputs("a\tb", fp);
    fclose(fp);
    l = tp_lines_open(path);
    CHECK(tp_lines_next(l, &f, &n) == -1);
    CHECK(strstr(tp_errmsg(), "truncated") != NULL);
    tp_lines_close(l);

    /* quoting of CSV fields: minimal RFC 4180; a lone empty field is "" */
    snprintf(path, sizeof path, "%s/q.csv", dir);
    o = tp_out_open(path, 0);
    tp_out_rec_field(o, "a,b", 3, ',');
    tp_out_rec_field(o, "say \"hi\"", 8, ',');
    tp_out_rec_field(o, "x\ty", 3, ',');
    tp_out_rec_end(o);
    tp_out_rec_field(o, "x\ty", 3, '\t');
    tp_out_rec_field(o, "a,b", 3, '\t');
    tp_out_rec_end(o);
    tp_out_rec_field(o, "", 0, ',');
    tp_out_rec_end(o);
    tp_out_rec_field(o, "", 0, ',');
    tp_out_rec_field(o, "", 0, ',');
    tp_out_rec_end(o);
    tp_out_rec_field(o, "", 0, '\t');
    tp_out_rec_end(o);
    tp_out_rec_field(o, "x", 1, ',');
    tp_out_rec_end(o);
    CHECK(tp_out_commit(o, NULL) == 0);
    char buf[128] = {0};
    fp = fopen(path, "r");
    size_t got = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    CHECK(got > 0 && strcmp(buf, "\"a,b\",\"say \"\"hi\"\"\",x\ty\n\"x\ty\"\ta,b\n\"\"\n,\n\"\"\nx\n") == 0);

    /* a memory output grows past its first buffer */
    o = tp_out_mem();
    for (int i = 0; i < 1000; i++)
        tp_out_rec_field(o, "abc", 3, ',');
    tp_out_rec_end(o);
    CHECK(o->len == 4000 && memcmp(o->buf, "abc,abc", 7) == 0 && o->buf[3999] == '\n');
    o->len = 0;
    tp_out_rec_field(o, "", 0, ',');
    tp_out_rec_end(o);
    CHECK(o->len == 3 && memcmp(o->buf, "\"\"\n", 3) == 0);
    tp_out_abort(o);

    /* an aborted output leaves nothing */
    snprintf(path, sizeof path, "%s/gone", dir);
    o = tp_out_open(path, 1);
    tp_out_write(o, "data", 4);
    tp_out_abort(o);
    CHECK(stat(path, &st) < 0);
    /* a device is written in place, never replaced by a rename */
    o = tp_out_open("/dev/null", 0);
    CHECK(o != NULL && tp_out_write(o, "x", 1) == 0 && tp_out_commit(o, NULL) == 0);
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    o = tp_out_open("/dev/full", 0);
    CHECK(o != NULL && tp_out_write(o, "x", 1) == 0 && tp_out_commit(o, NULL) == -1);
    CHECK(strstr(tp_errmsg(), "/dev/full: write error") != NULL);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}
