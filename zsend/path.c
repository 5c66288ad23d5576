/* path: interface, source addresses and next hops for zsend's frames. */
#include "path.h"

#include <err.h>
#include <string.h>

#include "core/addr/ipaddr.h"

/* -X refuses an interface that has a link-layer header: its frames need
 * the header zsend builds. */
static int check_ip_layer(const struct path *p, struct zerr *e)
{
	char buf[32];
	if (p->ip_given && !iface_ip_layer(p->ifc.hwtype))
		return zerr_set(e,
		                "-X: %s (%s) has a link-layer header: -X is for interfaces "
		                "without one (tun, WireGuard, IP tunnels, PPP)",
		                p->ifc.name, iface_link_name(p->ifc.hwtype, buf));
	return 0;
}

int path_check_interface(struct path *p, struct zerr *e)
{
	if (p->ip_given && p->gwmac_given)
		return zerr_set(e, "-X and -G exclude each other: IP packets have no next-hop MAC");
	if (!p->ifname)
		return 0;
	struct zerr ie;
	if (iface_by_name(p->ifname, &p->ifc, &ie) < 0)
		return zerr_set(e, "-i: %s", ie.msg);
	return check_ip_layer(p, e);
}

/* The source addresses of first's family, unless -S gave some: the
 * route's preferred source, or the interface's address. */
static int pick_source(struct path *p, const struct route *rt, bool have_route, bool v6,
                       struct sendscan_config *cfg, bool have_ifc, struct zerr *e)
{
	if (v6) {
		if (cfg->nsources6)
			return 0;
		struct ipaddr src =
		    have_route && !route_none(rt->prefsrc) ? rt->prefsrc : p->ifc.addr6;
		if (route_none(src))
			return zerr_set(e, "no IPv6 source address: %s has none, give -S",
			                have_ifc ? p->ifc.name : "no interface");
		cfg->sources6[cfg->nsources6++] = src;
		return 0;
	}
	if (cfg->nsources)
		return 0;
	uint32_t src =
	    have_route && !route_none(rt->prefsrc) ? ipaddr_v4(rt->prefsrc) : p->ifc.addr;
	if (!src)
		return zerr_set(e, "no source address: %s has none, give -S",
		                have_ifc ? p->ifc.name : "no interface");
	cfg->sources[cfg->nsources++] = src;
	return 0;
}

int path_begin(struct path *p, const struct ipaddr *first, struct sendscan_config *cfg,
               struct rawsend *rs, struct zerr *e)
{
	struct zerr re = {""};
	bool v6 = first && !ipaddr_is_v4(*first);
	bool bound = p->bound; /* an earlier family's path chose the interface */
	struct route rt = {0};
	bool have_route = false;
	if (first) {
		int oif = p->ifname || bound ? p->ifc.ifindex : 0;
		have_route = route_get(*first, oif, &rt, &re) == 0;
		if (!p->ifname && !bound && have_route &&
		    iface_by_index(rt.ifindex, &p->ifc, e) < 0)
			return -1;
	}
	bool have_ifc = p->ifname || bound || have_route;
	if (!have_ifc && first && !p->dryrun)
		return zerr_set(e, "%s", re.msg);
	if (!bound) {
		/* -i was checked at set-up; a dry run prints what -X asks
		 * for, whatever the route's interface */
		if (have_ifc && !p->dryrun && check_ip_layer(p, e) < 0)
			return -1;
		/* a dry run prints Ethernet frames unless -X asks otherwise */
		p->ip_layer =
		    p->ip_given || (have_ifc && !p->dryrun && iface_ip_layer(p->ifc.hwtype));
	}
	if (first && pick_source(p, &rt, have_route, v6, cfg, have_ifc, e) < 0)
		return -1;
	memcpy(cfg->pp.src_mac, p->ifc.mac, 6);
	/* the next hop's MAC, into pp for this family's templates (IP
	 * packets have none) */
	if (first && !p->gwmac_given && !p->dryrun && !p->ip_layer) {
		char d[IPADDR_STRLEN];
		ipaddr_str(*first, d);
		if (!have_route)
			return zerr_set(e, "%s; or give the next hop's MAC with -G", re.msg);
		if (route_none(rt.gateway))
			return zerr_set(
			    e,
			    "the route to %s on %s has no gateway (the targets are on "
			    "the link): zsend sends every probe to one next hop; give its "
			    "MAC with -G",
			    d, p->ifc.name);
		if (neigh_resolve(rt.ifindex, rt.gateway, cfg->pp.dst_mac, p->neigh_wait_ms, e) < 0)
			return -1;
	}
	if (v6)
		p->route6 = rt, p->have_route6 = have_route;
	else
		p->route = rt, p->have_route = have_route;
	if (bound)
		return 0;
	cfg->ifname = have_ifc ? p->ifc.name : "";
	if (p->ip_layer && !p->ip_given && !p->quiet) {
		char buf[32];
		warnx("%s (%s) has no link-layer header: sending IP packets, as -X does",
		      p->ifc.name, iface_link_name(p->ifc.hwtype, buf));
	}
	if (p->dryrun ? p->ip_layer : have_ifc)
		for (unsigned i = 0; i < cfg->threads; i++)
			if ((p->ip_layer ? rawsend_bind_ip(&rs[i], p->ifc.ifindex, e)
			                 : rawsend_bind(&rs[i], p->ifc.ifindex, e)) < 0)
				return -1;
	p->bound = have_ifc;
	return 0;
}
