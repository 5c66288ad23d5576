/* filterexpr: a recursive-descent parser into a postfix program, and its
 * evaluator (a small stack machine: no recursion or allocation per row). */
#include "core/schema/filterexpr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"
#include "util/escape.h"

#define MAX_NODES 256

/* OP_IN, OP_SUB and OP_LIKE are membership, substring and glob; their
 * negations (not in, !~, not like) are the same op with neg set. */
enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_SUB, OP_LIKE };
enum value_kind { V_INT, V_ADDR, V_ADDR6, V_STR };
enum node_kind { N_CMP, N_AND, N_OR, N_NOT };

/* An integer as --where compares it: anything in -2^63..2^64-1, the range
 * of int64_t and uint64_t together, so that no 64-bit field is out of
 * reach. neg says which half it is in; a negative number keeps its
 * two's-complement bits in u, so that within one sign the order of u is
 * the order of the numbers. */
struct num {
	bool neg;
	uint64_t u;
};

struct node {
	enum node_kind kind;
	/* N_CMP */
	unsigned field;
	enum op op;
	bool neg; /* OP_IN, OP_SUB, OP_LIKE: the negated form */
	int plen; /* OP_IN: the prefix length in 128-bit terms (96 + n for IPv4) */
	enum value_kind vkind;
	struct num num;      /* V_INT */
	uint32_t addr;       /* V_ADDR */
	struct ipaddr addr6; /* V_ADDR6; OP_IN: the network (V_ADDR: IPv4's, mapped) */
	char *str;           /* V_STR */
	size_t len;
};

struct filterexpr {
	struct node prog[MAX_NODES]; /* postfix */
	size_t nprog;
	char *fields[FILTEREXPR_MAX_FIELDS];
	size_t nfields;
};

struct parser {
	const char *s, *start;
	struct filterexpr *x;
	struct zerr *e;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->s))
		ps->s++;
}

/* A syntax error at ps->s, showing up to 20 bytes from there escaped: the
 * expression may hold a newline or terminal controls, and the message
 * must stay one line. */
static int fail(struct parser *ps, const char *what)
{
	size_t pos = (size_t)(ps->s - ps->start) + 1;
	if (!*ps->s)
		return zerr_set(ps->e, "--where: position %zu: %s at the end", pos, what);
	char rest[20 * 4 + 4]; /* each byte at most \xNN, and no "..." cut */
	escape_bytes(rest, sizeof rest, ps->s, strnlen(ps->s, 20));
	return zerr_set(ps->e, "--where: position %zu: %s at '%s'", pos, what, rest);
}

static int emit(struct parser *ps, struct node n)
{
	if (ps->x->nprog == MAX_NODES) {
		free(n.str);
		return fail(ps, "expression too long");
	}
	ps->x->prog[ps->x->nprog++] = n;
	return 0;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == ':';
}

static int field_index(struct parser *ps, const char *name, size_t n)
{
	struct filterexpr *x = ps->x;
	for (size_t i = 0; i < x->nfields; i++)
		if (strlen(x->fields[i]) == n && memcmp(x->fields[i], name, n) == 0)
			return (int)i;
	if (x->nfields == FILTEREXPR_MAX_FIELDS)
		return fail(ps, "too many fields");
	if (!(x->fields[x->nfields] = strndup(name, n)))
		return zerr_set(ps->e, "out of memory");
	return (int)x->nfields++;
}

enum num_status { NUM_OK, NUM_NOT_INT, NUM_LEADING_ZERO, NUM_TOO_LARGE, NUM_TOO_SMALL };

/* The one rule for what is an integer, in the expression and in a field:
 * all n bytes are -?(0|[1-9][0-9]*) (JSON's integer syntax) and the value
 * is within -2^63..2^64-1. Anything else (1e3, 0x10, 80x, 080, +1, " 1",
 * 20 nines) is not a number: never a prefix of it, never a wrapped value. */
