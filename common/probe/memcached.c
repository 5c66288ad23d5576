/* probe_memcached: memcached's "stats" command over UDP (port 11211), in
 * memcached's UDP frame: a request id, which carries 16 bits of the
 * target's MAC and which the server's answer repeats, then sequence 0 of
 * 1 datagram. --probe-args "version" asks for the version alone. The
 * answer's STAT lines are decoded into fields (probe/answer/memcached.h). */
#include <string.h>

#include "probe/answer/memcached.h"
#include "probe/helpers.h"
#include "probe/udp.h"

static int memcached_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	const char *cmd = "stats\r\n";
	if (args && strcmp(args, "version") == 0)
		cmd = "version\r\n";
	else if (args && strcmp(args, "stats") != 0)
		return zerr_set(e, "--probe-args: module memcached takes stats (the default) or "
		                   "version");
	uint8_t q[MEMCACHED_FRAME + 16] = {0, 0, 0, 0, 0, 1, 0, 0};
	size_t len = MEMCACHED_FRAME + strlen(cmd);
	memcpy(q + MEMCACHED_FRAME, cmd, strlen(cmd));
	const uint8_t *payloads[] = {q};
	return udp_app_setup(pp, payloads, &len, 1, &(struct udp_echo_rule){0, 2, 0}, e);
}

static void memcached_decode_answer(const struct probe_params *pp, const struct probe_result *r,
                                    struct fieldw *w)
{
	(void)pp;
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (p)
		memcached_decode(p, n, w);
}

const struct probe_module probe_memcached = {
    .name = "memcached",
    .description = "memcached stats over UDP (usually port 11211); version, uptime and "
                   "every STAT line decoded",
    UDP_APP_MODULE,
    .setup = memcached_setup,
    .default_fields = "saddr,daddr,sport,dport,ttl,classification,success,app_success,"
                      "memcached_version,memcached_uptime,memcached_curr_connections,"
                      "memcached_parse_error,icmp_responder,icmp_type,icmp_code,repeat,"
                      "cooldown,timestamp_str",
    .app_fields = memcached_fields,
    .n_app_fields = MEMCACHED_NFIELDS,
    .decode = memcached_decode_answer,
};
