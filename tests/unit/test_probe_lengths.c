/* Unit tests: the IP header's lengths against the captured frame, read as
 * zrecv reads it (frame_ip, then the module). For every module, both
 * families, the target's answer and an ICMP error quoting the probe: a
 * packet whose total (IPv4) or payload (IPv6) length claims more bytes than
 * were captured, or whose IPv4 header length is impossible, is no answer;
 * one followed by Ethernet padding is read as the packet alone. */
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "probe_testutil.h"
#include "net/frame.h"

void test_probe_lengths_checked_against_capture(void);

/* What zrecv got from one frame: the verdict and the result, its payload
 * copied out of the frame. */
struct got {
	enum probe_verdict v;
	struct probe_result r;
	uint8_t data[64];
};

/* recvscan's on_frame: the IP packet in the frame, then the module; a
 * frame with none, or a later fragment, is not ours. The frame is copied
 * to a heap buffer of exactly its size, so that ASan sees a read past it. */
static struct got receive(const struct probe_module *m, const struct probe_params *pp,
                          const uint8_t *f, size_t n)
{
	struct got g;
	memset(&g, 0, sizeof g);
	g.v = PROBE_NOT_OURS;
	uint8_t *b = malloc(n);
	memcpy(b, f, n);
	struct frame fr;
	enum frame_kind k = frame_ip(DLT_EN10MB, b, n, &fr);
	if ((k == FRAME_IPV4 && !ipv4_later_fragment(fr.ip, fr.len)) || k == FRAME_IPV6)
		g.v = m->validate(pp, fr.ip, fr.len, &g.r);
	if (g.v == PROBE_VALID && g.r.data) {
		memcpy(g.data, g.r.data,
		       g.r.data_len < sizeof g.data ? g.r.data_len : sizeof g.data);
		g.r.data = NULL;
	}
	free(b);
	return g;
}

static bool same_answer(const struct got *a, const struct got *b)
{
	const struct probe_result *x = &a->r, *y = &b->r;
	return a->v == b->v && ipaddr_eq(x->saddr, y->saddr) && ipaddr_eq(x->daddr, y->daddr) &&
	       x->sport == y->sport && x->dport == y->dport && x->seqnum == y->seqnum &&
	       x->acknum == y->acknum && x->echo_id == y->echo_id && x->echo_seq == y->echo_seq &&
	       x->sent_sec == y->sent_sec && x->sent_usec == y->sent_usec &&
	       x->udp_len == y->udp_len && x->data_len == y->data_len &&
	       memcmp(a->data, b->data, sizeof a->data) == 0 &&
	       strcmp(x->classification, y->classification) == 0 && x->success == y->success;
}

/* The transport part of the target's answer to probe (its IP packet), at
 * out: a SYN-ACK, a RST, an echo reply or a UDP datagram. Returns its
 * length. */
static size_t direct_answer(const char *module, const uint8_t *l4, size_t l4len, bool v6,
                            uint8_t *out)
{
	if (strncmp(module, "tcp", 3) == 0) {
		memset(out, 0, 20);
		wr16(out, rd16(l4 + 2));
		wr16(out + 2, rd16(l4));
		out[12] = 0x50;
		if (strcmp(module, "tcp_syn") == 0) {
			wr32(out + 4, 0x1000);
			wr32(out + 8, rd32(l4 + 4) + 1);
			out[13] = 0x12;
		} else {
			wr32(out + 4, rd32(l4 + 8)); /* the RST's seq is the probe's ack */
			out[13] = 0x04;
		}
		wr16(out + 14, 29200);
		return 20;
	}
	if (strncmp(module, "icmp", 4) == 0) {
		memcpy(out, l4, l4len);
		out[0] = v6 ? 129 : 0;
		return l4len;
	}
	/* a UDP answer repeats the probe's payload, as a DNS or memcached
	 * answer repeats its id (and an NTP server puts the transmit time in
	 * the origin time): whatever the module's echo rule asks is there */
	size_t pl = l4len - 8;
	wr16(out, rd16(l4 + 2));
	wr16(out + 2, rd16(l4));
	wr16(out + 4, (uint16_t)(8 + pl));
	wr16(out + 6, 0);
	memcpy(out + 8, l4 + 8, pl);
	if (strcmp(module, "ntp") == 0 && pl >= 48)
		memcpy(out + 8 + 24, l4 + 8 + 40, 8);
	return 8 + pl;
}

/* An Ethernet frame at f holding the answer of the kind asked for to the
 * probe frame: the target's own, or an ICMP (ICMPv6) unreachable from a
 * router quoting the probe's IP header and 8 bytes. Returns its length. */