static enum num_status parse_num(const char *p, size_t n, struct num *v)
{
	bool neg = n > 0 && p[0] == '-';
	size_t i = neg;
	if (i == n)
		return NUM_NOT_INT;
	uint64_t m = 0;
	bool over = false;
	for (size_t k = i; k < n; k++) {
		unsigned d = (unsigned)(unsigned char)p[k] - '0';
		if (d > 9)
			return NUM_NOT_INT;
		if (m > UINT64_MAX / 10 || (m == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			over = true; /* m wraps from here on; only over is used */
		m = m * 10 + d;
	}
	if (p[i] == '0' && n - i > 1)
		return NUM_LEADING_ZERO;
	if (neg && (over || m > (uint64_t)INT64_MAX + 1))
		return NUM_TOO_SMALL;
	if (over)
		return NUM_TOO_LARGE;
	/* -0 is 0 */
	*v = (struct num){neg && m > 0, neg ? -m : m};
	return NUM_OK;
}

static int num_cmp(struct num a, struct num b)
{
	if (a.neg != b.neg)
		return a.neg ? -1 : 1;
	return (a.u > b.u) - (a.u < b.u);
}

/* Whether a bare word is meant as a number: its first letter or digit is
 * a digit (80, -1, 1e3, 0x10, .5, -.5, 198.51.100.7). Such a word must be
 * an integer or, when it starts with a digit, an IPv4 address; comparing
 * it as bytes would be a silent surprise. */
static bool number_like(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isalnum((unsigned char)p[i]))
			return isdigit((unsigned char)p[i]);
	return false;
}

/* Refuses the number-like word v[0..n) at its position, saying what is
 * wrong with it. */
static int bad_number(struct parser *ps, const char *v, size_t n, enum num_status st)
{
	char tok[64];
	escape_bytes(tok, sizeof tok, v, n);
	size_t pos = (size_t)(v - ps->start) + 1;
	switch (st) {
	case NUM_TOO_LARGE:
		return zerr_set(ps->e, "--where: position %zu: '%s' is out of range (at most %llu)",
		                pos, tok, (unsigned long long)UINT64_MAX);
	case NUM_TOO_SMALL:
		return zerr_set(ps->e,
		                "--where: position %zu: '%s' is out of range (at least %lld)", pos,
		                tok, (long long)INT64_MIN);
	case NUM_LEADING_ZERO:
		return zerr_set(
		    ps->e,
		    "--where: position %zu: '%s' is not an integer: it has a leading zero "
		    "(write \"%s\" in quotes to compare it as text)",
		    pos, tok, tok);
	default:
		break;
	}
	bool dotted = isdigit((unsigned char)v[0]) && memchr(v, '.', n);
	return zerr_set(ps->e,
	                "--where: position %zu: '%s' is not an integer%s (write \"%s\" in quotes "
	                "to compare it as text)",
	                pos, tok, dotted ? " or an IPv4 address" : "", tok);
}

/* The "quoted string" at ps->s into n as text (V_STR), unescaped: \" is
 * a double quote and \\ a backslash. A backslash before anything else is
 * refused rather than kept, so that "a\nb" cannot mean two bytes here and a
 * newline to the one who wrote it. */
static int parse_string(struct parser *ps, struct node *n)
{
	static const char rule[] =
	    "(inside \"...\", \\\" is a double quote and \\\\ a backslash; nothing else "
	    "follows one)";
	const char *open = ps->s, *q = open + 1;
	char *out = malloc(strlen(q) + 1); /* unescaping never lengthens */
	size_t m = 0;
	if (!out)
		return zerr_set(ps->e, "out of memory");
	for (; *q != '"'; q++) {
		if (!*q) {
			free(out);
			return fail(ps, "string without a closing quote");
		}
		if (*q == '\\') {
			size_t pos = (size_t)(q - ps->start) + 1;
			if (q[1] != '"' && q[1] != '\\') {
				char next[8];
				free(out);
				if (!q[1])
					return zerr_set(
					    ps->e,
					    "--where: position %zu: a backslash at the end %s", pos,
					    rule);
				escape_bytes(next, sizeof next, q + 1, 1);
				return zerr_set(ps->e,
				                "--where: position %zu: a backslash before '%s' %s",
				                pos, next, rule);
			}
			q++;
		}
		out[m++] = *q;
	}
	out[m] = '\0';
	n->vkind = V_STR;
	n->str = out;
	n->len = m;
	ps->s = q + 1;
	return 0;
}

/* A bare true or false is the number 1 or 0, as a field's text true or
 * false is: 1 or 0 for true or false, -1 for another word. One spelt in
 * another case (True, FALSE) would match no row of either format: -2,
 * refused with its position. */
static int truth_word(struct parser *ps, const char *v, size_t n)
{
	if (n == 4 && memcmp(v, "true", 4) == 0)
		return 1;
	if (n == 5 && memcmp(v, "false", 5) == 0)
		return 0;
	if ((n == 4 && strncasecmp(v, "true", 4) == 0) ||
	    (n == 5 && strncasecmp(v, "false", 5) == 0)) {
		char tok[16];
		escape_bytes(tok, sizeof tok, v, n);
		zerr_set(ps->e,
		         "--where: position %zu: '%s' is not true or false (write %s, or \"%s\" in "
		         "quotes to compare it as text)",
		         (size_t)(v - ps->start) + 1, tok, n == 4 ? "true" : "false", tok);
		return -2;
	}
	return -1;
}

/* The value of a comparison at ps->s into n: a "quoted string" (text), or
 * a bare word: true or false, an address, an integer, or text. */
static int parse_value(struct parser *ps, struct node *n)
{
	if (*ps->s == '"')
		return parse_string(ps, n);
	const char *v = ps->s;
	while (word_char(*ps->s))
		ps->s++;
	size_t vlen = (size_t)(ps->s - v);
	if (vlen == 0)
		return fail(ps, "expected a value");
	struct ipaddr a6;
	int truth = truth_word(ps, v, vlen);
	if (truth == -2)
		return -1;
	if (truth >= 0) {
		n->vkind = V_INT;
		n->num = (struct num){false, (uint64_t)truth};
	} else if (memchr(v, ':', vlen) && ipaddr_parse(v, vlen, &a6) == 0) {
		if (ipaddr_is_v4(a6)) { /* ::ffff:a.b.c.d is a.b.c.d */
			n->vkind = V_ADDR;
			n->addr = ipaddr_v4(a6);
		} else {
			n->vkind = V_ADDR6; /* compared as 128-bit numbers, whatever its text */
			n->addr6 = a6;
		}
	} else if (memchr(v, ':', vlen)) {
		char tok[64];
		escape_bytes(tok, sizeof tok, v, vlen);
		return zerr_set(
		    ps->e,
		    "--where: position %zu: '%s' is not %san IPv6 address (write \"%s\" "
		    "in quotes to compare it as text)",
		    (size_t)(v - ps->start) + 1, tok, number_like(v, vlen) ? "an integer or " : "",
		    tok);
	} else if (number_like(v, vlen)) {
		enum num_status st = parse_num(v, vlen, &n->num);
		if (st == NUM_OK)
			n->vkind = V_INT;
		else if (isdigit((unsigned char)v[0]) && addr_parse(v, vlen, &n->addr) == ADDR_OK)
			n->vkind = V_ADDR;
		else
			return bad_number(ps, v, vlen, st);
	} else {
		n->vkind = V_STR;
		if (!(n->str = strndup(v, vlen)))
			return zerr_set(ps->e, "out of memory");
		n->len = vlen;
	}
	return 0;
}

/* The text after ~ or like: a "quoted string" or a bare word, as text
 * whatever it looks like (~ 80 finds the two bytes "80"). */
static int parse_text(struct parser *ps, struct node *n)
{
	if (*ps->s == '"')
		return parse_string(ps, n);
	const char *v = ps->s;
	while (word_char(*ps->s))
		ps->s++;
	if (*ps->s == '*' || *ps->s == '?')
		return fail(ps, "a pattern with * or ? goes in quotes");
	if (ps->s == v)
		return fail(ps, "expected a \"string\" or a word");
	n->vkind = V_STR;
	if (!(n->str = strndup(v, (size_t)(ps->s - v))))
		return zerr_set(ps->e, "out of memory");
	n->len = (size_t)(ps->s - v);
	return 0;
}

/* The prefix after in: a.b.c.d/len or x:y::/len (a bare address is its
 * /32 or /128), as ipprefix_parse reads zgen's arguments, into the
 * network (addr6, IPv4 as its mapped form) and its length over 128 bits.
 * Bits set past the length are refused, as zgen refuses them: a typo
 * there would silently widen or move the prefix. */
static int parse_prefix(struct parser *ps, struct node *n)
{
	const char *v = ps->s;
	while (word_char(*ps->s) || *ps->s == '/')
		ps->s++;
	size_t vlen = (size_t)(ps->s - v), pos = (size_t)(v - ps->start) + 1;
	if (vlen == 0)
		return fail(ps, "expected a prefix (a.b.c.d/len or x:y::/len)");
	char tok[64], net_s[IPADDR_STRLEN];
	escape_bytes(tok, sizeof tok, v, vlen);
	const char *slash = memchr(v, '/', vlen);
	bool v6 = memchr(v, ':', vlen) != NULL;
	if (slash && memchr(slash, '-', vlen - (size_t)(slash - v)))
		return zerr_set(ps->e,
		                "--where: position %zu: '%s' is a prefix slice, not one prefix "
		                "(write x:y::/len)",
		                pos, tok);
	struct ipaddr net;
	int len, slice;
	switch (ipprefix_parse(v, vlen, &net, &len, &slice)) {
	case ADDR_OK:
		break;
	case ADDR_HOST_BITS:
		return zerr_set(ps->e,
		                "--where: position %zu: '%s' has bits set past its /%d (the prefix "
		                "is %s/%d)",
		                pos, tok, len, ipaddr_str(net, net_s), len);
	case ADDR_BAD_LEN:
		return zerr_set(ps->e, "--where: position %zu: '%s': the prefix length is not 0-%d",
		                pos, tok, v6 ? 128 : 32);
	default:
		return zerr_set(ps->e,
		                "--where: position %zu: '%s' is not an IPv4 or IPv6 prefix "
		                "(a.b.c.d/len or x:y::/len)",
		                pos, tok);
	}
	bool is4 = ipaddr_is_v4(net);
	n->vkind = is4 ? V_ADDR : V_ADDR6;
	n->addr6 = net;
	n->plen = is4 ? 96 + len : len;
	return 0;
}

/* Whether s starts with the word kw, followed by no letter, digit or _. */
static size_t keyword(const char *s, const char *kw)
{
	size_t n = strlen(kw);
	if (strncmp(s, kw, n) != 0 || isalnum((unsigned char)s[n]) || s[n] == '_')
		return 0;
	return n;
}

/* The operator at ps->s into n: a comparison, or a word or sign of the
 * membership and text matches. */
static int parse_op(struct parser *ps, struct node *n)
{
	static const char expected[] = "expected = != < <= > >= ~ !~ in, not in, like or not like";
	const char *o = ps->s;
	size_t k;
	if (o[0] == '=' && o[1] == '=')
		n->op = OP_EQ, ps->s += 2;
	else if (o[0] == '=')
		n->op = OP_EQ, ps->s += 1;
	else if (o[0] == '!' && o[1] == '=')
		n->op = OP_NE, ps->s += 2;
	else if (o[0] == '<' && o[1] == '=')
		n->op = OP_LE, ps->s += 2;
	else if (o[0] == '<')
		n->op = OP_LT, ps->s += 1;
	else if (o[0] == '>' && o[1] == '=')
		n->op = OP_GE, ps->s += 2;
	else if (o[0] == '>')
		n->op = OP_GT, ps->s += 1;
	else if (o[0] == '~')
		n->op = OP_SUB, ps->s += 1;
	else if (o[0] == '!' && o[1] == '~')
		n->op = OP_SUB, n->neg = true, ps->s += 2;
	else if ((k = keyword(o, "in")))
		n->op = OP_IN, ps->s += k;
	else if ((k = keyword(o, "like")))
		n->op = OP_LIKE, ps->s += k;
	else if ((k = keyword(o, "not"))) {
		ps->s += k;
		skip_ws(ps);
		n->neg = true;
		if ((k = keyword(ps->s, "in")))
			n->op = OP_IN, ps->s += k;
		else if ((k = keyword(ps->s, "like")))
			n->op = OP_LIKE, ps->s += k;
		else
			return fail(ps, "expected in or like after not");
	} else
		return fail(ps, expected);
	return 0;
}

static int parse_cmp(struct parser *ps)
{
	skip_ws(ps);
	const char *name = ps->s;
	while (isalnum((unsigned char)*ps->s) || *ps->s == '_')
		ps->s++;
	if (ps->s == name)
		return fail(ps, "expected a field name");
	size_t nlen = (size_t)(ps->s - name);
	skip_ws(ps);
	struct node n = {.kind = N_CMP};
	if (parse_op(ps, &n) < 0)
		return -1;
	skip_ws(ps);
	int rc = n.op == OP_IN                       ? parse_prefix(ps, &n)
	         : n.op == OP_SUB || n.op == OP_LIKE ? parse_text(ps, &n)
	                                             : parse_value(ps, &n);
	if (rc < 0)
		return -1;
	int fi = field_index(ps, name, nlen);
	if (fi < 0) {
		free(n.str);
		return -1;
	}
	n.field = (unsigned)fi;
	return emit(ps, n);
}

static int parse_or(struct parser *ps);

static int parse_unary(struct parser *ps)
{
	skip_ws(ps);
	if (++ps->depth > 64)
		return fail(ps, "nested too deeply");
	int rc;
	if (*ps->s == '!' && ps->s[1] != '=') {
		ps->s++;
		rc = parse_unary(ps);
		if (rc == 0)
			rc = emit(ps, (struct node){.kind = N_NOT});
	} else if (*ps->s == '(') {
		ps->s++;
		rc = parse_or(ps);
		skip_ws(ps);
		if (rc == 0 && *ps->s != ')')
			rc = fail(ps, "expected ')'");
		if (rc == 0)
			ps->s++;
	} else {
		rc = parse_cmp(ps);
	}
	ps->depth--;
	return rc;
}

static int parse_and(struct parser *ps)
{
	if (parse_unary(ps) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		if (ps->s[0] != '&' || ps->s[1] != '&')
			return 0;
		ps->s += 2;
		if (parse_unary(ps) < 0 || emit(ps, (struct node){.kind = N_AND}) < 0)
			return -1;
	}
}

static int parse_or(struct parser *ps)
{
	if (parse_and(ps) < 0)
		return -1;
	for (;;) {
		skip_ws(ps);
		if (ps->s[0] != '|' || ps->s[1] != '|')
			return 0;
		ps->s += 2;
		if (parse_and(ps) < 0 || emit(ps, (struct node){.kind = N_OR}) < 0)
			return -1;
	}
}

struct filterexpr *filterexpr_parse(const char *expr, struct zerr *e)
{
	struct filterexpr *x = calloc(1, sizeof *x);
	if (!x) {
		zerr_set(e, "out of memory");
		return NULL;
	}
	struct parser ps = {expr, expr, x, e, 0};
	int rc = parse_or(&ps);
	skip_ws(&ps);
	if (rc == 0 && *ps.s)
		rc = fail(&ps, "expected && or || or the end");
	if (rc < 0) {
		filterexpr_free(x);
		return NULL;
	}
	return x;
}

void filterexpr_free(struct filterexpr *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nprog; i++)
		free(x->prog[i].str);
	for (size_t i = 0; i < x->nfields; i++)
		free(x->fields[i]);
	free(x);
}

