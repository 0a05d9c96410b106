/*
 * tp-gen-json writes a directory of synthetic nested order shards as JSON Lines
 * (part-NNNNN.jsonl, or .jsonl.gz) for tests, demos and benchmarks of tp's JSON input,
 * or the same orders as CSV (--csv): the columns tp flattens the JSON into, but labels
 * kept as a JSON text column, for --expand-json. Each order has a nested customer object (repeated
 * customers, for dedup on customer.id), a nested date (placed.date, for a temporal split), a labels
 * object that is present or absent (labels.isFraud, a label with missing values), and an items
 * array of objects. Every byte is a pure function of (seed, shard number, options): a splitmix64
 * stream per shard, numbers formatted from integers.
 *
 * With -a (--array) a shard is one JSON document, an array of the orders, one a line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define PROG "tp-gen-json"

static const char usage_line[] =
    "usage: " PROG " [-ahz] [-c CUSTOMERS] [-n SHARDS] [-r ROWS] [-s SEED] [--csv] -o DIR\n";

static const char help_text[] =
    "Write deterministic synthetic nested orders DIR/part-NNNNN.{jsonl,jsonl.gz,json,csv}.\n"
    "  -a, --array        each shard one JSON document: an array of the orders (.json)\n"
    "  -c, --customers N  size of the customer pool (default SHARDS*ROWS/2, at least 1)\n"
    "  -h, --help         print this help and exit\n"
    "  -n, --shards N     number of shards (default 4)\n"
    "  -o, --output DIR   output directory (created if missing)\n"
    "  -r, --rows N       orders per shard (default 1000)\n"
    "  -s, --seed N       random seed (default 42)\n"
    "  -z, --gzip         gzip the shards (.jsonl.gz, .json.gz, .csv.gz)\n"
    "      --csv          CSV: the columns tp reads from the JSON, labels as JSON text\n";

static uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t
next(uint64_t *s)
{
    *s += 0x9E3779B97F4A7C15u;
    return mix64(*s);
}

static uint64_t
below(uint64_t *s, uint64_t n)
{
    return next(s) % n;
}

/* Output: plain stdio or zlib. */
struct out {
    FILE *fp;
    gzFile gz;
};

static void
put(struct out *o, const char *s, size_t n)
{
    if (o->gz ? gzwrite(o->gz, s, (unsigned)n) != (int)n : fwrite(s, 1, n, o->fp) != n) {
        fprintf(stderr, PROG ": write error\n");
        exit(1);
    }
}

