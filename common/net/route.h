/* route: the path the kernel would give a packet, asked of the kernel
 * itself over rtnetlink (what `ip route get` and `ip neigh` show), so that
 * zsend's frames take the route, source address and next hop the host's
 * own packets to those targets would take: policy rules, several tables
 * and interfaces included. None of it needs privilege. */
#ifndef ZSCAN_NET_ROUTE_H
#define ZSCAN_NET_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/zerr.h"

struct route {
	int ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t gateway; /* host order; 0: the destination is on the link */
	uint32_t prefsrc; /* the source address the kernel would pick; 0: none */
	uint32_t prefix;  /* the route that matched: prefix/len */
	int len;
};

/* The route toward dst (host order), out of interface oif if oif > 0.
 * Errors name the destination and interface and say why there is no
 * route (unreachable, prohibited, a local address, none out of oif). */
int route_get(uint32_t dst, int oif, struct route *r, struct zerr *e);

/* The interface with this index: its name, MAC and first IPv4 address (0
 * if none). */
struct iface {
	int ifindex;
	char name[IF_NAMESIZE];
	uint8_t mac[6];
	uint32_t addr;
};
int iface_by_name(const char *name, struct iface *ifc, struct zerr *e);
int iface_by_index(int ifindex, struct iface *ifc, struct zerr *e);

/* The link-layer address of neighbour addr on interface ifindex: the
 * kernel's neighbour table; when it has no usable entry, a datagram to
 * addr makes the kernel solicit it (ARP), and the table is read again
 * every 10 ms for up to wait_ms. Errors name the neighbour and interface,
 * and say whether it did not answer. */
int neigh_resolve(int ifindex, uint32_t addr, uint8_t mac[6], int wait_ms, struct zerr *e);

/* Parses "aa:bb:cc:dd:ee:ff". */
int mac_parse(const char *s, uint8_t mac[6]);

#endif
