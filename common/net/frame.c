/* frame: link-layer headers of captured frames, and the IP header's lengths. */
#include "net/frame.h"

#include <pcap/dlt.h>

#include "net/packet.h"

bool frame_linktype_known(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return true;
	}
	return false;
}

/* The IP packet at ip (len bytes captured of wire bytes received), of the
 * version its link layer names (0: a raw link, whose packets say it). The
 * kernel drops a packet whose lengths claim more than it received, and
 * reads a shorter one as ending there (the rest is the link's padding):
 * the same here, so that no module sees bytes the sender did not put in
 * the packet. A capture's snap length may keep fewer bytes than came:
 * then the packet is what was kept. */
static enum frame_kind ip_packet(const uint8_t *ip, size_t len, size_t wire, int version,
                                 struct frame *out)
{
	if (len < 1)
		return version ? FRAME_BAD_IP : FRAME_SHORT;
	int v = ip[0] >> 4;
	if (version ? v != version : v != 4 && v != 6)
		return version ? FRAME_BAD_IP : FRAME_OTHER;
	size_t total;
	if (v == 4) {
		size_t ihl = (size_t)(ip[0] & 15) * 4;
		if (len < 20)
			return FRAME_BAD_IP;
		total = rd16(ip + 2);
		if (ihl < 20 || total < ihl)
			return FRAME_BAD_IP;
	} else {
		if (len < 40)
			return FRAME_BAD_IP;
		total = 40 + (size_t)rd16(ip + 4);
	}
	if (total > wire)
		return FRAME_BAD_IP;
	out->ip = ip;
	out->len = total < len ? total : len;
	return v == 4 ? FRAME_IPV4 : FRAME_IPV6;
}

enum frame_kind frame_ip(int linktype, const uint8_t *f, size_t caplen, struct frame *out)
{
	return frame_ip_captured(linktype, f, caplen, caplen, out);
}

enum frame_kind frame_ip_captured(int linktype, const uint8_t *f, size_t caplen, size_t wirelen,
                                  struct frame *out)
{
	if (wirelen < caplen)
		wirelen = caplen;
	/* where the link header holds the protocol type, and where it ends */
	size_t type_at, end;
	*out = (struct frame){0};
	switch (linktype) {
	case DLT_RAW:
		return ip_packet(f, caplen, wirelen, 0, out);
	case DLT_IPV4:
		return ip_packet(f, caplen, wirelen, 4, out);
	case DLT_IPV6:
		return ip_packet(f, caplen, wirelen, 6, out);
	case DLT_EN10MB:
		type_at = 12, end = 14;
		break;
	case DLT_LINUX_SLL:
		type_at = 14, end = 16;
		break;
	case DLT_LINUX_SLL2: /* the type first, then 18 bytes of what SLL has */
		type_at = 0, end = 20;
		break;
	default:
		return FRAME_OTHER;
	}
	if (caplen < end)
		return FRAME_SHORT;
	uint16_t type = rd16(f + type_at);
	/* 802.1Q and 802.1ad (QinQ) tags: four bytes each, the tag and then
	 * the type it carries */
	while ((type == 0x8100 || type == 0x88a8) && out->vlans < 2) {
		if (caplen < end + 4)
			return FRAME_SHORT;
		type = rd16(f + end + 2);
		end += 4;
		out->vlans++;
	}
	if (type == 0x0800)
		return ip_packet(f + end, caplen - end, wirelen - end, 4, out);
	if (type == 0x86dd)
		return ip_packet(f + end, caplen - end, wirelen - end, 6, out);
	return FRAME_OTHER;
}
