/* Unit tests: zfilter's --where language, table-driven: expressions over a
 * fixed row with the answer they must give, and syntax errors with the
 * position they must name. */
#include <string.h>

#include "core/schema/filterexpr.h"
#include "harness.h"

void test_filterexpr_table(void);
void test_filterexpr_errors(void);
void test_filterexpr_numbers_are_strict(void);
void test_filterexpr_number_bounds(void);
void test_filterexpr_field_that_is_not_a_number(void);
void test_filterexpr_errors_in_one_line(void);
void test_filterexpr_true_false_are_one_and_zero(void);
void test_filterexpr_string_escapes(void);
void test_filterexpr_prefix_membership(void);
void test_filterexpr_bad_prefixes(void);
void test_filterexpr_text_matches(void);

/* The row every expression is evaluated on. */
static const char *const row_names[] = {"saddr",  "sport",          "ttl",  "success",
                                        "repeat", "classification", "data", "timestamp_str",
                                        "window", "daddr"};
static const char *const row_values[] = {
    "198.18.3.7", "443",          "57", "true", "0", "synack", "", "2026-11-21T10:00:00.5Z",
    "-",          "2001:DB8:0::A"};

static bool eval_on_row(const char *expr, int *ok)
{
	struct zerr e;
	struct filterexpr *x = filterexpr_parse(expr, &e);
	*ok = x != NULL;
	if (!x)
		return false;
	struct fspan vals[FILTEREXPR_MAX_FIELDS];
	for (size_t i = 0; i < filterexpr_nfields(x); i++) {
		vals[i] = (struct fspan){NULL, 0}; /* a field the row lacks */
		for (size_t k = 0; k < sizeof row_names / sizeof row_names[0]; k++)
			if (strcmp(filterexpr_field(x, i), row_names[k]) == 0)
				vals[i] = (struct fspan){row_values[k], strlen(row_values[k])};
	}
	bool r = filterexpr_eval(x, vals);
	filterexpr_free(x);
	return r;
}

void test_filterexpr_table(void)
{
	static const struct {
		const char *expr;
		bool want;
	} cases[] = {
	    {"success = 1", true},
	    {"success == 1", true},
	    {"success = 0", false},
	    {"success != 0", true},
	    {"sport = 443", true},
	    {"sport=80||sport=443", true},
	    {"success = 1 && (sport = 80 || sport = 443) && ttl > 32", true},
	    {"success = 1 && (sport = 80 || sport = 443) && ttl > 64", false},
	    {"ttl < 57", false},
	    {"ttl <= 57", true},
	    {"ttl >= 57", true},
	    {"ttl > 56", true},
	    {"ttl > -1", true},
	    {"!(ttl > 56)", false},
	    {"!!(ttl > 56)", true},
	    {"! repeat = 1", true},
	    {"classification = synack", true},
	    {"classification = \"synack\"", true},
	    {"classification != \"rst\"", true},
	    {"classification = \"syn\"", false},
	    {"classification < \"t\"", true},
	    {"saddr = 198.18.3.7", true},
	    {"saddr > 198.18.3.10", false}, /* as addresses, not as text */
	    {"saddr < 198.18.3.10", true},
	    {"saddr = \"198.18.3.7\"", true},
	    {"saddr = 2001:db8::1", false}, /* an IPv6 address: of another family */
	    {"saddr != 2001:db8::1", true},
	    {"saddr > ::", false},
	    {"saddr = ::ffff:198.18.3.7", true}, /* IPv4 written as IPv4-mapped IPv6 */
	    {"saddr < ::FFFF:198.18.3.8", true},
	    {"saddr = ::ffff:c612:307", true},
	    {"saddr = ::198.18.3.7", false}, /* IPv4-compatible: an IPv6 address */
	    {"daddr = 2001:db8::a", true},   /* "2001:DB8:0::A" in the row: one address */
	    {"daddr > 2001:db8::9 && daddr < 2001:db8::b", true},
	    {"daddr = \"2001:db8::a\"", false}, /* quoted: as text */
	    {"daddr = 198.18.3.7", false},
	    {"data = \"\"", true},
	    {"timestamp_str >= \"2026-11-21\"", true},
	    {"window > 5", false}, /* not a number: false */
	    {"window != 5", true},
	    {"nosuch = 1", false}, /* a field the row lacks */
	    {"nosuch != 1", true},
	    {"sport = 443 || nosuch = 1 && ttl = 0", true}, /* && binds tighter */
	    {"(sport = 443 || nosuch = 1) && ttl = 0", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int ok;
		bool got = eval_on_row(cases[i].expr, &ok);
		CHECKF(ok && got == cases[i].want, "'%s': want %d", cases[i].expr, cases[i].want);
	}
}

void test_filterexpr_errors(void)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
	    {"", "position 1: expected a field name at the end"},
	    {"success", "position 8: expected = != < <= > >= ~ !~ in, not in, like or not like at "
	                "the end"},
	    {"success =", "position 10: expected a value at the end"},
	    {"success = 1 &&", "position 15: expected a field name at the end"},
	    {"success = 1 & ttl = 2", "position 13: expected && or || or the end at '& ttl = 2'"},
	    {"(success = 1", "position 13: expected ')' at the end"},
	    {"success = 1)", "position 12: expected && or || or the end at ')'"},
	    {"classification = \"synack", "position 18: string without a closing quote"},
	    {"ttl ? 5", "position 5: expected = != < <= > >= ~ !~ in, not in, like or not like"},
	    {"= 5", "position 1: expected a field name at '= 5'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct zerr e;
		struct filterexpr *x = filterexpr_parse(cases[i].expr, &e);
		CHECKF(!x && strstr(e.msg, cases[i].msg), "'%s': got '%s'", cases[i].expr,
		       x ? "(parsed)" : e.msg);
	}
	/* deep nesting is refused, not a stack overflow */
	char deep[300];
	memset(deep, '(', 200);
	strcpy(deep + 200, "ttl = 1");
	struct zerr e;
	CHECK(!filterexpr_parse(deep, &e) && strstr(e.msg, "nested too deeply"));
}

