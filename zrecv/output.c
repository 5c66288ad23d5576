/* output: zrecv's result lines, CSV with a header row or JSON lines, of
 * the fields -f selected from the schema (core/fields.h). */
#include "output.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "core/addr.h"
#include "core/ipaddr.h"

/* The fields a module's results have. */
static field_mask module_fields(const struct probe_module *m)
{
	return m ? fields_common | m->fields : ~(field_mask)0;
}

int output_select(struct output *o, const struct probe_module *m, const char *list, struct zerr *e)
{
	return fields_select(&o->sel, module_fields(m), m ? m->name : NULL,
	                     m ? m->default_fields : NULL, list, e);
}

void output_list_fields(FILE *out, const struct probe_module *m)
{
	struct output def;
	struct zerr e;
	if (output_select(&def, m, NULL, &e) < 0)
		def.sel.n = 0;
	for (int i = 0; i < FIELD_COUNT; i++) {
		if (!(module_fields(m) & FIELD_BIT(i)))
			continue;
		bool is_default = false;
		for (int k = 0; k < def.sel.n; k++)
			is_default |= def.sel.idx[k] == i;
		fprintf(out, "%-18s %c %s\n", fields_table[i].name, is_default ? '*' : ' ',
		        fields_table[i].help);
	}
}

void output_header(const struct output *o, FILE *out)
{
	if (o->format != OUTPUT_CSV)
		return;
	for (int i = 0; i < o->sel.n; i++)
		fprintf(out, "%s%s", i ? "," : "", fields_table[o->sel.idx[i]].name);
	fputc('\n', out);
}

/* The value of field i as an integer, a flag or a string (an address is
 * *addr; a number the answer does not have is the string ""). The switch
 * is on the row's position, fixed when the fields were selected, so
 * writing a record compares no names. */
static uint64_t value(int i, const struct record *rec, const char **str, struct ipaddr *addr)
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
 * fields are a few bytes, the hex of a payload at most 2 * 2048. */
#define RECORD_MAX (2 * OUTPUT_CAPTURE_MAX + 64 * FIELDS_MAX)

void output_record(const struct output *o, const struct record *rec, FILE *out)
{
	const struct fields *f = &o->sel;
	static const char hex[] = "0123456789abcdef";
	char buf[RECORD_MAX], *p = buf;
	bool json = o->format == OUTPUT_JSON;
	if (json)
		*p++ = '{';
	for (int k = 0; k < f->n; k++) {
		int i = f->idx[k];
		const char *str;
		struct ipaddr addr = {0, 0};
		uint64_t v = value(i, rec, &str, &addr);
		if (k)
			*p++ = ',';
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
			p = ipaddr_is_v4(addr) ? addr_format(p, ipaddr_v4(addr))
			                       : ipaddr_format(p, addr);
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
			for (size_t j = 0;
			     j < rec->r.data_len && j < OUTPUT_CAPTURE_MAX && rec->r.data; j++) {
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
	}
	if (json)
		*p++ = '}';
	*p++ = '\n';
	fwrite(buf, 1, (size_t)(p - buf), out);
}
