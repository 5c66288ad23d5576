/* memcached: the frame header, then the text lines read twice: once for
 * the named fields, once for the list (the writer takes no other field
 * while a list is open). */
#include "probe/answer/memcached.h"

#include <stdbool.h>
#include <string.h>

enum {
	F_SUCCESS,
	F_REQUEST_ID,
	F_SEQ,
	F_DATAGRAMS,
	F_VERSION,
	F_PID,
	F_UPTIME,
	F_TIME,
	F_POINTER_SIZE,
	F_THREADS,
	F_CURR_CONNECTIONS,
	F_TOTAL_CONNECTIONS,
	F_CURR_ITEMS,
	F_TOTAL_ITEMS,
	F_BYTES,
	F_LIMIT_MAXBYTES,
	F_END,
	F_ERROR,
	F_STATS,
	F_PARSE_ERROR,
	F_COUNT
};

enum { I_NAME, I_VALUE, I_COUNT };

static const struct app_field stat_items[] = {
    [I_NAME] = {"name", AF_STR, "the statistic's name", NULL, 0},
    [I_VALUE] = {"value", AF_STR, "its value as sent", NULL, 0},
};

const struct app_field memcached_fields[MEMCACHED_NFIELDS] = {
    [F_SUCCESS] = {"app_success", AF_BOOL, "1: a STAT or VERSION line came", NULL, 0},
    [F_REQUEST_ID] = {"memcached_request_id", AF_UINT, "frame header: the request id echoed", NULL,
                      0},
    [F_SEQ] = {"memcached_seq", AF_UINT, "frame header: this datagram's sequence number, from 0",
               NULL, 0},
    [F_DATAGRAMS] = {"memcached_datagrams", AF_UINT, "frame header: datagrams in the answer", NULL,
                     0},
    [F_VERSION] = {"memcached_version", AF_STR, "the server's version (STAT version or VERSION)",
                   NULL, 0},
    [F_PID] = {"memcached_pid", AF_UINT, "STAT pid: the server's process id", NULL, 0},
    [F_UPTIME] = {"memcached_uptime", AF_UINT, "STAT uptime: seconds since the server started",
                  NULL, 0},
    [F_TIME] = {"memcached_time", AF_UINT, "STAT time: the server's clock, Unix seconds", NULL, 0},
    [F_POINTER_SIZE] = {"memcached_pointer_size", AF_UINT, "STAT pointer_size: 32 or 64 bits", NULL,
                        0},
    [F_THREADS] = {"memcached_threads", AF_UINT, "STAT threads: worker threads", NULL, 0},
    [F_CURR_CONNECTIONS] = {"memcached_curr_connections", AF_UINT,
                            "STAT curr_connections: open connections", NULL, 0},
    [F_TOTAL_CONNECTIONS] = {"memcached_total_connections", AF_UINT,
                             "STAT total_connections: connections since start", NULL, 0},
    [F_CURR_ITEMS] = {"memcached_curr_items", AF_UINT, "STAT curr_items: items stored now", NULL,
                      0},
    [F_TOTAL_ITEMS] = {"memcached_total_items", AF_UINT,
                       "STAT total_items: items stored since start", NULL, 0},
    [F_BYTES] = {"memcached_bytes", AF_UINT, "STAT bytes: bytes the items take", NULL, 0},
    [F_LIMIT_MAXBYTES] = {"memcached_limit_maxbytes", AF_UINT,
                          "STAT limit_maxbytes: the most bytes it may store", NULL, 0},
    [F_END] = {"memcached_end", AF_BOOL, "1: this datagram holds the END line", NULL, 0},
    [F_ERROR] = {"memcached_error", AF_STR, "an ERROR, CLIENT_ERROR or SERVER_ERROR line", NULL, 0},
    [F_STATS] = {"memcached_stats", AF_LIST, "every STAT line (the first 256): name, value",
                 stat_items, I_COUNT},
    [F_PARSE_ERROR] = {"memcached_parse_error", AF_STR,
                       "the first thing wrong with the answer (empty: fine)", NULL, 0},
};
const int memcached_nfields = F_COUNT;
_Static_assert(F_COUNT == MEMCACHED_NFIELDS, "MEMCACHED_NFIELDS counts the table");

