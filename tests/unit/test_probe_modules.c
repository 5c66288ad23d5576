/* Unit tests: the tcp_ack, icmp_echo_time and udp modules' frames, their
 * validation (forged, other-key and truncated answers) and udp's payload
 * arguments. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "probe_testutil.h"

void test_tcp_ack_frame_and_validation(void);
void test_icmp_echo_time_frame_and_validation(void);
void test_udp_probe_args(void);
void test_udp_frame_and_validation(void);

void test_tcp_ack_frame_and_validation(void)
{
	struct secret s = test_secret(3), other = test_secret(4);
	struct probe_params pp = params(&s), pp_other = params(&other);
	const struct probe_module *m = probe_find("tcp_ack");
	uint8_t frame[PROBE_MAX_FRAME];
	struct zerr e;
	uint32_t src = 0xc6120001u, dst = 0xc6121005u;
	CHECK(m && probe_setup(m, &pp, NULL, &e) == 0 &&
	      m->make_template(&pp, src, frame, &e) == 0);
	CHECK(m->fill(&pp, frame, src, dst, 22, 0) == 58);
	const uint8_t *ip = frame + 14, *tcp = ip + 20;
	uint32_t mac = (uint32_t)secret_mac(&s, dst, 22, src);
	CHECK(ip_csum_ok(ip) && l4_csum_ok(ip, 6) && tcp[13] == 0x10);
	CHECK(rd32(tcp + 8) == mac && rd16(tcp + 2) == 22);
	/* the RST a host sends for an ACK it has no connection for */
	uint8_t resp[64] = {0};
	uint8_t *rt = resp + 20;
	wr16(rt, 22);
	wr16(rt + 2, rd16(tcp));
	wr32(rt + 4, mac);
	rt[12] = 0x50;
	rt[13] = 0x04;
	size_t len = make_ip(resp, dst, src, 6, 20);
	struct probe_result r = {0};
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_VALID && r.success &&
	      strcmp(r.classification, "rst") == 0 && ipaddr_eq(r.saddr, ipaddr_from_v4(dst)) &&
	      r.sport == 22);
	CHECK(truncations_safe(m, &pp, resp, len));
	CHECK(m->validate(&pp_other, resp, len, &r) == PROBE_BAD_MAC);
	wr32(rt + 4, mac + 1);
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	wr32(rt + 4, mac);
	rt[13] = 0x12; /* a SYN-ACK is no answer to an ACK */
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_NOT_OURS);
}

void test_icmp_echo_time_frame_and_validation(void)
{
	struct secret s = test_secret(5), other = test_secret(6);
	struct probe_params pp = params(&s), pp_other = params(&other);
	const struct probe_module *m = probe_find("icmp_echo_time");
	uint8_t frame[PROBE_MAX_FRAME];
	struct zerr e;
	uint32_t src = 0xc6120001u, dst = 0xc6124007u;
	CHECK(m && probe_setup(m, &pp, NULL, &e) == 0 &&
	      m->make_template(&pp, src, frame, &e) == 0);
	struct timespec before, after;
	clock_gettime(CLOCK_REALTIME, &before); /* time() may lag: a coarse clock */
	CHECK(m->fill(&pp, frame, src, dst, 0, 0) == 58);
	const uint8_t *ip = frame + 14;
	CHECK(ip_csum_ok(ip) && l4_csum_ok(ip, 1) && ip[20] == 8 && rd16(ip + 2) == 44);
	CHECK(rd32(ip + 28 + 12) == dst);
	/* the echo reply carries the same data */
	uint8_t resp[64] = {0};
	memcpy(resp + 20, ip + 20, 24);
	resp[20] = 0;
	size_t len = make_ip(resp, dst, src, 1, 24);
	struct probe_result r = {0};
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_VALID && r.success);
	clock_gettime(CLOCK_REALTIME, &after);
	CHECK(r.sent_sec >= (uint64_t)before.tv_sec && r.sent_sec <= (uint64_t)after.tv_sec &&
	      r.sent_usec < 1000000);
	CHECK(truncations_safe(m, &pp, resp, len));
	CHECK(m->validate(&pp_other, resp, len, &r) == PROBE_BAD_MAC);
	resp[20 + 8 + 15] ^= 1; /* the echoed target address */
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_BAD_MAC);
	/* a reply to a plain icmp_echo probe has no time in it */
	len = make_ip(resp, dst, src, 1, 8);
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_NOT_OURS);
}

