/* Unit tests: zfilter's --where language, table-driven: expressions over a
 * fixed row with the answer they must give, and syntax errors with the
 * position they must name. */
#include <string.h>

#include "core/filterexpr.h"
#include "harness.h"

void test_filterexpr_table(void);
void test_filterexpr_errors(void);
void test_filterexpr_numbers_are_strict(void);
void test_filterexpr_number_bounds(void);
void test_filterexpr_field_that_is_not_a_number(void);
void test_filterexpr_errors_in_one_line(void);
void test_filterexpr_true_false_are_one_and_zero(void);
void test_filterexpr_string_escapes(void);

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
	    {"success", "position 8: expected = != < <= > or >= at the end"},
	    {"success =", "position 10: expected a value at the end"},
	    {"success = 1 &&", "position 15: expected a field name at the end"},
	    {"success = 1 & ttl = 2", "position 13: expected && or || or the end at '& ttl = 2'"},
	    {"(success = 1", "position 13: expected ')' at the end"},
	    {"success = 1)", "position 12: expected && or || or the end at ')'"},
	    {"classification = \"synack", "position 18: string without a closing quote"},
	    {"ttl ~ 5", "position 5: expected = != < <= > or >="},
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
	    {"ttl ~\n5", "--where: position 5: expected = != < <= > or >= at '~\\x0a5'"},
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
