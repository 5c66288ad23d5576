/* fields: the result schema's table and lookups. */
#include "core/schema/fields.h"

#include <string.h>

const struct field_def fields_table[FIELD_COUNT] = {
    [F_SADDR] = {"saddr", "address that answered (the target)", FIELD_ADDR},
    [F_DADDR] = {"daddr", "our address the answer went to", FIELD_ADDR},
    [F_SPORT] = {"sport", "target port", FIELD_UINT},
    [F_DPORT] = {"dport", "our source port", FIELD_UINT},
    [F_SEQNUM] = {"seqnum", "TCP sequence number of the answer", FIELD_UINT},
    [F_ACKNUM] = {"acknum", "TCP acknowledgement number", FIELD_UINT},
    [F_WINDOW] = {"window", "TCP window", FIELD_UINT},
    [F_TYPE] = {"type", "ICMP type", FIELD_UINT},
    [F_CODE] = {"code", "ICMP code", FIELD_UINT},
    [F_ICMP_ID] = {"icmp_id", "ICMP echo identifier", FIELD_UINT},
    [F_SEQ] = {"seq", "ICMP echo sequence number", FIELD_UINT},
    [F_TTL] = {"ttl", "IP time to live of the answer", FIELD_UINT},
    [F_IPID] = {"ipid", "IP identification of the answer", FIELD_UINT},
    [F_ICMP_RESPONDER] = {"icmp_responder",
                          "for ICMP errors: the address that sent it (else empty)",
                          FIELD_ADDR_OR_EMPTY},
    [F_ICMP_TYPE] = {"icmp_type", "for ICMP errors: type", FIELD_UINT},
    [F_ICMP_CODE] = {"icmp_code", "for ICMP errors: code", FIELD_UINT},
    [F_UDP_PKT_SIZE] = {"udp_pkt_size", "UDP length of the answer (header and payload)",
                        FIELD_UINT},
    [F_DATA] = {"data", "UDP payload of the answer, hex (as far as captured)", FIELD_HEX},
    [F_SENT_TS] = {"sent_timestamp_ts", "when the probe was sent, seconds since the epoch",
                   FIELD_UINT},
    [F_SENT_US] = {"sent_timestamp_us", "when the probe was sent, microseconds part", FIELD_UINT},
    [F_RTT_US] = {"rtt_us", "round-trip time in microseconds (capture time - sent time)",
                  FIELD_UINT},
    [F_CLASSIFICATION] = {"classification",
                          "synack, rst, echoreply, udp, port-unreachable, unreach...", FIELD_STR},
    [F_SUCCESS] = {"success",
                   "1 if the target is up on that port (SYN-ACK, echo reply, UDP answer)",
                   FIELD_BOOL},
    [F_REPEAT] = {"repeat", "1 if the same (address, port) answered before in this scan",
                  FIELD_BOOL},
    [F_COOLDOWN] = {"cooldown", "1 if it arrived after the sender finished", FIELD_BOOL},
    [F_TIMESTAMP_TS] = {"timestamp_ts", "capture time, seconds since the epoch", FIELD_UINT},
    [F_TIMESTAMP_US] = {"timestamp_us", "capture time, microseconds part", FIELD_UINT},
    [F_TIMESTAMP_STR] = {"timestamp_str",
                         "capture time, ISO 8601 UTC with microseconds (sorts as text)",
                         FIELD_TIME},
};

const field_mask fields_common = FIELD_BIT(F_SADDR) | FIELD_BIT(F_DADDR) | FIELD_BIT(F_TTL) |
                                 FIELD_BIT(F_IPID) | FIELD_BIT(F_CLASSIFICATION) |
                                 FIELD_BIT(F_SUCCESS) | FIELD_BIT(F_REPEAT) |
                                 FIELD_BIT(F_COOLDOWN) | FIELD_BIT(F_TIMESTAMP_TS) |
                                 FIELD_BIT(F_TIMESTAMP_US) | FIELD_BIT(F_TIMESTAMP_STR);

int fields_find(const char *name, size_t len)
{
	for (int i = 0; i < FIELD_COUNT; i++)
		if (strlen(fields_table[i].name) == len &&
		    memcmp(fields_table[i].name, name, len) == 0)
			return i;
	return -1;
}

int fields_select(struct fields *f, field_mask avail, const char *owner, const char *defaults,
                  const char *list, struct zerr *e)
{
	return fields_select_with(f, avail, NULL, 0, owner, defaults, list, e);
}

/* The index of name[0..len) among the schema's fields in avail, then the
 * extra ones (FIELD_COUNT + j), or -1. */
static int find_in(field_mask avail, const char *const *extra, int n_extra, const char *name,
                   size_t len)
{
	int found = fields_find(name, len);
	if (found >= 0 && (avail & FIELD_BIT(found)))
		return found;
	for (int j = 0; j < n_extra; j++)
		if (strlen(extra[j]) == len && memcmp(extra[j], name, len) == 0)
			return FIELD_COUNT + j;
	return -1;
}

int fields_select_with(struct fields *f, field_mask avail, const char *const *extra, int n_extra,
                       const char *owner, const char *defaults, const char *list, struct zerr *e)
{
	f->n = 0;
	if (list && strcmp(list, "*") == 0) {
		for (int i = 0; i < FIELD_COUNT; i++)
			if (avail & FIELD_BIT(i))
				f->idx[f->n++] = i;
		for (int j = 0; j < n_extra && f->n < FIELDS_MAX; j++)
			f->idx[f->n++] = FIELD_COUNT + j;
		return 0;
	}
	if (!list)
		list = defaults;
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, ",");
		int found = find_in(avail, extra, n_extra, p, n);
		if (found < 0)
			return zerr_set(e, "-f: no field '%.*s' in %s%s (see --list-fields)",
			                (int)n, p, owner ? "module " : "any module",
			                owner ? owner : "");
		if (f->n == FIELDS_MAX)
			return zerr_set(e, "-f: at most %d fields", FIELDS_MAX);
		f->idx[f->n++] = found;
		p += n;
		if (*p == ',')
			p++;
	}
	return f->n ? 0 : zerr_set(e, "-f: empty field list");
}
