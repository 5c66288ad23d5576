/* Unit tests: option value parsers (-n, -p, numbers). */
#include <string.h>

#include "harness.h"
#include "core/perm/limit.h"
#include "util/numparse.h"
#include "core/addr/ports.h"
#include "core/addr/targetline.h"

void test_limit_parse_and_resolve(void);
void test_ports_parse_cases(void);
void test_numparse_bounds(void);
void test_leading_zeros_refused(void);
void test_limit_below_one_target(void);

void test_limit_parse_and_resolve(void)
{
	struct limit l;
	struct zerr e;
	CHECK(limit_parse("1000", &l, &e) == 0 && !l.percent && l.count == 1000);
	CHECK(limit_resolve(&l, 10) == 10 && limit_resolve(&l, 5000) == 1000);
	CHECK(limit_parse("1%", &l, &e) == 0 && l.percent);
	CHECK(limit_resolve(&l, 3702258432ull) == 37022584ull);
	CHECK(limit_parse("0.5%", &l, &e) == 0 && limit_resolve(&l, 1000) == 5);
	CHECK(limit_parse("100%", &l, &e) == 0 && limit_resolve(&l, 12345) == 12345);
	CHECK(limit_parse("0.000001%", &l, &e) == 0 && limit_resolve(&l, 100000000) == 1);
	const char *bad[] = {"-5",   "0",  "",    "%",  "1.%",        ".5%",
	                     "101%", "0%", "1e3", "5 ", "1.0000001%", "abc"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECKF(limit_parse(bad[i], &l, &e) < 0, "accepted '%s'", bad[i]);
		CHECKF(strstr(e.msg, bad[i]) != NULL, "'%s' not named in: %s", bad[i], e.msg);
	}
	struct limit none = {0};
	CHECK(limit_resolve(&none, 77) == 77);
}

