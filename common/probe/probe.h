/* probe: a probe type, as one small table of callbacks used by zsend (build
 * a frame template once, fill in each target) and by zrecv (the BPF filter,
 * validate and classify a response), so sender and receiver can never
 * disagree about what a probe carries. The MAC (see secret.h) is spread over
 * fields the response echoes; nothing is remembered per target. */
#ifndef ZSCAN_PROBE_PROBE_H
#define ZSCAN_PROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/schema/fields.h"
#include "core/addr/ipaddr.h"
#include "core/stage/secret.h"
#include "net/packet.h"
#include "probe/fieldw.h"
#include "util/zerr.h"

#define PROBE_MAX_FRAME ETH_FRAME_MAX
#define PROBE_MAX_PAYLOAD 1472 /* UDP payload in a 1500-byte IP packet */

/* What both sides must agree on (carried in zsend's status stream). */
struct probe_params {
	const struct secret *secret;
	uint8_t src_mac[6], dst_mac[6];
	uint16_t sport_first; /* source ports: first .. first + sport_count - 1 */
	uint32_t sport_count;
	unsigned probes; /* per target (-P); each uses its own source port */
	uint8_t ttl;
	/* set by probe_setup: bytes of the template that fill (and fill6)
	 * starts from, and what the module parsed from --probe-args (owned by
	 * the module) */
	size_t template_len, template_len6;
	const void *mod_state;
};

/* A validated response, in host order; addresses of either family. */
struct probe_result {
	struct ipaddr saddr, daddr; /* the target, and our source address */
	uint16_t sport, dport;      /* the target port, and our source port */
	uint32_t seqnum, acknum;
	uint16_t window, ipid; /* ipid: IPv4's identification (0 for IPv6) */
	uint8_t ttl;           /* or IPv6's hop limit */
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code; /* ICMPv6's for IPv6 */
	uint16_t echo_id, echo_seq;
	struct ipaddr icmp_responder; /* for ICMP errors: who sent it */
	uint64_t sent_sec;            /* icmp_echo_time: when the probe left (echoed) */
	uint32_t sent_usec;
	uint16_t udp_len;    /* udp: UDP length of the answer */
	uint16_t data_len;   /* udp: payload bytes captured, at data */
	const uint8_t *data; /* points into the captured frame */
	/* tcp: the answer's options (into the frame), read only when a field
	 * asks: rtt_us from an echoed timestamp (TSecr), the tcpopt_ fields */
	const uint8_t *tcp_opts;
	uint8_t tcp_opts_len;
	const char *classification;
	bool success;
};

enum probe_verdict {
	PROBE_VALID = 0,
	PROBE_BAD_MAC = 1,  /* ours in form, but not from this scan's key */
	PROBE_NOT_OURS = 2, /* truncated, malformed, or another protocol */
};

struct probe_module {
	const char *name;
	const char *description;
	const char *args_help;    /* what --probe-args takes, or NULL: none */
	const char *args_example; /* a --probe-args that works, for tests and help */
	bool needs_port;          /* targets carry a port (-p or addr,port lines) */
	size_t frame_len;         /* of the template (and of every probe, unless fill says) */
	size_t frame_len6;        /* the same for IPv6 (20 bytes more) */
	field_mask fields;        /* what its results fill beyond fields_common */
	const char *default_fields;
	const char *bpf;  /* capture filter for zrecv: IPv4 answers */
	const char *bpf6; /* and IPv6 ones (libpcap reads tcp[] for IPv4 only) */
	/* Parses --probe-args (args may be NULL) into pp->mod_state and may set
	 * pp->template_len; NULL for modules without arguments. */
	int (*setup)(struct probe_params *pp, const char *args, struct zerr *e);
	void (*teardown)(struct probe_params *pp);
	/* Builds the frame for one source address (libnet computes the checksums). */
	int (*make_template)(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
	                     struct zerr *e);
	/* Patches one target into a copy of the template (template_len bytes);
	 * recomputes checksums; returns the frame's length. */
	size_t (*fill)(const struct probe_params *pp, uint8_t *frame, uint32_t saddr,
	               uint32_t daddr, uint16_t dport, unsigned probe_num);
	/* The same for IPv6: the frame for one source address, and one target
	 * patched into it (with the IPv6 pseudo-header in the checksum). */
	int (*make_template6)(const struct probe_params *pp, const struct ipaddr *saddr,
	                      uint8_t *frame, struct zerr *e);
	size_t (*fill6)(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
	                const struct ipaddr *daddr, uint16_t dport, unsigned probe_num);
	/* Checks a packet of either family, as frame_ip found it: len is its
	 * IP length, checked against what was captured, without the link's
	 * padding. (Fewer bytes are read as a packet cut short.) */
	enum probe_verdict (*validate)(const struct probe_params *pp, const uint8_t *ip, size_t len,
	                               struct probe_result *r);
	/* What the receiver must be set up with (probe_setup's args there) to
	 * validate what this sender sends: its length, 0 for nothing; NULL
	 * for modules that need nothing. Carried in zsend's start record. */
	size_t (*receiver_args)(const struct probe_params *pp, char *buf, size_t size);
	/* Bits of the MAC a direct answer carries, for zsend's warning when
	 * they are too few to tell answers from other traffic. */
	double (*answer_bits)(const struct probe_params *pp);
	/* What the module reads out of a validated answer beyond the schema
	 * (core/schema/fields.h): its own fields, declared here in its file, and the
	 * decoder that sets them (probe/fieldw.h); NULL and 0: none. */
	const struct app_field *app_fields;
	int n_app_fields;
	void (*decode)(const struct probe_params *pp, const struct probe_result *r,
	               struct fieldw *w);
};

extern const struct probe_module probe_tcp_syn, probe_tcp_ack, probe_tcp_synack, probe_icmp_echo,
    probe_icmp_echo_time, probe_udp, probe_dns, probe_ntp, probe_upnp, probe_memcached, probe_snmp,
    probe_netbios, probe_bacnet, probe_ipip;

/* The module called name, or NULL. */
const struct probe_module *probe_find(const char *name);
/* NULL-terminated list of all modules. */
extern const struct probe_module *const probe_modules[];

/* Readies pp for module m with its --probe-args (NULL: none given); a
 * module without arguments refuses them. probe_teardown frees the state. */
int probe_setup(const struct probe_module *m, struct probe_params *pp, const char *args,
                struct zerr *e);
void probe_teardown(const struct probe_module *m, struct probe_params *pp);

/* The source port of probe k to a target whose MAC is mac. */
static inline uint16_t probe_sport(const struct probe_params *pp, uint64_t mac, unsigned k)
{
	return (uint16_t)(pp->sport_first + ((mac >> 32) + k) % pp->sport_count);
}

/* Whether dport is the source port of one of the probes to that target. */
static inline bool probe_sport_ok(const struct probe_params *pp, uint64_t mac, uint16_t dport)
{
	uint32_t off = (uint32_t)(uint16_t)(dport - pp->sport_first);
	if (off >= pp->sport_count)
		return false;
	uint32_t base = (uint32_t)((mac >> 32) % pp->sport_count);
	return (off + pp->sport_count - base) % pp->sport_count < pp->probes;
}

#endif
