/* status: zsend's status records, written and read. */
#include "core/stage/status.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/addr/addr.h"

static const char *const type_names[] = {
    [STATUS_START] = "start", [STATUS_STATUS] = "status", [STATUS_DONE] = "done"};

/* snprintf that never reports more than it wrote, so calls can be chained */
static size_t put(char *buf, size_t size, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t size, size_t at, const char *fmt, ...)
{
	if (at >= size)
		return at;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + at, size - at, fmt, ap);
	va_end(ap);
	if (n < 0)
		return at;
	return (size_t)n < size - at ? at + (size_t)n : size - 1;
}

size_t status_format_start(char *buf, size_t size, const struct status_start *s)
{
	char a[IPADDR_STRLEN];
	size_t n = put(buf, size, 0,
	               "{\"type\":\"%s\",\"module\":\"%s\",\"interface\":\"%s\",\"rate\":%.0f,"
	               "\"probes\":%u,\"sport_first\":%u,\"sport_count\":%u,"
	               "\"key_fingerprint\":\"%s\",",
	               type_names[STATUS_START], s->module, s->interface, s->rate, s->probes,
	               s->sport_first, s->sport_count, s->key_fingerprint);
	if (s->have_zgen)
		n = put(buf, size, n,
		        "\"seed\":%" PRIu64 ",\"shards\":%" PRIu64 ",\"shard\":%" PRIu64
		        ",\"zgen_resume\":%" PRIu64 ",",
		        s->seed, s->shards, s->shard, s->zgen_resume);
	if (s->module_args && s->module_args[0])
		n = put(buf, size, n, "\"module_args\":\"%s\",", s->module_args);
	n = put(buf, size, n, "\"sources\":[");
	for (unsigned i = 0; i < s->nsources; i++)
		n = put(buf, size, n, "%s\"%s\"", i ? "," : "", addr_str(s->sources[i], a));
	for (unsigned i = 0; i < s->nsources6; i++)
		n = put(buf, size, n, "%s\"%s\"", i || s->nsources ? "," : "",
		        ipaddr_str(s->sources6[i], a));
	return put(buf, size, n, "]}\n");
}

size_t status_format_progress(char *buf, size_t size, const struct status_progress *p)
{
	char progress[32] = "";
	if (p->progress >= 0)
		snprintf(progress, sizeof progress, ",\"progress\":%.4f", p->progress);
	size_t n =
	    put(buf, size, 0,
	        "{\"type\":\"%s\",\"time\":%.3f,\"sent\":%" PRIu64 ",\"send_failures\":%" PRIu64
	        ",\"rate\":%.0f,\"targets\":%" PRIu64 ",\"blocked\":%" PRIu64
	        ",\"bad_lines\":%" PRIu64 "%s%s",
	        type_names[p->type], p->time, p->sent, p->send_failures, p->rate, p->targets,
	        p->blocked, p->bad_lines, progress, p->interrupted ? ",\"interrupted\":true" : "");
	if (p->type == STATUS_STATUS && p->done_below >= 0)
		n = put(buf, size, n, ",\"done_below\":%" PRId64, p->done_below);
	if (p->type == STATUS_DONE) {
		n = put(buf, size, n, ",\"consumed\":%" PRIu64 ",\"exit\":%d%s%s", p->consumed,
		        p->exit_status, p->beyond ? ",\"probed_beyond_consumed\":true" : "",
		        p->input_short ? ",\"input_short\":true" : "");
		if (p->have_zgen)
			n = put(buf, size, n,
			        ",\"seed\":%" PRIu64 ",\"shards\":%" PRIu64 ",\"shard\":%" PRIu64
			        ",\"resume\":%" PRIu64,
			        p->seed, p->shards, p->shard, p->resume);
	}
	return put(buf, size, n, "}\n");
}

