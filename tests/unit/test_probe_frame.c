/* Unit tests: the IP packet inside a frame of every link type zrecv reads
 * (Ethernet with and without VLAN tags, Linux cooked SLL and SLL2, raw IP,
 * raw IPv4 and raw IPv6), and a SYN-ACK in each taken by tcp_syn. */
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "probe_testutil.h"
#include "net/frame.h"

void test_frame_ip_reads_every_link_type(void);

/* frame_ip over a heap copy of exactly the frame (ASan sees past it);
 * *off is where the IP packet starts in the frame, *len its length. */
static enum frame_kind frame_at(int link, const uint8_t *f, size_t n, size_t *off, size_t *len)
{
	uint8_t *b = malloc(n ? n : 1);
	memcpy(b, f, n);
	struct frame fr;
	enum frame_kind k = frame_ip(link, b, n, &fr);
	*off = fr.ip ? (size_t)(fr.ip - b) : 0;
	*len = fr.len;
	free(b);
	return k;
}

/* link-layer header bytes in front of an IP packet of ethertype type */
static size_t link_header(int link, uint16_t type, int vlans, uint8_t *h)
{
	size_t n = 0;
	switch (link) {
	case DLT_EN10MB:
		memset(h, 0x02, 12);
		n = 12;
		break;
	case DLT_LINUX_SLL:
		memset(h, 0, 14);
		h[3] = 1; /* ARPHRD_ETHER */
		h[5] = 6;
		n = 14;
		break;
	case DLT_LINUX_SLL2:
		memset(h, 0, 20);
		wr16(h, vlans ? 0x8100 : type);
		wr32(h + 4, 3); /* interface index */
		h[9] = 1;       /* ARPHRD_ETHER */
		h[11] = 6;
		for (int v = 0; v < vlans; v++) {
			wr16(h + 20 + 4 * v, 7); /* the tag */
			wr16(h + 22 + 4 * v, v + 1 < vlans ? 0x8100 : type);
		}
		return 20 + 4 * (size_t)vlans;
	default:
		return 0; /* raw: the packet alone */
	}
	for (int v = 0; v < vlans; v++, n += 4) {
		wr16(h + n, v ? 0x8100 : 0x88a8);
		wr16(h + n + 2, 7);
	}
	wr16(h + n, type);
	return n + 2;
}

