/* Unit tests: key files and the probe modules' frames and validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/checksum.h"
#include "harness.h"
#include "probe_testutil.h"
#include "net/packet.h"
#include "probe/probe.h"
#include "core/stage/secret.h"

void test_secret_key_files(void);
void test_tcp_syn_frame_and_validation(void);
void test_icmp_echo_frame_and_validation(void);
void test_probe_sport_window(void);

static const char *tmpkey(const char *text, mode_t mode)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/zscan-unit-key.%d", (int)getpid());
	unlink(path);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

void test_secret_key_files(void)
{
	struct secret s1, s2;
	struct zerr e;
	const char *p = tmpkey("00112233445566778899aabbccddeeff\n", 0600);
	CHECK(secret_load(p, &s1, &e) == 0);
	CHECK(strlen(s1.fingerprint) == 16);
	p = tmpkey("00112233445566778899aabbccddeeff\n", 0640);
	CHECK(secret_load(p, &s2, &e) < 0 && strstr(e.msg, "0640") && strstr(e.msg, p));
	p = tmpkey("00112233445566778899aabbccddeegg\n", 0600);
	CHECK(secret_load(p, &s2, &e) < 0 && strstr(e.msg, "column 31"));
	p = tmpkey("0011223344\n", 0600);
	CHECK(secret_load(p, &s2, &e) < 0 && strstr(e.msg, "hex digits"));
	CHECK(secret_load("/nonexistent/key", &s2, &e) < 0 && strstr(e.msg, "/nonexistent/key"));
	/* created keys are fresh, 0600, and never overwrite */
	unlink(p);
	CHECK(secret_create(p, &s1, &e) == 0);
	struct stat st;
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(secret_load(p, &s2, &e) == 0 && strcmp(s1.fingerprint, s2.fingerprint) == 0);
	CHECK(memcmp(s1.siphash_key, s2.siphash_key, 16) == 0);
	CHECK(secret_create(p, &s2, &e) < 0 && strstr(e.msg, "exists"));
	unlink(p);
	CHECK(secret_create(p, &s2, &e) == 0 && strcmp(s1.fingerprint, s2.fingerprint) != 0);
	unlink(p);
	CHECK(secret_mac(&s1, 1, 2, 3) != secret_mac(&s2, 1, 2, 3));
	CHECK(secret_mac(&s1, 1, 2, 3) != secret_mac(&s1, 1, 3, 3));
}

