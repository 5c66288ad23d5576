/* Unit tests: splitting result lines (CSV per RFC 4180, JSON objects per
 * RFC 8259) and writing fields back, against tables of cases and against
 * a model on random values: whatever bytes a value holds, writing it and
 * splitting what was written gives the same bytes back. */
#include <string.h>

#include <stdio.h>
#include <stdlib.h>

#include "core/schema/fields.h"
#include "core/schema/rowsplit.h"
#include "harness.h"

void test_rowsplit_csv_plain_fields(void);
void test_rowsplit_csv_quoted_records(void);
void test_rowsplit_csv_record_end_goes_on(void);
void test_rowsplit_json_objects(void);
void test_rowsplit_json_refuses(void);
void test_rowsplit_writers_round_trip(void);
void test_rowsplit_json_names_twice(void);

static bool is(struct fspan v, const char *s)
{
	return v.n == strlen(s) && memcmp(v.p, s, v.n) == 0;
}

/* The fields of r joined with '|', for comparing with a table. */
static const char *joined(const struct row *r, char *buf, size_t size)
{
	size_t n = 0;
	for (int k = 0; k < r->n; k++) {
		if (k && n + 1 < size)
			buf[n++] = '|';
		for (size_t i = 0; i < r->v[k].n && n + 1 < size; i++)
			buf[n++] = r->v[k].p[i];
	}
	buf[n] = '\0';
	return buf;
}

void test_rowsplit_csv_plain_fields(void)
{
	static const struct {
		const char *line, *want;
		int n;
	} cases[] = {
	    {"a", "a", 1},
	    {"", "", 1},
	    {",", "|", 2},
	    {"1.2.3.4,80,1", "1.2.3.4|80|1", 3},
	    {"198.51.100.200,65535,0,", "198.51.100.200|65535|0|", 4},
	    {",,,,,,,,", "||||||||", 9},                 /* commas in one word */
	    {"abcdefg,hijklmn,", "abcdefg|hijklmn|", 3}, /* on the word edges */
	    {"abcdefgh,", "abcdefgh|", 2},
	    {"a\rb,c", "a\rb|c", 2},
	};
	char buf[256];
	struct row r;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECKF(csv_split(cases[i].line, strlen(cases[i].line), &r) == SPLIT_OK, "%zu", i);
		CHECKF(r.n == cases[i].n && strcmp(joined(&r, buf, sizeof buf), cases[i].want) == 0,
		       "'%s': %d fields '%s'", cases[i].line, r.n, buf);
		CHECK(r.unescaped == 0 && !r.quoted[0]);
		/* the quoted path splits a line without quotes alike */
		struct row q;
		q.scratch = buf;
		char buf2[256];
		CHECK(csv_split_quoted(cases[i].line, strlen(cases[i].line), &q) == SPLIT_OK);
		CHECK(q.n == r.n && strcmp(joined(&q, buf2, sizeof buf2), cases[i].want) == 0);
	}
	/* 64 fields fit, 65 do not, on either path */
	char line[200];
	size_t n = 0;
	for (int k = 0; k < 64; k++)
		n += (size_t)snprintf(line + n, sizeof line - n, k ? ",%d" : "%d", k % 10);
	CHECK(csv_split(line, n, &r) == SPLIT_OK && r.n == 64 && is(r.v[63], "3"));
	memcpy(line + n, ",x", 2);
	CHECK(csv_split(line, n + 2, &r) == SPLIT_TOO_MANY);
	r.scratch = buf;
	CHECK(csv_split_quoted(line, n + 2, &r) == SPLIT_TOO_MANY);
	CHECK(csv_split_quoted(line, n, &r) == SPLIT_OK && r.n == 64);
}

