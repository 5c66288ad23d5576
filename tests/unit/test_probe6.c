/* Unit tests: every module's IPv6 probe (the frame, its checksum checked
 * afresh against RFC 8200's pseudo-header, the MAC over the IPv6
 * addresses) and the validation of IPv6 answers: direct ones, ICMPv6
 * errors quoting the probe, other keys, forged fields, truncations and
 * extension headers. */
#include <string.h>

#include "harness.h"
#include "probe_testutil.h"

void test_probe6_every_module_frames(void);
void test_probe6_tcp_syn_answers(void);
void test_probe6_icmp_echo_answers(void);
void test_probe6_udp_answers(void);

static struct ipaddr A6(const char *s) {
	struct ipaddr a = {0, 0};
	ipaddr_parse(s, strlen(s), &a);
	return a;
}

/* Every module has an IPv6 form: an Ethernet frame of type 0x86dd, an
 * IPv6 header with the addresses and hop limit, the stated length, and a
 * transport checksum that is right. */
void test_probe6_every_module_frames(void)
{
	struct secret s = test_secret(21);
	struct ipaddr src = A6("2001:2::1"), dst = A6("2001:2:0:10::7");
	for (int i = 0; probe_modules[i]; i++) {
		const struct probe_module *m = probe_modules[i];
		struct probe_params pp = params(&s);
		struct zerr e;
		uint8_t frame[PROBE_MAX_FRAME];
		const char *args = m->args_example;
		CHECKF(m->make_template6 && m->fill6 && m->bpf6, "%s has no IPv6 form", m->name);
		CHECK(probe_setup(m, &pp, args, &e) == 0);
		CHECK(m->make_template6(&pp, &src, frame, &e) == 0);
		size_t n = m->fill6(&pp, frame, &src, &dst, 443, 0);
		const uint8_t *ip6 = frame + 14;
		CHECKF(rd16(frame + 12) == 0x86dd && (ip6[0] >> 4) == 6 && ip6[7] == 64, "%s",
		       m->name);
		CHECKF(n == 14 + 40 + (size_t)rd16(ip6 + 4) && n <= PROBE_MAX_FRAME, "%s: %zu",
		       m->name, n);
		CHECKF(ipaddr_eq(rd_ip6_test(ip6 + 8), src) &&
		           ipaddr_eq(rd_ip6_test(ip6 + 24), dst),
		       "%s", m->name);
		CHECKF(l4_csum6_ok(ip6), "%s: bad checksum", m->name);
		/* another target, another MAC: the checksum follows */
		struct ipaddr d2 = A6("2001:2:0:10::8");
		m->fill6(&pp, frame, &src, &d2, 80, 0);
		CHECKF(l4_csum6_ok(ip6), "%s: bad checksum after a refill", m->name);
		probe_teardown(m, &pp);
	}
}

