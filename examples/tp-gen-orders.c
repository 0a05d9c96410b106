/*
 * tp-gen-orders writes a directory of synthetic, names3risk-style order shards
 * (part-NNNNN.csv, .csv.gz or .tsv) for demos, tests and benchmarks of tp, so
 * that the project never depends on real customer data.  Every byte is a pure
 * function of (seed, shard number, options): the random stream of a shard is a
 * splitmix64 seeded from the seed and the shard number, a customer's name and
 * e-mail address come from a hash of the seed and the customer number (so the
 * same customer looks the same in every shard), and numbers are formatted from
 * integers, never through the C library's floating-point printing, so two
 * machines or two runs give identical files.  The data exercises what tp must
 * handle: repeated customers for dedup, dates for the temporal split, a
 * true/false label with missing values, names that need RFC 4180 quoting, the
 * pandas `NA` marker, and `__DOT__` column names.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#define PROG "tp-gen-orders"
#define OPT_TSV 256 /* long-only option */
#define OUTBUF_SIZE (1u << 20)

static const char usage_line[] =
    "usage: " PROG " [-hz] [-n SHARDS] [-r ROWS] [-x EXTRA] [-s SEED] [-c CUSTOMERS] [--tsv] "
    "-o DIR\n";

static const char help_text[] =
    "Write deterministic synthetic order shards DIR/part-NNNNN.{csv,csv.gz,tsv}.\n"
    "  -c, --customers N  size of the customer pool (default SHARDS*ROWS/2, at least 1)\n"
    "  -h, --help         print this help and exit\n"
    "  -n, --shards N     number of shards (default 4)\n"
    "  -o, --output DIR   output directory (created if missing)\n"
    "  -r, --rows N       rows per shard (default 1000)\n"
    "  -s, --seed N       random seed (default 42)\n"
    "  -x, --extra N      extra feature columns feat__DOT__NN (default 3)\n"
    "  -z, --gzip         write .csv.gz (or .tsv.gz) through zlib\n"
    "      --tsv          tab-separated output (.tsv)\n";

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and fully specified. */
static uint64_t
mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

struct rng {
    uint64_t state;
};

static uint64_t
rng_next(struct rng *r)
{
    r->state += 0x9E3779B97F4A7C15u;
    return mix64(r->state);
}

/* Modulo bias is below 2^-40 for every n used here; a generator need not do better. */
static uint64_t
rng_below(struct rng *r, uint64_t n)
{
    return rng_next(r) % n;
}

static int
rng_chance(struct rng *r, unsigned per10000)
{
    return rng_below(r, 10000) < per10000;
}

/* Domain separation keeps the shard streams and the customer hashes unrelated. */
#define DOMAIN_SHARD 0x7368617264000000u
#define DOMAIN_CUSTOMER 0x637573746f6d6572u

struct name {
    const char *display; /* as written in the data; may need quoting */
    const char *stem;    /* lower-case ASCII, for e-mail addresses */
};

static const struct name first_names[] = {
    {"Alice", "alice"}, {"Bob", "bob"},          {"Carlos", "carlos"}, {"Dana", "dana"},
    {"Elena", "elena"}, {"Farid", "farid"},      {"Grace", "grace"},   {"Hiro", "hiro"},
    {"Ines", "ines"},   {"Jamal", "jamal"},      {"Kate", "kate"},     {"Liam", "liam"},
    {"Maria", "maria"}, {"Noah", "noah"},        {"Olga", "olga"},     {"Priya", "priya"},
    {"Quinn", "quinn"}, {"Rosa", "rosa"},        {"Sam", "sam"},       {"Tomas", "tomas"},
    {"Uma", "uma"},     {"Victor", "victor"},    {"Wei", "wei"},       {"Yusuf", "yusuf"},
    {"Zoe", "zoe"},     {"Mary Ann", "maryann"}, {"José", "jose"},     {"Ana-Lucia", "analucia"},
};