void test_rowsplit_csv_quoted_records(void)
{
	static const struct {
		const char *rec, *want;
		int n;
		uint64_t unescaped;
	} cases[] = {
	    {"\"a,b\",c", "a,b|c", 2, 0},
	    {"\"\"", "", 1, 0},
	    {"x,\"\"", "x|", 2, 0},
	    {"\"he said \"\"hi\"\"\",2", "he said \"hi\"|2", 2, 1},
	    {"\"\"\"\"", "\"", 1, 1},
	    {"1,\"two\nlines\",3", "1|two\nlines|3", 3, 0},
	    {"\"cr\r\nlf\"", "cr\r\nlf", 1, 0},
	    {"a,\"\"\"\",\",\"", "a|\"|,", 3, 2},
	    {"\"1.2.3.4\",80", "1.2.3.4|80", 2, 0},
	};
	char buf[256], scratch[256];
	struct row r;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(scratch, 'x', sizeof scratch);
		r.scratch = scratch;
		enum split_status s = csv_split_quoted(cases[i].rec, strlen(cases[i].rec), &r);
		CHECKF(s == SPLIT_OK && r.n == cases[i].n &&
		           strcmp(joined(&r, buf, sizeof buf), cases[i].want) == 0,
		       "case %zu: status %d, %d fields '%s'", i, (int)s, r.n, buf);
		CHECKF(r.unescaped == cases[i].unescaped, "case %zu: %llx", i,
		       (unsigned long long)r.unescaped);
		/* an unescaped value sits in the scratch space, NUL after it
		 * (addr_scan reads up to a byte past a value) */
		for (int k = 0; k < r.n; k++)
			if (r.unescaped >> k & 1)
				CHECK(r.v[k].p >= scratch && r.v[k].p < scratch + sizeof scratch &&
				      r.v[k].p[r.v[k].n] == '\0');
		/* and the record ends where it does, whatever follows */
		char rec[256];
		size_t n = (size_t)snprintf(rec, sizeof rec, "%s\n\"x\nmore", cases[i].rec), rl = 0;
		struct csv_scan sc = {0, 0};
		CHECK(csv_record_end(rec, n, &sc, &rl) && rl == strlen(cases[i].rec));
		CHECK(sc.at == 0 && sc.state == 0);
	}
	static const struct {
		const char *rec;
		enum split_status want;
		int at;
	} bad[] = {
	    {"ab\"c", SPLIT_STRAY_QUOTE, 0},     {"x,ab\"", SPLIT_STRAY_QUOTE, 1},
	    {"\"a\"b", SPLIT_AFTER_QUOTE, 0},    {"1,\"a\" ,2", SPLIT_AFTER_QUOTE, 1},
	    {"1,2,\"open", SPLIT_OPEN_QUOTE, 2}, {"\"", SPLIT_OPEN_QUOTE, 0},
	    {"\"a\"\"", SPLIT_OPEN_QUOTE, 0},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r.scratch = scratch;
		enum split_status s = csv_split_quoted(bad[i].rec, strlen(bad[i].rec), &r);
		CHECKF(s == bad[i].want && r.at == bad[i].at, "'%s': status %d at %d", bad[i].rec,
		       (int)s, r.at);
	}
}

/* A record's end is found in pieces as the reader brings more: the scan
 * goes on where it stopped, and gives what one scan of the whole gives. */
void test_rowsplit_csv_record_end_goes_on(void)
{
	const char *text = "a,\"b\nc\"\"\n\nd\",e\"f\nnext\n";
	size_t len = strlen(text), whole = 0;
	struct csv_scan sc = {0, 0};
	CHECK(csv_record_end(text, len, &sc, &whole));
	CHECK(whole == (size_t)(strstr(text, "\nnext") - text));
	for (size_t step = 1; step < len; step++) {
		struct csv_scan part = {0, 0};
		size_t rl = 0, have = 0;
		bool done = false;
		while (!done && have < len) {
			have = have + step < len ? have + step : len;
			done = csv_record_end(text, have, &part, &rl);
		}
		CHECKF(done && rl == whole, "step %zu: %zu", step, rl);
	}
	/* no end: all of it looked at, inside quotes */
	sc = (struct csv_scan){0, 0};
	size_t rl = 0;
	CHECK(!csv_record_end("\"abc\n", 5, &sc, &rl) && sc.at == 5);
	CHECK(csv_record_end("\"abc\n\"\n", 7, &sc, &rl) && rl == 6);
	/* a stray quote opens nothing */
	sc = (struct csv_scan){0, 0};
	CHECK(csv_record_end("ab\"c\nd", 6, &sc, &rl) && rl == 4);
}

