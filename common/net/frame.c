/* frame: link-layer headers of captured frames. */
#include "net/frame.h"

#include <pcap/dlt.h>

#include "net/packet.h"

bool frame_linktype_known(int linktype)
{
	return linktype == DLT_EN10MB || linktype == DLT_LINUX_SLL || linktype == DLT_RAW;
}

enum frame_kind frame_ip(int linktype, const uint8_t *f, size_t caplen, struct frame *out)
{
	size_t off;
	*out = (struct frame){0};
	if (linktype == DLT_RAW) {
		if (caplen < 1 || (f[0] >> 4 != 4 && f[0] >> 4 != 6))
			return caplen < 1 ? FRAME_SHORT : FRAME_OTHER;
		out->ip = f;
		out->len = caplen;
		return f[0] >> 4 == 4 ? FRAME_IPV4 : FRAME_IPV6;
	}
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
	if (type != 0x0800 && type != 0x86dd)
		return FRAME_OTHER;
	out->ip = f + off + 2;
	out->len = caplen - off - 2;
	return type == 0x0800 ? FRAME_IPV4 : FRAME_IPV6;
}
