/* route: routes, interfaces and neighbours over rtnetlink. */
#include "net/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_arp.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"

#ifndef RTM_F_FIB_MATCH
#define RTM_F_FIB_MATCH 0x2000 /* Linux 4.13 */
#endif

/* A netlink socket that gives up on a silent kernel after a second, and
 * the number of its last request. */
struct rtnl {
	int fd;
	unsigned seq;
};

static int rtnl_open(struct rtnl *nl, struct zerr *e)
{
	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return zerr_set(e, "netlink socket: %s", strerror(errno));
	struct timeval tv = {1, 0};
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return 0;
}

static void add_attr(struct nlmsghdr *n, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Sends req and hands each answer to fn until the kernel's last one (the
 * end of a dump, or the one answer to a request). Returns 0, fn's
 * negative value, or -errno from the kernel or the socket. */
static int rtnl_talk(struct rtnl *nl, struct nlmsghdr *req,
                     int (*fn)(void *ctx, const struct nlmsghdr *n), void *ctx)
{
	int fd = nl->fd;
	req->nlmsg_seq = ++nl->seq;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -errno;
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	char buf[32768] __attribute__((aligned(8)));
	for (;;) {
		ssize_t got = recv(fd, buf, sizeof buf, 0);
		if (got < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		size_t len = (size_t)got;
		for (struct nlmsghdr *n = (struct nlmsghdr *)buf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (n->nlmsg_type == NLMSG_DONE)
				return 0;
			if (n->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(n);
				return err->error;
			}
			int rc = fn(ctx, n);
			if (rc < 0)
				return rc;
			if (!dump)
				return 0;
		}
	}
}

/* An address in network order, 4 or 16 bytes, as an ipaddr. */
static struct ipaddr addr_of(const void *p, size_t len)
{
	const uint8_t *b = p;
	if (len == 4)
		return ipaddr_from_v4((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		                      (uint32_t)b[2] << 8 | b[3]);
	return len == 16 ? ipaddr_from_bytes(b) : (struct ipaddr){0, 0};
}

/* Its bytes in network order (4 or 16); returns the length. */
static size_t bytes_of(struct ipaddr a, uint8_t out[16])
{
	if (ipaddr_is_v4(a)) {
		uint32_t v = ipaddr_v4(a);
		for (int k = 0; k < 4; k++)
			out[k] = (uint8_t)(v >> (24 - 8 * k));
		return 4;
	}
	for (int k = 0; k < 8; k++) {
		out[k] = (uint8_t)(a.hi >> (56 - 8 * k));
		out[8 + k] = (uint8_t)(a.lo >> (56 - 8 * k));
	}
	return 16;
}

struct route_answer {
	struct route *r;
	unsigned char type;
};

static int take_route(void *ctx, const struct nlmsghdr *n)
{
	struct route_answer *ans = ctx;
	if (n->nlmsg_type != RTM_NEWROUTE)
		return 0;
	const struct rtmsg *rtm = NLMSG_DATA(n);
	ans->type = rtm->rtm_type;
	ans->r->len = rtm->rtm_dst_len;
	int alen = (int)RTM_PAYLOAD(n);
	for (const struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		uint32_t v = 0;
		if (RTA_PAYLOAD(a) == 4)
			memcpy(&v, RTA_DATA(a), 4);
		switch (a->rta_type) {
		case RTA_OIF:
			ans->r->ifindex = (int)v;
			break;
		case RTA_GATEWAY:
			ans->r->gateway = addr_of(RTA_DATA(a), RTA_PAYLOAD(a));
			break;
		case RTA_PREFSRC:
			ans->r->prefsrc = addr_of(RTA_DATA(a), RTA_PAYLOAD(a));
			break;
		case RTA_DST:
			ans->r->prefix = addr_of(RTA_DATA(a), RTA_PAYLOAD(a));
			break;
		}
	}
	return 0;
}

/* One RTM_GETROUTE: the route a packet to dst would take (flags 0), or
 * the table entry that matched (RTM_F_FIB_MATCH). */
static int ask_route(struct rtnl *nl, struct ipaddr dst, int oif, unsigned flags, struct route *r,
                     unsigned char *type)
{
	struct {
		struct nlmsghdr n;
		struct rtmsg rtm;
		char attrs[64];
	} req = {0};
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof req.rtm);
	req.n.nlmsg_type = RTM_GETROUTE;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	uint8_t be[16];
	size_t alen = bytes_of(dst, be);
	req.rtm.rtm_family = alen == 4 ? AF_INET : AF_INET6;
	req.rtm.rtm_dst_len = (unsigned char)(8 * alen);
	req.rtm.rtm_flags = flags;
	add_attr(&req.n, RTA_DST, be, alen);
	if (oif > 0)
		add_attr(&req.n, RTA_OIF, &oif, 4);
	*r = (struct route){0};
	struct route_answer ans = {r, RTN_UNSPEC};
	int rc = rtnl_talk(nl, &req.n, take_route, &ans);
	*type = ans.type;
	return rc;
}

int route_get(struct ipaddr dst, int oif, struct route *r, struct zerr *e)
{
	char d[IPADDR_STRLEN], via[IF_NAMESIZE + 16] = "";
	ipaddr_str(dst, d);
	if (oif > 0) {
		char name[IF_NAMESIZE];
		snprintf(via, sizeof via, " out of %s",
		         if_indextoname((unsigned)oif, name) ? name : "?");
	}
	struct rtnl nl;
	if (rtnl_open(&nl, e) < 0)
		return -1;
	unsigned char type;
	int rc = ask_route(&nl, dst, oif, 0, r, &type);
	struct route match;
	unsigned char mtype;
	/* the entry that matched: with oif, the kernel takes a destination
	 * that no route leads to out of oif to be on that link; the table
	 * says whether a route does */
	int mrc = rc == 0 ? ask_route(&nl, dst, oif, RTM_F_FIB_MATCH, &match, &mtype) : 0;
	close(nl.fd);
	if (rc < 0)
		return zerr_set(e, "no route to %s%s: %s", d, via, strerror(-rc));
	if (type == RTN_LOCAL)
		return zerr_set(e, "%s is an address of this host, not a target", d);
	if (type != RTN_UNICAST)
		return zerr_set(e, "no route to %s%s: the kernel's route is of type %u", d, via,
		                (unsigned)type);
	if (mrc == -ENETUNREACH || mrc == -EHOSTUNREACH)
		return zerr_set(e, "no route to %s%s", d, via);
	r->prefix = mrc == 0 ? match.prefix : dst;
	r->len = mrc == 0 ? match.len : -1; /* an older kernel: not known */
	/* the kernel answers IPv4's on-link routes with no gateway attribute
	 * and with none at all; an IPv4 gateway of 0.0.0.0 is none too */
	if (ipaddr_is_v4(r->gateway) && ipaddr_v4(r->gateway) == 0)
		r->gateway = (struct ipaddr){0, 0};
	if (!if_indextoname((unsigned)r->ifindex, r->ifname))
		return zerr_set(e, "route to %s: interface %d: %s", d, r->ifindex, strerror(errno));
	return 0;
}

static int iface_fill(struct iface *ifc, struct ifreq *ifr, struct zerr *e)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return zerr_set(e, "socket: %s", strerror(errno));
	if (ioctl(fd, SIOCGIFINDEX, ifr) < 0) {
		int saved = errno;
		close(fd);
		return zerr_set(e, "interface '%s': %s", ifr->ifr_name, strerror(saved));
	}
	ifc->ifindex = ifr->ifr_ifindex;
	snprintf(ifc->name, sizeof ifc->name, "%s", ifr->ifr_name);
	ifc->hwtype = -1;
	if (ioctl(fd, SIOCGIFHWADDR, ifr) == 0) {
		ifc->hwtype = ifr->ifr_hwaddr.sa_family;
		memcpy(ifc->mac, ifr->ifr_hwaddr.sa_data, 6);
	}
	if (ioctl(fd, SIOCGIFADDR, ifr) == 0)
		ifc->addr = ntohl(((struct sockaddr_in *)&ifr->ifr_addr)->sin_addr.s_addr);
	close(fd);
	/* the first global IPv6 address: not link-local (fe80::/10) */
	struct ifaddrs *ifa0;
	if (getifaddrs(&ifa0) == 0) {
		for (struct ifaddrs *ifa = ifa0; ifa; ifa = ifa->ifa_next) {
			if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != AF_INET6 ||
			    strcmp(ifa->ifa_name, ifc->name) != 0)
				continue;
			struct ipaddr a =
			    addr_of(&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr, 16);
			if ((a.hi >> 54) != 0x3fa) { /* fe80::/10 */
				ifc->addr6 = a;
				break;
			}
		}
		freeifaddrs(ifa0);
	}
	return 0;
}

