/* ber: tag-length-value triples read level by level, bounded. */
#include "probe/answer/ber.h"

#include <inttypes.h>
#include <stdio.h>

void ber_init(struct ber *b, const uint8_t *p, size_t n)
{
	b->p = p;
	b->n = n;
	b->pos = 0;
	b->depth = 0;
	b->end[0] = n;
	b->cut[0] = true; /* what runs past the data's end is cut, not wrong */
	b->err = BER_OK;
}

static bool fail(struct ber *b, enum ber_error e)
{
	b->err = e;
	return false;
}

bool ber_next(struct ber *b, struct ber_tlv *t)
{
	if (b->err != BER_OK || b->pos >= b->end[b->depth])
		return false;
	const uint8_t *p = b->p;
	size_t end = b->end[b->depth], i = b->pos;
	bool cut = b->cut[b->depth];
	/* a header that does not fit: the data ended, or the container did */
	enum ber_error short_header = cut ? BER_TRUNCATED : BER_PAST_CONTAINER;
	uint8_t id = p[i++];
	uint32_t tag = id & 0x1f;
	if (tag == 0x1f) {
		tag = 0;
		for (int k = 0;; k++) {
			if (i >= end)
				return fail(b, short_header);
			uint8_t c = p[i++];
			tag = tag << 7 | (c & 0x7f);
			if (!(c & 0x80))
				break;
			if (k == 2)
				return fail(b, BER_TAG_TOO_BIG);
		}
	}
	if (i >= end)
		return fail(b, short_header);
	uint8_t l0 = p[i++];
	size_t len = l0;
	if (l0 == 0x80)
		return fail(b, BER_INDEFINITE);
	if (l0 > 0x80) {
		size_t k = l0 & 0x7f;
		if (k > 4)
			return fail(b, BER_LENGTH_TOO_LONG);
		if (end - i < k)
			return fail(b, short_header);
		len = 0;
		while (k--)
			len = len << 8 | p[i++];
	}
	*t = (struct ber_tlv){
	    .id = id,
	    .cls = id >> 6,
	    .constructed = (id & 0x20) != 0,
	    .tag = tag,
	    .off = i,
	    .len = len,
	    .cut = false,
	};
	if (len > end - i) {
		if (!cut)
			return fail(b, BER_PAST_CONTAINER);
		t->len = end - i;
		t->cut = true;
	}
	b->pos = t->off + t->len;
	return true;
}

bool ber_enter(struct ber *b, const struct ber_tlv *t)
{
	if (b->err != BER_OK)
		return false;
	if (!t->constructed)
		return fail(b, BER_NOT_CONSTRUCTED);
	if (b->depth == BER_DEPTH_MAX)
		return fail(b, BER_TOO_DEEP);
	b->depth++;
	b->end[b->depth] = t->off + t->len;
	b->cut[b->depth] = t->cut;
	b->pos = t->off;
	return true;
}

void ber_leave(struct ber *b)
{
	if (b->depth == 0)
		return;
	b->pos = b->end[b->depth];
	b->depth--;
}

const char *ber_strerror(enum ber_error e)
{
	switch (e) {
	case BER_OK:
		return "";
	case BER_TRUNCATED:
		return "truncated";
	case BER_PAST_CONTAINER:
		return "length past its container";
	case BER_INDEFINITE:
		return "indefinite length";
	case BER_LENGTH_TOO_LONG:
		return "length of more than 4 bytes";
	case BER_TAG_TOO_BIG:
		return "tag number over 21 bits";
	case BER_TOO_DEEP:
		return "nested too deep";
	case BER_NOT_CONSTRUCTED:
		return "not constructed";
	case BER_BAD_INTEGER:
		return "integer of a bad length";
	case BER_BAD_OID:
		return "OID empty or unfinished";
	case BER_OID_ARC_TOO_BIG:
		return "OID arc over 64 bits";
	case BER_OID_TOO_MANY_ARCS:
		return "OID of too many arcs";
	}
	return "?";
}

enum ber_error ber_int(const uint8_t *v, size_t len, int64_t *out)
{
	if (len == 0 || len > 8)
		return BER_BAD_INTEGER;
	uint64_t u = v[0] & 0x80 ? ~(uint64_t)0 : 0;
	for (size_t i = 0; i < len; i++)
		u = u << 8 | v[i];
	/* a negative one: -(~u) - 1, with no conversion out of range */
	*out = u >> 63 ? -(int64_t)~u - 1 : (int64_t)u;
	return BER_OK;
}

enum ber_error ber_uint(const uint8_t *v, size_t len, uint64_t *out)
{
	if (len == 9 && v[0] == 0) {
		v++;
		len--;
	}
	if (len == 0 || len > 8)
		return BER_BAD_INTEGER;
	uint64_t u = 0;
	for (size_t i = 0; i < len; i++)
		u = u << 8 | v[i];
	*out = u;
	return BER_OK;
}

enum ber_error ber_oid_text(const uint8_t *v, size_t len, char *out)
{
	size_t pos = 0, i = 0;
	int arcs = 0;
	out[0] = '\0';
	if (len == 0)
		return BER_BAD_OID;
	while (i < len) {
		uint64_t x = 0;
		for (;;) {
			if (i >= len) {
				out[0] = '\0';
				return BER_BAD_OID;
			}
			uint8_t c = v[i++];
			if (x >> 57) { /* seven more bits would not fit */
				out[0] = '\0';
				return BER_OID_ARC_TOO_BIG;
			}
			x = x << 7 | (c & 0x7f);
			if (!(c & 0x80))
				break;
		}
		size_t room = BER_OID_TEXT_MAX - pos;
		int k;
		if (arcs == 0) {
			unsigned first = x < 40 ? 0 : x < 80 ? 1 : 2;
			k = snprintf(out, room, "%u.%" PRIu64, first, x - 40 * (uint64_t)first);
			arcs = 2;
		} else {
			if (arcs == BER_OID_ARCS_MAX) {
				out[0] = '\0';
				return BER_OID_TOO_MANY_ARCS;
			}
			k = snprintf(out + pos, room, ".%" PRIu64, x);
			arcs++;
		}
		pos += (size_t)k; /* 21 bytes an arc at most: room enough */
	}
	return BER_OK;
}
