/* fields: the field table and the CSV / JSON writers. */
#include "core/fields.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "core/addr.h"

enum kind { K_ADDR, K_ADDR_OR_EMPTY, K_UINT, K_BOOL, K_STR, K_HEX, K_TIME };

/* One per row of defs[], in the same order. */
enum field_id {
	F_SADDR,
	F_DADDR,
	F_SPORT,
	F_DPORT,
	F_SEQNUM,
	F_ACKNUM,
	F_WINDOW,
	F_TYPE,
	F_CODE,
	F_ICMP_ID,
	F_SEQ,
	F_TTL,
	F_IPID,
	F_ICMP_RESPONDER,
	F_ICMP_TYPE,
	F_ICMP_CODE,
	F_UDP_PKT_SIZE,
	F_DATA,
	F_SENT_TS,
	F_SENT_US,
	F_RTT_US,
	F_CLASSIFICATION,
	F_SUCCESS,
	F_REPEAT,
	F_COOLDOWN,
	F_TIMESTAMP_TS,
	F_TIMESTAMP_US,
	F_TIMESTAMP_STR,
};

struct field_def {
	const char *name;
	const char *help;
	enum kind kind;
	unsigned groups; /* enum probe_field_group: modules filling any of them have it */
};

#define ALL (PROBE_F_TCP | PROBE_F_ECHO | PROBE_F_ICMP_ERR | PROBE_F_UDP | PROBE_F_TIME)

static const struct field_def defs[] = {
    {"saddr", "address that answered (the target)", K_ADDR, ALL},
    {"daddr", "our address the answer went to", K_ADDR, ALL},
    {"sport", "target port", K_UINT, PROBE_F_TCP | PROBE_F_UDP},
    {"dport", "our source port", K_UINT, PROBE_F_TCP | PROBE_F_UDP},
    {"seqnum", "TCP sequence number of the answer", K_UINT, PROBE_F_TCP},
    {"acknum", "TCP acknowledgement number", K_UINT, PROBE_F_TCP},
    {"window", "TCP window", K_UINT, PROBE_F_TCP},
    {"type", "ICMP type", K_UINT, PROBE_F_ECHO},
    {"code", "ICMP code", K_UINT, PROBE_F_ECHO},
    {"icmp_id", "ICMP echo identifier", K_UINT, PROBE_F_ECHO},
    {"seq", "ICMP echo sequence number", K_UINT, PROBE_F_ECHO},
    {"ttl", "IP time to live of the answer", K_UINT, ALL},
    {"ipid", "IP identification of the answer", K_UINT, ALL},
    {"icmp_responder", "for ICMP errors: the address that sent it (else empty)", K_ADDR_OR_EMPTY,
     PROBE_F_ICMP_ERR},
    {"icmp_type", "for ICMP errors: type", K_UINT, PROBE_F_ICMP_ERR},
    {"icmp_code", "for ICMP errors: code", K_UINT, PROBE_F_ICMP_ERR},
    {"udp_pkt_size", "UDP length of the answer (header and payload)", K_UINT, PROBE_F_UDP},
    {"data", "UDP payload of the answer, hex (as far as captured)", K_HEX, PROBE_F_UDP},
    {"sent_timestamp_ts", "when the probe was sent, seconds since the epoch", K_UINT, PROBE_F_TIME},
    {"sent_timestamp_us", "when the probe was sent, microseconds part", K_UINT, PROBE_F_TIME},
    {"rtt_us", "round-trip time in microseconds (capture time - sent time)", K_UINT, PROBE_F_TIME},
    {"classification", "synack, rst, echoreply, udp, port-unreachable, unreach...", K_STR, ALL},
    {"success", "1 if the target is up on that port (SYN-ACK, echo reply, UDP answer)", K_BOOL,
     ALL},
    {"repeat", "1 if the same (address, port) answered before in this scan", K_BOOL, ALL},
    {"cooldown", "1 if it arrived after the sender finished", K_BOOL, ALL},
    {"timestamp_ts", "capture time, seconds since the epoch", K_UINT, ALL},
    {"timestamp_us", "capture time, microseconds part", K_UINT, ALL},
    {"timestamp_str", "capture time, ISO 8601 UTC with microseconds (sorts as text)", K_TIME, ALL},
};
#define NDEFS (int)(sizeof defs / sizeof defs[0])
_Static_assert(NDEFS == F_TIMESTAMP_STR + 1, "defs[] and enum field_id must match");