static const struct name last_names[] = {
    {"Smith", "smith"},
    {"Johnson", "johnson"},
    {"Garcia", "garcia"},
    {"Nguyen", "nguyen"},
    {"Kim", "kim"},
    {"Patel", "patel"},
    {"Brown", "brown"},
    {"Rossi", "rossi"},
    {"Kowalski", "kowalski"},
    {"Okafor", "okafor"},
    {"Tanaka", "tanaka"},
    {"Silva", "silva"},
    {"Cohen", "cohen"},
    {"Larsen", "larsen"},
    {"Ivanova", "ivanova"},
    {"Dubois", "dubois"},
    {"Müller", "mueller"},
    {"O\"Neil", "oneil"},
    {"Smith, Jr.", "smith"},
    {"D'Souza", "dsouza"},
    {"van der Berg", "vanderberg"},
    {"Lee, III", "lee"},
    {"\"Bud\" Wilson", "wilson"},
    {"Haddad", "haddad"},
};

#define NFIRST (sizeof first_names / sizeof first_names[0])
#define NLAST (sizeof last_names / sizeof last_names[0])

static const char *const email_domains[] = {"example.com", "example.org", "example.net",
                                            "mail.example", "shop.test"};
#define NDOMAIN (sizeof email_domains / sizeof email_domains[0])

static const char *const colours[] = {"red", "green", "blue"};
#define NCOLOUR (sizeof colours / sizeof colours[0])

/* Cumulative days before each month of 2025 (not a leap year). */
static const int month_start[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

struct options {
    long long shards, rows, extra, seed, customers;
    int gzip, tsv;
    const char *dir;
};

/* One output file.  Rows are built in buf and handed to stdio or zlib in large blocks. */
struct out {
    char *buf;
    size_t len;
    FILE *fp;
    gzFile gz;
    int failed; /* errno-style code of the first write error, or -1 for a zlib error */
    char delim;
};

static void
out_flush(struct out *o)
{
    if (o->len == 0 || o->failed) goto done;
    errno = 0;
    if (o->gz) {
        if (gzwrite(o->gz, o->buf, (unsigned)o->len) != (int)o->len) o->failed = errno ? errno : -1;
    } else if (fwrite(o->buf, 1, o->len, o->fp) != o->len) {
        o->failed = errno ? errno : EIO;
    }
done:
    o->len = 0;
}

static void
out_put(struct out *o, const char *s, size_t n)
{
    if (OUTBUF_SIZE - o->len < n) {
        out_flush(o);
        if (n > OUTBUF_SIZE) { /* cannot happen with the values written here */
            o->failed = o->failed ? o->failed : EOVERFLOW;
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void
out_str(struct out *o, const char *s)
{
    out_put(o, s, strlen(s));
}

static void
out_char(struct out *o, char c)
{
    out_put(o, &c, 1);
}

/* Unsigned decimal, zero-padded to at least width digits (width <= 20). */
static void
out_uint(struct out *o, uint64_t v, int width)
{
    char tmp[24];
    int i = (int)sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while ((int)sizeof tmp - i < width)
        tmp[--i] = '0';
    out_put(o, tmp + i, sizeof tmp - (size_t)i);
}

/*
 * Decimal from an integer count of 10^-places units (e.g. cents), in the shortest form
 * that reads back to the same double: trailing zeros of the fraction dropped, and the
 * point with them ("-538.14", "12"), as printf "%.15g" writes a value of at most 15
 * significant digits, and as a Parquet DOUBLE of the value reads back as text.
 */
static void
out_fixed(struct out *o, int64_t v, unsigned places, uint64_t scale)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t frac = mag % scale;
    if (v < 0) out_char(o, '-');
    out_uint(o, mag / scale, 1);
    if (frac == 0) return;
    while (frac % 10 == 0) {
        frac /= 10;
        places--;
    }
    out_char(o, '.');
    out_uint(o, frac, (int)places);
}

struct person {
    unsigned first, last, domain, style, number;
};

static struct person
customer_person(uint64_t seed, uint64_t customer)
{
    uint64_t h = mix64(mix64(seed ^ DOMAIN_CUSTOMER) ^ mix64(customer + 1));
    struct person p;
    p.first = (unsigned)(h % NFIRST);
    h /= NFIRST;
    p.last = (unsigned)(h % NLAST);
    h /= NLAST;
    p.domain = (unsigned)(h % NDOMAIN);
    h /= NDOMAIN;
    p.style = (unsigned)(h % 4);
    h /= 4;
    p.number = (unsigned)(h % 100);
    return p;
}

static void
out_quoted_part(struct out *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '"') out_char(o, '"');
        out_char(o, *s);
    }
}

/* "First Last", quoted per RFC 4180 only when a part holds a comma or a quote. */
static void
out_name(struct out *o, unsigned first, unsigned last)
{
    const char *f = first_names[first].display, *l = last_names[last].display;
    if (o->delim == ',' && (strpbrk(f, ",\"") != NULL || strpbrk(l, ",\"") != NULL)) {
        out_char(o, '"');
        out_quoted_part(o, f);
        out_char(o, ' ');
        out_quoted_part(o, l);
        out_char(o, '"');
    } else {
        out_str(o, f);
        out_char(o, ' ');
        out_str(o, l);
    }
}

static void
out_email(struct out *o, const struct person *p)
{
    const char *f = first_names[p->first].stem, *l = last_names[p->last].stem;
    switch (p->style) {
    case 0:
        out_str(o, f);
        out_char(o, '.');
        out_str(o, l);
        break;
    case 1:
        out_str(o, f);
        out_char(o, '.');
        out_str(o, l);
        out_uint(o, p->number, 1);
        break;
    case 2:
        out_char(o, f[0]);
        out_str(o, l);
        break;
    default:
        out_str(o, l);
        out_char(o, '_');
        out_str(o, f);
        out_uint(o, p->number, 2);
        break;
    }
    out_char(o, '@');
    out_str(o, email_domains[p->domain]);
}

/* A uniform second of 2025, as YYYY-MM-DD HH:MM:SS. */
static void
out_date(struct out *o, struct rng *r)
{
    uint64_t t = rng_below(r, 365u * 86400u);
    int yday = (int)(t / 86400), sec = (int)(t % 86400), month = 0;
    while (month_start[month + 1] <= yday)
        month++;
    out_str(o, "2025-");
    out_uint(o, (uint64_t)month + 1, 2);
    out_char(o, '-');
    out_uint(o, (uint64_t)(yday - month_start[month]) + 1, 2);
    out_char(o, ' ');
    out_uint(o, (uint64_t)sec / 3600, 2);
    out_char(o, ':');
    out_uint(o, (uint64_t)sec / 60 % 60, 2);
    out_char(o, ':');
    out_uint(o, (uint64_t)sec % 60, 2);
}

static void
write_header(struct out *o, long long extra)
{
    static const char *const base[] = {
        "customerId",
        "orderId",
        "orderDate",
        "emailAddress",
        "billingAddressName",
        "customerName",
        "paymentAccountHolderName",
        "orderAmount",
        "isFraud",
    };
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
        if (i > 0) out_char(o, o->delim);
        out_str(o, base[i]);
    }
    for (long long j = 0; j < extra; j++) {
        out_char(o, o->delim);
        out_str(o, "feat__DOT__");
        out_uint(o, (uint64_t)j, 2);
    }
    out_char(o, '\n');
}