void test_udp_probe_args(void)
{
	struct secret s = test_secret(1);
	struct probe_params pp = params(&s);
	const struct probe_module *m = &probe_udp;
	struct zerr e;
	CHECK(probe_setup(m, &pp, "hex:0a0B", &e) == 0 && pp.template_len == 42 + 2);
	probe_teardown(m, &pp);
	CHECK(probe_setup(m, &pp, "hex:0a0", &e) < 0 && strstr(e.msg, "odd number"));
	CHECK(probe_setup(m, &pp, "hex:0z", &e) < 0 && strstr(e.msg, "'z' at column 2"));
	CHECK(probe_setup(m, &pp, "text:hello", &e) == 0 && pp.template_len == 42 + 5);
	probe_teardown(m, &pp);
	CHECK(probe_setup(m, &pp, "gopher:x", &e) < 0 && strstr(e.msg, "file:PATH"));
	CHECK(probe_setup(m, &pp, "file:/nonexistent/p", &e) < 0 &&
	      strstr(e.msg, "/nonexistent/p: No such file"));
	char path[64];
	snprintf(path, sizeof path, "/tmp/zscan-unit-tmpl.%d", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs("a ${daddr} ${bogus}", f);
	fclose(f);
	char arg[80];
	snprintf(arg, sizeof arg, "template:%s", path);
	CHECK(probe_setup(m, &pp, arg, &e) < 0 &&
	      strstr(e.msg, "byte 12: unknown field '${bogus}'"));
	f = fopen(path, "w");
	fputs("x ${daddr", f);
	fclose(f);
	CHECK(probe_setup(m, &pp, arg, &e) < 0 && strstr(e.msg, "byte 3: '${' without '}'"));
	/* too long once the fields are filled in */
	f = fopen(path, "w");
	for (int i = 0; i < 1460; i++)
		fputc('x', f);
	fputs("${saddr}", f);
	fclose(f);
	CHECK(probe_setup(m, &pp, arg, &e) < 0 && strstr(e.msg, "more than 1472"));
	unlink(path);
	char big[2 * 1473 + 8] = "hex:";
	for (int i = 0; i < 1473; i++)
		memcpy(big + 4 + 2 * i, "ab", 2);
	big[4 + 2 * 1473] = '\0';
	CHECK(probe_setup(m, &pp, big, &e) < 0 && strstr(e.msg, "1473"));
	CHECK(probe_setup(&probe_tcp_ack, &pp, "text:x", &e) < 0 && strstr(e.msg, "no arguments"));
	CHECK(probe_setup(&probe_tcp_syn, &pp, "text:x", &e) < 0 &&
	      strstr(e.msg, "no option profile"));
}

void test_udp_frame_and_validation(void)
{
	struct secret s = test_secret(11), other = test_secret(12);
	struct probe_params pp = params(&s), pp_other = params(&other);
	const struct probe_module *m = &probe_udp;
	uint8_t frame[PROBE_MAX_FRAME];
	struct zerr e;
	uint32_t src = 0xc6120001u, dst = 0xc6122a05u;
	char path[64], arg[80];
	snprintf(path, sizeof path, "/tmp/zscan-unit-tmpl.%d", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs("to ${daddr}:${dport} from ${saddr}:${sport} ${nonce}$", f);
	fclose(f);
	snprintf(arg, sizeof arg, "template:%s", path);
	CHECK(probe_setup(m, &pp, arg, &e) == 0);
	unlink(path);
	CHECK(m->make_template(&pp, src, frame, &e) == 0);
	memset(frame + pp.template_len, 0xee, 64); /* nothing may be left from before */
	size_t n = m->fill(&pp, frame, src, dst, 53, 0);
	const uint8_t *ip = frame + 14, *udp = ip + 20;
	uint16_t sport = rd16(udp);
	char want[128];
	uint32_t nonce = (uint32_t)secret_mac(&s, dst, 53, ~src);
	int wl =
	    snprintf(want, sizeof want, "to 198.18.42.5:53 from 198.18.0.1:%u %08x$", sport, nonce);
	CHECK(n == 42 + (size_t)wl && memcmp(udp + 8, want, (size_t)wl) == 0);
	CHECK(rd16(ip + 2) == 20 + 8 + wl && rd16(udp + 4) == 8 + wl);
	CHECK(ip_csum_ok(ip) && l4_csum_ok(ip, 17) && rd16(udp + 2) == 53);
	probe_teardown(m, &pp);

	/* a fixed payload: part of the template, checksummed per probe */
	CHECK(probe_setup(m, &pp, "hex:00010203", &e) == 0 &&
	      m->make_template(&pp, src, frame, &e) == 0);
	CHECK(m->fill(&pp, frame, src, dst, 53, 0) == 46 && l4_csum_ok(ip, 17));
	CHECK(memcmp(udp + 8, "\0\1\2\3", 4) == 0);
	sport = rd16(udp);
	uint16_t ipid = rd16(ip + 4);

	/* the answer, from the target port to our source port */
	uint8_t resp[128] = {0};
	uint8_t *ru = resp + 20;
	wr16(ru, 53);
	wr16(ru + 2, sport);
	wr16(ru + 4, 8 + 5);
	memcpy(ru + 8, "hello", 5);
	size_t len = make_ip(resp, dst, src, 17, 13);
	struct probe_result r = {0};
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_VALID && r.success &&
	      strcmp(r.classification, "udp") == 0);
	CHECK(ipaddr_eq(r.saddr, ipaddr_from_v4(dst)) && r.sport == 53 && r.dport == sport &&
	      r.udp_len == 13 && r.data_len == 5 && memcmp(r.data, "hello", 5) == 0);
	/* cut short by the capture: valid once the UDP header is whole, with
	 * only the captured payload */
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *b = malloc(cut ? cut : 1);
		memcpy(b, resp, cut);
		struct probe_result rc = {0};
		enum probe_verdict v = m->validate(&pp, b, cut, &rc);
		free(b);
		CHECK(cut < 28 ? v != PROBE_VALID : v == PROBE_VALID && rc.data_len == cut - 28);
	}
	CHECK(m->validate(&pp_other, resp, len, &r) == PROBE_BAD_MAC);
	wr16(ru + 4, 7); /* UDP length below its header */
	CHECK(m->validate(&pp, resp, len, &r) == PROBE_NOT_OURS);

	/* ICMP port unreachable quoting the probe */
	uint8_t icmp[128] = {0};
	icmp[20] = 3;
	icmp[21] = 3;
	memcpy(icmp + 28, ip, 28);
	len = make_ip(icmp, dst, src, 1, 8 + 28);
	memset(&r, 0, sizeof r);
	CHECK(m->validate(&pp, icmp, len, &r) == PROBE_VALID && !r.success &&
	      strcmp(r.classification, "port-unreachable") == 0);
	CHECK(ipaddr_eq(r.saddr, ipaddr_from_v4(dst)) && r.sport == 53 && r.dport == sport &&
	      ipaddr_eq(r.icmp_responder, ipaddr_from_v4(dst)));
	CHECK(truncations_safe(m, &pp, icmp, len));
	CHECK(m->validate(&pp_other, icmp, len, &r) == PROBE_BAD_MAC);
	wr16(icmp + 28 + 4, (uint16_t)(ipid + 1)); /* quoted IP id */
	CHECK(m->validate(&pp, icmp, len, &r) == PROBE_BAD_MAC);
	wr16(icmp + 28 + 4, ipid);
	icmp[21] = 13; /* another ICMP error */
	CHECK(m->validate(&pp, icmp, len, &r) == PROBE_VALID &&
	      strcmp(r.classification, "unreach") == 0);
	probe_teardown(m, &pp);
}
