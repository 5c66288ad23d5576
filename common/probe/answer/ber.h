/* ber: a bounded reader of X.690 Basic Encoding Rules, for answers that
 * speak ASN.1 (SNMP). It walks one level of tag-length-value triples at a
 * time and steps into constructed ones, never reading outside the bytes
 * it was given and without allocation.
 *
 * Only definite lengths are read: the short form and the long form of 1
 * to 4 length bytes (0x81 .. 0x84); the indefinite form (0x80), longer
 * ones and 0xff are errors. A tag number may take up to 3 bytes after
 * the first (21 bits). Levels nest up to BER_DEPTH_MAX deep.
 *
 * A datagram cut short (a snap length, a lying length that runs past the
 * end) is read as far as it goes: a value that runs past the end of the
 * data is handed over with the bytes that came and `cut` set, so that a
 * decoder keeps what was whole before the cut; stepping into a cut value
 * reads its whole members and then ends. A value that runs past the end of
 * a whole container holding it is an error instead (the container's own
 * length says where it ends). After an error the reader hands nothing
 * more over. */
#ifndef ZSCAN_PROBE_ANSWER_BER_H
#define ZSCAN_PROBE_ANSWER_BER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BER_DEPTH_MAX 8
/* OIDs: at most 128 arcs (SNMP's limit), each up to 64 bits; the text of
 * the longest, dotted, with its NUL */
#define BER_OID_ARCS_MAX 128
#define BER_OID_TEXT_MAX (BER_OID_ARCS_MAX * 21 + 1)

enum ber_class { BER_UNIVERSAL, BER_APPLICATION, BER_CONTEXT, BER_PRIVATE };

/* Universal tags the SNMP decoder reads */
enum {
	BER_INTEGER = 2,
	BER_OCTET_STRING = 4,
	BER_NULL = 5,
	BER_OID = 6,
	BER_SEQUENCE = 16,
};

enum ber_error {
	BER_OK,
	BER_TRUNCATED,       /* the data ends inside a header */
	BER_PAST_CONTAINER,  /* a value runs past the whole container holding it */
	BER_INDEFINITE,      /* the indefinite length form (0x80) */
	BER_LENGTH_TOO_LONG, /* a length of more than 4 bytes, or 0xff */
	BER_TAG_TOO_BIG,     /* a tag number of more than 3 bytes after the first */
	BER_TOO_DEEP,        /* more than BER_DEPTH_MAX levels */
	BER_NOT_CONSTRUCTED, /* a step into a primitive value */
	/* of values (ber_int, ber_uint, ber_oid_text) */
	BER_BAD_INTEGER,      /* an INTEGER of no bytes, or of more than its type holds */
	BER_BAD_OID,          /* an OID of no bytes, or its last arc unfinished */
	BER_OID_ARC_TOO_BIG,  /* an arc of more than 64 bits */
	BER_OID_TOO_MANY_ARCS /* more than BER_OID_ARCS_MAX arcs */
};

/* One tag-length-value triple. Its contents are p[off .. off + len) of
 * the data the reader was given. */
struct ber_tlv {
	uint8_t id;  /* the first identifier byte: class, constructed, tag */
	uint8_t cls; /* enum ber_class */
	bool constructed;
	uint32_t tag; /* the tag number */
	size_t off, len;
	bool cut; /* the data ended first: len is what came */
};

struct ber {
	const uint8_t *p;
	size_t n;
	size_t pos; /* the next triple of the current level */
	int depth;
	size_t end[BER_DEPTH_MAX + 1]; /* where each level ends */
	bool cut[BER_DEPTH_MAX + 1];   /* and whether the data's end cut it */
	enum ber_error err;
};

/* Ready to read the triples of p[0..n) (level 0). */
void ber_init(struct ber *b, const uint8_t *p, size_t n);

/* The next triple of the current level into *t: false at the level's end
 * (err stays BER_OK) or at an error (err says which). */
bool ber_next(struct ber *b, struct ber_tlv *t);

/* Steps into t, the constructed triple ber_next just handed over: its
 * members are read next. false (and err) if t is primitive or the levels
 * are BER_DEPTH_MAX deep already. */
bool ber_enter(struct ber *b, const struct ber_tlv *t);

/* Steps out of the current level, past what was not read of it. */
void ber_leave(struct ber *b);

/* What an error means, in a few words: "truncated", ... */
const char *ber_strerror(enum ber_error e);

/* An INTEGER's contents, two's complement of 1 to 8 bytes. */
enum ber_error ber_int(const uint8_t *v, size_t len, int64_t *out);

/* An unsigned number (Counter32, Gauge32, TimeTicks, Counter64) of 1 to 8
 * bytes, or 9 whose first is 0. A value whose first bit is set is read
 * as unsigned: agents that leave out the leading 0 mean it so. */
enum ber_error ber_uint(const uint8_t *v, size_t len, uint64_t *out);

/* An OID's contents as dotted text ("1.3.6.1.2.1.1.1.0") into out, which
 * holds BER_OID_TEXT_MAX bytes; the text is "" on an error. The first
 * subidentifier X is two arcs, X/40 and X%40, up to X = 80: from there
 * the first arc is 2 and the second X - 80, however big. */
enum ber_error ber_oid_text(const uint8_t *v, size_t len, char *out);

#endif