static void
write_row(struct out *o, struct rng *r, const struct options *opt, long long shard, long long row)
{
    char d = o->delim;
    uint64_t cust = rng_below(r, (uint64_t)opt->customers);
    struct person p = customer_person((uint64_t)opt->seed, cust);
    int billing_differs, payment_differs;

    out_char(o, 'C');
    out_uint(o, cust + 1, 7);
    out_char(o, d);

    out_char(o, 'O');
    out_uint(o, (uint64_t)shard, 5);
    out_char(o, '-');
    out_uint(o, (uint64_t)row, 7);
    out_char(o, d);

    out_date(o, r);
    out_char(o, d);

    if (!rng_chance(r, 200)) out_email(o, &p);
    out_char(o, d);

    /* The three name fields normally agree; a mismatch is the signal names3risk looks for. */
    billing_differs = rng_chance(r, 500);
    if (billing_differs) {
        unsigned f = (unsigned)rng_below(r, NFIRST), l = (unsigned)rng_below(r, NLAST);
        out_name(o, f, l);
    } else {
        out_name(o, p.first, p.last);
    }
    out_char(o, d);

    if (rng_chance(r, 100))
        out_str(o, "NA");
    else
        out_name(o, p.first, p.last);
    out_char(o, d);

    payment_differs = rng_chance(r, 800);
    if (payment_differs) {
        unsigned f = (unsigned)rng_below(r, NFIRST), l = (unsigned)rng_below(r, NLAST);
        out_name(o, f, l);
    } else {
        out_name(o, p.first, p.last);
    }
    out_char(o, d);

    /* Mostly 1.00..999.99, with a tail up to 5000.00. */
    {
        uint64_t cents =
            rng_chance(r, 1000) ? 100000 + rng_below(r, 400001) : 100 + rng_below(r, 99900);
        if (!rng_chance(r, 100)) out_fixed(o, (int64_t)cents, 2, 100);
    }
    out_char(o, d);

    /* About 5% fraud overall, far likelier when the payment holder is someone else. */
    {
        int fraud = rng_chance(r, payment_differs ? 2800 : 300);
        if (!rng_chance(r, 100)) out_str(o, fraud ? "true" : "false");
    }

    for (long long j = 0; j < opt->extra; j++) {
        uint64_t v = rng_next(r);
        int missing = rng_chance(r, 100);
        out_char(o, d);
        if (missing) continue;
        switch (j % 3) {
        case 0: /* integer count */
            out_uint(o, v % (uint64_t)(100 * (j / 3 + 1)), 1);
            break;
        case 1: /* signed, three decimals */
            out_fixed(o, (int64_t)(v % 2000001) - 1000000, 3, 1000);
            break;
        default:
            out_str(o, colours[v % NCOLOUR]);
            break;
        }
    }
    out_char(o, '\n');
}

