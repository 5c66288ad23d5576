/* probe_dns: DNS queries over UDP (port 53), ZMap's --probe-args syntax
 * (probe/answer/dnsquery.h): one question or several, spread across the
 * targets and across each target's -P probes. The transaction id carries
 * 16 bits of the target's MAC, which an answer must repeat, beside the
 * source port's bits (-s). The answer is decoded into fields: header
 * flags, counts, and every question and record with its data
 * (probe/answer/dns.h). */
#include <string.h>

#include "probe/answer/dns.h"
#include "probe/answer/dnsquery.h"
#include "probe/helpers.h"
#include "probe/udp.h"

static const struct udp_echo_rule txid = {0, 2, 0};

static int dns_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	/* zrecv's side: the answer's id is checked by the rule alone */
	if (!args)
		return udp_app_setup(pp, NULL, NULL, 0, &txid, e);
	static struct dnsquery_set qs; /* 8 KiB: not on the stack */
	if (dnsquery_parse(args, &qs, e) < 0)
		return -1;
	static uint8_t wire[DNSQUERY_MAX][DNSQUERY_LEN_MAX];
	const uint8_t *payloads[DNSQUERY_MAX];
	size_t lens[DNSQUERY_MAX];
	for (int i = 0; i < qs.n; i++) {
		lens[i] = dnsquery_build(&qs.q[i], qs.q[i].rd, 0, wire[i], sizeof wire[i]);
		payloads[i] = wire[i];
		if (lens[i] == 0)
			return zerr_set(e, "--probe-args: question %d does not fit a query", i + 1);
	}
	return udp_app_setup(pp, payloads, lens, (size_t)qs.n, &txid, e);
}

static void dns_decode_answer(const struct probe_params *pp, const struct probe_result *r,
                              struct fieldw *w)
{
	(void)pp;
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (p)
		dns_decode(p, n, w);
}

const struct probe_module probe_dns = {
    .name = "dns",
    .description = "DNS query over UDP (usually port 53); the answer decoded: flags, rcode, "
                   "counts, and every record with its data",
    .args_help = "TYPE,NAME[;TYPE,NAME...] (TYPE:nr,NAME: recursion not desired)",
    .args_example = "A,example.com;AAAA,example.com",
    UDP_APP_MODULE,
    .setup = dns_setup,
    .default_fields = "saddr,daddr,sport,dport,ttl,classification,success,app_success,"
                      "dns_rcode,dns_aa,dns_tc,dns_ra,dns_qdcount,dns_ancount,dns_nscount,"
                      "dns_arcount,dns_questions,dns_answers,dns_authorities,dns_additionals,"
                      "dns_parse_error,icmp_responder,icmp_type,icmp_code,repeat,cooldown,"
                      "timestamp_str",
    .app_fields = dns_fields,
    .n_app_fields = DNS_NFIELDS,
    .decode = dns_decode_answer,
};
