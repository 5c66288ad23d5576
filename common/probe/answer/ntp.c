/* ntp: an RFC 5905 header read field by field, as far as it was captured. */
#include "probe/answer/ntp.h"

#include <stdbool.h>
#include <stdio.h>

#define NTP_HEADER 48

enum {
	F_SUCCESS,
	F_LEAP,
	F_VERSION,
	F_MODE,
	F_STRATUM,
	F_POLL,
	F_PRECISION,
	F_ROOT_DELAY,
	F_ROOT_DISPERSION,
	F_REFERENCE_ID,
	F_REFERENCE_TIME,
	F_ORIGIN_TIME,
	F_RECEIVE_TIME,
	F_TRANSMIT_TIME,
	F_PARSE_ERROR,
	F_COUNT
};

const struct app_field ntp_fields[NTP_NFIELDS] = {
    [F_SUCCESS] = {"app_success", AF_BOOL,
                   "1: a whole header from a server (mode 4) of version 1 to 4", NULL, 0},
    [F_LEAP] = {"ntp_leap", AF_UINT,
                "leap indicator: 0 none, 1/2 last minute 61/59 s, 3 unsynchronized", NULL, 0},
    [F_VERSION] = {"ntp_version", AF_UINT, "version number (4 for RFC 5905)", NULL, 0},
    [F_MODE] = {"ntp_mode", AF_UINT, "mode: 4 server, 5 broadcast, 6 control, 7 private", NULL, 0},
    [F_STRATUM] = {"ntp_stratum", AF_UINT,
                   "stratum: 0 kiss-o'-death, 1 primary, 2-15 secondary, 16 unsynchronized", NULL,
                   0},
    [F_POLL] = {"ntp_poll", AF_INT, "poll interval, log2 seconds", NULL, 0},
    [F_PRECISION] = {"ntp_precision", AF_INT, "clock precision, log2 seconds", NULL, 0},
    [F_ROOT_DELAY] = {"ntp_root_delay", AF_UINT, "round trip to the reference clock, microseconds",
                      NULL, 0},
    [F_ROOT_DISPERSION] = {"ntp_root_dispersion", AF_UINT,
                           "dispersion to the reference clock, microseconds", NULL, 0},
    [F_REFERENCE_ID] = {"ntp_reference_id", AF_STR,
                        "stratum 0/1: kiss code or clock (GPS, LOCL); else an IPv4 address", NULL,
                        0},
    [F_REFERENCE_TIME] = {"ntp_reference_time", AF_STR,
                          "when the clock was last set, UTC (empty: unknown)", NULL, 0},
    [F_ORIGIN_TIME] = {"ntp_origin_time", AF_STR,
                       "the request's transmit time as echoed, UTC (empty: none)", NULL, 0},
    [F_RECEIVE_TIME] = {"ntp_receive_time", AF_STR,
                        "when the server got the request, UTC (empty: unknown)", NULL, 0},
    [F_TRANSMIT_TIME] = {"ntp_transmit_time", AF_STR,
                         "when the server sent the answer, UTC (empty: unknown)", NULL, 0},
    [F_PARSE_ERROR] = {"ntp_parse_error", AF_STR,
                       "why the answer is not a whole header (empty: fine)", NULL, 0},
};
const int ntp_nfields = F_COUNT;
_Static_assert(F_COUNT == NTP_NFIELDS, "NTP_NFIELDS counts the table");

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool leap_year(unsigned y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* A 64-bit NTP timestamp as "YYYY-MM-DDThh:mm:ss.uuuuuuZ" (see ntp.h for
 * the era); false for all zero bits. */
static bool ntp_time_text(uint32_t sec, uint32_t frac, char *out, size_t size)
{
	if (sec == 0 && frac == 0)
		return false;
	/* seconds since 1900-01-01, whose date arithmetic needs no sign */
	uint64_t s = sec;
	if (!(sec & 0x80000000u))
		s += (uint64_t)1 << 32;
	uint64_t days = s / 86400;
	unsigned rem = (unsigned)(s % 86400);
	unsigned year = 1900;
	for (;;) {
		unsigned ylen = leap_year(year) ? 366 : 365;
		if (days < ylen)
			break;
		days -= ylen;
		year++;
	}
	static const unsigned char mlen[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned month = 0;
	for (;;) {
		unsigned len = mlen[month] + (month == 1 && leap_year(year));
		if (days < len)
			break;
		days -= len;
		month++;
	}
	unsigned usec = (unsigned)(((uint64_t)frac * 1000000u) >> 32);
	int k = snprintf(out, size, "%04u-%02u-%02uT%02u:%02u:%02u.%06uZ", year, month + 1,
	                 (unsigned)days + 1, rem / 3600, rem / 60 % 60, rem % 60, usec);
	return k > 0 && (size_t)k < size;
}

static void timestamp(struct fieldw *w, int field, const uint8_t *p)
{
	char text[48];
	if (ntp_time_text(rd32(p), rd32(p + 4), text, sizeof text))
		fw_cstr(w, field, text);
}

/* NTP short format (16.16 seconds) in microseconds */
static uint64_t short_usec(uint32_t v)
{
	return ((uint64_t)v * 1000000u) >> 16;
}

static void reference_id(struct fieldw *w, unsigned stratum, const uint8_t *p)
{
	if (stratum <= 1) {
		size_t n = 4;
		while (n > 0 && p[n - 1] == 0)
			n--;
		fw_str(w, F_REFERENCE_ID, p, n);
		return;
	}
	char text[16];
	snprintf(text, sizeof text, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
	fw_cstr(w, F_REFERENCE_ID, text);
}

void ntp_decode(const uint8_t *p, size_t n, struct fieldw *w)
{
	if (n == 0) {
		fw_bool(w, F_SUCCESS, false);
		fw_cstr(w, F_PARSE_ERROR, "empty answer");
		return;
	}
	unsigned version = p[0] >> 3 & 7, mode = p[0] & 7;
	fw_uint(w, F_LEAP, p[0] >> 6);
	fw_uint(w, F_VERSION, version);
	fw_uint(w, F_MODE, mode);
	if (mode == 6 || mode == 7) {
		fw_bool(w, F_SUCCESS, false);
		fw_cstr(w, F_PARSE_ERROR,
		        mode == 6 ? "mode 6 (control): no time header"
		                  : "mode 7 (private): no time header");
		return;
	}
	/* each field whose bytes all came, in header order */
	if (n >= 2)
		fw_uint(w, F_STRATUM, p[1]);
	if (n >= 3)
		fw_int(w, F_POLL, (int8_t)p[2]);
	if (n >= 4)
		fw_int(w, F_PRECISION, (int8_t)p[3]);
	if (n >= 8)
		fw_uint(w, F_ROOT_DELAY, short_usec(rd32(p + 4)));
	if (n >= 12)
		fw_uint(w, F_ROOT_DISPERSION, short_usec(rd32(p + 8)));
	if (n >= 16)
		reference_id(w, p[1], p + 12);
	if (n >= 24)
		timestamp(w, F_REFERENCE_TIME, p + 16);
	if (n >= 32)
		timestamp(w, F_ORIGIN_TIME, p + 24);
	if (n >= 40)
		timestamp(w, F_RECEIVE_TIME, p + 32);
	if (n >= NTP_HEADER)
		timestamp(w, F_TRANSMIT_TIME, p + 40);
	if (n < NTP_HEADER) {
		fw_bool(w, F_SUCCESS, false);
		fw_cstr(w, F_PARSE_ERROR, "truncated header");
		return;
	}
	fw_bool(w, F_SUCCESS, mode == 4 && version >= 1 && version <= 4);
}