void test_probe6_tcp_syn_answers(void)
{
	struct secret s = test_secret(22), other = test_secret(23);
	struct probe_params pp = params(&s), pp_other = params(&other);
	const struct probe_module *m = probe_find("tcp_syn");
	struct ipaddr src = A6("2001:2::1"), dst = A6("2001:2:0:10::5");
	uint8_t frame[PROBE_MAX_FRAME];
	struct zerr e;
	CHECK(m->make_template6(&pp, &src, frame, &e) == 0);
	m->fill6(&pp, frame, &src, &dst, 443, 0);
	const uint8_t *ip6 = frame + 14, *tcp = ip6 + 40;
	uint16_t sport = rd16(tcp);
	uint32_t seq = rd32(tcp + 4);
	CHECK(ip6[6] == 6 && tcp[13] == 0x02 && seq == (uint32_t)secret_mac6(&s, dst, 443, src));
	CHECK(seq != (uint32_t)secret_mac(&s, (uint32_t)dst.lo, 443, (uint32_t)src.lo));
	/* the SYN-ACK */
	uint8_t resp[128] = {0};
	uint8_t *rt = resp + 40;
	wr16(rt, 443);
	wr16(rt + 2, sport);
	wr32(rt + 4, 0x12345678);
	wr32(rt + 8, seq + 1);
	rt[12] = 0x50;
	rt[13] = 0x12;
	wr16(rt + 14, 28800);
	size_t len = make_ip6(resp, dst, src, 6, 20);
	set_csum6(resp, 16);
	struct probe_result r = {0};
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_VALID && r.success);
	CHECK(ipaddr_eq(r.saddr, dst) && ipaddr_eq(r.daddr, src) && r.sport == 443 &&
	      r.dport == sport && r.ttl == 57 && r.ipid == 0 && r.window == 28800);
	CHECK(truncations_safe(m, &pp, resp, len));
	CHECK(m->validate(&pp_other, resp, len, &r) == PROBE_BAD_MAC);
	wr32(rt + 8, seq + 2);
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	wr32(rt + 8, seq + 1);
	/* the same answer with the target's address off by one bit */
	resp[39] ^= 1;
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	resp[39] ^= 1;
	/* behind a hop-by-hop options header and a destination options one */
	uint8_t ext[160] = {0};
	memcpy(ext, resp, 40);
	ext[6] = 0;   /* hop-by-hop */
	ext[40] = 60; /* next: destination options */
	ext[41] = 0;  /* 8 bytes */
	ext[48] = 6;  /* next: TCP */
	ext[49] = 1;  /* 16 bytes */
	memcpy(ext + 64, rt, 20);
	wr16(ext + 4, 24 + 20);
	struct probe_result r2 = {0};
	CHECK(m->validate(&pp, ext, 40 + 24 + 20, &r2) == PROBE_VALID && r2.success);
	CHECK(truncations_safe(m, &pp, ext, 40 + 24 + 20));
	/* a later fragment is no answer */
	memcpy(ext, resp, 40);
	ext[6] = 44;
	ext[40] = 6;
	wr16(ext + 42, 8 << 3);
	memcpy(ext + 48, rt, 20);
	wr16(ext + 4, 8 + 20);
	CHECK(m->validate(&pp, ext, 40 + 8 + 20, &r2) == PROBE_NOT_OURS);
	wr16(ext + 42, 1); /* a first fragment (more to come) is */
	CHECK(m->validate(&pp, ext, 40 + 8 + 20, &r2) == PROBE_VALID);

	/* an ICMPv6 unreachable (no route, code 0) from a router, quoting
	 * the probe */
	uint8_t err[256] = {0};
	struct ipaddr router = A6("2001:2::2");
	err[40] = 1;
	err[41] = 0;
	memcpy(err + 48, ip6, 40 + 8); /* the least a router may quote */
	len = make_ip6(err, router, src, 58, 8 + 40 + 8);
	set_csum6(err, 2);
	memset(&r, 0, sizeof r);
	CHECK(m->validate(&pp, err, len, &r) == PROBE_VALID && !r.success);
	CHECK(strcmp(r.classification, "unreach") == 0 && r.icmp_type == 1 && r.icmp_code == 0);
	CHECK(ipaddr_eq(r.saddr, dst) && ipaddr_eq(r.icmp_responder, router) && r.sport == 443);
	CHECK(truncations_safe(m, &pp, err, len));
	CHECK(m->validate(&pp_other, err, len, &r) == PROBE_BAD_MAC);
	err[40] = 3; /* time exceeded */
	CHECK(m->validate(&pp, err, len, &r) == PROBE_VALID &&
	      strcmp(r.classification, "timxceed") == 0);
	err[40] = 128; /* not an error */
	CHECK(m->validate(&pp, err, len, &r) == PROBE_NOT_OURS);
	/* an IPv4 ICMP error quoting an IPv6 probe is no answer */
	uint8_t mixed[256] = {0};
	mixed[20] = 3;
	memcpy(mixed + 28, ip6, 40 + 24);
	len = make_ip(mixed, 0xc6120002u, 0xc6120001u, 1, 8 + 40 + 24);
	CHECK(m->validate(&pp, mixed, len, &r) == PROBE_NOT_OURS);
	/* an IPv6 SYN-ACK between IPv4-mapped addresses, carrying what an
	 * IPv4 probe between those IPv4 addresses would have: IPv4 probes go
	 * out as IPv4, so it answers none */
	uint32_t d4 = 0xc6121005u, s4 = 0xc6120001u;
	uint64_t mac4 = secret_mac(&s, d4, 443, s4);
	memset(resp, 0, sizeof resp);
	wr16(rt, 443);
	wr16(rt + 2, probe_sport(&pp, mac4, 0));
	wr32(rt + 8, (uint32_t)mac4 + 1);
	rt[12] = 0x50;
	rt[13] = 0x12;
	len = make_ip6(resp, ipaddr_from_v4(d4), ipaddr_from_v4(s4), 6, 20);
	set_csum6(resp, 16);
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_NOT_OURS);
	len = make_ip6(resp, ipaddr_from_v4(d4), A6("2a03::c612:1"), 6, 20);
	set_csum6(resp, 16);
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_NOT_OURS);
}

