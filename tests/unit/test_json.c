/* JSON records (json.h): flattening, the two forms, bad records, errors, any cut of the
 * input into pieces. */
#include "err.h"
#include "json.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

struct got {
    char text[2048]; /* records "@L:f1|f2;", bad records "!L:col:why;" */
    size_t len;
};

static int
rec(void *arg, const char *const *f, const size_t *len, size_t n, long line)
{
    struct got *g = arg;
    (void)len;
    g->len += (size_t)snprintf(g->text + g->len, sizeof g->text - g->len, "@%ld:", line);
    for (size_t i = 0; i < n; i++)
        g->len +=
            (size_t)snprintf(g->text + g->len, sizeof g->text - g->len, "%s%s", i ? "|" : "", f[i]);
    g->len += (size_t)snprintf(g->text + g->len, sizeof g->text - g->len, ";");
    return 0;
}

static int
bad(void *arg, long line, const char *col, const char *why)
{
    struct got *g = arg;
    g->len += (size_t)snprintf(g->text + g->len, sizeof g->text - g->len, "!%ld:%s:%s;", line,
                               col ? col : "", why);
    return 0;
}

/* Parse s fed in pieces of step bytes; the columns as "a,b" in cols. */
static int
parse(const char *s, const char *records, size_t step, struct got *g, char *cols, size_t cap)
{
    memset(g, 0, sizeof *g);
    tp_json_cb cb = {rec, bad, g};
    tp_json *j = tp_json_new("in.json", records, &cb);
    int rc = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < n && rc == 0; i += step)
        rc = tp_json_feed(j, s + i, n - i < step ? n - i : step);
    if (rc == 0)
        rc = tp_json_end(j);
    size_t k = 0;
    cols[0] = '\0';
    for (size_t i = 0; i < tp_json_ncols(j); i++)
        k += (size_t)snprintf(cols + k, cap - k, "%s%s", i ? "," : "", tp_json_col(j, i));
    tp_json_free(j);
    return rc;
}

/* The same result for every cut of the input. */
static int
same_any_cut(const char *s, const char *records, const char *want_cols, const char *want)
{
    size_t steps[] = {1, 2, 3, 7, 4096};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        struct got g;
        char cols[512];
        if (parse(s, records, steps[i], &g, cols, sizeof cols) != 0 ||
            strcmp(cols, want_cols) != 0 || strcmp(g.text, want) != 0) {
            fprintf(stderr, "step %zu: cols '%s' rows '%s'\n", steps[i], cols, g.text);
            return 0;
        }
    }
    return 1;
}

