/* dnsquery: --probe-args read into questions, and queries built from them. */
#include "probe/answer/dnsquery.h"

#include <string.h>
#include <strings.h>

#include "probe/answer/dns.h"
#include "util/escape.h"

/* One question's text, for errors: "question 2 'MX,exa..mple.org'". */
struct part {
	const char *s;
	size_t n;
	int index;
};

static int bad(const struct part *pt, struct zerr *e, const char *why)
{
	char shown[160];
	escape_bytes(shown, sizeof shown, pt->s, pt->n);
	return zerr_set(e, "--probe-args: question %d '%s': %s", pt->index + 1, shown, why);
}

static bool name_byte_ok(char c)
{
	return c > 0x20 && c < 0x7f && c != ',' && c != ';' && c != ':' && c != '\\';
}

/* Appends the labels of s[0..n) (no trailing dot, not empty) to q->wire. */
static const char *name_to_wire(const char *s, size_t n, struct dnsquery *q)
{
	size_t w = 0;
	for (size_t i = 0; i <= n;) {
		size_t j = i;
		while (j < n && s[j] != '.')
			j++;
		if (j == i)
			return "an empty label in the name";
		if (j - i > 63)
			return "a label of the name is over 63 bytes";
		q->wire[w++] = (uint8_t)(j - i);
		memcpy(q->wire + w, s + i, j - i);
		w += j - i;
		i = j + 1;
	}
	q->wire[w++] = 0;
	q->wirelen = (uint16_t)w;
	return NULL;
}

/* Checks NAME and stores its text and wire forms; NULL or why not. */
static const char *set_name(const char *s, size_t n, struct dnsquery *q)
{
	if (n == 0)
		return "no name after the comma";
	for (size_t i = 0; i < n; i++)
		if (!name_byte_ok(s[i]))
			return s[i] == ',' ? "more than one comma"
			                   : "the name has a byte other than printable ASCII "
			                     "(or , ; : \\)";
	if (n == 1 && s[0] == '.') {
		memcpy(q->name, ".", 2);
		q->wire[0] = 0;
		q->wirelen = 1;
		return NULL;
	}
	if (s[n - 1] == '.')
		n--; /* the trailing dot of a fully qualified name */
	if (n > DNSQUERY_NAME_MAX)
		return "the name is over 253 bytes";
	const char *why = name_to_wire(s, n, q);
	if (why)
		return why;
	memcpy(q->name, s, n);
	q->name[n] = '\0';
	return NULL;
}

/* ":nr" at the end of s[0..*n): cut off, and true. */
static bool cut_nr(const char *s, size_t *n)
{
	if (*n >= 3 && strncasecmp(s + *n - 3, ":nr", 3) == 0) {
		*n -= 3;
		return true;
	}
	return false;
}

static int parse_question(const struct part *pt, struct dnsquery *q, struct zerr *e)
{
	const char *comma = memchr(pt->s, ',', pt->n);
	if (!comma)
		return bad(pt, e, "want TYPE,NAME, e.g. A,example.com");
	size_t tn = (size_t)(comma - pt->s);
	const char *name = comma + 1;
	size_t nn = pt->n - tn - 1;
	bool nr_type = cut_nr(pt->s, &tn), nr_name = cut_nr(name, &nn);
	if (memchr(pt->s, ':', tn))
		return bad(pt, e, "after the type only :nr may follow");
	int type = dns_type_parse(pt->s, tn);
	if (type < 0)
		return bad(pt, e, "unknown query type (A, NS, MX, TXT, ... or TYPEnnn)");
	q->qtype = (uint16_t)type;
	q->rd = !(nr_type || nr_name);
	const char *why = set_name(name, nn, q);
	return why ? bad(pt, e, why) : 0;
}

int dnsquery_parse(const char *args, struct dnsquery_set *qs, struct zerr *e)
{
	qs->n = 0;
	size_t n = args ? strlen(args) : 0;
	if (n > 0 && args[0] == ';')
		args++, n--;
	if (n > 0 && args[n - 1] == ';')
		n--;
	if (n == 0)
		return zerr_set(e, "--probe-args: want TYPE,NAME, e.g. A,example.com");
	for (size_t i = 0; i <= n;) {
		const char *semi = memchr(args + i, ';', n - i);
		size_t end = semi ? (size_t)(semi - args) : n;
		struct part pt = {args + i, end - i, qs->n};
		if (qs->n == DNSQUERY_MAX)
			return zerr_set(e, "--probe-args: more than %d questions", DNSQUERY_MAX);
		if (pt.n == 0)
			return bad(&pt, e, "an empty question between two ';'");
		if (parse_question(&pt, &qs->q[qs->n], e) < 0)
			return -1;
		qs->n++;
		i = end + 1;
	}
	return 0;
}

size_t dnsquery_build(const struct dnsquery *q, bool rd, uint16_t id, uint8_t *buf, size_t size)
{
	size_t len = DNS_HEADER_LEN + q->wirelen + 4;
	if (size < len)
		return 0;
	memset(buf, 0, DNS_HEADER_LEN);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = rd ? 1 : 0; /* QR 0, opcode 0 (QUERY), RD as asked */
	buf[5] = 1;          /* one question */
	memcpy(buf + DNS_HEADER_LEN, q->wire, q->wirelen);
	uint8_t *tail = buf + DNS_HEADER_LEN + q->wirelen;
	tail[0] = (uint8_t)(q->qtype >> 8);
	tail[1] = (uint8_t)q->qtype;
	tail[2] = 0;
	tail[3] = DNS_CLASS_IN;
	return len;
}

const struct dnsquery *dnsquery_pick(const struct dnsquery_set *qs, uint64_t mac,
                                     unsigned probe_num)
{
	/* each term reduced first, so that the sum cannot wrap */
	uint64_t n = (uint64_t)qs->n;
	if (n == 0)
		return NULL;
	return &qs->q[(mac % n + probe_num % n) % n];
}

/* DNS names compare without case, in ASCII only; label lengths (0..63)
 * are never letters, so folding the whole wire form is exact. */
static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

bool dnsquery_matches(const struct dnsquery *q, const uint8_t *p, size_t n)
{
	size_t len = DNS_HEADER_LEN + q->wirelen + 4;
	if (n < len || (p[4] == 0 && p[5] == 0))
		return false;
	const uint8_t *name = p + DNS_HEADER_LEN, *tail = name + q->wirelen;
	for (size_t i = 0; i < q->wirelen; i++)
		if (fold(name[i]) != fold(q->wire[i]))
			return false;
	return tail[0] == (uint8_t)(q->qtype >> 8) && tail[1] == (uint8_t)q->qtype &&
	       tail[2] == 0 && tail[3] == DNS_CLASS_IN;
}

int dnsquery_find(const struct dnsquery_set *qs, const uint8_t *p, size_t n)
{
	for (int i = 0; i < qs->n; i++)
		if (dnsquery_matches(&qs->q[i], p, n))
			return i;
	return -1;
}