/* The statistics with a field of their own. */
static const struct {
	const char *name;
	int field;
} named[] = {
    {"version", F_VERSION},
    {"pid", F_PID},
    {"uptime", F_UPTIME},
    {"time", F_TIME},
    {"pointer_size", F_POINTER_SIZE},
    {"threads", F_THREADS},
    {"curr_connections", F_CURR_CONNECTIONS},
    {"total_connections", F_TOTAL_CONNECTIONS},
    {"curr_items", F_CURR_ITEMS},
    {"total_items", F_TOTAL_ITEMS},
    {"bytes", F_BYTES},
    {"limit_maxbytes", F_LIMIT_MAXBYTES},
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The text after the frame header, line by line. */
struct cursor {
	const uint8_t *s;
	size_t n, pos;
	bool last; /* the answer's last datagram: nothing goes on after it */
};

struct line {
	const uint8_t *s;
	size_t len;
	bool ended; /* false: the text ends inside it */
};

static bool next_line(struct cursor *c, struct line *l)
{
	if (c->pos >= c->n)
		return false;
	l->s = c->s + c->pos;
	const uint8_t *lf = memchr(l->s, '\n', c->n - c->pos);
	if (!lf) {
		l->len = c->n - c->pos;
		l->ended = false;
		c->pos = c->n;
		return true;
	}
	l->len = (size_t)(lf - l->s);
	l->ended = true;
	c->pos += l->len + 1;
	if (l->len > 0 && l->s[l->len - 1] == '\r')
		l->len--;
	return true;
}

static bool has_prefix(const struct line *l, const char *prefix)
{
	size_t k = strlen(prefix);
	return l->len >= k && memcmp(l->s, prefix, k) == 0;
}

static bool is(const struct line *l, const char *word)
{
	return l->len == strlen(word) && memcmp(l->s, word, l->len) == 0;
}

/* Whether a line is one memcached begins lines with. */
static bool known_line(const struct line *l)
{
	return has_prefix(l, "STAT ") || is(l, "END") || has_prefix(l, "VERSION ") ||
	       is(l, "ERROR") || has_prefix(l, "CLIENT_ERROR") || has_prefix(l, "SERVER_ERROR");
}

/* A datagram after the first may begin inside a line: that piece is
 * passed over, unless it looks like a whole line. */
static void skip_piece(struct cursor *c)
{
	struct line l;
	struct cursor probe = *c;
	if (next_line(&probe, &l) && !(l.ended && known_line(&l)))
		*c = probe;
}

struct stat_line {
	const uint8_t *name, *value;
	size_t name_len, value_len;
};

/* "STAT name value": NULL, or why the line is bad. */
static const char *split_stat(const struct line *l, struct stat_line *st)
{
	const uint8_t *s = l->s + 5, *end = l->s + l->len;
	const uint8_t *sp = memchr(s, ' ', (size_t)(end - s));
	if (!sp)
		return s == end ? "STAT line without a name" : "STAT line without a value";
	if (sp == s)
		return "STAT line without a name";
	st->name = s;
	st->name_len = (size_t)(sp - s);
	st->value = sp + 1;
	st->value_len = (size_t)(end - (sp + 1));
	return NULL;
}

/* A decimal number of at most 20 digits that fits 64 bits. */
static bool parse_u64(const uint8_t *s, size_t n, uint64_t *v)
{
	if (n == 0 || n > 20)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

struct state {
	bool seen[F_COUNT];
	bool end, answered;
	unsigned stats;
	const char *err;
};

static void fail(struct state *s, const char *why)
{
	if (!s->err)
		s->err = why;
}

static void stat_field(struct fieldw *w, struct state *s, const struct stat_line *st)
{
	for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
		int f = named[k].field;
		size_t len = strlen(named[k].name);
		if (st->name_len != len || memcmp(st->name, named[k].name, len) != 0)
			continue;
		if (s->seen[f])
			return;
		s->seen[f] = true;
		uint64_t v;
		if (memcached_fields[f].kind == AF_STR)
			fw_str(w, f, st->value, st->value_len);
		else if (parse_u64(st->value, st->value_len, &v))
			fw_uint(w, f, v);
		else
			fail(s, "a STAT value that should be a number is not");
		return;
	}
}

/* The first pass: every field but the list. */
static void read_lines(struct cursor c, struct fieldw *w, struct state *s)
{
	struct line l;
	while (next_line(&c, &l)) {
		if (!l.ended) {
			if (c.last)
				fail(s, "line not ended");
			break;
		}
		if (l.len > MEMCACHED_LINE_MAX) {
			fail(s, "line too long");
			continue;
		}
		if (s->end) {
			fail(s, "data after END");
			break;
		}
		struct stat_line st;
		if (has_prefix(&l, "STAT ")) {
			const char *bad = split_stat(&l, &st);
			if (bad) {
				fail(s, bad);
				continue;
			}
			s->stats++;
			s->answered = true;
			stat_field(w, s, &st);
		} else if (is(&l, "END")) {
			s->end = true;
		} else if (has_prefix(&l, "VERSION ")) {
			s->answered = true;
			if (!s->seen[F_VERSION]) {
				s->seen[F_VERSION] = true;
				fw_str(w, F_VERSION, l.s + 8, l.len - 8);
			}
		} else if (is(&l, "ERROR") || has_prefix(&l, "CLIENT_ERROR") ||
		           has_prefix(&l, "SERVER_ERROR")) {
			if (!s->seen[F_ERROR]) {
				s->seen[F_ERROR] = true;
				fw_str(w, F_ERROR, l.s, l.len);
			}
		} else {
			fail(s, "unexpected line");
		}
	}
}

/* The second pass: the STAT lines as the list's items. */
static void list_stats(struct cursor c, struct fieldw *w)
{
	struct line l;
	struct stat_line st;
	unsigned k = 0;
	fw_list_begin(w, F_STATS);
	while (k < MEMCACHED_STATS_MAX && next_line(&c, &l) && l.ended && !is(&l, "END")) {
		if (l.len > MEMCACHED_LINE_MAX || !has_prefix(&l, "STAT ") || split_stat(&l, &st))
			continue;
		fw_item_begin(w);
		fw_str(w, I_NAME, st.name, st.name_len);
		fw_str(w, I_VALUE, st.value, st.value_len);
		fw_item_end(w);
		k++;
	}
	fw_list_end(w);
}

void memcached_decode(const uint8_t *p, size_t n, struct fieldw *w)
{
	struct state s = {0};
	if (n >= 2)
		fw_uint(w, F_REQUEST_ID, rd16(p));
	if (n >= 4)
		fw_uint(w, F_SEQ, rd16(p + 2));
	if (n >= 6)
		fw_uint(w, F_DATAGRAMS, rd16(p + 4));
	if (n < MEMCACHED_FRAME) {
		fail(&s, n == 0 ? "empty answer" : "truncated frame header");
	} else {
		unsigned seq = rd16(p + 2), total = rd16(p + 4);
		if (total == 0 || seq >= total)
			fail(&s, "sequence number not below the datagram count");
		struct cursor c = {p + MEMCACHED_FRAME, n - MEMCACHED_FRAME, 0, seq + 1 >= total};
		if (c.n == 0)
			fail(&s, "no text");
		if (seq > 0)
			skip_piece(&c);
		read_lines(c, w, &s);
		fw_bool(w, F_END, s.end);
		if (s.stats > 0)
			list_stats(c, w);
	}
	fw_bool(w, F_SUCCESS, s.answered);
	if (s.err)
		fw_cstr(w, F_PARSE_ERROR, s.err);
}
