/* output: zrecv's result lines, CSV with a header row or JSON lines, of
 * the fields -f selected from the schema (core/schema/fields.h). */
#include "output.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"
#include "probe/answer/tcpopt.h"

/* The fields a module's results have. */
static field_mask module_fields(const struct probe_module *m)
{
	return m ? fields_common | m->fields : ~(field_mask)0;
}

/* The most own fields of all modules together: -f is checked against them
 * before zsend's start record names the module. */
#define ALL_EXTRA 1024

/* The names of a module's own fields; with no module, every module's (the
 * first module that declares a name gives its index). */
static int extra_names(const struct probe_module *m, const char **names)
{
	int n = 0;
	for (int i = 0; m ? i < 1 : probe_modules[i] != NULL; i++) {
		const struct probe_module *mod = m ? m : probe_modules[i];
		for (int j = 0; j < mod->n_app_fields && n < ALL_EXTRA; j++)
			names[n++] = mod->app_fields[j].name;
	}
	return n;
}

int output_select(struct output *o, const struct probe_module *m, const char *list, struct zerr *e)
{
	static const char *names[ALL_EXTRA];
	int n = extra_names(m, names);
	o->mod = m;
	o->decodes = false;
	if (fields_select_with(&o->sel, module_fields(m), names, n, m ? m->name : NULL,
	                       m ? m->default_fields : NULL, list, e) < 0)
		return -1;
	for (int k = 0; k < o->sel.n; k++)
		o->decodes |= o->sel.idx[k] >= FIELD_COUNT;
	return 0;
}

static const char *const kind_names[] = {
    [FIELD_ADDR] = "addr", [FIELD_ADDR_OR_EMPTY] = "addr",
    [FIELD_UINT] = "uint", [FIELD_BOOL] = "bool",
    [FIELD_STR] = "str",   [FIELD_HEX] = "hex",
    [FIELD_TIME] = "time",
};

static const char *const app_kind_names[] = {
    [AF_UINT] = "uint", [AF_INT] = "int", [AF_BOOL] = "bool",
    [AF_STR] = "str",   [AF_HEX] = "hex", [AF_LIST] = "list",
};

void output_list_fields(FILE *out, const struct probe_module *m)
{
	struct output def;
	struct zerr e;
	if (output_select(&def, m, NULL, &e) < 0)
		def.sel.n = 0;
	int n_extra = m ? m->n_app_fields : 0;
	for (int i = 0; i < FIELD_COUNT + n_extra; i++) {
		if (i < FIELD_COUNT && !(module_fields(m) & FIELD_BIT(i)))
			continue;
		bool is_default = false;
		for (int k = 0; k < def.sel.n; k++)
			is_default |= def.sel.idx[k] == i;
		if (i < FIELD_COUNT) {
			fprintf(out, "%-22s %c %-4s %s\n", fields_table[i].name,
			        is_default ? '*' : '-', kind_names[fields_table[i].kind],
			        fields_table[i].help);
			continue;
		}
		const struct app_field *f = &m->app_fields[i - FIELD_COUNT];
		fprintf(out, "%-22s %c %-4s %s\n", f->name, is_default ? '*' : '-',
		        app_kind_names[f->kind], f->help);
		for (int j = 0; f->kind == AF_LIST && j < f->nitems; j++) {
			char name[96];
			snprintf(name, sizeof name, "%s.%s", f->name, f->items[j].name);
			fprintf(out, "  %-20s - %-4s %s\n", name, app_kind_names[f->items[j].kind],
			        f->items[j].help);
		}
	}
}

/* The name of selected field idx. */
static const char *field_name(const struct output *o, int idx)
{
	if (idx < FIELD_COUNT)
		return fields_table[idx].name;
	idx -= FIELD_COUNT;
	if (o->mod)
		return o->mod->app_fields[idx].name;
	static const char *names[ALL_EXTRA];
	extra_names(NULL, names);
	return names[idx];
}

