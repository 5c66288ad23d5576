/* netbios: a node status answer read field by field, as far as it came. */
#include "probe/answer/netbios.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define HEADER 12
#define NBSTAT 0x21
#define NAME_ENTRY 18 /* 15 bytes of name, a suffix, 16 bits of flags */
#define GROUP 0x8000  /* the name's G flag */

enum { I_NAME, I_SUFFIX, I_TYPE, I_FLAGS, I_N };

static const struct app_field name_items[I_N] = {
    [I_NAME] = {"name", AF_STR, "the name, its padding dropped", NULL, 0},
    [I_SUFFIX] = {"suffix", AF_HEX,
                  "its 16th byte, the service: 00 workstation, 20 server, 1d master browser, ...",
                  NULL, 0},
    [I_TYPE] = {"type", AF_STR, "unique or group", NULL, 0},
    [I_FLAGS] = {"flags", AF_UINT,
                 "NAME_FLAGS: 0x8000 group, 0x6000 node type, 0x1000 deregistering, 0x0800 "
                 "conflict, 0x0400 active, 0x0200 permanent",
                 NULL, 0},
};

enum {
	F_SUCCESS,
	F_RCODE,
	F_NAME_COUNT,
	F_NAMES,
	F_NAME,
	F_WORKGROUP,
	F_MAC,
	F_PARSE_ERROR,
	F_COUNT
};

const struct app_field netbios_fields[NETBIOS_NFIELDS] = {
    [F_SUCCESS] = {"app_success", AF_BOOL,
                   "1: a node status response with rcode 0 and its whole name table", NULL, 0},
    [F_RCODE] = {"netbios_rcode", AF_UINT, "the header's rcode (0: no error)", NULL, 0},
    [F_NAME_COUNT] = {"netbios_name_count", AF_UINT, "names in the table, as the answer says", NULL,
                      0},
    [F_NAMES] = {"netbios_names", AF_LIST, "the names of the name table read", name_items, I_N},
    [F_NAME] = {"netbios_name", AF_STR, "the first unique name of suffix 00: the computer's", NULL,
                0},
    [F_WORKGROUP] = {"netbios_workgroup", AF_STR,
                     "the first group name of suffix 00: its workgroup or domain", NULL, 0},
    [F_MAC] = {"netbios_mac", AF_STR, "the unit id: the adapter's MAC address (Samba: zeros)", NULL,
               0},
    [F_PARSE_ERROR] = {"netbios_parse_error", AF_STR, "empty, or what could not be read", NULL, 0},
};
const int netbios_nfields = F_COUNT;
_Static_assert(F_COUNT == NETBIOS_NFIELDS, "NETBIOS_NFIELDS counts the table");

