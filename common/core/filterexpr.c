/* filterexpr: a recursive-descent parser into a postfix program, and its
 * evaluator (a small stack machine: no recursion or allocation per row). */
#include "core/filterexpr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"

#define MAX_NODES 256

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };
enum value_kind { V_INT, V_ADDR, V_STR };
enum node_kind { N_CMP, N_AND, N_OR, N_NOT };

struct node {
	enum node_kind kind;
	/* N_CMP */
	unsigned field;
	enum op op;
	enum value_kind vkind;
	int64_t num; /* V_INT, V_ADDR */
	char *str;   /* V_STR */
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

static int fail(struct parser *ps, const char *what)
{
	if (*ps->s)
		return zerr_set(ps->e, "--where: position %zu: %s at '%.20s'",
		                (size_t)(ps->s - ps->start) + 1, what, ps->s);
	return zerr_set(ps->e, "--where: position %zu: %s at the end",
	                (size_t)(ps->s - ps->start) + 1, what);
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

/* Parses a decimal integer filling all n bytes. */
static bool parse_int(const char *p, size_t n, int64_t *v)
{
	bool neg = n > 0 && p[0] == '-';
	size_t i = neg;
	if (i == n || n - i > 18)
		return false;
	int64_t r = 0;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		r = r * 10 + (p[i] - '0');
	}
	*v = neg ? -r : r;
	return true;
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
	const char *o = ps->s;
	if (o[0] == '=' && o[1] == '=')
		n.op = OP_EQ, ps->s += 2;
	else if (o[0] == '=')
		n.op = OP_EQ, ps->s += 1;
	else if (o[0] == '!' && o[1] == '=')
		n.op = OP_NE, ps->s += 2;
	else if (o[0] == '<' && o[1] == '=')
		n.op = OP_LE, ps->s += 2;
	else if (o[0] == '<')
		n.op = OP_LT, ps->s += 1;
	else if (o[0] == '>' && o[1] == '=')
		n.op = OP_GE, ps->s += 2;
	else if (o[0] == '>')
		n.op = OP_GT, ps->s += 1;
	else
		return fail(ps, "expected = != < <= > or >=");
	skip_ws(ps);
	const char *v = ps->s;
	size_t vlen;
	bool quoted = *v == '"';
	if (quoted) {
		const char *end = strchr(v + 1, '"');
		if (!end)
			return fail(ps, "string without a closing quote");
		v++;
		vlen = (size_t)(end - v);
		ps->s = end + 1;
	} else {
		while (word_char(*ps->s))
			ps->s++;
		vlen = (size_t)(ps->s - v);
		if (vlen == 0)
			return fail(ps, "expected a value");
	}
	uint32_t a;
	if (!quoted && parse_int(v, vlen, &n.num)) {
		n.vkind = V_INT;
	} else if (!quoted && addr_parse(v, vlen, &a) == ADDR_OK) {
		n.vkind = V_ADDR;
		n.num = a;
	} else {
		n.vkind = V_STR;
		if (!(n.str = strndup(v, vlen)))
			return zerr_set(ps->e, "out of memory");
		n.len = vlen;
	}
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
	}
	return false;
}

static bool compare(const struct node *n, struct fspan v)
{
	if (!v.p)
		return n->op == OP_NE;
	int64_t num;
	uint32_t a;
	switch (n->vkind) {
	case V_INT:
		if (v.n == 4 && memcmp(v.p, "true", 4) == 0)
			num = 1;
		else if (v.n == 5 && memcmp(v.p, "false", 5) == 0)
			num = 0;
		else if (!parse_int(v.p, v.n, &num))
			return n->op == OP_NE;
		return ordered(n->op, (num > n->num) - (num < n->num));
	case V_ADDR:
		if (addr_parse(v.p, v.n, &a) != ADDR_OK)
			return n->op == OP_NE;
		return ordered(n->op, ((int64_t)a > n->num) - ((int64_t)a < n->num));
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