void test_probe6_icmp_echo_answers(void)
{
	struct secret s = test_secret(24), other = test_secret(25);
	struct probe_params pp = params(&s), pp_other = params(&other);
	struct ipaddr src = A6("2001:2::1"), dst = A6("2001:2:0:10::9");
	for (int t = 0; t < 2; t++) {
		const struct probe_module *m = probe_find(t ? "icmp_echo_time" : "icmp_echo");
		uint8_t frame[PROBE_MAX_FRAME];
		struct zerr e;
		CHECK(m->make_template6(&pp, &src, frame, &e) == 0);
		size_t n = m->fill6(&pp, frame, &src, &dst, 0, 0);
		const uint8_t *ip6 = frame + 14, *icmp = ip6 + 40;
		CHECK(ip6[6] == 58 && icmp[0] == 128 && icmp[1] == 0 && l4_csum6_ok(ip6));
		size_t icmp_len = n - 54;
		/* the echo reply: type 129, the rest echoed */
		uint8_t resp[128] = {0};
		memcpy(resp + 40, icmp, icmp_len);
		resp[40] = 129;
		size_t len = make_ip6(resp, dst, src, 58, icmp_len);
		set_csum6(resp, 2);
		struct probe_result r = {0};
		CHECKF(m->validate(&pp, resp, len, &r) == PROBE_VALID && r.success, "%s", m->name);
		CHECK(strcmp(r.classification, "echoreply") == 0 && ipaddr_eq(r.saddr, dst) &&
		      r.icmp_type == 129);
		if (t)
			CHECK(r.sent_sec > 1700000000 && r.sent_usec < 1000000);
		CHECK(truncations_safe(m, &pp, resp, len));
		CHECK(m->validate(&pp_other, resp, len, &r) == PROBE_BAD_MAC);
		resp[44] ^= 1; /* the identifier */
		CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
		resp[44] ^= 1;
		if (t) { /* the last word carries more of the MAC */
			resp[40 + 8 + 15] ^= 1;
			CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
			resp[40 + 8 + 15] ^= 1;
		}
		resp[40] = 128; /* our own request, seen on the wire */
		CHECK(m->validate(&pp, resp, len, &r) == PROBE_NOT_OURS);
		/* an ICMPv6 error quoting the request */
		uint8_t err[256] = {0};
		err[40] = 1;
		err[41] = 3; /* address unreachable */
		memcpy(err + 48, ip6, 40 + icmp_len);
		len = make_ip6(err, A6("2001:2::2"), src, 58, 8 + 40 + icmp_len);
		memset(&r, 0, sizeof r);
		CHECK(m->validate(&pp, err, len, &r) == PROBE_VALID && !r.success &&
		      strcmp(r.classification, "unreach") == 0 && ipaddr_eq(r.saddr, dst));
		CHECK(m->validate(&pp_other, err, len, &r) == PROBE_BAD_MAC);
	}
}

