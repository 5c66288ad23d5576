/* path: where zsend's probes go out, found just before the first probe,
 * from the route the kernel would give the first allowed target
 * (net/route.h), so that the frames take the interface, source address and
 * next hop the host's own packets to it would take:
 *   interface   -i, or the route's;
 *   source      -S, or the route's preferred source, or the interface's;
 *   next hop    -G, or the route's gateway's MAC from the neighbour table,
 *               solicited (ARP) and waited for when it has no entry.
 * Every probe goes to that one next hop, as in ZMap and Masscan: a route
 * with no gateway (targets on the link) needs -G. It is found after the
 * privilege drop: none of it needs privilege. Each family has its path,
 * found at its first target (IPv6's next hop by neighbour discovery), on
 * the one interface the first found: the senders' sockets are bound to
 * it.
 * An interface with no link-layer header (tun, WireGuard, IP tunnels, PPP:
 * iface_ip_layer) takes IP packets, sent by the IP layer of rawsend, and
 * has no next hop to find; -X asks for that and refuses an interface that
 * has a header. A dry run prints IP packets with -X only. */
#ifndef ZSCAN_ZSEND_PATH_H
#define ZSCAN_ZSEND_PATH_H

#include <stdbool.h>

#include "net/rawsend.h"
#include "net/route.h"
#include "sendscan.h"

struct path {
	const char *ifname; /* -i, or NULL */
	bool gwmac_given;   /* -G: cfg->pp.dst_mac is set */
	bool dryrun;        /* frames are printed: no next hop needed */
	bool ip_given;      /* -X: IP packets, on an interface without a header */
	bool quiet;         /* -q: no note that the IP layer was chosen */
	int neigh_wait_ms;
	bool ip_layer;    /* the interface takes IP packets (once bound) */
	struct iface ifc; /* the interface, once known */
	bool bound;       /* the senders' sockets are bound to it */
	struct route route, route6;
	bool have_route, have_route6;
};

/* At set-up: the interface -i names exists, and takes IP packets if -X
 * asks for them (a usage error otherwise). */
int path_check_interface(struct path *p, struct zerr *e);

/* The sendscan_begin_fn: finds the path toward *first, fills cfg with it
 * and, the first time, binds the senders' sockets to its interface. */
int path_begin(struct path *p, const struct ipaddr *first, struct sendscan_config *cfg,
               struct rawsend *rs, struct zerr *e);

#endif
