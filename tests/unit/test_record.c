/* Text records: the field writer's bytes, the strict field readers, the statistics tuple. */
#include "err.h"
#include "record.h"
#include "unit.h"

#include <float.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int
bytes_are(tp_out *o, const char *want)
{
    int ok = o->len == strlen(want) && memcmp(o->buf, want, o->len) == 0;
    o->len = 0;
    return ok;
}

void
test_record(void)
{
    tp_out *o = tp_out_mem();
    CHECK(tp_rec_str(o, "k") == 0 && tp_rec_int(o, -5) == 0 && tp_rec_mem(o, "a\tb\\", 4) == 0 &&
          tp_rec_str(o, "") == 0 && tp_rec_crc(o, 0xabcUL) == 0 && tp_rec_end(o) == 0);
    CHECK(bytes_are(o, "k\t-5\ta\\tb\\\\\t\t00000abc\n"));
    const long long v[] = {0, LLONG_MIN, LLONG_MAX};
    CHECK(tp_rec_ints(o, v, 3) == 0 && tp_rec_end(o) == 0);
    CHECK(bytes_are(o, "0\t-9223372036854775808\t9223372036854775807\n"));
    CHECK(tp_rec_name(o, "col", NULL) == 0 && bytes_are(o, ""));
    CHECK(tp_rec_name(o, "col", "x\ny") == 0 && bytes_are(o, "col\tx\\ny\n"));

    /* the tuple: written as the summary and the context always did, read back exactly */
    tp_colstat c, d;
    tp_colstat_init(&c);
    tp_colstat_add(&c, "1", 1);
    tp_colstat_add(&c, "2.5", 3);
    tp_colstat_add(&c, "", 0);
    CHECK(tp_colstat_write(o, &c) == 0 && tp_rec_end(o) == 0);
    CHECK(bytes_are(o, "2\t1\t1\t2\t0\t0\t1\t1\t1\t2.5\t1.75\t1.125\n"));
    c.min = DBL_MIN, c.mean = 0.1;
    CHECK(tp_colstat_write(o, &c) == 0);
    char line[256], **f = NULL;
    size_t cap = 0;
    CHECK(o->len < sizeof line);
    memcpy(line, o->buf, o->len);
    line[o->len] = '\0';
    o->len = 0;
    o->rec_n = 0;
    CHECK(tp_fields_split(line, &f, &cap) == TP_COLSTAT_FIELDS);
    tp_colstat_init(&d);
    d.declared = TP_DECL_BOOL;
    CHECK(tp_colstat_read(f, &d) == 0);
    CHECK(d.count == 2 && d.missing == 1 && d.nnum == 2 && d.imin == 1 && d.max == 2.5);
    CHECK(d.min == DBL_MIN && d.mean == 0.1 && d.m2 == c.m2 && d.declared == TP_DECL_BOOL);
    f[3] = "7x";
    CHECK(tp_colstat_read(f, &d) < 0 && strcmp(tp_errmsg(), "not an integer: '7x'") == 0);
    f[3] = "7";
    f[11] = "";
    CHECK(tp_colstat_read(f, &d) < 0 && strcmp(tp_errmsg(), "not a number: ''") == 0);
    free(f);
    tp_out_abort(o);

    long long x;
    unsigned long crc;
    double y;
    CHECK(tp_field_int("-12", &x) == 0 && x == -12);
    CHECK(tp_field_int("12 ", &x) < 0 && tp_field_int("", &x) < 0);
    CHECK(tp_field_int("9223372036854775808", &x) < 0);
    CHECK(tp_field_num("1e3", &y) == 0 && y == 1000 && tp_field_num("1e3x", &y) < 0);
    CHECK(tp_field_crc("0000abcd", &crc) == 0 && crc == 0xabcd);
    CHECK(tp_field_crc("0000ABCD", &crc) < 0 && tp_field_crc("abcd", &crc) < 0);
    CHECK(tp_field_crc("0000abcd0", &crc) < 0);
}