int fields_select(struct fields *f, const struct probe_module *m, const char *list, struct zerr *e)
{
	unsigned bit = m ? m->field_groups : ALL;
	f->n = 0;
	if (list && strcmp(list, "*") == 0) {
		for (int i = 0; i < NDEFS; i++)
			if (defs[i].groups & bit)
				f->idx[f->n++] = i;
		return 0;
	}
	if (!list)
		list = m->default_fields;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		int found = -1;
		for (int i = 0; i < NDEFS; i++)
			if (strlen(defs[i].name) == n && strncmp(defs[i].name, p, n) == 0 &&
			    (defs[i].groups & bit))
				found = i;
		if (found < 0)
			return zerr_set(e, "-f: no field '%.*s' in %s%s (see --list-fields)",
			                (int)n, p, m ? "module " : "any module", m ? m->name : "");
		if (f->n == FIELDS_MAX)
			return zerr_set(e, "-f: at most %d fields", FIELDS_MAX);
		f->idx[f->n++] = found;
		p += n;
		if (*p == ',')
			p++;
	}
	return f->n ? 0 : zerr_set(e, "-f: empty field list");
}

void fields_list(FILE *out, const struct probe_module *m)
{
	struct fields def;
	struct zerr e;
	if (fields_select(&def, m, NULL, &e) < 0)
		def.n = 0;
	for (int i = 0; i < NDEFS; i++) {
		if (!(defs[i].groups & m->field_groups))
			continue;
		bool is_default = false;
		for (int k = 0; k < def.n; k++)
			is_default |= def.idx[k] == i;
		fprintf(out, "%-18s %c %s\n", defs[i].name, is_default ? '*' : ' ', defs[i].help);
	}
}

void fields_header(const struct fields *f, FILE *out)
{
	if (f->format != FIELDS_CSV)
		return;
	for (int i = 0; i < f->n; i++)
		fprintf(out, "%s%s", i ? "," : "", defs[f->idx[i]].name);
	fputc('\n', out);
}

/* The value of field i as an integer, an address, a flag or a string. The
 * switch is on the row's position, fixed when the fields were selected, so
 * writing a record compares no names. */
static uint64_t value(int i, const struct record *rec, const char **str)
{
	const struct probe_result *r = &rec->r;
	*str = NULL;
	switch ((enum field_id)i) {
	case F_SADDR:
		return r->saddr;
	case F_DADDR:
		return r->daddr;
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
		return r->icmp_responder;
	case F_UDP_PKT_SIZE:
		return r->udp_len;
	case F_DATA:
		return 0;
	case F_SENT_TS:
		return r->sent_sec;
	case F_SENT_US:
		return r->sent_usec;
	case F_RTT_US: {
		if (!r->sent_sec)
			return 0;
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
 * fields are a few bytes, the hex of a full UDP payload at most 2 * 1472. */
#define RECORD_MAX (2 * PROBE_MAX_FRAME + 64 * FIELDS_MAX)

void fields_write(const struct fields *f, const struct record *rec, FILE *out)
{
	static const char hex[] = "0123456789abcdef";
	char buf[RECORD_MAX], *p = buf;
	bool json = f->format == FIELDS_JSON;
	if (json)
		*p++ = '{';
	for (int k = 0; k < f->n; k++) {
		int i = f->idx[k];
		const char *str;
		uint64_t v = value(i, rec, &str);
		if (k)
			*p++ = ',';
		if (json) {
			*p++ = '"';
			p = put_str(p, defs[i].name);
			*p++ = '"';
			*p++ = ':';
		}
		enum kind kind = defs[i].kind;
		bool quoted = json && kind != K_UINT && kind != K_BOOL;
		if (quoted)
			*p++ = '"';
		switch (kind) {
		case K_ADDR_OR_EMPTY:
			if (!v)
				break;
			/* fall through */
		case K_ADDR:
			p = addr_format(p, (uint32_t)v);
			break;
		case K_STR:
			p = put_str(p, str ? str : "");
			break;
		case K_BOOL:
			p = put_str(p, v ? (json ? "true" : "1") : (json ? "false" : "0"));
			break;
		case K_UINT:
			p = put_u64(p, v);
			break;
		case K_HEX:
			for (size_t j = 0;
			     j < rec->r.data_len && j < PROBE_MAX_PAYLOAD && rec->r.data; j++) {
				*p++ = hex[rec->r.data[j] >> 4];
				*p++ = hex[rec->r.data[j] & 15];
			}
			break;
		case K_TIME:
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