static void
remove_temp(const char *tmp)
{
    if (unlink(tmp) != 0 && errno != ENOENT)
        fprintf(stderr, PROG ": %s: %s\n", tmp, strerror(errno));
}

static const char *
out_error(const struct out *o)
{
    int zerr;
    if (o->failed > 0) return strerror(o->failed);
    if (o->gz) {
        const char *m = gzerror(o->gz, &zerr);
        if (zerr == Z_ERRNO) return strerror(errno);
        return m;
    }
    return "write error";
}

/* Writes one shard under a temporary name in the directory, then renames it into place. */
static int
write_shard(const struct options *opt, long long shard, char *buf)
{
    const char *ext = opt->tsv ? (opt->gzip ? "tsv.gz" : "tsv") : (opt->gzip ? "csv.gz" : "csv");
    size_t size = strlen(opt->dir) + 64;
    char *path = malloc(size), *tmp = malloc(size);
    struct out o = {buf, 0, NULL, NULL, 0, opt->tsv ? '\t' : ','};
    struct rng r;
    int fd, rc = -1;

    if (path == NULL || tmp == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(1);
    }
    snprintf(path, size, "%s/part-%05lld.%s", opt->dir, shard, ext);
    snprintf(tmp, size, "%s/.part-%05lld.%s.tmp%ld", opt->dir, shard, ext, (long)getpid());

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        goto out;
    }
    if (opt->gzip) {
        o.gz = gzdopen(fd, "wb6");
        if (o.gz == NULL || gzbuffer(o.gz, 1u << 18) != 0) {
            fprintf(stderr, PROG ": %s: cannot start gzip stream\n", path);
            if (o.gz != NULL)
                gzclose(o.gz);
            else
                close(fd);
            remove_temp(tmp);
            goto out;
        }
    } else {
        o.fp = fdopen(fd, "wb");
        if (o.fp == NULL) {
            fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
            close(fd);
            remove_temp(tmp);
            goto out;
        }
        setvbuf(o.fp, NULL, _IONBF, 0); /* out already buffers in large blocks */
    }

    r.state = mix64(mix64((uint64_t)opt->seed ^ DOMAIN_SHARD) ^ mix64((uint64_t)shard + 1));
    write_header(&o, opt->extra);
    for (long long row = 0; row < opt->rows && !o.failed; row++)
        write_row(&o, &r, opt, shard, row);
    out_flush(&o);

    if (o.gz) {
        const char *msg = o.failed ? out_error(&o) : NULL;
        int zrc;
        errno = 0;
        zrc = gzclose(o.gz);
        if (msg == NULL && zrc != Z_OK)
            msg = zrc == Z_ERRNO && errno ? strerror(errno) : "gzip close failed";
        if (msg != NULL) {
            fprintf(stderr, PROG ": %s: %s\n", path, msg);
            remove_temp(tmp);
            goto out;
        }
    } else {
        int err = o.failed;
        if (fflush(o.fp) != 0 && !err) err = errno ? errno : EIO;
        if (ferror(o.fp) && !err) err = EIO;
        if (fclose(o.fp) != 0 && !err) err = errno ? errno : EIO;
        if (err) {
            fprintf(stderr, PROG ": %s: %s\n", path, strerror(err > 0 ? err : EIO));
            remove_temp(tmp);
            goto out;
        }
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
        remove_temp(tmp);
        goto out;
    }
    rc = 0;
