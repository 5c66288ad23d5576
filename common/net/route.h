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

#include "core/addr/ipaddr.h"
#include "util/zerr.h"

/* Addresses of either family; all zero ({0, 0}, which is no IPv4
 * address's form) means none. */
struct route {
	int ifindex;
	char ifname[IF_NAMESIZE];
	struct ipaddr gateway; /* none: the destination is on the link */
	struct ipaddr prefsrc; /* the source address the kernel would pick */
	struct ipaddr prefix;  /* the route that matched: prefix/len */
	int len;
};

static inline bool route_none(struct ipaddr a)
{
	return !a.hi && !a.lo;
}

/* The route toward dst (of either family), out of interface oif if oif >
 * 0. Errors name the destination and interface and say why there is no
 * route (unreachable, prohibited, a local address, none out of oif). */
int route_get(struct ipaddr dst, int oif, struct route *r, struct zerr *e);

/* The interface with this index: its name, link type, MAC, first IPv4
 * address (0 if none) and first global IPv6 address (none if none). */
struct iface {
	int ifindex;
	char name[IF_NAMESIZE];
	int hwtype; /* ARPHRD_ETHER, ARPHRD_NONE, ...; -1 if not known */
	uint8_t mac[6];
	uint32_t addr;
	struct ipaddr addr6;
};
int iface_by_name(const char *name, struct iface *ifc, struct zerr *e);
int iface_by_index(int ifindex, struct iface *ifc, struct zerr *e);

/* Whether an interface of this link type has no link-layer header, its
 * packets being IP packets alone: tun and WireGuard (ARPHRD_NONE), ipip,
 * sit, GRE, ip6gre and IPv6 tunnels, PPP, raw IP modems. */
bool iface_ip_layer(int hwtype);

/* The link type's name for messages ("Ethernet", "GRE tunnel", ...; for
 * another, "link type N", written into buf). */
const char *iface_link_name(int hwtype, char buf[32]);

/* The link-layer address of neighbour addr (either family) on interface
 * ifindex: the kernel's neighbour table; when it has no usable entry, a
 * datagram to addr makes the kernel solicit it (ARP, or IPv6 neighbour
 * discovery), and the table is read again every 10 ms for up to wait_ms.
 * Errors name the neighbour and interface, and say whether it did not
 * answer. */
int neigh_resolve(int ifindex, struct ipaddr addr, uint8_t mac[6], int wait_ms, struct zerr *e);

/* Parses "aa:bb:cc:dd:ee:ff". */
int mac_parse(const char *s, uint8_t mac[6]);

#endif
