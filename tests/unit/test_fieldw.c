/* Unit tests: the decoded fields' writer (probe/fieldw.h). */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "probe/fieldw.h"

static const struct app_field rec_items[] = {
    {"name", AF_STR, "owner", NULL, 0},
    {"ttl", AF_UINT, "ttl", NULL, 0},
    {"ok", AF_BOOL, "flag", NULL, 0},
};

static const struct app_field table[] = {
    {"t_num", AF_UINT, "a number", NULL, 0},   {"t_neg", AF_INT, "signed", NULL, 0},
    {"t_flag", AF_BOOL, "a flag", NULL, 0},    {"t_text", AF_STR, "text", NULL, 0},
    {"t_raw", AF_HEX, "bytes", NULL, 0},       {"t_list", AF_LIST, "records", rec_items, 3},
    {"t_unset", AF_STR, "never set", NULL, 0},
};

static struct fieldw w; /* 64 KiB: not on the stack */

static bool value_is(int i, const char *want)
{
	size_t n;
	const char *v = fw_value(&w, i, &n);
	return n == strlen(want) && memcmp(v, want, n) == 0;
}

static void fill(void)
{
	fw_uint(&w, 0, 18446744073709551615u);
	fw_int(&w, 1, -20);
	fw_bool(&w, 2, true);
	fw_str(&w, 3, "a,\"b\"\\\x01\xff", 8);
	fw_hex(&w, 4, "\x00\xab", 2);
	fw_list_begin(&w, 5);
	fw_item_begin(&w);
	fw_cstr(&w, 0, "x.example.");
	fw_uint(&w, 1, 300);
	fw_item_end(&w);
	fw_item_begin(&w);
	fw_bool(&w, 2, false);
	fw_item_end(&w);
	fw_list_end(&w);
}

void test_fieldw_renders_json_and_csv(void)
{
	fw_reset(&w, table, 7, FIELDW_JSON);
	fill();
	CHECK(value_is(0, "18446744073709551615") && value_is(1, "-20") && value_is(2, "true"));
	CHECK(value_is(3, "\"a,\\\"b\\\"\\\\\\u0001\\u00ff\""));
	CHECK(value_is(4, "\"00ab\""));
	CHECK(value_is(5, "[{\"name\":\"x.example.\",\"ttl\":300},{\"ok\":false}]"));
	CHECK(value_is(6, "\"\"") && !fw_truncated(&w));
	fw_reset(&w, table, 7, FIELDW_CSV);
	fill();
	CHECK(value_is(0, "18446744073709551615") && value_is(1, "-20") && value_is(2, "1"));
	/* quoted for the comma and quotes; \ and odd bytes as \xHH */
	CHECK(value_is(3, "\"a,\"\"b\"\"\\x5c\\x01\\xff\""));
	CHECK(value_is(4, "00ab"));
	/* a list is its JSON in one quoted cell */
	CHECK(value_is(
	    5, "\"[{\"\"name\"\":\"\"x.example.\"\",\"\"ttl\"\":300},{\"\"ok\"\":false}]\""));
	CHECK(value_is(6, ""));
	/* the ends of the number ranges */
	fw_reset(&w, table, 7, FIELDW_CSV);
	fw_int(&w, 1, INT64_MIN);
	fw_uint(&w, 0, 0);
	CHECK(value_is(1, "-9223372036854775808") && value_is(0, "0"));
	/* plain text stays bare; a space at an end is quoted */
	fw_reset(&w, table, 7, FIELDW_CSV);
	fw_cstr(&w, 3, "nginx/1.2 (x)");
	fw_cstr(&w, 6, " lead");
	CHECK(value_is(3, "nginx/1.2 (x)") && value_is(6, "\" lead\""));
}

void test_fieldw_refuses_misuse(void)
{
	fw_reset(&w, table, 7, FIELDW_JSON);
	/* out of range, twice, a scalar call on a list field's index inside
	 * an item, items without a list: each ignored, nothing corrupted */
	fw_uint(&w, -1, 1);
	fw_uint(&w, 7, 1);
	fw_uint(&w, 0, 1);
	fw_uint(&w, 0, 2);
	CHECK(value_is(0, "1"));
	fw_item_begin(&w);
	fw_uint(&w, 1, 5); /* not in an item: a top-level field */
	fw_item_end(&w);
	CHECK(value_is(1, "5"));
	fw_list_begin(&w, 3); /* not a list: what follows goes nowhere */
	fw_item_begin(&w);
	fw_uint(&w, 2, 9);
	fw_item_end(&w);
	fw_list_end(&w);
	CHECK(value_is(2, "\"\"") && value_is(3, "\"\""));
	fw_list_begin(&w, 5);
	fw_uint(&w, 4, 1); /* a top-level call while the list is open */
	fw_item_begin(&w);
	fw_uint(&w, 9, 1); /* no such item field */
	fw_item_end(&w);
	fw_list_end(&w);
	CHECK(value_is(5, "[{}]") && value_is(4, "\"\""));
}

/* Lists past the bound are cut at a whole value and still close: the JSON
 * stays valid, and the record says it was cut. */
void test_fieldw_bounded(void)
{
	char big[3000];
	memset(big, '"', sizeof big);
	for (int format = 0; format < 2; format++) {
		fw_reset(&w, table, 7, format ? FIELDW_JSON : FIELDW_CSV);
		fw_uint(&w, 0, 7);
		fw_list_begin(&w, 5);
		for (int i = 0; i < 100; i++) {
			fw_item_begin(&w);
			fw_str(&w, 0, big, sizeof big);
			fw_uint(&w, 1, (uint64_t)i);
			fw_item_end(&w);
		}
		fw_list_end(&w);
		fw_cstr(&w, 3, "after");
		size_t n;
		const char *v = fw_value(&w, 5, &n);
		CHECK(fw_truncated(&w) && n > 2);
		CHECK(value_is(0, "7"));
		if (format) {
			CHECK(v[0] == '[' && v[n - 1] == ']' && v[n - 2] == '}');
			/* the quotes balance: every item whole */
			size_t q = 0;
			for (size_t i = 0; i < n; i++)
				q += v[i] == '"' && v[i - 1] != '\\';
			CHECK(q % 2 == 0);
		} else {
			CHECK(v[0] == '"' && v[n - 1] == '"');
		}
		CHECK(w.used <= FIELDW_MAX);
	}
}
