/* frame: link-layer headers of captured frames, and the IP header's lengths. */
#include "net/frame.h"

#include <pcap/dlt.h>

#include "net/packet.h"

bool frame_linktype_known(int linktype)
{
	return linktype == DLT_EN10MB || linktype == DLT_LINUX_SLL || linktype == DLT_RAW;
}

/* The IP packet at ip (len bytes captured), of the version its link layer
 * names (0: a raw link, whose packets say it). The kernel drops a packet
 * whose lengths claim more than it received, and reads a shorter one as
 * ending there (the rest is the link's padding): the same here, so that no
 * module sees bytes the sender did not put in the packet. */
static enum frame_kind ip_packet(const uint8_t *ip, size_t len, int version, struct frame *out)
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
	if (total > len)
		return FRAME_BAD_IP;
	out->ip = ip;
	out->len = total;
	return v == 4 ? FRAME_IPV4 : FRAME_IPV6;
}

enum frame_kind frame_ip(int linktype, const uint8_t *f, size_t caplen, struct frame *out)
{
	size_t off;
	*out = (struct frame){0};
	if (linktype == DLT_RAW)
		return ip_packet(f, caplen, 0, out);
	if (linktype == DLT_EN10MB)
		off = 12;
	else if (linktype == DLT_LINUX_SLL)
		off = 14;
	else
		return FRAME_OTHER;
	if (caplen < off + 2)
		return FRAME_SHORT;
	uint16_t type = rd16(f + off);
	/* 802.1Q and 802.1ad (QinQ) tags: four bytes each before the type */
	while ((type == 0x8100 || type == 0x88a8) && out->vlans < 2) {
		off += 4;
		out->vlans++;
		if (caplen < off + 2)
			return FRAME_SHORT;
		type = rd16(f + off);
	}
	if (type == 0x0800)
		return ip_packet(f + off + 2, caplen - off - 2, 4, out);
	if (type == 0x86dd)
		return ip_packet(f + off + 2, caplen - off - 2, 6, out);
	return FRAME_OTHER;
}
