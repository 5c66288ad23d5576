/* Unit tests: option value parsers (-n, -p, numbers). */
#include <string.h>

#include "harness.h"
#include "core/limit.h"
#include "util/numparse.h"
#include "core/ports.h"

void test_limit_parse_and_resolve(void);
void test_ports_parse_cases(void);
void test_numparse_bounds(void);

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
