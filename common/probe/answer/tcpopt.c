/* tcpopt: a TCP answer's options. */
#include "probe/answer/tcpopt.h"

#include <stdio.h>
#include <string.h>

enum { KIND_END = 0, KIND_NOP = 1, KIND_MSS = 2, KIND_WS = 3, KIND_SACK_PERM = 4, KIND_TS = 8 };

static uint32_t rd32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Appends kind to o->kinds (40 bytes of options hold at most 40 kinds of
 * at most 3 digits and a comma: 160 bytes always fit). */
static void add_kind(struct tcpopt *o, uint8_t kind)
{
	char *p = o->kinds + o->kinds_len;
	if (o->kinds_len)
		*p++ = ',';
	if (kind >= 100)
		*p++ = (char)('0' + kind / 100);
	if (kind >= 10)
		*p++ = (char)('0' + kind / 10 % 10);
	*p++ = (char)('0' + kind % 10);
	*p = '\0';
	o->kinds_len = (size_t)(p - o->kinds);
}

bool tcpopt_ts_ecr(const uint8_t *p, size_t n, uint32_t *ecr)
{
	if (n > 40)
		n = 40;
	for (size_t i = 0; i < n;) {
		if (p[i] == KIND_END)
			return false;
		if (p[i] == KIND_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n || p[i + 1] < 2 || p[i + 1] > n - i)
			return false;
		if (p[i] == KIND_TS && p[i + 1] == 10) {
			*ecr = rd32be(p + i + 6);
			return true;
		}
		i += p[i + 1];
	}
	return false;
}

/* Reads one option of length len (its kind byte included) at p. */
static void read_option(struct tcpopt *o, const uint8_t *p, uint8_t len)
{
	switch (p[0]) {
	case KIND_MSS:
		if (len == 4) {
			o->has_mss = true;
			o->mss = (uint16_t)(p[2] << 8 | p[3]);
		}
		break;
	case KIND_WS:
		if (len == 3) {
			o->has_ws = true;
			o->ws = p[2];
		}
		break;
	case KIND_SACK_PERM:
		o->sack_perm |= len == 2;
		break;
	case KIND_TS:
		if (len == 10) {
			o->has_ts = true;
			o->ts_val = rd32be(p + 2);
			o->ts_ecr = rd32be(p + 6);
		}
		break;
	}
}

void tcpopt_parse(const uint8_t *p, size_t n, struct tcpopt *o)
{
	memset(o, 0, sizeof *o);
	if (n > 40)
		n = 40;
	size_t i = 0;
	while (i < n) {
		uint8_t kind = p[i];
		add_kind(o, kind);
		if (kind == KIND_END)
			return;
		if (kind == KIND_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n || p[i + 1] < 2 || p[i + 1] > n - i) {
			o->error = "an option's length does not fit";
			return;
		}
		read_option(o, p + i, p[i + 1]);
		i += p[i + 1];
	}
}

enum { F_APP_MSS, F_APP_WS, F_APP_SACK, F_APP_TSVAL, F_APP_TSECR, F_APP_KINDS, F_APP_ERROR };

const struct app_field tcpopt_fields[TCPOPT_NFIELDS] = {
    [F_APP_MSS] = {"tcpopt_mss", AF_UINT, "the answer's maximum segment size option", NULL, 0},
    [F_APP_WS] = {"tcpopt_wscale", AF_UINT, "its window scale (shift count)", NULL, 0},
    [F_APP_SACK] = {"tcpopt_sack_perm", AF_BOOL, "whether it permits selective acks", NULL, 0},
    [F_APP_TSVAL] = {"tcpopt_ts_val", AF_UINT, "its timestamp value (TSval)", NULL, 0},
    [F_APP_TSECR] = {"tcpopt_ts_ecr", AF_UINT,
                     "the timestamp it echoes (TSecr): the probe's send time, in "
                     "microseconds mod 2^32, with the linux or bsd profile",
                     NULL, 0},
    [F_APP_KINDS] = {"tcpopt_kinds", AF_STR, "the option kinds in order, e.g. 2,4,8,1,3", NULL, 0},
    [F_APP_ERROR] = {"tcpopt_parse_error", AF_STR, "why the options could not all be read", NULL,
                     0},
};

void tcpopt_decode(const uint8_t *p, size_t n, struct fieldw *w)
{
	struct tcpopt o;
	tcpopt_parse(p, n, &o);
	if (o.has_mss)
		fw_uint(w, F_APP_MSS, o.mss);
	if (o.has_ws)
		fw_uint(w, F_APP_WS, o.ws);
	fw_bool(w, F_APP_SACK, o.sack_perm);
	if (o.has_ts) {
		fw_uint(w, F_APP_TSVAL, o.ts_val);
		fw_uint(w, F_APP_TSECR, o.ts_ecr);
	}
	fw_cstr(w, F_APP_KINDS, o.kinds);
	if (o.error)
		fw_cstr(w, F_APP_ERROR, o.error);
}