void test_ports_parse_cases(void)
{
	struct ports p;
	struct zerr e;
	CHECK(ports_parse("443,80,80,8000-8002", &p, &e) == 0);
	CHECK(p.n == 5 && p.ports[0] == 80 && p.ports[1] == 443 && p.ports[4] == 8002);
	ports_free(&p);
	CHECK(ports_parse("*", &p, &e) == 0 && p.n == 65536 && p.ports[65535] == 65535);
	ports_free(&p);
	CHECK(ports_parse("0", &p, &e) == 0 && p.n == 1 && p.ports[0] == 0);
	ports_free(&p);
	const char *bad[] = {"70000", "", "80,", ",80", "90-80", "a", "1-2-3", "80 443", "-5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECKF(ports_parse(bad[i], &p, &e) < 0, "accepted '%s'", bad[i]);
	CHECK(ports_parse("22,70000", &p, &e) < 0 && strstr(e.msg, "'70000'"));
}

void test_numparse_bounds(void)
{
	uint64_t v;
	struct zerr e;
	CHECK(parse_u64("0", 0, 10, "x", &v, &e) == 0 && v == 0);
	CHECK(parse_u64("18446744073709551615", 0, UINT64_MAX, "x", &v, &e) == 0 &&
	      v == UINT64_MAX);
	CHECK(parse_u64("18446744073709551616", 0, UINT64_MAX, "x", &v, &e) < 0);
	CHECK(parse_u64("11", 0, 10, "--shards", &v, &e) < 0 && strstr(e.msg, "--shards"));
	CHECK(parse_u64("-1", 0, 10, "x", &v, &e) < 0);
	CHECK(parse_u64("", 0, 10, "x", &v, &e) < 0);
	CHECK(parse_u64("1x", 0, 10, "x", &v, &e) < 0);
}

/* A number with a leading zero is refused wherever a port or count is
 * read, naming it (080 is 80 to some readers and octal to others): -p
 * lists, single values (zsend -p, -n), -n percentages, and the ports of
 * target lines. */
void test_leading_zeros_refused(void)
{
	struct ports p = {0};
	struct zerr e;
	static const char *const lists[][2] = {
	    {"080", "'080' has a leading zero (write 80)"},
	    {"22,0443", "'0443' has a leading zero (write 443)"},
	    {"80,00", "'00' has a leading zero (write 0)"},
	    {"08-90", "'08' has a leading zero (write 8)"},
	    {"80-090", "'090' has a leading zero (write 90)"},
	    {"1,2,0065535", "'0065535' has a leading zero (write 65535)"},
	};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		CHECKF(ports_parse(lists[i][0], &p, &e) < 0, "accepted '%s'", lists[i][0]);
		CHECKF(strcmp(e.msg, lists[i][1]) == 0, "%s: %s", lists[i][0], e.msg);
	}
	CHECK(ports_parse("0,0-1,10,100-1000", &p, &e) == 0 && p.n == 904);
	ports_free(&p);
	uint64_t v;
	CHECK(parse_u64("080", 0, 65535, "-p", &v, &e) < 0);
	CHECKF(strcmp(e.msg, "-p: '080' has a leading zero (write 80)") == 0, "%s", e.msg);
	CHECK(parse_u64("00", 0, 65535, "-p", &v, &e) < 0 && strstr(e.msg, "'00'"));
	CHECK(parse_u64("0", 0, 65535, "-p", &v, &e) == 0 && v == 0);
	uint16_t lo, hi;
	CHECK(parse_port_range("40000-040999", "-s", &lo, &hi, &e) < 0 && strstr(e.msg, "040999"));
	/* one port, as ZMap's -s 40000 */
	CHECK(parse_port_range("40000", "-s", &lo, &hi, &e) == 0 && lo == 40000 && hi == 40000);
	CHECK(parse_port_range("0", "-s", &lo, &hi, &e) < 0 &&
	      parse_port_range("", "-s", &lo, &hi, &e) < 0);
	CHECK(parse_port_range("65536", "-s", &lo, &hi, &e) < 0 &&
	      strstr(e.msg, "is not a port or a port range"));
	struct limit l;
	CHECK(limit_parse("080", &l, &e) < 0);
	CHECKF(strcmp(e.msg, "-n: '080' has a leading zero (write 80)") == 0, "%s", e.msg);
	CHECK(limit_parse("01%", &l, &e) < 0);
	CHECKF(strcmp(e.msg, "-n: '01%' has a leading zero (write 1%)") == 0, "%s", e.msg);
	CHECK(limit_parse("00.5%", &l, &e) < 0 && strstr(e.msg, "'00.5%'"));
	CHECK(limit_parse("0.05%", &l, &e) == 0 && l.micro_pct == 50000);
	struct ipaddr a;
	int port;
	const char *why = NULL;
	CHECK(targetline_parse("1.2.3.4,080", 11, &a, &port, &why) == TL_BAD && why);
	CHECK(targetline_parse("2001:db8::1,00", 14, &a, &port, &why) == TL_BAD);
	CHECK(targetline_parse("1.2.3.4,0", 9, &a, &port, &why) == TL_OK && port == 0);
	CHECK(targetline_parse("1.2.3.4,80,x", 12, &a, &port, &why) == TL_OK && port == 80);
}

/* -n P% that comes to less than one target is refused, saying what it
 * comes to; from one target on it rounds down. */
void test_limit_below_one_target(void)
{
	struct limit l;
	struct zerr e;
	uint64_t n = 99;
	CHECK(limit_parse("0.000001%", &l, &e) == 0);
	CHECK(limit_apply(&l, "0.000001%", 256, &n, &e) < 0);
	CHECKF(strcmp(e.msg, "-n: '0.000001%' of 256 targets is 0.00000256 targets, less than "
	                     "one: give a larger percentage, or a count") == 0,
	       "%s", e.msg);
	CHECK(limit_apply(&l, "0.000001%", 99999999, &n, &e) < 0 &&
	      strstr(e.msg, " is 0.99999999 targets"));
	CHECK(limit_apply(&l, "0.000001%", 100000000, &n, &e) == 0 && n == 1);
	CHECK(limit_parse("0.1%", &l, &e) == 0);
	CHECK(limit_apply(&l, "0.1%", 1, &n, &e) < 0 &&
	      strstr(e.msg, " of 1 targets is 0.001 targets"));
	CHECK(limit_apply(&l, "0.1%", 1024, &n, &e) == 0 && n == 1);
	CHECK(limit_apply(&l, "0.1%", (uint64_t)1 << 48, &n, &e) == 0 &&
	      n == ((uint64_t)1 << 48) / 1000);
	CHECK(limit_parse("7", &l, &e) == 0 && limit_apply(&l, "7", 3, &n, &e) == 0 && n == 3);
	struct limit none = {0};
	CHECK(limit_apply(&none, NULL, 5, &n, &e) == 0 && n == 5);
}