out:
    free(path);
    free(tmp);
    return rc;
}

/* mkdir -p: an existing directory is fine; anything else surfaces when the file is opened. */
static int
make_dirs(const char *dir)
{
    char *p = strdup(dir);
    int rc = 0;
    if (p == NULL) return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
        *s = '/';
        if (rc) break;
    }
    if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
    if (rc) fprintf(stderr, PROG ": %s: %s\n", p, strerror(errno));
    free(p);
    return rc;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static _Noreturn void
usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage_line, stderr);
    exit(2);
}

/* Strict: optional '-', digits only, no blanks or trailing junk, range-checked. */
static long long
parse_number(const char *opt, const char *s, long long min, long long max)
{
    char *end;
    long long v;
    if (!(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
        usage_error("%s: not a number: '%s'", opt, s);
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*end != '\0') usage_error("%s: not a number: '%s'", opt, s);
    if (errno == ERANGE || v < min || v > max)
        usage_error("%s: value out of range (%lld..%lld): '%s'", opt, min, max, s);
    return v;
}

/*
 * The option as the user wrote it.  getopt_long leaves optopt 0 for an unknown long option,
 * the option's value for a long option with a missing or unwanted argument, and the letter
 * for a short one; a letter can sit inside a bundle such as -zq, so only a long option is
 * taken from argv.
 */
static const char *
bad_option(char *buf, int c, const char *arg)
{
    int is_long = optopt == 0 || optopt > UCHAR_MAX ||
                  (c == ':' ? strncmp(arg, "--", 2) == 0 : strchr("chnorsxz", optopt) != NULL);
    if (is_long) return arg;
    buf[0] = '-';
    buf[1] = (char)optopt;
    buf[2] = '\0';
    return buf;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"customers", required_argument, NULL, 'c'},
        {"gzip", no_argument, NULL, 'z'},
        {"help", no_argument, NULL, 'h'},
        {"output", required_argument, NULL, 'o'},
        {"rows", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},
        {"shards", required_argument, NULL, 'n'},
        {"tsv", no_argument, NULL, OPT_TSV},
        {"extra", required_argument, NULL, 'x'},
        {NULL, 0, NULL, 0},
    };
    struct options opt = {4, 1000, 3, 42, -1, 0, 0, NULL};
    char *buf, obuf[3];
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:hn:o:r:s:x:z", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            opt.customers = parse_number("--customers", optarg, 1, 1000000000000LL);
            break;
        case 'h':
            fputs(usage_line, stdout);
            fputs(help_text, stdout);
            if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, PROG ": stdout: %s\n", strerror(errno));
                return 1;
            }
            return 0;
        case 'n':
            opt.shards = parse_number("--shards", optarg, 1, 100000);
            break;
        case 'o':
            if (optarg[0] == '\0') usage_error("--output: empty directory name");
            opt.dir = optarg;
            break;
        case 'r':
            opt.rows = parse_number("--rows", optarg, 0, 1000000000);
            break;
        case 's':
            opt.seed = parse_number("--seed", optarg, 0, LLONG_MAX);
            break;
        case OPT_TSV:
            opt.tsv = 1;
            break;
        case 'x':
            opt.extra = parse_number("--extra", optarg, 0, 1000);
            break;
        case 'z':
            opt.gzip = 1;
            break;
        case ':':
            usage_error("option requires an argument: %s", bad_option(obuf, c, argv[optind - 1]));
        default:
            usage_error("unknown option: %s", bad_option(obuf, c, argv[optind - 1]));
        }
    }
    if (optind < argc) usage_error("unexpected argument: %s", argv[optind]);
    if (opt.dir == NULL) usage_error("missing -o DIR");
    if (opt.customers < 0) {
        opt.customers = opt.shards * opt.rows / 2;
        if (opt.customers < 1) opt.customers = 1;
    }

    if (make_dirs(opt.dir) != 0) return 1;
    buf = malloc(OUTBUF_SIZE);
    if (buf == NULL) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    for (long long s = 0; s < opt.shards; s++) {
        if (write_shard(&opt, s, buf) != 0) {
            free(buf);
            return 1;
        }
    }
    free(buf);
    return 0;
}