void test_rowsplit_json_objects(void)
{
	static const struct {
		const char *line, *names, *values;
		const char *quoted; /* per field: 's' string, 'l' literal */
	} cases[] = {
	    {"{}", "", "", ""},
	    {" { } ", "", "", ""},
	    {"{\"saddr\":\"1.2.3.4\",\"sport\":80,\"success\":true}", "saddr|sport|success",
	     "1.2.3.4|80|true", "sll"},
	    {"{ \"a\" : \"x\" , \"b\" :\t-1.5e+3 }\r", "a|b", "x|-1.5e+3", "sl"},
	    {"{\"a\":null,\"b\":false,\"c\":0,\"d\":\"\"}", "a|b|c|d", "null|false|0|", "llls"},
	    {"{\"q\\\"\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "q\"", "\"\\/\b\f\n\r\t", "s"},
	    {"{\"u\":\"\\u0041\\u00e9\\u20ac\\ud83d\\ude00\"}", "u",
	     "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "s"},
	    {"{\"raw\":\"\xc3\xa9\xff\"}", "raw", "\xc3\xa9\xff", "s"},
	    {"{\"data\":\"1234\"}", "data", "1234", "s"},
	    /* arrays and objects: their JSON text, as it came */
	    {"{\"l\":[],\"o\":{ },\"n\":[ [ ] , {\"a\" : [1,\"x]\\\"\"]} ]}", "l|o|n",
	     "[]|{ }|[ [ ] , {\"a\" : [1,\"x]\\\"\"]} ]", "lll"},
	    {"{\"d\":[{\"name\":\"a|b\",\"ttl\":60,\"ok\":true,\"x\":null,\"u\":\"\\ud800\"}],"
	     "\"s\":1}",
	     "d|s", "[{\"name\":\"a|b\",\"ttl\":60,\"ok\":true,\"x\":null,\"u\":\"\\ud800\"}]|1",
	     "ll"},
	};
	char buf[256], buf2[256], scratch[256];
	struct row r;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r.scratch = scratch;
		size_t len = strlen(cases[i].line);
		if (len && cases[i].line[len - 1] == '\r')
			len--; /* the caller drops the line's CR */
		enum split_status s = json_split(cases[i].line, len, &r);
		CHECKF(s == SPLIT_OK, "case %zu: status %d at byte %zu", i, (int)s, r.at_byte);
		struct row names = r;
		for (int k = 0; k < r.n; k++)
			names.v[k] = r.name[k];
		CHECKF(strcmp(joined(&names, buf, sizeof buf), cases[i].names) == 0 &&
		           strcmp(joined(&r, buf2, sizeof buf2), cases[i].values) == 0,
		       "case %zu: '%s' '%s'", i, buf, buf2);
		CHECK(r.n == (int)strlen(cases[i].quoted));
		for (int k = 0; k < r.n; k++)
			CHECK(r.quoted[k] == (cases[i].quoted[k] == 's'));
	}
	/* \u0000 is a NUL byte in the value */
	r.scratch = scratch;
	CHECK(json_split("{\"a\":\"x\\u0000y\"}", 16, &r) == SPLIT_OK && r.v[0].n == 3 &&
	      memcmp(r.v[0].p, "x\0y", 3) == 0 && r.unescaped == 1);
	CHECK(json_is_number((struct fspan){"-0.5E-7", 7}) &&
	      json_is_number((struct fspan){"0", 1}));
	CHECK(!json_is_number((struct fspan){"007", 3}) &&
	      !json_is_number((struct fspan){"1.", 2}) &&
	      !json_is_number((struct fspan){"+1", 2}) && !json_is_number((struct fspan){"", 0}));
}

