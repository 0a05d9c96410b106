/* The context: the --concat spec parse (the one used by tp-context's options and the merge). */
#include "context.h"
#include "err.h"
#include "reader.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "NAME:COL|COL" of a spec, or "ERR" */
static const char *
concat(const char *spec)
{
    static char buf[256];
    char *name, **cols;
    long n = tp_concat_parse(spec, &name, &cols);
    if (n < 0)
        return "ERR";
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s:", name);
    for (long i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "", cols[i]);
    tp_strv_free(cols, (size_t)n);
    free(name);
    return buf;
}

void
test_context(void)
{
    CHECK(strcmp(concat("t=a,b,c"), "t:a|b|c") == 0);
    CHECK(strcmp(concat("t=a"), "t:a") == 0);
    CHECK(strcmp(concat("t=a=b,c"), "t:a=b|c") == 0); /* the first '=' ends NAME */
    CHECK(strcmp(concat("a b=c d"), "a b:c d") == 0);
    CHECK(strcmp(concat("noequals"), "ERR") == 0);
    CHECK(strstr(tp_errmsg(), "--concat: expected NAME=COL,COL,...: 'noequals'") != NULL);
    CHECK(strcmp(concat("=a"), "ERR") == 0);
    CHECK(strcmp(concat("t="), "ERR") == 0);
    CHECK(strcmp(concat("t=a,"), "ERR") == 0);
    CHECK(strcmp(concat("t=,a"), "ERR") == 0);
    CHECK(strcmp(concat("t=a,,b"), "ERR") == 0);
    CHECK(strcmp(concat("t=,"), "ERR") == 0);
    CHECK(strcmp(concat("tp:split=a"), "ERR") == 0);
    CHECK(strstr(tp_errmsg(), "'tp:split' is reserved") != NULL);
    CHECK(strcmp(concat("tp:splitx=a"), "tp:splitx:a") == 0);
}