int iface_by_name(const char *name, struct iface *ifc, struct zerr *e)
{
	struct ifreq ifr = {0};
	*ifc = (struct iface){0};
	if (strlen(name) >= sizeof ifr.ifr_name)
		return zerr_set(e, "interface '%s': name too long", name);
	strcpy(ifr.ifr_name, name);
	return iface_fill(ifc, &ifr, e);
}

int iface_by_index(int ifindex, struct iface *ifc, struct zerr *e)
{
	struct ifreq ifr = {0};
	*ifc = (struct iface){0};
	if (!if_indextoname((unsigned)ifindex, ifr.ifr_name))
		return zerr_set(e, "interface %d: %s", ifindex, strerror(errno));
	return iface_fill(ifc, &ifr, e);
}

bool iface_ip_layer(int hwtype)
{
	switch (hwtype) {
	case ARPHRD_NONE:    /* tun, WireGuard, xfrm */
	case ARPHRD_TUNNEL:  /* ipip, vti */
	case ARPHRD_TUNNEL6: /* ip6tnl, vti6 */
	case ARPHRD_SIT:
	case ARPHRD_IPGRE:
	case ARPHRD_IP6GRE:
	case ARPHRD_PPP:
	case ARPHRD_RAWIP:
		return true;
	}
	return false;
}