/* Number-like words that are not whole, in-range decimal integers (or, for
 * words that start with a digit, IPv4 addresses) are refused, naming the
 * 1-based position of the word and what is wrong, in one line: the whole
 * message is compared. */
void test_filterexpr_numbers_are_strict(void)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
	    {"sport > 1e3",
	     "--where: position 9: '1e3' is not an integer (write \"1e3\" in quotes to "
	     "compare it as text)"},
	    {"sport > 0x10",
	     "--where: position 9: '0x10' is not an integer (write \"0x10\" in quotes "
	     "to compare it as text)"},
	    {"sport >= 1000x",
	     "--where: position 10: '1000x' is not an integer (write \"1000x\" in "
	     "quotes to compare it as text)"},
	    {"sport > 99999999999999999999",
	     "--where: position 9: '99999999999999999999' is out of range (at most "
	     "18446744073709551615)"},
	    {"sport = 18446744073709551616",
	     "--where: position 9: '18446744073709551616' is out of range (at most "
	     "18446744073709551615)"},
	    /* 2^64 + 80: a parser that wraps would read 80 */
	    {"sport = 18446744073709551696",
	     "--where: position 9: '18446744073709551696' is out of range (at most "
	     "18446744073709551615)"},
	    {"ttl > -9223372036854775809",
	     "--where: position 7: '-9223372036854775809' is out of range (at least "
	     "-9223372036854775808)"},
	    {"ttl > -99999999999999999999",
	     "--where: position 7: '-99999999999999999999' is out of range (at least "
	     "-9223372036854775808)"},
	    {"sport = 080", "--where: position 9: '080' is not an integer: it has a leading zero "
	                    "(write \"080\" in quotes to compare it as text)"},
	    {"sport = 00",
	     "--where: position 9: '00' is not an integer: it has a leading zero (write "
	     "\"00\" in quotes to compare it as text)"},
	    {"ttl > -01",
	     "--where: position 7: '-01' is not an integer: it has a leading zero (write "
	     "\"-01\" in quotes to compare it as text)"},
	    {"ttl > -1x",
	     "--where: position 7: '-1x' is not an integer (write \"-1x\" in quotes to "
	     "compare it as text)"},
	    {"ttl > .5", "--where: position 7: '.5' is not an integer (write \".5\" in quotes to "
	                 "compare it as text)"},
	    {"ttl > -.5",
	     "--where: position 7: '-.5' is not an integer (write \"-.5\" in quotes to "
	     "compare it as text)"},
	    {"ttl > 1.5", "--where: position 7: '1.5' is not an integer or an IPv4 address (write "
	                  "\"1.5\" in quotes to compare it as text)"},
	    {"sport = 80:81", "--where: position 9: '80:81' is not an integer or an IPv6 address "
	                      "(write \"80:81\" in "
	                      "quotes to compare it as text)"},
	    {"timestamp_str >= 2026-11-21",
	     "--where: position 18: '2026-11-21' is not an integer (write \"2026-11-21\" in quotes "
	     "to compare it as text)"},
	    /* not addresses either: a leading zero in an octet, an octet over
	     * 255, three or five octets */
	    {"saddr = 198.18.3.07",
	     "--where: position 9: '198.18.3.07' is not an integer or an IPv4 "
	     "address (write \"198.18.3.07\" in quotes to compare it as text)"},
	    {"saddr = 256.1.1.1", "--where: position 9: '256.1.1.1' is not an integer or an IPv4 "
	                          "address (write \"256.1.1.1\" in quotes to compare it as text)"},
	    {"saddr = 1.2.3", "--where: position 9: '1.2.3' is not an integer or an IPv4 address "
	                      "(write \"1.2.3\" in quotes to compare it as text)"},
	    {"saddr = 1.2.3.4.5", "--where: position 9: '1.2.3.4.5' is not an integer or an IPv4 "
	                          "address (write \"1.2.3.4.5\" in quotes to compare it as text)"},
	    /* the position of the word, in a later comparison, after tabs */
	    {"success = 1 && (sport = 80 || sport =\t8e1)",
	     "--where: position 39: '8e1' is not an integer (write \"8e1\" in quotes to compare it "
	     "as text)"},
	    {"success=1&&sport>=1k",
	     "--where: position 19: '1k' is not an integer (write \"1k\" in "
	     "quotes to compare it as text)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct zerr e;
		struct filterexpr *x = filterexpr_parse(cases[i].expr, &e);
		bool refused = !x;
		filterexpr_free(x);
		CHECKF(refused && strcmp(e.msg, cases[i].msg) == 0, "'%s': got '%s'", cases[i].expr,
		       refused ? e.msg : "(parsed)");
	}
	/* a long word: one line, cut short, still naming its position */
	char longexpr[200] = "sport > ";
	memset(longexpr + 8, '7', 150);
	struct zerr e;
	struct filterexpr *x = filterexpr_parse(longexpr, &e);
	bool refused = !x;
	filterexpr_free(x);
	CHECK(refused);
	CHECKF(strncmp(e.msg, "--where: position 9: '7777", 26) == 0 &&
	           strstr(e.msg, "...' is out of range (at most 18446744073709551615)") &&
	           !strchr(e.msg, '\n') && strlen(e.msg) < 160,
	       "got '%s'", e.msg);
}

