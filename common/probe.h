/* probe: a probe type, as one small table of callbacks used by zsend (build
 * a frame template once, fill in each target) and by zrecv (the BPF filter,
 * validate and classify a response), so sender and receiver can never
 * disagree about what a probe carries. The MAC (see secret.h) is spread over
 * fields the response echoes; nothing is remembered per target. */
#ifndef ZSCAN_PROBE_H
#define ZSCAN_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secret.h"
#include "zerr.h"

#define PROBE_MAX_FRAME 128

/* What both sides must agree on (carried in zsend's status stream). */
struct probe_params {
	const struct secret *secret;
	uint8_t src_mac[6], dst_mac[6];
	uint16_t sport_first; /* source ports: first .. first + sport_count - 1 */
	uint32_t sport_count;
	unsigned probes; /* per target (-P); each uses its own source port */
	uint8_t ttl;
};

/* A validated response, in host order. */
struct probe_result {
	uint32_t saddr, daddr; /* the target, and our source address */
	uint16_t sport, dport; /* the target port, and our source port */
	uint32_t seqnum, acknum;
	uint16_t window, ipid;
	uint8_t ttl;
	uint8_t tcp_flags;
	uint8_t icmp_type, icmp_code;
	uint16_t echo_id, echo_seq;
	uint32_t icmp_responder; /* for ICMP errors: who sent it */
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
	bool needs_port; /* targets carry a port (-p or addr,port lines) */
	size_t frame_len;
	const char *bpf; /* capture filter for zrecv */
	/* Builds the frame for one source address (libnet computes the checksums). */
	int (*make_template)(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
	                     struct zerr *e);
	/* Patches one target into a copy of the template; recomputes checksums. */
	void (*fill)(const struct probe_params *pp, uint8_t *frame, uint32_t saddr, uint32_t daddr,
	             uint16_t dport, unsigned probe_num);
	/* Checks a frame from its IPv4 header on (len bytes captured). */
	enum probe_verdict (*validate)(const struct probe_params *pp, const uint8_t *ip, size_t len,
	                               struct probe_result *r);
};

extern const struct probe_module probe_tcp_syn, probe_icmp_echo;

/* The module called name, or NULL. */
const struct probe_module *probe_find(const char *name);
/* NULL-terminated list of all modules. */
extern const struct probe_module *const probe_modules[];

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
