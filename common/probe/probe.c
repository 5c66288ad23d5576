/* probe: the module registry, and setting a module up for a scan. */
#include "probe/probe.h"

#include <string.h>

const struct probe_module *const probe_modules[] = {
    &probe_tcp_syn, &probe_tcp_ack, &probe_tcp_synack, &probe_icmp_echo, &probe_icmp_echo_time,
    &probe_udp,     &probe_dns,     &probe_ntp,        &probe_upnp,      &probe_memcached,
    &probe_snmp,    &probe_netbios, &probe_bacnet,     &probe_ipip,      NULL,
};

const struct probe_module *probe_find(const char *name)
{
	for (int i = 0; probe_modules[i]; i++)
		if (strcmp(probe_modules[i]->name, name) == 0)
			return probe_modules[i];
	return NULL;
}

int probe_setup(const struct probe_module *m, struct probe_params *pp, const char *args,
                struct zerr *e)
{
	pp->template_len = m->frame_len;
	pp->template_len6 = m->frame_len6;
	pp->mod_state = NULL;
	if (m->setup)
		return m->setup(pp, args, e);
	if (args)
		return zerr_set(e, "--probe-args: module %s takes no arguments", m->name);
	return 0;
}

void probe_teardown(const struct probe_module *m, struct probe_params *pp)
{
	if (m->teardown)
		m->teardown(pp);
	pp->mod_state = NULL;
}