/* Evaluates expr on a row of one field f whose text is val[0..n). */
static bool eval_on(const char *expr, const char *val, size_t n, int *ok)
{
	struct zerr e;
	struct filterexpr *x = filterexpr_parse(expr, &e);
	*ok = x && filterexpr_nfields(x) == 1 && strcmp(filterexpr_field(x, 0), "f") == 0;
	if (!x)
		return false;
	struct fspan v = {val, n};
	bool r = filterexpr_eval(x, &v);
	filterexpr_free(x);
	return r;
}

/* The whole range -2^63..2^64-1 is reachable and ordered as numbers, in
 * the expression and in fields; its edges are in, one past them is out. */
void test_filterexpr_number_bounds(void)
{
	static const struct {
		const char *expr, *field;
		bool want;
	} cases[] = {
	    {"f = 0", "0", true},
	    {"f > 0", "0", false},
	    {"f = -0", "0", true},
	    {"f = 0", "-0", true}, /* JSON's -0 */
	    {"f < 0", "-1", true},
	    {"f = 18446744073709551615", "18446744073709551615", true},
	    {"f > 18446744073709551614", "18446744073709551615", true},
	    {"f < 18446744073709551615", "18446744073709551614", true},
	    {"f <= 18446744073709551615", "0", true},
	    {"f > 18446744073709551615", "18446744073709551615", false},
	    /* past INT64_MAX (the old limit was 18 digits) */
	    {"f > 9223372036854775807", "9223372036854775808", true},
	    {"f = 1000000000000000000", "1000000000000000000", true},
	    {"f = -9223372036854775808", "-9223372036854775808", true},
	    {"f < -9223372036854775807", "-9223372036854775808", true},
	    {"f > -9223372036854775808", "-9223372036854775808", false},
	    /* across the sign: a value of 2^63 or more is above every negative
	     * one, whatever its bits as int64_t */
	    {"f > -1", "18446744073709551615", true},
	    {"f < -1", "18446744073709551615", false},
	    {"f < 9223372036854775808", "-9223372036854775808", true},
	    {"f < 18446744073709551615", "-1", true},
	    {"f > 18446744073709551615", "-1", false},
	    {"f >= -9223372036854775808", "18446744073709551615", true},
	    /* true/false still count as 1/0 */
	    {"f = 1", "true", true},
	    {"f < 1", "false", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int ok;
		bool got = eval_on(cases[i].expr, cases[i].field, strlen(cases[i].field), &ok);
		CHECKF(ok && got == cases[i].want, "'%s' on f=%s: want %d", cases[i].expr,
		       cases[i].field, cases[i].want);
	}
}

/* A field whose text is not a whole, in-range integer by the same rule is
 * not a number for that row: every comparison with an integer is false and
 * != is true; it is never read as a prefix, a wrapped value or a float. A
 * quoted value compares as text, and still-bare words as before. */
void test_filterexpr_field_that_is_not_a_number(void)
{
	static const struct {
		const char *text;
		size_t n;
	} notnum[] = {
#define T(s) {s, sizeof s - 1}
	    T("80x"),
	    T("1e3"),
	    T("8e1"),
	    T("0x50"),
	    T("99999999999999999999"),
	    T("18446744073709551616"),
	    T("18446744073709551696"), /* 2^64 + 80 */
	    T("-9223372036854775809"),
	    T("080"),
	    T("00"),
	    T("-01"),
	    T("+80"),
	    T(" 80"),
	    T("80 "),
	    T("80.0"),
	    T(".80"),
	    T(""),
	    T("-"),
	    T("8\0"),
	    T("80\n"),
	    T("\xd9\xa8\xd9\xa0"),
	    T("TRUE"),
	    T("198.18.3.7"),
#undef T
	};
	static const char *const exprs[] = {
	    "f = 80",  "f < 80",  "f <= 80", "f > 80",
	    "f >= 80", "f > 0",   "f < 0",   "f >= -9223372036854775808",
	    "f = 8",   "f = 1000"};
	for (size_t i = 0; i < sizeof notnum / sizeof notnum[0]; i++) {
		for (size_t k = 0; k < sizeof exprs / sizeof exprs[0]; k++) {
			int ok;
			bool got = eval_on(exprs[k], notnum[i].text, notnum[i].n, &ok);
			CHECKF(ok && !got, "'%s' on f='%.*s': want false", exprs[k],
			       (int)notnum[i].n, notnum[i].text);
		}
		int ok;
		bool got = eval_on("f != 80", notnum[i].text, notnum[i].n, &ok);
		CHECKF(ok && got, "'f != 80' on f='%.*s': want true", (int)notnum[i].n,
		       notnum[i].text);
	}
	/* quoted, number-like words are text and compare as bytes */
	static const struct {
		const char *expr, *field;
		bool want;
	} text[] = {
	    {"f = \"1e3\"", "1e3", true},
	    {"f = \"1e3\"", "1000", false},
	    {"f < \"1e3\"", "1000", true}, /* '0' < 'e'; as numbers not < */
	    {"f > \"1e3\"", "80", true},   /* '8' > '1' */
	    {"f = \"080\"", "080", true},
	    {"f = \"99999999999999999999\"", "99999999999999999999", true},
	    {"f = \"198.18.3.07\"", "198.18.3.07", true},
	    {"f >= \"2026-11-21\"", "2026-11-21T10:00:00.5Z", true},
	    /* bare words whose first letter or digit is not a digit stay text */
	    {"f = -", "-", true},
	    {"f = -abc", "-abc", true},
	    {"f = x80", "x80", true},
	    {"f < e3", "1e3", true},
	};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
		int ok;
		bool got = eval_on(text[i].expr, text[i].field, strlen(text[i].field), &ok);
		CHECKF(ok && got == text[i].want, "'%s' on f=%s: want %d", text[i].expr,
		       text[i].field, text[i].want);
	}
	/* addresses still compare as addresses, also at the edges */
	static const struct {
		const char *expr, *field;
		bool want;
	} addrs[] = {
	    {"f = 198.51.100.7", "198.51.100.7", true},
	    {"f >= 0.0.0.0", "0.0.0.0", true},
	    {"f <= 255.255.255.255", "255.255.255.255", true},
	    {"f > 198.51.100.10", "198.51.100.9", false}, /* as text it would be true */
	    {"f = 198.51.100.7", "198.51.100.07", false}, /* not an address: false */
	    {"f != 198.51.100.7", "198.51.100.07", true},
	};
	for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
		int ok;
		bool got = eval_on(addrs[i].expr, addrs[i].field, strlen(addrs[i].field), &ok);
		CHECKF(ok && got == addrs[i].want, "'%s' on f=%s: want %d", addrs[i].expr,
		       addrs[i].field, addrs[i].want);
	}
}