void test_frame_ip_reads_every_link_type(void)
{
	static const int links[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
	                            DLT_RAW,    DLT_IPV4,      DLT_IPV6};
	struct secret s = test_secret(33);
	struct probe_params pp = params(&s);
	const struct probe_module *m = probe_find("tcp_syn");
	uint8_t probe[PROBE_MAX_FRAME], probe6[PROBE_MAX_FRAME];
	struct zerr e;
	uint32_t src = 0xc6120001u, dst = 0xc6121005u;
	struct ipaddr src6 = {0x2001000200000000ull, 1}, dst6 = {0x2001000200000010ull, 5};
	CHECK(m->make_template(&pp, src, probe, &e) == 0 &&
	      m->make_template6(&pp, &src6, probe6, &e) == 0);
	m->fill(&pp, probe, src, dst, 443, 0);
	m->fill6(&pp, probe6, &src6, &dst6, 443, 0);
	/* the SYN-ACK of each family */
	uint8_t syn[2][80] = {{0}};
	size_t plen[2];
	for (int v6 = 0; v6 < 2; v6++) {
		const uint8_t *tcp = v6 ? probe6 + 14 + 40 : probe + 14 + 20;
		uint8_t *a = syn[v6], *t = a + (v6 ? 40 : 20);
		wr16(t, 443);
		wr16(t + 2, rd16(tcp));
		wr32(t + 8, rd32(tcp + 4) + 1);
		t[12] = 0x50;
		t[13] = 0x12;
		plen[v6] = v6 ? make_ip6(a, dst6, src6, 6, 20) : make_ip(a, dst, src, 6, 20);
	}
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		int link = links[i];
		CHECKF(frame_linktype_known(link), "link type %d", link);
		for (int v6 = 0; v6 < 2; v6++)
			for (int vlans = 0; vlans < 3; vlans++) {
				bool raw = link == DLT_RAW || link == DLT_IPV4 || link == DLT_IPV6;
				if (raw && vlans)
					continue;
				uint8_t f[160];
				size_t h = link_header(link, v6 ? 0x86dd : 0x0800, vlans, f), off,
				       len;
				memcpy(f + h, syn[v6], plen[v6]);
				enum frame_kind k = frame_at(link, f, h + plen[v6], &off, &len);
				/* raw IPv4 holds no IPv6, and raw IPv6 no IPv4 */
				if ((link == DLT_IPV4 && v6) || (link == DLT_IPV6 && !v6)) {
					CHECKF(k != FRAME_IPV4 && k != FRAME_IPV6,
					       "link %d took IPv%d", link, v6 ? 6 : 4);
					continue;
				}
				CHECKF(k == (v6 ? FRAME_IPV6 : FRAME_IPV4) && off == h &&
				           len == plen[v6],
				       "link %d, IPv%d, %d tags: kind %d at %zu, %zu bytes", link,
				       v6 ? 6 : 4, vlans, (int)k, off, len);
				struct probe_result r = {0};
				CHECKF(m->validate(&pp, f + off, len, &r) == PROBE_VALID &&
				           r.success,
				       "link %d, IPv%d: the SYN-ACK", link, v6 ? 6 : 4);
				/* every cut of the link header is short, never IP */
				for (size_t cut = 0; cut < h; cut++)
					CHECKF(frame_at(link, f, cut, &off, &len) == FRAME_SHORT,
					       "link %d cut at %zu", link, cut);
			}
		/* what is not IP, on links that name their protocol */
		uint8_t f[64] = {0};
		size_t h = link_header(link, 0x0806, 0, f), off, len;
		if (h)
			CHECKF(frame_at(link, f, h + 28, &off, &len) == FRAME_OTHER, "link %d ARP",
			       link);
	}
	CHECK(!frame_linktype_known(DLT_NULL) && !frame_linktype_known(DLT_PPP));
	/* an SLL2 header whose protocol is IPv4 but whose packet is IPv6 */
	uint8_t f[160];
	size_t h = link_header(DLT_LINUX_SLL2, 0x0800, 0, f), off, len;
	memcpy(f + h, syn[1], plen[1]);
	CHECK(frame_at(DLT_LINUX_SLL2, f, h + plen[1], &off, &len) != FRAME_IPV4);
}

void test_frame_ip_snap_length_keeps_what_came(void);

/* A capture that kept fewer bytes than came (its snap length): the IP
 * lengths are checked against what came, and the packet is what was kept;
 * a length past what came is still refused. */
void test_frame_ip_snap_length_keeps_what_came(void)
{
	uint8_t f[14 + 1500] = {0};
	f[12] = 0x08; /* IPv4 */
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	wr16(ip + 2, 1500); /* a 1500-byte packet, 96 bytes of it kept */
	struct frame fr;
	CHECK(frame_ip_captured(DLT_EN10MB, f, 110, 14 + 1500, &fr) == FRAME_IPV4 && fr.ip == ip &&
	      fr.len == 96);
	CHECK(frame_ip(DLT_EN10MB, f, 110, &fr) == FRAME_BAD_IP); /* all that came */
	CHECK(frame_ip_captured(DLT_EN10MB, f, 110, 14 + 1499, &fr) == FRAME_BAD_IP);
	/* IPv6: payload length 1460 */
	f[12] = 0x86, f[13] = 0xdd;
	memset(ip, 0, 40);
	ip[0] = 0x60;
	wr16(ip + 4, 1460);
	CHECK(frame_ip_captured(DLT_EN10MB, f, 200, 14 + 1500, &fr) == FRAME_IPV6 && fr.len == 186);
	CHECK(frame_ip_captured(DLT_EN10MB, f, 200, 14 + 1499, &fr) == FRAME_BAD_IP);
	/* padding after a short packet, all captured: the packet alone */
	wr16(ip + 4, 20);
	CHECK(frame_ip_captured(DLT_EN10MB, f, 200, 200, &fr) == FRAME_IPV6 && fr.len == 60);
}
