/* jsonw: the flat JSON object writer. */
#include "util/jsonw.h"

#include <inttypes.h>
#include <time.h>

void jsonw_begin(struct jsonw *w, FILE *f)
{
	w->f = f;
	w->n = 0;
	fputc('{', f);
}

static void key(struct jsonw *w, const char *k)
{
	fprintf(w->f, "%s\"%s\":", w->n++ ? "," : "", k);
}

void jsonw_str(struct jsonw *w, const char *k, const char *val)
{
	key(w, k);
	fputc('"', w->f);
	for (const unsigned char *p = (const unsigned char *)(val ? val : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(w->f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(w->f, "\\u%04x", *p);
		else
			fputc(*p, w->f);
	}
	fputc('"', w->f);
}

void jsonw_u64(struct jsonw *w, const char *k, uint64_t val)
{
	key(w, k);
	fprintf(w->f, "%" PRIu64, val);
}

void jsonw_num(struct jsonw *w, const char *k, double val)
{
	key(w, k);
	fprintf(w->f, "%.6g", val);
}

void jsonw_bool(struct jsonw *w, const char *k, bool val)
{
	key(w, k);
	fputs(val ? "true" : "false", w->f);
}

void jsonw_time(struct jsonw *w, const char *k, double t)
{
	time_t sec = (time_t)t;
	struct tm tm;
	char buf[32];
	gmtime_r(&sec, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	key(w, k);
	fprintf(w->f, "\"%s.%03dZ\"", buf, (int)((t - (double)sec) * 1000));
}

int jsonw_end(struct jsonw *w)
{
	fputs("}\n", w->f);
	return ferror(w->f) ? -1 : 0;
}
