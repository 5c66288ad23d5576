/* netif: what zsend needs to know about the sending interface: its index,
 * MAC and IPv4 address, the default route's interface and gateway, and the
 * gateway's MAC from the kernel's neighbour table (resolved when missing). */
#ifndef ZSCAN_NET_NETIF_H
#define ZSCAN_NET_NETIF_H

#include <stdint.h>

#include "util/zerr.h"

struct netif {
	char name[16];
	int ifindex;
	uint8_t mac[6];
	uint32_t addr; /* 0 if the interface has none */
};

/* The interface and gateway of the default route (/proc/net/route). */
int netif_default_route(char name[16], uint32_t *gateway, struct zerr *e);

/* Index, MAC and address of an interface. */
int netif_get(const char *name, struct netif *nif, struct zerr *e);

/* The gateway's MAC: the neighbour table, and if it has no complete entry,
 * a datagram to the gateway to make the kernel resolve it, then up to
 * `wait_ms` of polling. */
int netif_gateway_mac(const char *ifname, uint32_t gateway, uint8_t mac[6], int wait_ms,
                      struct zerr *e);

/* Parses "aa:bb:cc:dd:ee:ff". */
int netif_parse_mac(const char *s, uint8_t mac[6]);

#endif