void test_rowsplit_json_refuses(void)
{
	static const struct {
		const char *line;
		enum split_status want;
		int at; /* the field, for nested values */
	} cases[] = {
	    {"", SPLIT_NOT_JSON, 0},
	    {"x{\"a\":1}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":1", SPLIT_NOT_JSON, 0},
	    {"{\"a\":1}x", SPLIT_NOT_JSON, 0},
	    {"{\"a\":1,}", SPLIT_NOT_JSON, 0},
	    {"{\"a\" 1}", SPLIT_NOT_JSON, 0},
	    {"{a:1}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":01}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":+1}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":tru}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":truex}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":\"x\ty\"}", SPLIT_NOT_JSON, 0}, /* a control character in a string */
	    {"{\"a\":\"\\x\"}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":\"\\u12\"}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":\"open}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":\"x\\\"}", SPLIT_NOT_JSON, 0},
	    /* inside an array or object: the same JSON, checked */
	    {"{\"a\":[1,2}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":[1,]}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":{\"b\"}}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":{1:2}}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":[01]}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":[\"\\x\"]}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":[\"x\ty\"]}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":[\"\\u12g4\"]}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":[[1]", SPLIT_NOT_JSON, 0},
	    {"{\"a\":[1]]}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":{\"b\":1]}", SPLIT_NOT_JSON, 0},
	    {"{\"a\":[", SPLIT_NOT_JSON, 0},
	    {"{\"a\":\"\\ud800\"}", SPLIT_SURROGATE, 0},
	    {"{\"a\":\"\\udc00\\ud800\"}", SPLIT_SURROGATE, 0},
	    {"{\"a\":\"\\ud800\\u0041\"}", SPLIT_SURROGATE, 0},
	};
	char scratch[256];
	struct row r;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r.scratch = scratch;
		enum split_status s = json_split(cases[i].line, strlen(cases[i].line), &r);
		CHECKF(s == cases[i].want, "'%s': status %d", cases[i].line, (int)s);
	}
	/* ROWSPLIT_MAX_DEPTH levels fit, one more does not: named by field
	 * and the bracket too deep */
	char deep[256];
	for (int extra = 0; extra < 2; extra++) {
		int levels = ROWSPLIT_MAX_DEPTH + extra;
		size_t m = (size_t)snprintf(deep, sizeof deep, "{\"a\":1,\"b\":");
		for (int k = 0; k < levels; k++) { /* {"k":[{"k":[... */
			if (k % 2) {
				deep[m++] = '[';
			} else {
				memcpy(deep + m, "{\"k\":", 5);
				m += 5;
			}
		}
		for (int k = levels; k-- > 0;)
			deep[m++] = k % 2 ? ']' : '}';
		deep[m++] = '}';
		r.scratch = scratch;
		enum split_status s = json_split(deep, m, &r);
		if (extra == 0) {
			CHECKF(s == SPLIT_OK && r.n == 2 && r.v[1].n == m - 12, "%d levels: %d",
			       levels, (int)s);
		} else {
			CHECKF(s == SPLIT_TOO_DEEP && r.at == 1 && is(r.name[1], "b"),
			       "%d levels: %d", levels, (int)s);
			CHECK(deep[r.at_byte] == (ROWSPLIT_MAX_DEPTH % 2 ? '[' : '{'));
		}
	}
	/* json_nested alone: where a value ends, or the first wrong byte */
	size_t end;
	CHECK(json_nested("[1,{\"a\":2}] x", 13, &end) == SPLIT_OK && end == 11);
	CHECK(json_nested("[1,{\"a\":2]", 10, &end) == SPLIT_NOT_JSON && end == 9);
	CHECK(json_nested("[1,", 3, &end) == SPLIT_NOT_JSON && end == 3);
	CHECK(json_nested("{\"a\"", 4, &end) == SPLIT_NOT_JSON && end == 4);
	/* 64 fields fit, 65 do not */
	char line[1024];
	size_t n = 1;
	line[0] = '{';
	for (int k = 0; k < 65; k++)
		n +=
		    (size_t)snprintf(line + n, sizeof line - n, "%s\"f%d\":%d", k ? "," : "", k, k);
	line[n++] = '}';
	r.scratch = scratch;
	CHECK(json_split(line, n, &r) == SPLIT_TOO_MANY);
	char *cut = strstr(line, ",\"f64\"");
	memcpy(cut, "}", 1);
	CHECK(json_split(line, (size_t)(cut - line) + 1, &r) == SPLIT_OK && r.n == 64);
}

/* An outbuf over memory, large enough never to flush. */
static struct outbuf mem_out(char *buf, size_t size)
{
	return (struct outbuf){.fd = -1, .buf = buf, .cap = size};
}

/* Random values of bytes that matter (quotes, commas, CR, LF, backslash,
 * control bytes, bytes above 0x7f, NUL), written as a CSV field and as a
 * JSON string and split again, give the same bytes; and the CSV field is
 * quoted exactly when it has to be. */
void test_rowsplit_writers_round_trip(void)
{
	static const char alphabet[] = "ab1.,\"\r\n\\\t\x01\x7f\x80\xff \0";
	unsigned seed = 12345;
	static char text[4096], scratch[4096];
	char v[64];
	for (int iter = 0; iter < 20000; iter++) {
		size_t vn = 0, want_n;
		seed = seed * 1103515245u + 12345u;
		want_n = (seed >> 16) % 20;
		for (; vn < want_n; vn++) {
			seed = seed * 1103515245u + 12345u;
			v[vn] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		struct fspan val = {v, vn};
		bool alone = iter % 3 == 0;
		/* CSV: the field, then a second one when not alone */
		struct outbuf o = mem_out(text, 4096);
		CHECK(csv_put_field(&o, val, alone) == 0);
		size_t fl = o.len;
		if (!alone)
			CHECK(outbuf_put(&o, ",z", 2) == 0);
		bool special = memchr(v, ',', vn) || memchr(v, '"', vn) || memchr(v, '\r', vn) ||
		               memchr(v, '\n', vn);
		CHECKF((text[0] == '"') == (special || (vn == 0 && alone)), "iter %d: quoted %d",
		       iter, text[0] == '"');
		CHECK(special || vn == 0 || (fl == vn && memcmp(text, v, vn) == 0));
		CHECK(outbuf_put(&o, "\n", 1) == 0);
		struct csv_scan sc = {0, 0};
		size_t rl = 0;
		CHECK(csv_record_end(text, o.len, &sc, &rl) && rl == o.len - 1);
		struct row r;
		r.scratch = scratch;
		CHECK(csv_split_quoted(text, rl, &r) == SPLIT_OK);
		CHECKF(r.n == (alone ? 1 : 2) && r.v[0].n == vn && memcmp(r.v[0].p, v, vn) == 0,
		       "iter %d: CSV gave %zu bytes back of %zu", iter, r.v[0].n, vn);
		/* JSON */
		o = mem_out(text, 4096);
		CHECK(outbuf_put(&o, "{\"k\":", 5) == 0 && json_put_string(&o, val) == 0 &&
		      outbuf_put(&o, "}", 1) == 0);
		for (size_t i = 0; i < o.len; i++)
			CHECK((unsigned char)text[i] >= 0x20); /* no control byte left raw */
		r.scratch = scratch;
		CHECK(json_split(text, o.len, &r) == SPLIT_OK && r.n == 1 && r.quoted[0]);
		CHECKF(r.v[0].n == vn && memcmp(r.v[0].p, v, vn) == 0, "iter %d: JSON", iter);
	}
	/* the short forms, and \u00XX for the other control bytes */
	struct outbuf o = mem_out(text, 4096);
	const char *want = "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\xc3\xa9\"";
	CHECK(json_put_string(&o, (struct fspan){"\"\\\b\f\n\r\t\x01\x1f/\xc3\xa9", 12}) == 0);
	CHECKF(o.len == strlen(want) && memcmp(text, want, o.len) == 0, "'%.*s'", (int)o.len, text);
	o = mem_out(text, 4096);
	CHECK(csv_put_field(&o, (struct fspan){"a\"b", 3}, false) == 0 && o.len == 6 &&
	      memcmp(text, "\"a\"\"b\"", 6) == 0);
}

/* names_twice has the bit of every name a JSON line holds more than once
 * (no name twice goes unseen, whatever the names, escaped or not), and a
 * zrecv row of every schema field has none of its fields' bits set but
 * those of the pairs that share one (icmp_type and icmp_code, and the
 * *timestamp_ts and *timestamp_us): finding a field in such a row takes the
 * quick way. */
void test_rowsplit_json_names_twice(void)
{
	char line[4096], scratch[4096];
	struct row r = {.scratch = scratch};
	size_t n = 0;
	n += (size_t)snprintf(line + n, sizeof line - n, "{");
	for (int f = 0; f < FIELD_COUNT; f++)
		n += (size_t)snprintf(line + n, sizeof line - n, "%s\"%s\":1", f ? "," : "",
		                      fields_table[f].name);
	n += (size_t)snprintf(line + n, sizeof line - n, "}");
	CHECK(json_split(line, n, &r) == SPLIT_OK && r.n == FIELD_COUNT);
	for (int f = 0; f < FIELD_COUNT; f++) {
		const char *name = fields_table[f].name;
		bool shared = strstr(name, "timestamp_ts") || strstr(name, "timestamp_us") ||
		              !strcmp(name, "icmp_type") || !strcmp(name, "icmp_code");
		uint64_t bit = rowsplit_name_bit((struct fspan){name, strlen(name)});
		CHECKF(shared || !(r.names_twice & bit), "%s shares its bit in a zrecv row", name);
	}
	/* an escaped name is the same name */
	const char *esc = "{\"a\\u0062\":1,\"x\":2,\"ab\":3}";
	CHECK(json_split(esc, strlen(esc), &r) == SPLIT_OK && r.n == 3);
	CHECK(r.names_twice & rowsplit_name_bit((struct fspan){"ab", 2}));
	CHECK(json_split("{}", 2, &r) == SPLIT_OK && r.names_twice == 0);
	/* random lines of names drawn from a few, some alike in length and
	 * first and middle bytes, against a count of each */
	static const char *const pool[] = {"a", "b",   "ab",  "ba",  "saddr", "daddr", "sport",
	                                   "",  "aab", "abb", "x_y", "x_z",   "ttl",   "sadd"};
	const int npool = (int)(sizeof pool / sizeof pool[0]);
	unsigned seed = 7;
	for (int iter = 0; iter < 20000; iter++) {
		int count[sizeof pool / sizeof pool[0]] = {0},
		                               k = (int)((seed = seed * 1103515245 + 12345) >> 16) %
		                                   9;
		n = 0;
		line[n++] = '{';
		for (int j = 0; j < k; j++) {
			int pick = (int)((seed = seed * 1103515245 + 12345) >> 16) % npool;
			count[pick]++;
			n += (size_t)snprintf(line + n, sizeof line - n, "%s\"%s\":%d",
			                      j ? "," : "", pool[pick], j);
		}
		line[n++] = '}';
		CHECK(json_split(line, n, &r) == SPLIT_OK && r.n == k);
		for (int q = 0; q < npool; q++) {
			uint64_t bit = rowsplit_name_bit((struct fspan){pool[q], strlen(pool[q])});
			CHECKF(count[q] < 2 || (r.names_twice & bit),
			       "'%.*s': '%s' twice, its bit clear", (int)n, line, pool[q]);
		}
	}
}