void
test_json(void)
{
    /* JSON Lines: nested objects, arrays as compact JSON, null, numbers as written,
     * the union of keys in order of first appearance, blank lines */
    CHECK(same_any_cut(
        "{\"a\": 1.50, \"b\": {\"c\": \"x\\u00e9\", \"d\": true}}\n\n"
        "{\"e\": [1, {\"f\": null, \"g\": \"q\\\"\\n\"}, []], \"a\": null, \"b\": {}}\n"
        "{\"b\": {\"c\": {\"h\": -0e+1}}}\n",
        NULL, "a,b.c,b.d,e,b.c.h",
        "@1:1.50|x\xc3\xa9|true;@3:|||[1,{\"f\":null,\"g\":\"q\\\"\\n\"},[]];"
        "@4:||||-0e+1;"));
    /* one document: an array of records, pretty-printed; lines of the records */
    CHECK(same_any_cut("[\n  {\"a\": 1},\n  {\"b\": false}\n]\n", NULL, "a,b", "@2:1;@3:|false;"));
    /* one record over several lines */
    CHECK(same_any_cut("{\n\"a\": \"x\",\n\"n\": {\"m\": 2}\n}", NULL, "a,n.m", "@1:x|2;"));
    /* --records: the array at a dotted path; the rest of the document ignored */
    CHECK(same_any_cut("{\"type\": \"X\", \"meta\": {\"n\": 2, \"list\": [{\"k\": 1}, {\"k\": 2}]},"
                       " \"list\": [{\"z\": 0}]}",
                       "meta.list", "k", "@1:1;@1:2;"));
    /* records that are not objects: bad records, reading goes on */
    CHECK(same_any_cut("[{\"a\": 1}, 2, [3], {\"a\": 4}]\n", NULL, "a",
                       "@1:1;!1::a record is a JSON object: found an array element that is not;"
                       "!1::a record is a JSON object: found an array element that is not;@1:4;"));
    /* JSON Lines: a syntax error is a bad record of its line, the next line is read */
    struct got g;
    char cols[256];
    CHECK(parse("{\"a\": 1}\n{\"a\": 2,, }\n{\"a\": 3}\n", NULL, 4096, &g, cols, sizeof cols) == 0);
    CHECK(strcmp(g.text,
                 "@1:1;!2::not JSON: parse error: invalid object key (must be a string);@3:3;") ==
          0);
    /* a JSON Lines value cut short by the end of its line, and at the end of the input */
    CHECK(parse("{\"a\": 1}\n{\"a\": \n{\"a\": 3}\n{\"a\"", NULL, 5, &g, cols, sizeof cols) == 0);
    CHECK(strncmp(g.text, "@1:1;!2::not JSON: the value goes on after the end of its line", 62) ==
          0);
    CHECK(strstr(g.text,
                 ";@3:3;!4::not JSON: parse error: premature EOF (the last line was cut short);") !=
          NULL);
    /* one document: a syntax error is a data error with line and byte offset */
    CHECK(parse("[\n{\"a\": 1},\n{\"a\" 2}\n]\n", NULL, 4096, &g, cols, sizeof cols) == -1);
    CHECK(strcmp(tp_errmsg(), "in.json:3: not JSON: parse error: object key and value must be "
                              "separated by a colon (':') (byte 17)") == 0);
    CHECK(parse("[\n{\"a\": 1},\n", NULL, 3, &g, cols, sizeof cols) == -1);
    CHECK(strstr(tp_errmsg(), "the document was cut short") != NULL);
    /* --records that names nothing */
    CHECK(parse("{\"a\": [{\"b\": 1}]}", "x", 4096, &g, cols, sizeof cols) == -1);
    CHECK(strcmp(tp_errmsg(), "in.json:1: --records x: no array of records at that path") == 0);
    /* invalid UTF-8, a NUL in a string, a number too long to keep */
    CHECK(parse("{\"a\": \"\xff\"}\n{\"a\": \"\\u0000\"}\n", NULL, 4096, &g, cols, sizeof cols) ==
          0);
    CHECK(strstr(g.text, "!1::not JSON: lexical error: invalid bytes in UTF8 string;") != NULL);
    CHECK(strstr(g.text, "!2:a:NUL byte in value;") != NULL);
    char big[1200];
    memset(big, '9', sizeof big);
    memcpy(big, "{\"n\": ", 6);
    memcpy(big + sizeof big - 3, "}\n", 3);
    CHECK(parse(big, NULL, 100, &g, cols, sizeof cols) == 0);
    CHECK(strcmp(g.text, "!1:n:a number of 1191 bytes: too long to keep (at most 512);") == 0);
    /* a fixed schema: records mapped into it, a key outside it a bad record */
    memset(&g, 0, sizeof g);
    tp_json_cb cb = {rec, bad, &g};
    tp_json *j = tp_json_new("in.json", NULL, &cb);
    char *schema[] = {"z", "a"};
    tp_json_schema(j, schema, 2);
    const char *in = "{\"a\": 1}\n{\"q\": 2}\n";
    CHECK(tp_json_feed(j, in, strlen(in)) == 0 && tp_json_end(j) == 0);
    CHECK(strcmp(g.text, "@1:|1;!2::key 'q' is not a column of the schema found in pass 1;") == 0);
    tp_json_free(j);
    /* values mode (exploded arrays): a scalar or array element is {"value": it}; restart
     * keeps the columns */
    memset(&g, 0, sizeof g);
    j = tp_json_new("cell", NULL, &cb);
    tp_json_values(j, 1);
    in = "[{\"a\": 1}, 2, null, [3, \"x\"], \"s\"]";
    CHECK(tp_json_feed(j, in, strlen(in)) == 0 && tp_json_end(j) == 0);
    tp_json_restart(j);
    in = "[{\"value\": 5, \"b\": {}}]";
    CHECK(tp_json_feed(j, in, strlen(in)) == 0 && tp_json_end(j) == 0);
    CHECK(strcmp(g.text, "@1:1;@1:|2;@1:|;@1:|[3,\"x\"];@1:|s;@1:|5;") == 0);
    CHECK(tp_json_ncols(j) == 2 && strcmp(tp_json_col(j, 1), "value") == 0);
    tp_json_free(j);
    /* --explode: the array at r.b goes element by element to x (values mode), before
     * its record, whose column is then empty; any cut of the input; a record bad before
     * its array drops its elements; another array stays a cell */
    const char *doc = "{\"a\": 1, \"r\": {\"b\": [{\"k\": [1]}, 2, {\"k\": {\"z\": null}}]}, "
                      "\"c\": [3]}\n{\"q\": \"\\u0000\", \"r\": {\"b\": [5]}}\n";
    for (size_t step = 1; step <= strlen(doc); step++) {
        struct got gx;
        memset(&g, 0, sizeof g);
        memset(&gx, 0, sizeof gx);
        tp_json_cb xcb = {rec, bad, &gx};
        tp_json *x = tp_json_new("x", NULL, &xcb);
        tp_json_values(x, 1);
        j = tp_json_new("in.json", NULL, &cb);
        tp_json_explode(j, "r.b", x);
        int rc = 0;
        for (size_t i = 0; i < strlen(doc) && rc == 0; i += step)
            rc = tp_json_feed(j, doc + i, strlen(doc) - i < step ? strlen(doc) - i : step);
        CHECK(rc == 0 && tp_json_end(j) == 0);
        CHECK(strcmp(g.text, "@1:1|[3]|;!2:q:NUL byte in value;") == 0); /* r.b after a, c */
        CHECK(strcmp(gx.text, "@1:[1];@1:|2;@1:||;") == 0);
        CHECK(tp_json_ncols(x) == 3 && strcmp(tp_json_col(x, 2), "k.z") == 0);
        tp_json_free(j);
        tp_json_free(x);
    }
    /* sniffing */
    CHECK(tp_json_sniff("x.jsonl.gz", "", 0) && tp_json_sniff("x.ndjson", "", 0));
    CHECK(tp_json_sniff("x.csv", " [ {", 4) && tp_json_sniff("x", "{\"a\"", 4));
    CHECK(!tp_json_sniff("x.csv", "[a],b", 5) && !tp_json_sniff("x.csv", "a,b", 3));
}