/* What a syntax error shows of the expression is escaped: a newline or a
 * terminal control in it cannot split the message or reach the terminal. */
void test_filterexpr_errors_in_one_line(void)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
	    {"ttl ?\n5",
	     "--where: position 5: expected = != < <= > >= ~ !~ in, not in, like or not "
	     "like at '?\\x0a5'"},
	    {"ttl = 5 \x01\x1b[31m", "--where: position 9: expected && or || or the end at "
	                             "'\\x01\\x1b[31m'"},
	    {"ttl = 5 \xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0\xef\xee"
	     "\xed\xec\xeb",
	     "--where: position 9: expected && or || or the end at "
	     "'\\xff\\xfe\\xfd\\xfc\\xfb\\xfa\\xf9\\xf8\\xf7\\xf6\\xf5\\xf4\\xf3\\xf2\\xf1\\xf0\\xe"
	     "f"
	     "\\xee\\xed\\xec'"}, /* 20 bytes of it, whole */
	    {"ttl = 5 || (", "--where: position 13: expected a field name at the end"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct zerr e;
		struct filterexpr *x = filterexpr_parse(cases[i].expr, &e);
		bool refused = !x;
		filterexpr_free(x);
		CHECKF(refused && strcmp(e.msg, cases[i].msg) == 0, "case %zu: got '%s'", i,
		       refused ? e.msg : "(parsed)");
	}
}

/* true and false in an expression are the numbers 1 and 0, as they are in
 * fields: "success = true" matches zrecv's CSV (1/0) and its JSON
 * (true/false), and a JSON 1. Quoted, "true" is text. A bare True or FALSE
 * would match nothing anywhere: refused, naming its position. */