void test_probe6_udp_answers(void)
{
	struct secret s = test_secret(26), other = test_secret(27);
	struct probe_params pp = params(&s), pp_other = params(&other);
	const struct probe_module *m = probe_find("udp");
	struct ipaddr src = A6("2001:2::1"), dst = A6("2001:2:0:10::3");
	uint8_t frame[PROBE_MAX_FRAME];
	struct zerr e;
	/* a DNS-like payload whose first two bytes answers echo */
	CHECK(probe_setup(m, &pp, "hex:00000100000100000000000003777777;echo=0:2", &e) == 0);
	CHECK(probe_setup(m, &pp_other, "echo=0:2", &e) == 0);
	CHECK(m->make_template6(&pp, &src, frame, &e) == 0);
	size_t n = m->fill6(&pp, frame, &src, &dst, 53, 0);
	const uint8_t *ip6 = frame + 14, *udp = ip6 + 40;
	CHECK(n == 14 + 40 + 8 + 16 && ip6[6] == 17 && l4_csum6_ok(ip6) && rd16(udp + 2) == 53);
	uint16_t sport = rd16(udp);
	uint8_t echo[2] = {udp[8], udp[9]};
	uint32_t flow = (uint32_t)(ip6[1] & 15) << 16 | rd16(ip6 + 2);
	/* the flow label is the MAC's low 20 bits, apart from the port's */
	uint64_t mac6 = secret_mac6(&s, dst, 53, src);
	CHECK(flow == ((uint32_t)mac6 & 0xfffff) && sport == probe_sport(&pp, mac6, 0));
	/* the answer echoes the id */
	uint8_t resp[128] = {0};
	uint8_t *ru = resp + 40;
	wr16(ru, 53);
	wr16(ru + 2, sport);
	wr16(ru + 4, 8 + 6);
	ru[8] = echo[0];
	ru[9] = echo[1];
	memcpy(ru + 10, "\x81\x80\0\1", 4);
	size_t len = make_ip6(resp, dst, src, 17, 14);
	set_csum6(resp, 6);
	struct probe_result r = {0};
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_VALID && r.success && r.data_len == 6);
	CHECK(ipaddr_eq(r.saddr, dst) && r.sport == 53 && r.dport == sport);
	CHECK(truncations_safe(m, &pp, resp, 48)); /* nothing before the UDP header is whole */
	CHECK(m->validate(&pp_other, resp, len, &r) == PROBE_BAD_MAC);
	ru[9] ^= 1;
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	ru[9] ^= 1;
	/* ICMPv6 port unreachable quoting the probe, flow label and all */
	uint8_t err[256] = {0};
	err[40] = 1;
	err[41] = 4;
	memcpy(err + 48, ip6, 40 + 8);
	len = make_ip6(err, dst, src, 58, 8 + 40 + 8);
	memset(&r, 0, sizeof r);
	CHECK(m->validate(&pp, err, len, &r) == PROBE_VALID && !r.success &&
	      strcmp(r.classification, "port-unreachable") == 0 && r.dport == sport);
	CHECK(truncations_safe(m, &pp, err, len));
	/* the flow label is 20 bits of the MAC the quote must show */
	err[48 + 3] ^= 1;
	CHECK(flow != 0 && m->validate(&pp, err, len, &r) == PROBE_BAD_MAC);
	probe_teardown(m, &pp);
	probe_teardown(m, &pp_other);
	/* a payload IPv6 cannot carry: IPv4 only, and said so */
	char big[2 * 1460 + 5] = "hex:";
	memset(big + 4, 'a', 2 * 1460);
	big[4 + 2 * 1460] = 0;
	CHECK(probe_setup(m, &pp, big, &e) == 0 && pp.template_len > 0 && pp.template_len6 == 0);
	CHECK(m->make_template6(&pp, &src, frame, &e) < 0 && strstr(e.msg, "1452"));
	probe_teardown(m, &pp);
}