/* The number after "key": in a flat record, or -1. */
static long json_num(const char *rec, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(rec, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* The unsigned 64-bit number after "key": into *v; false if absent. */
static bool json_u64(const char *rec, const char *key, uint64_t *v)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(rec, pat);
	if (!p || !(p[strlen(pat)] >= '0' && p[strlen(pat)] <= '9'))
		return false;
	*v = strtoull(p + strlen(pat), NULL, 10);
	return true;
}

static bool json_true(const char *rec, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":true", key);
	return strstr(rec, pat) != NULL;
}

/* The string after "key": into buf, or "". */
static void json_str(const char *rec, const char *key, char *buf, size_t size)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":\"", key);
	const char *p = strstr(rec, pat);
	buf[0] = '\0';
	if (p) {
		p += strlen(pat);
		size_t n = strcspn(p, "\"");
		snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), p);
	}
}

static bool has_type(const char *line, enum status_type t)
{
	char pat[32];
	snprintf(pat, sizeof pat, "\"type\":\"%s\"", type_names[t]);
	return strstr(line, pat) != NULL;
}

void status_parse(const char *line, struct status_record *r)
{
	*r = (struct status_record){.type = STATUS_OTHER,
	                            .sport_first = -1,
	                            .sport_count = -1,
	                            .probes = -1,
	                            .sent = -1,
	                            .rate = -1,
	                            .progress = -1,
	                            .done_below = -1,
	                            .exit_status = -1,
	                            .consumed = -1};
	if (has_type(line, STATUS_START)) {
		r->type = STATUS_START;
		json_str(line, "module", r->module, sizeof r->module);
		json_str(line, "key_fingerprint", r->key_fingerprint, sizeof r->key_fingerprint);
		json_str(line, "module_args", r->module_args, sizeof r->module_args);
		r->sport_first = json_num(line, "sport_first");
		r->sport_count = json_num(line, "sport_count");
		r->probes = json_num(line, "probes");
		uint64_t base = 0;
		r->have_zgen =
		    json_u64(line, "seed", &r->seed) && json_u64(line, "shards", &r->shards) &&
		    json_u64(line, "shard", &r->shard) && json_u64(line, "zgen_resume", &base);
		r->resume = base;
		return;
	}
	if (has_type(line, STATUS_DONE))
		r->type = STATUS_DONE;
	else if (has_type(line, STATUS_STATUS))
		r->type = STATUS_STATUS;
	else
		return;
	r->sent = json_num(line, "sent");
	r->rate = json_num(line, "rate");
	const char *pr = strstr(line, "\"progress\":");
	if (pr)
		r->progress = strtod(pr + 11, NULL);
	r->interrupted = json_true(line, "interrupted");
	if (r->type != STATUS_DONE) {
		r->done_below = json_num(line, "done_below");
		return;
	}
	r->exit_status = json_num(line, "exit");
	r->consumed = json_num(line, "consumed");
	r->beyond = json_true(line, "probed_beyond_consumed");
	r->input_short = json_true(line, "input_short");
	r->have_zgen = json_u64(line, "seed", &r->seed) && json_u64(line, "shards", &r->shards) &&
	               json_u64(line, "shard", &r->shard) && json_u64(line, "resume", &r->resume);
}

int status_read(struct status_reader *r, int fd,
                int (*fn)(void *ctx, const struct status_record *rec), void *ctx)
{
	ssize_t n = read(fd, r->line + r->len, sizeof r->line - 1 - r->len);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : 1;
	if (n == 0)
		return 1;
	r->len += (size_t)n;
	r->line[r->len] = '\0';
	char *start = r->line, *nl;
	while ((nl = strchr(start, '\n'))) {
		*nl = '\0';
		if (r->skipping) {
			r->skipping = false; /* the tail of an overlong line */
		} else {
			struct status_record rec;
			status_parse(start, &rec);
			int rc = fn(ctx, &rec);
			if (rc < 0)
				return rc;
		}
		start = nl + 1;
	}
	r->len = (size_t)(r->line + r->len - start);
	memmove(r->line, start, r->len);
	if (r->len == sizeof r->line - 1) {
		r->len = 0; /* an overlong line: not ours, drop all of it */
		r->skipping = true;
	}
	return 0;
}
