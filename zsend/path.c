/* path: interface, source address and next hop for zsend's frames. */
#include "path.h"

#include <string.h>

#include "core/addr.h"

int path_check_interface(struct path *p, struct zerr *e)
{
	if (!p->ifname)
		return 0;
	struct zerr ie;
	if (iface_by_name(p->ifname, &p->ifc, &ie) < 0)
		return zerr_set(e, "-i: %s", ie.msg);
	return 0;
}

int path_begin(struct path *p, const uint32_t *first, struct sendscan_config *cfg,
               struct rawsend *rs, struct zerr *e)
{
	struct zerr re = {""};
	if (first) {
		p->have_route =
		    route_get(*first, p->ifname ? p->ifc.ifindex : 0, &p->route, &re) == 0;
		if (!p->ifname && p->have_route && iface_by_index(p->route.ifindex, &p->ifc, e) < 0)
			return -1;
	}
	bool have_ifc = p->ifname || p->have_route;
	if (!have_ifc && first && !p->dryrun)
		return zerr_set(e, "%s", re.msg);
	if (cfg->nsources == 0 && first) {
		uint32_t src = p->have_route && p->route.prefsrc ? p->route.prefsrc : p->ifc.addr;
		if (!src)
			return zerr_set(e, "no source address: %s has none, give -S",
			                have_ifc ? p->ifc.name : "no interface");
		cfg->sources[cfg->nsources++] = src;
	}
	memcpy(cfg->pp.src_mac, p->ifc.mac, 6);
	if (first && !p->gwmac_given && !p->dryrun) {
		char d[ADDR_STRLEN];
		addr_str(*first, d);
		if (!p->have_route)
			return zerr_set(e, "%s; or give the next hop's MAC with -G", re.msg);
		if (!p->route.gateway)
			return zerr_set(
			    e,
			    "the route to %s on %s has no gateway (the targets are on "
			    "the link): zsend sends every probe to one next hop; give its "
			    "MAC with -G",
			    d, p->ifc.name);
		if (neigh_resolve(p->route.ifindex, p->route.gateway, cfg->pp.dst_mac,
		                  p->neigh_wait_ms, e) < 0)
			return -1;
	}
	cfg->ifname = have_ifc ? p->ifc.name : "";
	if (!p->dryrun && have_ifc)
		for (unsigned i = 0; i < cfg->threads; i++)
			if (rawsend_bind(&rs[i], p->ifc.ifindex, e) < 0)
				return -1;
	return 0;
}