void test_tcp_syn_frame_and_validation(void)
{
	struct secret s = test_secret(7), other = test_secret(8);
	struct probe_params pp = params(&s), pp_other = params(&other);
	const struct probe_module *m = probe_find("tcp_syn");
	uint8_t frame[PROBE_MAX_FRAME];
	struct zerr e;
	uint32_t src = 0xc6120001u, dst = 0xc6121005u;
	CHECK(m && m->make_template(&pp, src, frame, &e) == 0);
	m->fill(&pp, frame, src, dst, 443, 0);
	const uint8_t *ip = frame + 14;
	CHECK(m->frame_len == 58 && rd16(frame + 12) == 0x0800);
	CHECK(memcmp(frame, pp.dst_mac, 6) == 0 && memcmp(frame + 6, pp.src_mac, 6) == 0);
	CHECK(ip[9] == 6 && rd32(ip + 12) == src && rd32(ip + 16) == dst && ip[8] == 64);
	CHECK(ip_csum_ok(ip) && l4_csum_ok(ip, 6));
	const uint8_t *tcp = ip + 20;
	uint16_t sport = rd16(tcp);
	uint32_t seq = rd32(tcp + 4);
	CHECK(rd16(tcp + 2) == 443 && tcp[13] == 0x02 && (tcp[12] >> 4) == 6);
	CHECK(seq == (uint32_t)secret_mac(&s, dst, 443, src) && sport >= 32768 && sport < 61001);

	/* the SYN-ACK the target sends back */
	uint8_t resp[64] = {0};
	uint8_t *rt = resp + 20;
	wr16(rt, 443);
	wr16(rt + 2, sport);
	wr32(rt + 4, 0x12345678);
	wr32(rt + 8, seq + 1);
	rt[12] = 0x50;
	rt[13] = 0x12;
	wr16(rt + 14, 29200);
	size_t len = make_ip(resp, dst, src, 6, 20);
	struct probe_result r = {0};
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_VALID);
	CHECK(r.success && strcmp(r.classification, "synack") == 0);
	CHECK(ipaddr_eq(r.saddr, ipaddr_from_v4(dst)) && ipaddr_eq(r.daddr, ipaddr_from_v4(src)) &&
	      r.sport == 443 && r.dport == sport);
	CHECK(r.acknum == seq + 1 && r.window == 29200 && r.ttl == 57);
	CHECK(truncations_safe(m, &pp, resp, len));
	CHECK(m->validate(&pp_other, resp, len, &r) == PROBE_BAD_MAC); /* another scan's key */
	/* RST from a closed port */
	rt[13] = 0x14;
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_VALID && !r.success &&
	      strcmp(r.classification, "rst") == 0);
	rt[13] = 0x12;
	wr32(rt + 8, seq + 2); /* wrong ack */
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	wr32(rt + 8, seq + 1);
	wr16(rt + 2, (uint16_t)(sport + 1)); /* wrong port */
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	wr16(rt + 2, sport);
	wr16(rt, 444); /* answer from another port than probed */
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	rt[12] = 0x40; /* data offset below 5 */
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_NOT_OURS);

	/* an ICMP host unreachable from a router, quoting the probe */
	uint8_t icmp_resp[128] = {0};
	uint8_t *ic = icmp_resp + 20;
	ic[0] = 3;
	ic[1] = 1;
	memcpy(ic + 8, ip, 28);
	len = make_ip(icmp_resp, 0xc6120002u, src, 1, 8 + 28);
	memset(&r, 0, sizeof r);
	CHECK(m->validate(&pp, icmp_resp, len, &r) == PROBE_VALID);
	CHECK(!r.success && strcmp(r.classification, "unreach") == 0);
	CHECK(ipaddr_eq(r.saddr, ipaddr_from_v4(dst)) &&
	      ipaddr_eq(r.icmp_responder, ipaddr_from_v4(0xc6120002u)) && r.sport == 443);
	CHECK(truncations_safe(m, &pp, icmp_resp, len));
	CHECK(m->validate(&pp_other, icmp_resp, len, &r) == PROBE_BAD_MAC);
}

void test_icmp_echo_frame_and_validation(void)
{
	struct secret s = test_secret(9), other = test_secret(10);
	struct probe_params pp = params(&s), pp_other = params(&other);
	const struct probe_module *m = probe_find("icmp_echo");
	uint8_t frame[PROBE_MAX_FRAME];
	struct zerr e;
	uint32_t src = 0xc6120001u, dst = 0xc6124007u;
	CHECK(m && m->make_template(&pp, src, frame, &e) == 0);
	m->fill(&pp, frame, src, dst, 0, 0);
	const uint8_t *ip = frame + 14;
	CHECK(m->frame_len == 42 && ip[9] == 1 && ip_csum_ok(ip) && l4_csum_ok(ip, 1));
	CHECK(ip[20] == 8 && ip[21] == 0);
	/* the echo reply: same identifier, sequence number */
	uint8_t resp[64] = {0};
	memcpy(resp + 20, ip + 20, 8);
	resp[20] = 0;
	size_t len = make_ip(resp, dst, src, 1, 8);
	struct probe_result r = {0};
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_VALID);
	CHECK(r.success && strcmp(r.classification, "echoreply") == 0 &&
	      ipaddr_eq(r.saddr, ipaddr_from_v4(dst)));
	CHECK(truncations_safe(m, &pp, resp, len));
	CHECK(m->validate(&pp_other, resp, len, &r) == PROBE_BAD_MAC);
	resp[25] ^= 1;
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	resp[20] = 8; /* our own request, seen on the wire */
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_NOT_OURS);
}

void test_probe_sport_window(void)
{
	struct secret s = test_secret(1);
	struct probe_params pp = params(&s);
	pp.sport_first = 61000;
	pp.sport_count = 4000; /* wraps past 65535 */
	pp.probes = 3;
	for (uint64_t mac = 0; mac < (1ull << 40); mac += 0x3fff3fffffull) {
		int accepted = 0;
		for (uint32_t port = 0; port < 65536; port++)
			accepted += probe_sport_ok(&pp, mac, (uint16_t)port);
		CHECK(accepted == 3);
		for (unsigned k = 0; k < 3; k++)
			CHECK(probe_sport_ok(&pp, mac, probe_sport(&pp, mac, k)));
	}
}
