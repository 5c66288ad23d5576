/* fields: the field table and the CSV / JSON writers. */
#include "fields.h"

#include <inttypes.h>
#include <string.h>

#include "addr.h"

enum kind { K_ADDR, K_UINT, K_BOOL, K_STR };

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
	F_CLASSIFICATION,
	F_SUCCESS,
	F_REPEAT,
	F_COOLDOWN,
	F_TIMESTAMP_TS,
	F_TIMESTAMP_US,
};

struct field_def {
	const char *name;
	const char *help;
	enum kind kind;
	unsigned modules; /* bit 0: tcp_syn, bit 1: icmp_echo */
};

#define TCP 1u
#define ICMP 2u

static const struct field_def defs[] = {
    {"saddr", "address that answered (the target)", K_ADDR, TCP | ICMP},
    {"daddr", "our address the answer went to", K_ADDR, TCP | ICMP},
    {"sport", "target port", K_UINT, TCP},
    {"dport", "our source port", K_UINT, TCP},
    {"seqnum", "TCP sequence number of the answer", K_UINT, TCP},
    {"acknum", "TCP acknowledgement number", K_UINT, TCP},
    {"window", "TCP window", K_UINT, TCP},
    {"type", "ICMP type", K_UINT, ICMP},
    {"code", "ICMP code", K_UINT, ICMP},
    {"icmp_id", "ICMP echo identifier", K_UINT, ICMP},
    {"seq", "ICMP echo sequence number", K_UINT, ICMP},
    {"ttl", "IP time to live of the answer", K_UINT, TCP | ICMP},
    {"ipid", "IP identification of the answer", K_UINT, TCP | ICMP},
    {"icmp_responder", "for ICMP errors: the address that sent it", K_ADDR, TCP},
    {"icmp_type", "for ICMP errors: type", K_UINT, TCP},
    {"icmp_code", "for ICMP errors: code", K_UINT, TCP},
    {"classification", "synack, rst, echoreply, unreach, timxceed...", K_STR, TCP | ICMP},
    {"success", "1 if the target is up on that port (SYN-ACK, echo reply)", K_BOOL, TCP | ICMP},
    {"repeat", "1 if the address answered before in this scan", K_BOOL, TCP | ICMP},
    {"cooldown", "1 if it arrived after the sender finished", K_BOOL, TCP | ICMP},
    {"timestamp_ts", "capture time, seconds since the epoch", K_UINT, TCP | ICMP},
    {"timestamp_us", "capture time, microseconds part", K_UINT, TCP | ICMP},
};
#define NDEFS (int)(sizeof defs / sizeof defs[0])
_Static_assert(NDEFS == F_TIMESTAMP_US + 1, "defs[] and enum field_id must match");

static unsigned module_bit(const struct probe_module *m)
{
	return strcmp(m->name, "icmp_echo") == 0 ? ICMP : TCP;
}

static const char *default_tcp = "saddr,daddr,sport,dport,seqnum,acknum,window,ttl,ipid,"
                                 "classification,success,repeat,cooldown,timestamp_ts,timestamp_us";
static const char *default_icmp = "saddr,daddr,type,code,icmp_id,seq,ttl,ipid,classification,"
                                  "success,repeat,cooldown,timestamp_ts,timestamp_us";

int fields_select(struct fields *f, const struct probe_module *m, const char *list, struct zerr *e)
{
	unsigned bit = module_bit(m);
	f->n = 0;
	if (list && strcmp(list, "*") == 0) {
		for (int i = 0; i < NDEFS; i++)
			if (defs[i].modules & bit)
				f->idx[f->n++] = i;
		return 0;
	}
	if (!list)
		list = bit == ICMP ? default_icmp : default_tcp;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		int found = -1;
		for (int i = 0; i < NDEFS; i++)
			if (strlen(defs[i].name) == n && strncmp(defs[i].name, p, n) == 0 &&
			    (defs[i].modules & bit))
				found = i;
		if (found < 0)
			return zerr_set(e, "-f: no field '%.*s' in module %s (see --list-fields)",
			                (int)n, p, m->name);
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
	for (int i = 0; i < NDEFS; i++)
		if (defs[i].modules & module_bit(m))
			fprintf(out, "%-15s %s\n", defs[i].name, defs[i].help);
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
		return rec->ts_sec;
	case F_TIMESTAMP_US:
		return rec->ts_usec;
	}
	return 0;
}

void fields_write(const struct fields *f, const struct record *rec, FILE *out)
{
	bool json = f->format == FIELDS_JSON;
	if (json)
		fputc('{', out);
	for (int k = 0; k < f->n; k++) {
		int i = f->idx[k];
		const char *str;
		uint64_t v = value(i, rec, &str);
		if (k)
			fputc(',', out);
		if (json)
			fprintf(out, "\"%s\":", defs[i].name);
		switch (defs[i].kind) {
		case K_ADDR: {
			char a[ADDR_STRLEN];
			fprintf(out, json ? "\"%s\"" : "%s", addr_str((uint32_t)v, a));
			break;
		}
		case K_STR:
			fprintf(out, json ? "\"%s\"" : "%s", str ? str : "");
			break;
		case K_BOOL:
			fputs(v ? (json ? "true" : "1") : (json ? "false" : "0"), out);
			break;
		case K_UINT:
			fprintf(out, "%" PRIu64, v);
			break;
		}
	}
	fputs(json ? "}\n" : "\n", out);
}
