/* frame: the IP packet (either family) inside a captured frame, for every link type
 * zrecv captures on or reads (Ethernet, with up to two 802.1Q/802.1ad tags;
 * Linux cooked SLL and SLL2, as "any" gives; raw IP, and raw IPv4 or IPv6
 * alone), and what was skipped on the way, so that skipped kinds are
 * counted, never silently dropped. The IP header's lengths are checked
 * here, once for every module: a packet the kernel would drop answers
 * nothing, and the bytes after the packet (Ethernet padding) are no part of
 * it. */
#ifndef ZSCAN_NET_FRAME_H
#define ZSCAN_NET_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The link types (libpcap's DLT_ values) frame_ip reads. */
bool frame_linktype_known(int linktype);

enum frame_kind {
	FRAME_IPV4,  /* ip and len are set */
	FRAME_IPV6,  /* the same */
	FRAME_OTHER, /* another protocol: ARP, ... */
	FRAME_SHORT, /* too short for its link-layer header */
	/* an IP header the kernel would drop: not of its link's version, an
	 * impossible IPv4 header length, or a total (IPv4) or payload (IPv6)
	 * length that claims more bytes than were captured */
	FRAME_BAD_IP,
};

struct frame {
	const uint8_t *ip; /* from the IP header on */
	size_t len;        /* the IP packet's own length: what follows is padding */
	unsigned vlans;    /* tags passed over */
};

/* The IP packet in a frame of caplen bytes, all that came. Its length
 * fields must fit in them. */
enum frame_kind frame_ip(int linktype, const uint8_t *f, size_t caplen, struct frame *out);

/* The same for a frame of wirelen bytes of which a capture kept caplen
 * (its snap length): the length fields must fit in what came, and the
 * packet is what was kept of it (out->len at most what was captured, so a
 * module reads only captured bytes and finds a payload cut short). */
enum frame_kind frame_ip_captured(int linktype, const uint8_t *f, size_t caplen, size_t wirelen,
                                  struct frame *out);

/* A fragment other than the first: no transport header to read. */
static inline bool ipv4_later_fragment(const uint8_t *ip, size_t len)
{
	return len >= 8 && ((ip[6] & 0x1f) << 8 | ip[7]) != 0;
}

#endif