static size_t make_answer(const char *module, const uint8_t *probe, bool v6, bool error, uint8_t *f)
{
	const uint8_t *ip = probe + 14;
	size_t ihl = v6 ? 40 : 20, l4len = v6 ? rd16(ip + 4) : rd16(ip + 2) - ihl;
	uint8_t *out = f + 14, *l4 = out + ihl, proto;
	size_t len;
	memset(f, 0, 12);
	wr16(f + 12, v6 ? 0x86dd : 0x0800);
	if (error) {
		memset(l4, 0, 8);
		l4[0] = v6 ? 1 : 3;
		l4[1] = v6 ? 3 : 1;
		memcpy(l4 + 8, ip, ihl + 8);
		len = 8 + ihl + 8;
		proto = v6 ? IPPROTO_ICMPV6_ : IPPROTO_ICMP_;
	} else {
		len = direct_answer(module, ip + ihl, l4len, v6, l4);
		proto = ip[v6 ? 6 : 9];
		if (strcmp(module, "ipip") == 0) { /* the answer is the inner packet's datagram */
			len = l4len - ihl;
			memcpy(l4, ip + ihl + ihl, len);
			proto = 17;
		}
	}
	if (!v6) {
		uint32_t src = error ? 0xc6120002u : rd32(ip + 16);
		return 14 + make_ip(out, src, rd32(ip + 12), proto, len);
	}
	struct ipaddr src =
	    error ? (struct ipaddr){0x2001000200000000ull, 2} : rd_ip6_test(ip + 24);
	return 14 + make_ip6(out, src, rd_ip6_test(ip + 8), proto, len);
}

void test_probe_lengths_checked_against_capture(void)
{
	struct secret s = test_secret(31);
	struct ipaddr src6 = {0x2001000200000000ull, 1}, dst6 = {0x2001000200000010ull, 5};
	uint32_t src = 0xc6120001u, dst = 0xc6121005u;
	int cases = 0;
	for (int i = 0; probe_modules[i]; i++) {
		const struct probe_module *m = probe_modules[i];
		struct probe_params pp = params(&s);
		struct zerr e;
		CHECK(probe_setup(m, &pp, m->args_example, &e) == 0);
		for (int v6 = 0; v6 < 2; v6++) {
			uint8_t probe[PROBE_MAX_FRAME];
			CHECK((v6 ? m->make_template6(&pp, &src6, probe, &e)
			          : m->make_template(&pp, src, probe, &e)) == 0);
			if (v6)
				m->fill6(&pp, probe, &src6, &dst6, 53, 0);
			else
				m->fill(&pp, probe, src, dst, 53, 0);
			for (int error = 0; error < 2; error++, cases++) {
				uint8_t f[256];
				size_t n = make_answer(m->name, probe, v6, error, f);
				uint8_t *ip = f + 14;
				/* the length field: IPv4's total length, IPv6's
				 * payload length */
				uint8_t *lf = ip + (v6 ? 4 : 2);
				uint16_t l = rd16(lf);
				struct got whole = receive(m, &pp, f, n);
				CHECKF(whole.v == PROBE_VALID && whole.r.success == !error,
				       "%s IPv%d error %d: the answer itself", m->name, v6 ? 6 : 4,
				       error);
				/* claiming one byte, or everything, more than the
				 * frame holds */
				wr16(lf, (uint16_t)(l + 1));
				CHECKF(receive(m, &pp, f, n).v == PROBE_NOT_OURS,
				       "%s IPv%d error %d: length + 1 taken", m->name, v6 ? 6 : 4,
				       error);
				wr16(lf, 0xffff);
				CHECKF(receive(m, &pp, f, n).v == PROBE_NOT_OURS,
				       "%s IPv%d error %d: length 65535 taken", m->name, v6 ? 6 : 4,
				       error);
				wr16(lf, l);
				/* a frame cut short (its last byte not captured) */
				CHECKF(receive(m, &pp, f, n - 1).v == PROBE_NOT_OURS,
				       "%s IPv%d error %d: a cut frame taken", m->name, v6 ? 6 : 4,
				       error);
				/* Ethernet padding: the packet ends where its
				 * length says, whatever the bytes after it */
				memset(f + n, 0xa5, 40);
				struct got padded = receive(m, &pp, f, n + 40);
				CHECKF(same_answer(&padded, &whole),
				       "%s IPv%d error %d: padding changed the answer", m->name,
				       v6 ? 6 : 4, error);
				if (!error && strcmp(m->name, "udp") == 0)
					CHECKF(padded.r.data_len == 5 &&
					           memcmp(padded.data, "hello", 5) == 0,
					       "udp IPv%d: data_len %u", v6 ? 6 : 4,
					       padded.r.data_len);
				if (v6)
					continue;
				/* IPv4 header lengths that cannot be: under 20
				 * bytes, or past the total length */
				ip[0] = 0x44;
				CHECKF(receive(m, &pp, f, n + 40).v == PROBE_NOT_OURS,
				       "%s error %d: IHL 4 taken", m->name, error);
				ip[0] = 0x4f;
				wr16(lf, 56);
				CHECKF(receive(m, &pp, f, n + 40).v == PROBE_NOT_OURS,
				       "%s error %d: IHL 15, total 56 taken", m->name, error);
				ip[0] = 0x45;
				wr16(lf, l);
			}
		}
		probe_teardown(m, &pp);
	}
	CHECK(cases >= 20);
}
