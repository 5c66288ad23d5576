/* decode_testutil: the unit tests' harness for answer decoders: a
 * decoder run over bytes in both formats, its fields read back by name,
 * and a whole expected rendering checked at once (EXPECT). */
#ifndef ZSCAN_TESTS_DECODE_TESTUTIL_H
#define ZSCAN_TESTS_DECODE_TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "probe/fieldw.h"

struct decoder {
	void (*decode)(const uint8_t *p, size_t n, struct fieldw *w);
	const struct app_field *fields;
	const int *nfields;
};

static struct fieldw fw;

/* Decodes a heap copy of exactly p[0..n) into fw. */
static inline void run(const struct decoder *d, const void *p, size_t n, enum fieldw_format f)
{
	uint8_t *b = malloc(n ? n : 1);
	if (n)
		memcpy(b, p, n);
	fw_reset(&fw, d->fields, *d->nfields, f);
	d->decode(b, n, &fw);
	free(b);
}

/* Field name's rendering in fw, as a C string (until the next call). */
static inline const char *val(const char *name)
{
	static char out[FIELDW_MAX + 1];
	int i = fw_find(fw.fields, fw.nfields, name, strlen(name));
	if (i < 0)
		return "<no such field>";
	size_t len;
	const char *v = fw_value(&fw, i, &len);
	memcpy(out, v, len);
	out[len] = 0;
	return out;
}

/* fw's field name is unset */
static inline bool unset(const char *name)
{
	const char *v = val(name);
	return fw.format == FIELDW_JSON ? strcmp(v, "\"\"") == 0 : *v == 0;
}

struct expect {
	const char *name, *csv, *json;
};

/* a number, a bool, a string without escapes */
#define N(name, v)                                                                                 \
	{                                                                                          \
		name, v, v                                                                         \
	}
#define B(name, v)                                                                                 \
	{                                                                                          \
		name, (v) ? "1" : "0", (v) ? "true" : "false"                                      \
	}
#define S(name, v)                                                                                 \
	{                                                                                          \
		name, v, "\"" v "\""                                                               \
	}

/* Decodes p in both formats: the fields in e render as given, every other
 * one is unset. false, and a line on stderr, at the first difference. */
static inline bool decodes_to(const struct decoder *d, const void *p, size_t n,
                              const struct expect *e, size_t ne)
{
	for (int json = 0; json < 2; json++) {
		run(d, p, n, json ? FIELDW_JSON : FIELDW_CSV);
		for (size_t k = 0; k < ne; k++) {
			if (fw_find(d->fields, *d->nfields, e[k].name, strlen(e[k].name)) < 0) {
				fprintf(stderr, "    no field %s\n", e[k].name);
				return false;
			}
		}
		for (int i = 0; i < *d->nfields; i++) {
			const char *name = d->fields[i].name, *want = json ? "\"\"" : "";
			for (size_t k = 0; k < ne; k++)
				if (strcmp(e[k].name, name) == 0)
					want = json ? e[k].json : e[k].csv;
			const char *got = val(name);
			if (strcmp(got, want) != 0) {
				fprintf(stderr, "    %s %s: got [%s], want [%s]\n",
				        json ? "JSON" : "CSV", name, got, want);
				return false;
			}
		}
		if (fw_truncated(&fw))
			return false;
	}
	return true;
}

#define EXPECT(d, p, n, ...)                                                                       \
	do {                                                                                       \
		const struct expect e_[] = {__VA_ARGS__};                                          \
		CHECK(decodes_to(d, p, n, e_, sizeof e_ / sizeof e_[0]));                          \
	} while (0)

static inline bool is(const char *name, const char *want)
{
	const char *got = val(name);
	if (strcmp(got, want) == 0)
		return true;
	fprintf(stderr, "    %s: got [%s], want [%s]\n", name, got, want);
	return false;
}

#endif
