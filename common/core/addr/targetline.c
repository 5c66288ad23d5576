/* targetline: parsing zsend's input lines. */
#include "core/addr/targetline.h"

#include "core/addr/addr.h"

enum targetline_status targetline_parse(const char *line, size_t len, struct ipaddr *addr,
                                        int *port, const char **why)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 || line[0] == '#')
		return TL_SKIP;
	size_t i = 0;
	bool colon = false;
	while (i < len && line[i] != ',')
		colon |= line[i++] == ':';
	uint32_t v4;
	if (!colon && addr_parse(line, i, &v4) == ADDR_OK) {
		*addr = ipaddr_from_v4(v4);
	} else if (!colon || ipaddr_parse(line, i, addr) < 0) {
		*why = colon ? "not an IPv6 address:" : "not an IPv4 address:";
		return TL_BAD;
	}
	*port = -1;
	if (i == len)
		return TL_OK;
	size_t j = ++i;
	int v = 0;
	while (j < len && line[j] >= '0' && line[j] <= '9' && v <= 65535)
		v = v * 10 + (line[j++] - '0');
	if (j == i || v > 65535 || (j < len && line[j] != ',')) {
		*why = "not a port (0-65535) after the address:";
		return TL_BAD;
	}
	if (j - i > 1 && line[i] == '0') { /* 080: octal to some readers, as -p says */
		*why = "a port with a leading zero after the address:";
		return TL_BAD;
	}
	*port = v;
	return TL_OK;
}
