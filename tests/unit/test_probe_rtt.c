/* Unit test: icmp_echo_time's rtt_us as zrecv writes it: the capture time
 * less the echoed send time for an echo reply, and empty (CSV) or ""
 * (JSON, as an absent icmp_responder) for an ICMP error, which quotes no
 * send time: never a round-trip time of 0. Both families. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "probe_testutil.h"
#include "zrecv/output.h"

void test_icmp_echo_time_rtt_only_for_replies(void);

/* The line output_record writes for rec with fields, in format, into
 * line ("" if the fields are refused). */
static const char *line_of(char line[256], const struct record *rec, const char *fields,
                           enum output_format format)
{
	const struct probe_module *m = probe_find("icmp_echo_time");
	struct output o;
	struct zerr e;
	memset(line, 0, 256);
	FILE *f = fmemopen(line, 255, "w");
	if (f && output_select(&o, m, fields, &e) == 0) {
		o.format = format;
		output_record(&o, rec, f);
	}
	if (f)
		fclose(f);
	return line;
}

void test_icmp_echo_time_rtt_only_for_replies(void)
{
	struct secret s = test_secret(35);
	struct probe_params pp = params(&s);
	const struct probe_module *m = probe_find("icmp_echo_time");
	struct ipaddr src6 = {0x2001000200000000ull, 1}, dst6 = {0x2001000200000010ull, 9};
	uint32_t src = 0xc6120001u, dst = 0xc6121009u;
	struct zerr e;
	CHECK(probe_setup(m, &pp, NULL, &e) == 0);
	for (int v6 = 0; v6 < 2; v6++) {
		uint8_t probe[PROBE_MAX_FRAME];
		CHECK((v6 ? m->make_template6(&pp, &src6, probe, &e)
		          : m->make_template(&pp, src, probe, &e)) == 0);
		size_t n = v6 ? m->fill6(&pp, probe, &src6, &dst6, 0, 0)
		              : m->fill(&pp, probe, src, dst, 0, 0);
		const uint8_t *ip = probe + 14;
		size_t ihl = v6 ? 40 : 20, icmp_len = n - 14 - ihl;
		/* the echo reply, captured 1.5 ms after the probe left */
		uint8_t reply[128], err[256] = {0};
		char line[256];
		memcpy(reply + ihl, ip + ihl, icmp_len);
		reply[ihl] = v6 ? 129 : 0;
		size_t len = v6 ? make_ip6(reply, dst6, src6, 58, icmp_len)
		                : make_ip(reply, dst, src, 1, icmp_len);
		struct record rec = {0};
		CHECK(m->validate(&pp, reply, len, &rec.r) == PROBE_VALID && rec.r.success);
		rec.ts_sec = rec.r.sent_sec + (rec.r.sent_usec + 1500) / 1000000;
		rec.ts_usec = (rec.r.sent_usec + 1500) % 1000000;
		const char *csv = line_of(line, &rec, "classification,rtt_us,success", OUTPUT_CSV);
		CHECKF(strcmp(csv, "echoreply,1500,1\n") == 0, "IPv%d reply: %s", v6 ? 6 : 4, csv);
		/* an unreachable from a router, quoting the request */
		err[ihl] = v6 ? 1 : 3;
		err[ihl + 1] = v6 ? 3 : 1;
		memcpy(err + ihl + 8, ip, ihl + icmp_len);
		len = v6 ? make_ip6(err, (struct ipaddr){0x2001000200000000ull, 2}, src6, 58,
		                    8 + ihl + icmp_len)
		         : make_ip(err, 0xc6120002u, src, 1, 8 + ihl + icmp_len);
		memset(&rec, 0, sizeof rec);
		CHECK(m->validate(&pp, err, len, &rec.r) == PROBE_VALID && !rec.r.success);
		rec.ts_sec = 1800000000;
		csv =
		    line_of(line, &rec, "classification,rtt_us,icmp_responder,success", OUTPUT_CSV);
		char want[96];
		snprintf(want, sizeof want, "unreach,,%s,0\n", v6 ? "2001:2::2" : "198.18.0.2");
		CHECKF(strcmp(csv, want) == 0, "IPv%d error, CSV: %s", v6 ? 6 : 4, csv);
		const char *json =
		    line_of(line, &rec, "classification,rtt_us,success", OUTPUT_JSON);
		CHECKF(strcmp(json, "{\"classification\":\"unreach\",\"rtt_us\":\"\","
		                    "\"success\":false}\n") == 0,
		       "IPv%d error, JSON: %s", v6 ? 6 : 4, json);
	}
	probe_teardown(m, &pp);
}