void output_header(const struct output *o, FILE *out)
{
	if (o->format != OUTPUT_CSV)
		return;
	for (int i = 0; i < o->sel.n; i++)
		fprintf(out, "%s%s", i ? "," : "", field_name(o, o->sel.idx[i]));
	fputc('\n', out);
}

/* The value of field i as an integer, a flag or a string (an address is
 * *addr; a number the answer does not have is the string ""). The switch
 * is on the row's position, fixed when the fields were selected, so
 * writing a record compares no names. */
static inline __attribute__((always_inline)) uint64_t value(int i, const struct record *rec,
                                                            const char **str, struct ipaddr *addr)
{
	const struct probe_result *r = &rec->r;
	*str = NULL;
	switch ((enum field_id)i) {
	case F_SADDR:
		*addr = r->saddr;
		return 0;
	case F_DADDR:
		*addr = r->daddr;
		return 0;
	case F_SPORT:
		return r->sport;
	case F_DPORT:
		return r->dport;
	case F_SEQNUM:
		return r->seqnum;
	case F_ACKNUM:
		return r->acknum;
	case F_WINDOW:
		return r->window;
	case F_TYPE:
	case F_ICMP_TYPE:
		return r->icmp_type;
	case F_CODE:
	case F_ICMP_CODE:
		return r->icmp_code;
	case F_ICMP_ID:
		return r->echo_id;
	case F_SEQ:
		return r->echo_seq;
	case F_TTL:
		return r->ttl;
	case F_IPID:
		return r->ipid;
	case F_ICMP_RESPONDER:
		*addr = r->icmp_responder;
		return 0;
	case F_UDP_PKT_SIZE:
		return r->udp_len;
	case F_DATA:
		return 0;
	case F_SENT_TS:
		return r->sent_sec;
	case F_SENT_US:
		return r->sent_usec;
	case F_RTT_US: {
		uint32_t ecr; /* a TCP answer's echo of the SYN's TSval: its send time */
		if (r->tcp_opts_len && tcpopt_ts_ecr(r->tcp_opts, r->tcp_opts_len, &ecr) && ecr) {
			uint32_t now = (uint32_t)(rec->ts_sec * 1000000u + rec->ts_usec);
			return (uint32_t)(now - ecr);
		}
		if (!r->sent_sec) { /* an ICMP error quotes no send time */
			*str = "";
			return 0;
		}
		int64_t us = ((int64_t)rec->ts_sec - (int64_t)r->sent_sec) * 1000000 +
		             ((int64_t)rec->ts_usec - (int64_t)r->sent_usec);
		return us > 0 ? (uint64_t)us : 0;
	}
	case F_CLASSIFICATION:
		*str = r->classification;
		return 0;
	case F_SUCCESS:
		return r->success;
	case F_REPEAT:
		return rec->repeat;
	case F_COOLDOWN:
		return rec->cooldown;
	case F_TIMESTAMP_TS:
	case F_TIMESTAMP_STR:
		return rec->ts_sec;
	case F_TIMESTAMP_US:
		return rec->ts_usec;
	case FIELD_COUNT:
		break;
	}
	return 0;
}

/* Decimal digits of v at p; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

/* "2026-11-21T10:00:00.123456Z"; the date part is cached per second. */
static char *put_time(char *p, uint64_t sec, uint64_t usec)
{
	static _Thread_local uint64_t cached_sec = UINT64_MAX;
	static _Thread_local char cached[24];
	if (sec != cached_sec) {
		time_t t = (time_t)sec;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = sec;
	}
	p = put_str(p, cached);
	*p++ = '.';
	for (int d = 100000; d; d /= 10)
		*p++ = (char)('0' + usec / (unsigned)d % 10);
	*p++ = 'Z';
	return p;
}

/* A record is formatted into one buffer and written with one fwrite: most
 * fields are a few bytes, the hex of a payload at most 2 * 2048, and the
 * module's decoded fields at most FIELDW_MAX with their names. */
#define RECORD_MAX (2 * OUTPUT_CAPTURE_MAX + 64 * FIELDS_MAX + FIELDW_MAX)

/* The decoded fields of the record being written (zrecv writes from one
 * thread). */