static void
puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* Civil date of day number d (days since 1970-01-01), H. Hinnant's algorithm. */
static void
civil(long d, int *y, int *m, int *dd)
{
    d += 719468;
    long era = (d >= 0 ? d : d - 146096) / 146097;
    long doe = d - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static const char *const first[] = {"Ana", "Bo", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana"};
static const char *const last[] = {"Diaz", "O'Neil", "Smith, Jr.", "Kim", "Novak", "Rossi"};
static const char *const channels[] = {"web", "app", "phone"};

/* One order as JSON objects: the customer, placed, labels (or "" when absent), items. */
struct order {
    char id[32], customer[160], placed[96], labels[48], items[512], amount[24];
    char date[24], channel[8], cid[24], name[64], email[48]; /* the same, flat (--csv) */
};

/* s without the blanks after ':' and ',' (the generator's JSON has no other blank
 * outside strings, and its strings in items none): compact JSON, as tp writes it. */
static void
compact(const char *s, char *out)
{
    for (; *s; s++)
        if (!(*s == ' ' && (s[-1] == ':' || s[-1] == ',')))
            *out++ = *s;
    *out = '\0';
}

static void
make_order(uint64_t *rs, uint64_t seed, long shard, long i, long customers, struct order *o)
{
    long c = (long)below(rs, (uint64_t)customers);
    uint64_t h = mix64(seed ^ mix64((uint64_t)c + 1));
    const char *fn = first[h % 8], *ln = last[(h >> 8) % 6];
    snprintf(o->id, sizeof o->id, "%ld", shard * 1000000L + i);
    /* a customer's name and e-mail are the same in every shard: a JSON string with a
     * quote and a comma in some names */
    char name[64];
    snprintf(name, sizeof name, "%s %s", fn, ln);
    snprintf(o->customer, sizeof o->customer,
             "{\"id\": \"c%ld\", \"name\": \"%s\", \"email\": \"c%ld@example.com\"}", c, name, c);
    snprintf(o->cid, sizeof o->cid, "c%ld", c);
    snprintf(o->name, sizeof o->name, "%s", name);
    snprintf(o->email, sizeof o->email, "c%ld@example.com", c);
    long day = 19723 + (long)below(rs, 365); /* 2024 */
    int y, m, d;
    civil(day, &y, &m, &d);
    int sec = (int)below(rs, 86400);
    const char *ch = channels[below(rs, 3)];
    snprintf(o->date, sizeof o->date, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, sec / 3600,
             sec / 60 % 60, sec % 60);
    snprintf(o->channel, sizeof o->channel, "%s", ch);
    snprintf(o->placed, sizeof o->placed, "{\"date\": \"%s\", \"channel\": \"%s\"}", o->date, ch);
    uint64_t lab = below(rs, 10);
    if (lab < 8)
        snprintf(o->labels, sizeof o->labels, "{\"isFraud\": %d}", lab == 0);
    else
        o->labels[0] = '\0';
    int nitems = (int)below(rs, 4);
    size_t k = (size_t)snprintf(o->items, sizeof o->items, "[");
    long cents = 0;
    for (int t = 0; t < nitems; t++) {
        long price = 100 + (long)below(rs, 9900);
        int qty = 1 + (int)below(rs, 3);
        cents += price * qty;
        k += (size_t)snprintf(o->items + k, sizeof o->items - k,
                              "%s{\"sku\": \"s%03d\", \"qty\": %d, \"price\": %ld.%02ld}",
                              t ? ", " : "", (int)below(rs, 500), qty, price / 100, price % 100);
    }
    snprintf(o->items + k, sizeof o->items - k, "]");
    snprintf(o->amount, sizeof o->amount, "%ld.%02ld", cents / 100, cents % 100);
}

/* A CSV field: quoted, inner quotes doubled. */
static void
csv_field(struct out *o, const char *s)
{
    put(o, "\"", 1);
    for (const char *p = s; *p; p++) {
        put(o, p, 1);
        if (*p == '"')
            put(o, "\"", 1);
    }
    put(o, "\"", 1);
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"array", no_argument, NULL, 'a'},
        {"csv", no_argument, NULL, 256},
        {"customers", required_argument, NULL, 'c'},
        {"gzip", no_argument, NULL, 'z'},
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        {"rows", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},
        {"shards", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    long shards = 4, rows = 1000, customers = -1;
    unsigned long long seed = 42;
    int gz = 0, csv = 0, array = 0, c;
    const char *dir = NULL;
    while ((c = getopt_long(argc, argv, "ac:hn:o:r:s:z", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'a':
            array = 1;
            break;
        case 'c':
            customers = strtol(optarg, &end, 10);
            break;
        case 'h':
            fputs(usage_line, stdout);
            fputs(help_text, stdout);
            return 0;
        case 'n':
            shards = strtol(optarg, &end, 10);
            break;
        case 'o':
            dir = optarg;
            break;
        case 'r':
            rows = strtol(optarg, &end, 10);
            break;
        case 's':
            seed = strtoull(optarg, &end, 10);
            break;
        case 'z':
            gz = 1;
            break;
        case 256:
            csv = 1;
            break;
        default:
            fputs(usage_line, stderr);
            return 2;
        }
        if (end && (*end || end == optarg)) {
            fprintf(stderr, PROG ": not a number: '%s'\n", optarg);
            return 2;
        }
    }
    if (!dir || optind < argc || shards < 0 || rows < 0 || (csv && array)) {
        fputs(usage_line, stderr);
        return 2;
    }
    if (customers < 1)
        customers = shards * rows / 2 > 0 ? shards * rows / 2 : 1;
    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": %s: %s\n", dir, strerror(errno));
        return 1;
    }
    for (long s = 0; s < shards; s++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/part-%05ld.%s%s", dir, s,
                 csv     ? "csv"
                 : array ? "json"
                         : "jsonl",
                 gz ? ".gz" : "");
        struct out o = {NULL, NULL};
        if (gz ? !(o.gz = gzopen(path, "wb6")) : !(o.fp = fopen(path, "w"))) {
            fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
            return 1;
        }
        uint64_t rs = mix64(seed ^ mix64((uint64_t)s + 0x51));
        if (csv)
            puts_(&o, "id,amount,items,placed.date,placed.channel,customer.id,customer.name,"
                      "customer.email,labels\n");
        else if (array)
            puts_(&o, "[\n");
        for (long i = 0; i < rows; i++) {
            struct order od;
            make_order(&rs, seed, s, i, customers, &od);
            if (csv) {
                /* the columns tp reads from the JSON Lines, labels kept as JSON text */
                char items[512];
                compact(od.items, items);
                const char *f[] = {od.id,  od.amount, items,    od.date,  od.channel,
                                   od.cid, od.name,   od.email, od.labels};
                for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
                    if (k)
                        put(&o, ",", 1);
                    if (*f[k])
                        csv_field(&o, f[k]);
                }
                put(&o, "\n", 1);
                continue;
            }
            puts_(&o, "{\"id\": ");
            puts_(&o, od.id);
            puts_(&o, ", \"placed\": ");
            puts_(&o, od.placed);
            puts_(&o, ", \"customer\": ");
            puts_(&o, od.customer);
            puts_(&o, ", \"amount\": ");
            puts_(&o, od.amount);
            if (od.labels[0]) {
                puts_(&o, ", \"labels\": ");
                puts_(&o, od.labels);
            }
            puts_(&o, ", \"items\": ");
            puts_(&o, od.items);
            puts_(&o, array && i + 1 < rows ? "},\n" : "}\n");
        }
        if (array)
            puts_(&o, "]\n");
        if (gz ? gzclose(o.gz) != Z_OK : fclose(o.fp) != 0) {
            fprintf(stderr, PROG ": %s: write error\n", path);
            return 1;
        }
    }
    return 0;
}