size_t netbios_request(uint8_t *out)
{
	/* id 0, flags 0 (a query, no broadcast), one question */
	static const uint8_t head[HEADER] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	uint8_t *p = out;
	memcpy(p, head, HEADER);
	p += HEADER;
	/* "*" and 15 NULs, each byte as two letters 'A' + nibble (RFC 1001
	 * 14.1), in one label of 32 */
	*p++ = 32;
	for (int i = 0; i < 16; i++) {
		uint8_t c = i == 0 ? '*' : 0;
		*p++ = (uint8_t)('A' + (c >> 4));
		*p++ = (uint8_t)('A' + (c & 15));
	}
	*p++ = 0;
	static const uint8_t tail[4] = {0, NBSTAT, 0, 1}; /* NBSTAT, IN */
	memcpy(p, tail, 4);
	return (size_t)(p + 4 - out);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Passes over a name at p[*i..n): labels up to a zero, or a pointer;
 * false if it does not end inside n or is longer than 255 bytes. */
static bool skip_name(const uint8_t *p, size_t n, size_t *i)
{
	size_t total = 0;
	for (;;) {
		if (*i >= n)
			return false;
		uint8_t l = p[*i];
		if ((l & 0xc0) == 0xc0) {
			if (n - *i < 2)
				return false;
			*i += 2;
			return true;
		}
		if (l & 0xc0)
			return false;
		(*i)++;
		if (l == 0)
			return true;
		total += l + 1u;
		if (n - *i < l || total > 255)
			return false;
		*i += l;
	}
}

/* A name's length without its padding (spaces, or NULs). */
static size_t name_len(const uint8_t *e)
{
	size_t len = 15;
	while (len > 0 && (e[len - 1] == ' ' || e[len - 1] == 0))
		len--;
	return len;
}

static void write_entry(struct fieldw *w, const uint8_t *e)
{
	uint16_t flags = rd16(e + 16);
	fw_item_begin(w);
	fw_str(w, I_NAME, e, name_len(e));
	fw_hex(w, I_SUFFIX, e + 15, 1);
	fw_cstr(w, I_TYPE, flags & GROUP ? "group" : "unique");
	fw_uint(w, I_FLAGS, flags);
	fw_item_end(w);
}

/* The answer after its header; NULL, or what went wrong. */
static const char *read_answer(const uint8_t *p, size_t n, bool *success, struct fieldw *w)
{
	uint16_t flags = rd16(p + 2), qd = rd16(p + 4), an = rd16(p + 6);
	if (!(flags & 0x8000))
		return "not a response";
	if ((flags >> 11 & 15) != 0)
		return "not a query's response (opcode)";
	size_t i = HEADER;
	for (unsigned q = 0; q < qd; q++) {
		if (!skip_name(p, n, &i))
			return "question: bad or truncated name";
		if (n - i < 4)
			return "truncated question";
		i += 4;
	}
	if (an == 0)
		return "no answer record";
	if (!skip_name(p, n, &i))
		return "answer record: bad or truncated name";
	if (n - i < 10)
		return "truncated answer record";
	if (rd16(p + i) != NBSTAT)
		return "answer record not of type NBSTAT";
	size_t rdlen = rd16(p + i + 8);
	i += 10;
	bool cut = rdlen > n - i;
	size_t end = cut ? n : i + rdlen;
	if (i >= end)
		return cut ? "truncated answer record" : "empty node status";
	unsigned count = p[i++];
	const uint8_t *first_name = NULL, *first_group = NULL;
	fw_uint(w, F_NAME_COUNT, count);
	fw_list_begin(w, F_NAMES);
	unsigned k = 0;
	for (; k < count && end - i >= NAME_ENTRY; k++, i += NAME_ENTRY) {
		const uint8_t *e = p + i;
		bool group = rd16(e + 16) & GROUP;
		write_entry(w, e);
		if (e[15] == 0 && !group && !first_name)
			first_name = e;
		if (e[15] == 0 && group && !first_group)
			first_group = e;
	}
	fw_list_end(w);
	if (first_name)
		fw_str(w, F_NAME, first_name, name_len(first_name));
	if (first_group)
		fw_str(w, F_WORKGROUP, first_group, name_len(first_group));
	if (k < count)
		return cut ? "truncated name table" : "name table longer than its record";
	*success = (flags & 15) == 0;
	if (end - i >= 6) {
		char mac[18];
		const uint8_t *u = p + i;
		snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", u[0], u[1], u[2], u[3],
		         u[4], u[5]);
		fw_cstr(w, F_MAC, mac);
	}
	return cut ? "truncated statistics" : NULL;
}

void netbios_decode(const uint8_t *p, size_t n, struct fieldw *w)
{
	const char *err = n == 0 ? "empty answer" : n < HEADER ? "truncated header" : NULL;
	bool success = false;
	if (!err) {
		fw_uint(w, F_RCODE, rd16(p + 2) & 15);
		err = read_answer(p, n, &success, w);
	}
	fw_bool(w, F_SUCCESS, success);
	if (err)
		fw_cstr(w, F_PARSE_ERROR, err);
}
