/* path: interface, source addresses and next hops for zsend's frames. */
#include "path.h"

#include <string.h>

#include "core/ipaddr.h"

int path_check_interface(struct path *p, struct zerr *e)
{
	if (!p->ifname)
		return 0;
	struct zerr ie;
	if (iface_by_name(p->ifname, &p->ifc, &ie) < 0)
		return zerr_set(e, "-i: %s", ie.msg);
	return 0;
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
	if (first && pick_source(p, &rt, have_route, v6, cfg, have_ifc, e) < 0)
		return -1;
	memcpy(cfg->pp.src_mac, p->ifc.mac, 6);
	/* the next hop's MAC, into pp for this family's templates */
	if (first && !p->gwmac_given && !p->dryrun) {
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
	if (!p->dryrun && have_ifc)
		for (unsigned i = 0; i < cfg->threads; i++)
			if (rawsend_bind(&rs[i], p->ifc.ifindex, e) < 0)
				return -1;
	p->bound = have_ifc;
	return 0;
}
