/* rawsend: Ethernet frames out of an AF_PACKET socket in batches (one
 * sendmmsg per batch, qdisc bypassed), or, for --dryrun, as a hex dump that
 * text2pcap reads. Frames are written in place into the batch's buffers. */
#ifndef ZSCAN_NET_RAWSEND_H
#define ZSCAN_NET_RAWSEND_H

#include <stdint.h>
#include <stdio.h>

#include "net/packet.h"
#include "util/zerr.h"

#define RAWSEND_BATCH 64

struct rawsend {
	int fd;    /* -1 for a dry run */
	FILE *dry; /* where a dry run writes */
	int ifindex;
	unsigned n; /* frames queued */
	uint8_t frames[RAWSEND_BATCH][ETH_FRAME_MAX];
	uint16_t len[RAWSEND_BATCH];
	uint64_t sent, failed;
	int last_errno;
};

/* Opens the socket (needs CAP_NET_RAW), bound to no interface yet. */
int rawsend_open(struct rawsend *rs, struct zerr *e);
/* Binds it to the interface its frames go out of (needs no privilege, so
 * it can wait until the path is known). */
int rawsend_bind(struct rawsend *rs, int ifindex, struct zerr *e);
/* A dry run: frames go to f as text. */
void rawsend_open_dry(struct rawsend *rs, FILE *f);
void rawsend_close(struct rawsend *rs);

/* The buffer for the next frame; rawsend_add queues it once written. */
static inline uint8_t *rawsend_next(struct rawsend *rs)
{
	return rs->frames[rs->n];
}

/* Queues the frame just written at rawsend_next, len bytes; returns how
 * many are queued. The caller flushes (once the rate allows) before the
 * batch is full. */
static inline unsigned rawsend_add(struct rawsend *rs, uint16_t len)
{
	rs->len[rs->n] = len;
	return ++rs->n;
}

/* Sends what is queued. Failed frames are counted, not retried. */
int rawsend_flush(struct rawsend *rs);
#endif
