/* netif: interface, route and neighbour lookups through /proc and ioctls. */
#include "net/netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/addr.h"

int netif_default_route(char name[16], uint32_t *gateway, struct zerr *e)
{
	FILE *f = fopen("/proc/net/route", "r");
	if (!f)
		return zerr_set(e, "/proc/net/route: %s", strerror(errno));
	char line[256], ifn[16];
	unsigned dest, gw, flags, mask;
	int found = 0;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%15s %x %x %x %*s %*s %*s %x", ifn, &dest, &gw, &flags, &mask) ==
		        5 &&
		    dest == 0 && mask == 0 && (flags & 1)) {
			memcpy(name, ifn, sizeof ifn);
			*gateway = ntohl(gw);
			found = 1;
			break;
		}
	}
	fclose(f);
	return found ? 0 : zerr_set(e, "no default route: name the interface with -i");
}

int netif_get(const char *name, struct netif *nif, struct zerr *e)
{
	struct ifreq ifr = {0};
	if (strlen(name) >= sizeof ifr.ifr_name)
		return zerr_set(e, "-i: '%s': interface name too long", name);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return zerr_set(e, "socket: %s", strerror(errno));
	memset(nif, 0, sizeof *nif);
	snprintf(nif->name, sizeof nif->name, "%s", name);
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		close(fd);
		return zerr_set(e, "-i: interface '%s': %s", name, strerror(errno));
	}
	nif->ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		memcpy(nif->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFADDR, &ifr) == 0)
		nif->addr = ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
	close(fd);
	return 0;
}

int netif_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
	           &tail) != 6 ||
	    strlen(s) != 17)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

/* Looks the address up in /proc/net/arp; complete entries only (flags 0x2). */
static int arp_lookup(const char *ifname, uint32_t ip, uint8_t mac[6])
{
	FILE *f = fopen("/proc/net/arp", "r");
	if (!f)
		return -1;
	char line[256], ipstr[64], macstr[64], dev[64], want[ADDR_STRLEN];
	unsigned flags;
	int found = -1;
	addr_str(ip, want);
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%63s %*s %x %63s %*s %63s", ipstr, &flags, macstr, dev) == 4 &&
		    strcmp(ipstr, want) == 0 && strcmp(dev, ifname) == 0 && (flags & 2) &&
		    netif_parse_mac(macstr, mac) == 0) {
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

int netif_gateway_mac(const char *ifname, uint32_t gateway, uint8_t mac[6], int wait_ms,
                      struct zerr *e)
{
	char gw[ADDR_STRLEN];
	addr_str(gateway, gw);
	if (arp_lookup(ifname, gateway, mac) == 0)
		return 0;
	/* a datagram to the discard port makes the kernel ARP for the gateway */
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(9)};
		sin.sin_addr.s_addr = htonl(gateway);
		setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
		sendto(fd, "", 0, 0, (struct sockaddr *)&sin, sizeof sin);
		close(fd);
	}
	for (int waited = 0; waited < wait_ms; waited += 10) {
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		if (arp_lookup(ifname, gateway, mac) == 0)
			return 0;
	}
	return zerr_set(e, "cannot resolve the MAC of gateway %s on %s: give it with -G", gw,
	                ifname);
}