size_t filterexpr_nfields(const struct filterexpr *x)
{
	return x->nfields;
}

const char *filterexpr_field(const struct filterexpr *x, size_t i)
{
	return x->fields[i];
}

static bool ordered(enum op op, int c)
{
	switch (op) {
	case OP_EQ:
		return c == 0;
	case OP_NE:
		return c != 0;
	case OP_LT:
		return c < 0;
	case OP_LE:
		return c <= 0;
	case OP_GT:
		return c > 0;
	case OP_GE:
		return c >= 0;
	default:
		return false;
	}
}

/* Whether text s[0..sn) matches the glob p[0..pn): * is any run of bytes,
 * ? any one byte, every other byte itself. A * that fails moves on by one
 * byte from where it last matched (no recursion): the earlier stars never
 * need to take more, since a later star can absorb the difference. */
static bool glob_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, mark = 0;
	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && (p[pi] == '?' || p[pi] == s[si])) {
			pi++;
			si++;
		} else if (star != SIZE_MAX) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* in, ~ and like, not negated, on a field that is there. */
static bool match(const struct node *n, struct fspan v)
{
	switch (n->op) {
	case OP_IN: {
		/* each family's prefixes hold its own addresses only, so
		 * ::/0 holds no IPv4 row (ipaddr.h keeps IPv4 mapped) */
		struct ipaddr a;
		if (ipaddr_parse(v.p, v.n, &a) < 0 || ipaddr_is_v4(a) != (n->vkind == V_ADDR))
			return false;
		return ipaddr_eq(ipaddr_mask(a, n->plen), n->addr6);
	}
	case OP_SUB:
		return n->len == 0 || memmem(v.p, v.n, n->str, n->len) != NULL;
	case OP_LIKE:
		return glob_match(n->str, n->len, v.p, v.n);
	default:
		return false;
	}
}

