/* rawsend: Ethernet frames out of an AF_PACKET socket in batches (one
 * sendmmsg per batch, qdisc bypassed), or, for --dryrun, as a hex dump that
 * text2pcap reads. Frames are written in place into the batch's buffers.
 * On an interface with no link-layer header (tun, WireGuard, ipip, GRE,
 * PPP: rawsend_bind_ip) the same frames go out as IP packets: their
 * Ethernet header is skipped and its EtherType names the protocol. */
#ifndef ZSCAN_NET_RAWSEND_H
#define ZSCAN_NET_RAWSEND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "net/packet.h"
#include "util/zerr.h"

#define RAWSEND_BATCH 64

struct rawsend {
	int fd;    /* -1 for a dry run */
	int fd_ip; /* the SOCK_DGRAM socket rawsend_bind_ip takes, or -1 */
	FILE *dry; /* where a dry run writes */
	int ifindex;
	bool ip_layer; /* frames go out (or print) without their Ethernet header */
	unsigned n;    /* frames queued */
	uint8_t frames[RAWSEND_BATCH][ETH_FRAME_MAX];
	uint16_t len[RAWSEND_BATCH];
	uint64_t sent, failed;
	int last_errno;
};

/* Opens the sockets (needs CAP_NET_RAW), bound to no interface yet: one
 * for Ethernet frames and one for IP packets, as which one the interface
 * takes may be known only once the privilege is gone. */
int rawsend_open(struct rawsend *rs, struct zerr *e);
/* Binds it to the interface its frames go out of (needs no privilege, so
 * it can wait until the path is known); the IP socket is closed. */
int rawsend_bind(struct rawsend *rs, int ifindex, struct zerr *e);
/* Instead of rawsend_bind, for an interface with no link-layer header:
 * each frame goes out of ifindex from its IP header on, with the protocol
 * its EtherType names (IPv4 or IPv6), on a SOCK_DGRAM socket, to which the
 * kernel adds no header on such a device; the Ethernet socket is closed.
 * In a dry run, frames print from the IP header on (ifindex unused). */
int rawsend_bind_ip(struct rawsend *rs, int ifindex, struct zerr *e);
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