const char *iface_link_name(int hwtype, char buf[32])
{
	switch (hwtype) {
	case ARPHRD_ETHER:
		return "Ethernet";
	case ARPHRD_LOOPBACK:
		return "loopback";
	case ARPHRD_NONE:
		return "tun or WireGuard";
	case ARPHRD_TUNNEL:
		return "ipip tunnel";
	case ARPHRD_TUNNEL6:
		return "IPv6 tunnel";
	case ARPHRD_SIT:
		return "sit tunnel";
	case ARPHRD_IPGRE:
		return "GRE tunnel";
	case ARPHRD_IP6GRE:
		return "ip6gre tunnel";
	case ARPHRD_PPP:
		return "PPP";
	case ARPHRD_RAWIP:
		return "raw IP";
	}
	snprintf(buf, 32, "link type %d", hwtype);
	return buf;
}

int mac_parse(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;
	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
	                              &v[4], &v[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

struct neigh_query {
	int ifindex;
	int family;
	uint8_t addr[16]; /* network order */
	size_t alen;
	uint8_t *mac;
	bool found, failed;
};

static int take_neigh(void *ctx, const struct nlmsghdr *n)
{
	struct neigh_query *q = ctx;
	if (n->nlmsg_type != RTM_NEWNEIGH)
		return 0;
	const struct ndmsg *nd = NLMSG_DATA(n);
	if (nd->ndm_family != q->family || nd->ndm_ifindex != q->ifindex)
		return 0;
	const uint8_t *ll = NULL;
	bool match = false;
	int alen = (int)(n->nlmsg_len - NLMSG_LENGTH(sizeof *nd));
	for (const struct rtattr *a =
	         (const struct rtattr *)((const char *)nd + NLMSG_ALIGN(sizeof *nd));
	     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == q->alen)
			match = memcmp(RTA_DATA(a), q->addr, q->alen) == 0;
		else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
			ll = RTA_DATA(a);
	}
	if (!match)
		return 0;
	if (ll && (nd->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE |
	                            NUD_PERMANENT | NUD_NOARP))) {
		memcpy(q->mac, ll, 6);
		q->found = true;
	} else if (nd->ndm_state & NUD_FAILED) {
		q->failed = true;
	}
	return 0;
}

/* One read of the neighbour table. */
static int neigh_lookup(struct rtnl *nl, struct neigh_query *q)
{
	struct {
		struct nlmsghdr n;
		struct ndmsg nd;
	} req = {0};
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof req.nd);
	req.n.nlmsg_type = RTM_GETNEIGH;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nd.ndm_family = (unsigned char)q->family;
	q->found = q->failed = false;
	return rtnl_talk(nl, &req.n, take_neigh, q);
}

int neigh_resolve(int ifindex, struct ipaddr addr, uint8_t mac[6], int wait_ms, struct zerr *e)
{
	char a[IPADDR_STRLEN], name[IF_NAMESIZE] = "?";
	ipaddr_str(addr, a);
	if_indextoname((unsigned)ifindex, name);
	struct rtnl nl;
	if (rtnl_open(&nl, e) < 0)
		return -1;
	struct neigh_query q = {.ifindex = ifindex, .mac = mac};
	q.alen = bytes_of(addr, q.addr);
	q.family = q.alen == 4 ? AF_INET : AF_INET6;
	int rc = neigh_lookup(&nl, &q);
	if (rc == 0 && !q.found) {
		/* a datagram to the discard port makes the kernel solicit it
		 * (out of ifindex: an IPv6 gateway is often link-local) */
		int u = socket(q.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (u >= 0) {
			struct sockaddr_storage ss = {0};
			socklen_t sl;
			if (q.family == AF_INET) {
				struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
				sin->sin_family = AF_INET;
				sin->sin_port = htons(9);
				memcpy(&sin->sin_addr, q.addr, 4);
				sl = sizeof *sin;
			} else {
				struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
				sin6->sin6_family = AF_INET6;
				sin6->sin6_port = htons(9);
				memcpy(&sin6->sin6_addr, q.addr, 16);
				sin6->sin6_scope_id = (uint32_t)ifindex;
				sl = sizeof *sin6;
			}
			(void)sendto(u, "", 0, 0, (struct sockaddr *)&ss, sl);
			close(u);
		}
		for (int waited = 0; rc == 0 && !q.found && waited < wait_ms; waited += 10) {
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
			rc = neigh_lookup(&nl, &q);
		}
	}
	close(nl.fd);
	if (rc < 0)
		return zerr_set(e, "neighbour table: %s", strerror(-rc));
	if (!q.found)
		return zerr_set(
		    e, "next hop %s on %s %s within %d ms: give its MAC with -G", a, name,
		    q.failed ? (q.family == AF_INET ? "did not answer ARP"
		                                    : "did not answer neighbour discovery")
		             : "is not resolved",
		    wait_ms);
	return 0;
}