static bool compare(const struct node *n, struct fspan v)
{
	if (n->op >= OP_IN) /* a missing field matches nothing */
		return (v.p && match(n, v)) != n->neg;
	if (!v.p)
		return n->op == OP_NE;
	struct num num;
	uint32_t a;
	switch (n->vkind) {
	case V_INT:
		if (v.n == 4 && memcmp(v.p, "true", 4) == 0)
			num = (struct num){false, 1};
		else if (v.n == 5 && memcmp(v.p, "false", 5) == 0)
			num = (struct num){false, 0};
		else if (parse_num(v.p, v.n, &num) != NUM_OK)
			return n->op == OP_NE; /* not a number, by the same rule */
		return ordered(n->op, num_cmp(num, n->num));
	case V_ADDR: {
		struct ipaddr m;
		if (addr_parse(v.p, v.n, &a) != ADDR_OK) {
			/* or the same address written ::ffff:a.b.c.d */
			if (!memchr(v.p, ':', v.n) || ipaddr_parse(v.p, v.n, &m) < 0 ||
			    !ipaddr_is_v4(m))
				return n->op == OP_NE;
			a = ipaddr_v4(m);
		}
		return ordered(n->op, (a > n->addr) - (a < n->addr));
	}
	case V_ADDR6: {
		/* an IPv6 value against an IPv6 address only, as a number */
		struct ipaddr b;
		if (!memchr(v.p, ':', v.n) || ipaddr_parse(v.p, v.n, &b) < 0 || ipaddr_is_v4(b))
			return n->op == OP_NE;
		return ordered(n->op, ipaddr_cmp(b, n->addr6));
	}
	case V_STR: {
		size_t m = v.n < n->len ? v.n : n->len;
		int c = memcmp(v.p, n->str, m);
		if (c == 0)
			c = (v.n > n->len) - (v.n < n->len);
		return ordered(n->op, c);
	}
	}
	return false;
}

bool filterexpr_eval(const struct filterexpr *x, const struct fspan *vals)
{
	bool stack[MAX_NODES];
	size_t sp = 0;
	for (size_t i = 0; i < x->nprog; i++) {
		const struct node *n = &x->prog[i];
		switch (n->kind) {
		case N_CMP:
			stack[sp++] = compare(n, vals[n->field]);
			break;
		case N_NOT:
			stack[sp - 1] = !stack[sp - 1];
			break;
		case N_AND:
			sp--;
			stack[sp - 1] = stack[sp - 1] && stack[sp];
			break;
		case N_OR:
			sp--;
			stack[sp - 1] = stack[sp - 1] || stack[sp];
			break;
		}
	}
	return sp == 1 && stack[0];
}
