/* Unit tests: zfilter's --where language, table-driven: expressions over a
 * fixed row with the answer they must give, and syntax errors with the
 * position they must name. */
#include <string.h>

#include "core/filterexpr.h"
#include "harness.h"

void test_filterexpr_table(void);
void test_filterexpr_errors(void);

/* The row every expression is evaluated on. */
static const char *const row_names[] = {"saddr",   "sport",         "ttl",
                                        "success", "repeat",        "classification",
                                        "data",    "timestamp_str", "window"};
static const char *const row_values[] = {
    "198.18.3.7", "443", "57", "true", "0", "synack", "", "2026-11-21T10:00:00.5Z", "-"};

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