static struct fieldw decoded;
static char record_buf[RECORD_MAX];

/* Decoded field j of the record: decodes it the first time it is asked
 * for; "" when the module decodes nothing (no module: -r without -M). */
static char *put_decoded(const struct output *o, const struct record *rec, int j, bool *done,
                         char *p)
{
	bool json = o->format == OUTPUT_JSON;
	if (!o->mod || !o->mod->decode) {
		return put_str(p, json ? "\"\"" : "");
	}
	if (!*done) {
		fw_reset(&decoded, o->mod->app_fields, o->mod->n_app_fields,
		         json ? FIELDW_JSON : FIELDW_CSV);
		o->mod->decode(o->pp, &rec->r, &decoded);
		*done = true;
	}
	size_t n;
	const char *v = fw_value(&decoded, j, &n);
	memcpy(p, v, n);
	return p + n;
}

/* Field i of the record, one of the fields every module fills. Inlined
 * into both loops of output_record. */
static inline __attribute__((always_inline)) char *put_field(const struct record *rec, int i,
                                                             bool json, char *p)
{
	static const char hex[] = "0123456789abcdef";
	const char *str;
	struct ipaddr addr = {0, 0};
	uint64_t v = value(i, rec, &str, &addr);
	if (json) {
		*p++ = '"';
		p = put_str(p, fields_table[i].name);
		*p++ = '"';
		*p++ = ':';
	}
	enum field_kind kind = fields_table[i].kind;
	/* empty, as an absent address is: "" in JSON (zfilter takes no
	 * null to CSV, and writes an empty number back as "") */
	if (kind == FIELD_UINT && str)
		kind = FIELD_STR;
	bool quoted = json && kind != FIELD_UINT && kind != FIELD_BOOL;
	if (quoted)
		*p++ = '"';
	switch (kind) {
	case FIELD_ADDR_OR_EMPTY:
		if (!addr.hi && !addr.lo) /* none: not an ICMP error */
			break;
		/* fall through */
	case FIELD_ADDR:
		p = ipaddr_is_v4(addr) ? addr_format(p, ipaddr_v4(addr)) : ipaddr_format(p, addr);
		break;
	case FIELD_STR:
		p = put_str(p, str ? str : "");
		break;
	case FIELD_BOOL:
		p = put_str(p, v ? (json ? "true" : "1") : (json ? "false" : "0"));
		break;
	case FIELD_UINT:
		p = put_u64(p, v);
		break;
	case FIELD_HEX:
		for (size_t j = 0; j < rec->r.data_len && j < OUTPUT_CAPTURE_MAX && rec->r.data;
		     j++) {
			*p++ = hex[rec->r.data[j] >> 4];
			*p++ = hex[rec->r.data[j] & 15];
		}
		break;
	case FIELD_TIME:
		p = put_time(p, v, rec->ts_usec);
		break;
	}
	if (quoted)
		*p++ = '"';
	return p;
}

void output_record(const struct output *o, const struct record *rec, FILE *out)
{
	const struct fields *f = &o->sel;
	char *buf = record_buf, *p = buf;
	bool json = o->format == OUTPUT_JSON, done = false;
	if (json)
		*p++ = '{';
	/* Two loops: a selection of the common fields only (every TCP scan's
	 * default) pays no per-field test for a module's own fields. */
	if (!o->decodes) {
		for (int k = 0; k < f->n; k++) {
			if (k)
				*p++ = ',';
			p = put_field(rec, f->idx[k], json, p);
		}
	} else {
		for (int k = 0; k < f->n; k++) {
			int i = f->idx[k];
			if (k)
				*p++ = ',';
			if (i < FIELD_COUNT) {
				p = put_field(rec, i, json, p);
				continue;
			}
			if (json) {
				*p++ = '"';
				p = put_str(p, field_name(o, i));
				*p++ = '"';
				*p++ = ':';
			}
			p = put_decoded(o, rec, i - FIELD_COUNT, &done, p);
		}
	}
	if (json)
		*p++ = '}';
	*p++ = '\n';
	fwrite(buf, 1, (size_t)(p - buf), out);
}