void test_filterexpr_true_false_are_one_and_zero(void)
{
	static const struct {
		const char *expr, *field;
		bool want;
	} cases[] = {
	    {"f = true", "1", true},      {"f = true", "true", true},
	    {"f = true", "0", false},     {"f = true", "false", false},
	    {"f = true", "2", false},     {"f = true", "-0", false},
	    {"f = true", "TRUE", false}, /* not a number, nor true */
	    {"f = true", "1.0", false},   {"f != true", "TRUE", true},
	    {"f = false", "0", true},     {"f = false", "-0", true},
	    {"f = false", "false", true}, {"f = false", "1", false},
	    {"f = false", "", false},     {"f != false", "1", true},
	    {"f != true", "0", true},     {"f > false", "2", true},
	    {"f >= true", "true", true},  {"f < true", "false", true},
	    {"f == true", "1", true},     {"f = \"true\"", "true", true}, /* quoted: text */
	    {"f = \"true\"", "1", false}, {"f = \"false\"", "0", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int ok;
		bool got = eval_on(cases[i].expr, cases[i].field, strlen(cases[i].field), &ok);
		CHECKF(ok && got == cases[i].want, "'%s' on f=%s: want %d", cases[i].expr,
		       cases[i].field, cases[i].want);
	}
	/* on the fixed row, whose success is "true" and repeat "0" */
	int ok;
	CHECK(eval_on_row("success = true && repeat = false", &ok) && ok);
	CHECK(!eval_on_row("success = false || repeat = true", &ok) && ok);
	static const struct {
		const char *expr, *msg;
	} bad[] = {
	    {"success = True",
	     "--where: position 11: 'True' is not true or false (write true, or \"True\" in "
	     "quotes to compare it as text)"},
	    {"success = 1 && repeat != FALSE",
	     "--where: position 26: 'FALSE' is not true or false (write false, or \"FALSE\" "
	     "in quotes to compare it as text)"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct zerr e;
		struct filterexpr *x = filterexpr_parse(bad[i].expr, &e);
		bool refused = !x;
		filterexpr_free(x);
		CHECKF(refused && strcmp(e.msg, bad[i].msg) == 0, "'%s': got '%s'", bad[i].expr,
		       refused ? e.msg : "(parsed)");
	}
}

/* Inside "...", \" is a double quote and \\ a backslash; a backslash
 * before anything else (or at the end) is refused at its position, never
 * taken as itself: "a\nb" would mean a newline to one reader and two bytes
 * to another. */
void test_filterexpr_string_escapes(void)
{
	static const struct {
		const char *expr, *field;
		bool want;
	} cases[] = {
	    {"f = \"say \\\"hi\\\"\"", "say \"hi\"", true},
	    {"f = \"\\\"\"", "\"", true},
	    {"f = \"\\\\\"", "\\", true},
	    {"f = \"a\\\\b\"", "a\\b", true},
	    {"f = \"a\\\\b\"", "a\\\\b", false},
	    {"f = \"\\\\\\\"\"", "\\\"", true}, /* \\ then \" */
	    {"f = \"x\\\"\" && f = \"x\\\"\"", "x\"", true},
	    {"f < \"\\\"\"", "!", true}, /* '!' < '"' */
	    {"f = \"\"", "", true},
	    {"f != \"a\\\"b\"", "a\\\"b", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int ok;
		bool got = eval_on(cases[i].expr, cases[i].field, strlen(cases[i].field), &ok);
		CHECKF(ok && got == cases[i].want, "[%s] on f=[%s]: want %d", cases[i].expr,
		       cases[i].field, cases[i].want);
	}
	static const struct {
		const char *expr, *msg;
	} bad[] = {
	    {"f = \"a\\nb\"",
	     "--where: position 7: a backslash before 'n' (inside \"...\", \\\" is a double "
	     "quote and \\\\ a backslash; nothing else follows one)"},
	    {"f = \"\\x41\"",
	     "--where: position 6: a backslash before 'x' (inside \"...\", \\\" is a double "
	     "quote and \\\\ a backslash; nothing else follows one)"},
	    {"f = \"ab\\\x01\"",
	     "--where: position 8: a backslash before '\\x01' (inside \"...\", \\\" is a "
	     "double quote and \\\\ a backslash; nothing else follows one)"},
	    {"f = \"ab\\",
	     "--where: position 8: a backslash at the end (inside \"...\", \\\" is a double "
	     "quote and \\\\ a backslash; nothing else follows one)"},
	    /* an escaped quote does not close the string */
	    {"f = \"ab\\\"", "--where: position 5: string without a closing quote at "},
	    {"f = \"ab\\\" || f = 1", "--where: position 5: string without a closing quote"},
	    /* outside quotes a backslash is no part of a word */
	    {"f = a\\\"b", "--where: position 6: expected && or || or the end at "},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct zerr e;
		struct filterexpr *x = filterexpr_parse(bad[i].expr, &e);
		bool refused = !x;
		filterexpr_free(x);
		CHECKF(refused && strncmp(e.msg, bad[i].msg, strlen(bad[i].msg)) == 0,
		       "[%s]: got [%s]", bad[i].expr, refused ? e.msg : "(parsed)");
	}
}

/* Cases of one field f: an expression, the field's text (NULL: the row
 * lacks f), and the answer. */
struct fcase {
	const char *expr, *field;
	bool want;
};

static void check_fcases(const struct fcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct zerr e;
		struct filterexpr *x = filterexpr_parse(c[i].expr, &e);
		CHECKF(x && filterexpr_nfields(x) == 1 && strcmp(filterexpr_field(x, 0), "f") == 0,
		       "'%s': %s", c[i].expr, x ? "fields" : e.msg);
		if (!x)
			continue;
		struct fspan v = {c[i].field, c[i].field ? strlen(c[i].field) : 0};
		bool got = filterexpr_eval(x, &v);
		filterexpr_free(x);
		CHECKF(got == c[i].want, "'%s' on f=%s: want %d", c[i].expr,
		       c[i].field ? c[i].field : "(none)", c[i].want);
	}
}

static void check_refused(const char *expr, const char *msg)
{
	struct zerr e;
	struct filterexpr *x = filterexpr_parse(expr, &e);
	bool refused = !x;
	filterexpr_free(x);
	CHECKF(refused && strcmp(e.msg, msg) == 0, "[%s]: got [%s]", expr,
	       refused ? e.msg : "(parsed)");
}

/* f in PREFIX: IPv4 prefixes hold IPv4 addresses (also written
 * ::ffff:a.b.c.d), IPv6 prefixes IPv6 ones, down to /0 and up to /32 and
 * /128; a field that is not an address is in no prefix, and not in is
 * the negation, like ! ( ... ). */
void test_filterexpr_prefix_membership(void)
{
	static const struct fcase cases[] = {
	    {"f in 198.18.0.0/15", "198.18.0.0", true},
	    {"f in 198.18.0.0/15", "198.19.255.255", true},
	    {"f in 198.18.0.0/15", "198.17.255.255", false},
	    {"f in 198.18.0.0/15", "198.20.0.0", false},
	    {"f in 198.18.0.0/15", "::ffff:198.19.0.1", true}, /* mapped: IPv4 */
	    {"f in 198.18.0.0/15", "::FFFF:c612:0001", true},
	    {"f in 198.18.0.0/15", "::198.18.0.1", false}, /* IPv4-compatible: IPv6 */
	    {"f in 198.18.0.0/15", "198.18.0.01", false},  /* not an address */
	    {"f in 198.18.0.0/15", " 198.18.0.1", false},
	    {"f in 198.18.0.0/15", "198.18.0.0/15", false},
	    {"f in 198.18.0.0/15", "", false},
	    {"f in 198.18.0.0/15", NULL, false},
	    {"f in 0.0.0.0/0", "0.0.0.0", true},
	    {"f in 0.0.0.0/0", "255.255.255.255", true},
	    {"f in 0.0.0.0/0", "::", false},
	    {"f in 0.0.0.0/0", "synack", false},
	    {"f in 1.2.3.4/32", "1.2.3.4", true},
	    {"f in 1.2.3.4/32", "1.2.3.5", false},
	    {"f in 1.2.3.4", "1.2.3.4", true}, /* a bare address: its /32 */
	    {"f in 1.2.3.4", "1.2.3.3", false},
	    {"f in 2001:2::/48", "2001:2::1", true},
	    {"f in 2001:2::/48", "2001:2:0:ffff:ffff:ffff:ffff:ffff", true},
	    {"f in 2001:2::/48", "2001:0002:0000::ABCD", true},
	    {"f in 2001:2::/48", "2001:2:1::", false},
	    {"f in 2001:2::/48", "2001:1:ffff::", false},
	    {"f in 2001:2::/48", "198.18.0.1", false},
	    {"f in 2001:2::/48", "2001:2::1%eth0", false},
	    {"f in ::/0", "::", true},
	    {"f in ::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
	    {"f in ::/0", "1.2.3.4", false},        /* IPv4 is IPv4's */
	    {"f in ::/0", "::ffff:1.2.3.4", false}, /* however it is written */
	    {"f in ::/128", "::", true},
	    {"f in ::/128", "::1", false},
	    {"f in 2001:db8::1/128", "2001:DB8::1", true},
	    {"f in 2001:db8::1/128", "2001:db8::2", false},
	    {"f in 2001:db8::1", "2001:db8:0:0:0:0:0:1", true},
	    {"f in 2001:db8:8000::/33", "2001:db8:8000::", true},
	    {"f in 2001:db8:8000::/33", "2001:db8:7fff::", false},
	    /* an IPv6 prefix of IPv4-mapped addresses is the IPv4 prefix */
	    {"f in ::ffff:198.18.0.0/111", "198.19.1.1", true},
	    {"f in ::ffff:198.18.0.0/111", "198.20.0.0", false},
	    {"f in ::ffff:0:0/96", "8.8.8.8", true},
	    {"f in ::ffff:0:0/96", "::1", false},
	    {"f in ::ffff:8.8.8.8/128", "8.8.8.8", true},
	    /* the negations */
	    {"f not in 10.0.0.0/8", "10.1.2.3", false},
	    {"f not in 10.0.0.0/8", "11.0.0.0", true},
	    {"f not in 10.0.0.0/8", "2001::1", true},
	    {"f not in 10.0.0.0/8", "", true},
	    {"f not in 10.0.0.0/8", NULL, true},
	    {"!(f in 10.0.0.0/8)", "10.255.255.255", false},
	    {"!(f in 10.0.0.0/8)", "", true},
	    {"f  not\tin\t10.0.0.0/8", "9.0.0.0", true},
	    {"f in 198.18.0.0/15 || f in 2001:2::/48", "2001:2::5", true},
	    {"f in 198.18.0.0/15 || f in 2001:2::/48", "198.18.9.9", true},
	    {"f in 198.18.0.0/15 || f in 2001:2::/48", "2001:3::5", false},
	    {"f in 198.18.0.0/15&&f not in 198.18.0.0/16", "198.19.0.0", true},
	    {"(f in 198.18.0.0/15)&&!(f in 198.18.0.0/16)", "198.18.0.0", false},
	};
	check_fcases(cases, sizeof cases / sizeof cases[0]);
	/* on the fixed row: saddr 198.18.3.7, daddr 2001:DB8:0::A */
	int ok;
	CHECK(eval_on_row("saddr in 198.18.0.0/15 && daddr in 2001:db8::/32", &ok) && ok);
	CHECK(!eval_on_row("saddr in 2001:db8::/32 || daddr in 198.18.0.0/15", &ok) && ok);
	CHECK(!eval_on_row("nosuch in 0.0.0.0/0", &ok) && ok);
	CHECK(eval_on_row("nosuch not in 0.0.0.0/0", &ok) && ok);
}

/* A prefix that is not one is refused at its position, saying why:
 * bits past the length (with the prefix meant), a length out of range, a
 * prefix slice, no address. */
void test_filterexpr_bad_prefixes(void)
{
	static const struct {
		const char *expr, *msg;
	} cases[] = {
	    {"saddr in 198.18.0.1/15",
	     "--where: position 10: '198.18.0.1/15' has bits set past its "
	     "/15 (the prefix is 198.18.0.0/15)"},
	    {"saddr in 2001:2::1/48", "--where: position 10: '2001:2::1/48' has bits set past its "
	                              "/48 (the prefix is 2001:2::/48)"},
	    {"saddr in ::ffff:1.2.3.4/100",
	     "--where: position 10: '::ffff:1.2.3.4/100' has bits set "
	     "past its /4 (the prefix is 0.0.0.0/4)"},
	    {"saddr in 1.2.3.4/33", "--where: position 10: '1.2.3.4/33': the prefix length is not "
	                            "0-32"},
	    {"saddr in 1.2.3.4/-1", "--where: position 10: '1.2.3.4/-1' is a prefix slice, not one "
	                            "prefix (write x:y::/len)"},
	    {"saddr in 2001:2::/129", "--where: position 10: '2001:2::/129': the prefix length is "
	                              "not 0-128"},
	    {"saddr in 2001:2::/48-64", "--where: position 10: '2001:2::/48-64' is a prefix slice, "
	                                "not one prefix (write x:y::/len)"},
	    {"saddr in 1.2.3/24", "--where: position 10: '1.2.3/24' is not an IPv4 or IPv6 prefix "
	                          "(a.b.c.d/len or x:y::/len)"},
	    {"saddr in 256.0.0.0/8", "--where: position 10: '256.0.0.0/8' is not an IPv4 or IPv6 "
	                             "prefix (a.b.c.d/len or x:y::/len)"},
	    {"saddr in 01.2.3.0/24", "--where: position 10: '01.2.3.0/24' is not an IPv4 or IPv6 "
	                             "prefix (a.b.c.d/len or x:y::/len)"},
	    {"saddr in 2001:::/48", "--where: position 10: '2001:::/48' is not an IPv4 or IPv6 "
	                            "prefix (a.b.c.d/len or x:y::/len)"},
	    {"saddr in synack", "--where: position 10: 'synack' is not an IPv4 or IPv6 prefix "
	                        "(a.b.c.d/len or x:y::/len)"},
	    {"saddr in", "--where: position 9: expected a prefix (a.b.c.d/len or x:y::/len) at the "
	                 "end"},
	    {"saddr in (10.0.0.0/8)", "--where: position 10: expected a prefix (a.b.c.d/len or "
	                              "x:y::/len) at '(10.0.0.0/8)'"},
	    {"saddr in \"10.0.0.0/8\"", "--where: position 10: expected a prefix (a.b.c.d/len or "
	                                "x:y::/len) at '\"10.0.0.0/8\"'"},
	    /* the position of the second one */
	    {"saddr in 10.0.0.0/8 || daddr not in 11.0.0.0/7",
	     "--where: position 37: '11.0.0.0/7' has bits set past its /7 (the prefix is "
	     "10.0.0.0/7)"},
	    {"saddr not 10.0.0.0/8", "--where: position 11: expected in or like after not at "
	                             "'10.0.0.0/8'"},
	    {"saddr in1.2.3.4", "--where: position 7: expected = != < <= > >= ~ !~ in, not in, "
	                        "like or not like at 'in1.2.3.4'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_refused(cases[i].expr, cases[i].msg);
}

/* ~ finds a substring, like matches a glob (* any bytes, ? one byte,
 * nothing else special), both on the field's bytes, case and all; !~ and
 * not like are their negations; a row without the field matches neither. */
void test_filterexpr_text_matches(void)
{
	static const struct fcase cases[] = {
	    {"f ~ \"MiniUPnP\"", "Linux, UPnP/1.0 MiniUPnPd/2.1", true},
	    {"f ~ \"MiniUPnP\"", "miniupnpd", false},
	    {"f ~ \"MiniUPnP\"", "MiniUPn", false},
	    {"f ~ \"MiniUPnP\"", "", false},
	    {"f ~ \"MiniUPnP\"", NULL, false},
	    {"f ~ Mini", "xMiniy", true},
	    {"f ~ 80", "8080", true}, /* text, even when it looks like a number */
	    {"f ~ 80", "8", false},
	    {"f ~ \"\"", "", true},
	    {"f ~ \"\"", "abc", true},
	    {"f ~ \"\"", NULL, false},
	    {"f ~ \"a,\\\"b\"", "x a,\"b y", true},
	    {"f ~ \"93.184.216.34\"", "[{\"name\":\"x\",\"rdata\":\"93.184.216.34\"}]", true},
	    {"f !~ \"a,b\"", "xa,by", false},
	    {"f !~ \"a,b\"", "ab", true},
	    {"f !~ \"a\"", NULL, true},
	    {"f like \"Mini*\"", "MiniUPnPd/2.1", true},
	    {"f like \"Mini*\"", "Mini", true},
	    {"f like \"Mini*\"", "xMini", false},
	    {"f like \"Mini*\"", "mini", false},
	    {"f like \"*d/2.?\"", "MiniUPnPd/2.1", true},
	    {"f like \"*d/2.?\"", "MiniUPnPd/2.10", false},
	    {"f like \"*\"", "", true},
	    {"f like \"*\"", NULL, false},
	    {"f like \"\"", "", true},
	    {"f like \"\"", "a", false},
	    {"f like \"a*b*c\"", "aXbYc", true},
	    {"f like \"a*b*c\"", "abcbc", true},
	    {"f like \"a*b*c\"", "abbbbc", true},
	    {"f like \"a*b*c\"", "acb", false},
	    {"f like \"a*b*c\"", "abcd", false},
	    {"f like \"**a**\"", "bab", true},
	    {"f like \"*a*a*a*a*a*b\"", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	    {"f like \"?\"", "x", true},
	    {"f like \"?\"", "\xc3\xa9", false}, /* ? is one byte */
	    {"f like \"??\"", "\xc3\xa9", true},
	    {"f like \"[ab]\"", "[ab]", true}, /* no classes: brackets are bytes */
	    {"f like \"[ab]\"", "a", false},
	    {"f like \"\\\\*\"", "\\x", true}, /* a backslash escapes nothing */
	    {"f like \"\\\\*\"", "*", false},
	    {"f like Mini", "Mini", true},
	    {"f not like \"Mini*\"", "Mini", false},
	    {"f not like \"Mini*\"", "x", true},
	    {"f not like \"Mini*\"", NULL, true},
	    {"f ~ a && !(f like \"*z\")", "abc", true},
	    {"f ~ a && !(f like \"*z\")", "abz", false},
	    {"f~a||f~b", "b", true},
	};
	check_fcases(cases, sizeof cases / sizeof cases[0]);
	/* a NUL in the field is a byte like any other */
	struct zerr e;
	struct filterexpr *x = filterexpr_parse("f ~ \"b\" && f like \"a*\"", &e);
	CHECK(x != NULL);
	if (x) {
		struct fspan v = {"a\0b", 3};
		CHECK(filterexpr_eval(x, &v));
		filterexpr_free(x);
	}
	/* in, like and not are operators after a field name only: fields may
	 * be called so */
	static const char *const named[][2] = {{"in = 1", "in"},
	                                       {"like ~ x", "like"},
	                                       {"not in 10.0.0.0/8", "not"},
	                                       {"not not like x", "not"}};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		x = filterexpr_parse(named[i][0], &e);
		CHECKF(x && filterexpr_nfields(x) == 1 &&
		           strcmp(filterexpr_field(x, 0), named[i][1]) == 0,
		       "[%s]", named[i][0]);
		filterexpr_free(x);
	}
	check_refused("f ~ Mini*",
	              "--where: position 9: a pattern with * or ? goes in quotes at '*'");
	check_refused("f like ?x",
	              "--where: position 8: a pattern with * or ? goes in quotes at '?x'");
	check_refused("f like", "--where: position 7: expected a \"string\" or a word at the end");
	check_refused("f !~ (a)", "--where: position 6: expected a \"string\" or a word at '(a)'");
	check_refused("f ~ \"a", "--where: position 5: string without a closing quote at '\"a'");
	check_refused("f ~ \"a\\n\"",
	              "--where: position 7: a backslash before 'n' (inside \"...\", "
	              "\\\" is a double quote and \\\\ a backslash; nothing else "
	              "follows one)");
}
