/* targetline: parsing zsend's input lines. */
#include "core/targetline.h"

#include "core/addr.h"

enum targetline_status targetline_parse(const char *line, size_t len, uint32_t *addr, int *port,
                                        const char **why)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 || line[0] == '#')
		return TL_SKIP;
	size_t i = 0;
	while (i < len && line[i] != ',')
		i++;
	if (addr_parse(line, i, addr) != ADDR_OK) {
		*why = "not an IPv4 address:";
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
	*port = v;
	return TL_OK;
}
