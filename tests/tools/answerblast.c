/* answerblast: sends valid answers to a tcp_syn scan that never happened,
 * so zrecv's live capture path can be measured at rates the lab's own
 * kernel cannot answer at. For each (address, port) it works out, from the
 * scan key alone, the source port and sequence number zsend's probe would
 * have carried, and sends the SYN-ACK a host with that port open would
 * send: distinct (address, port) pairs, every one valid. Runs on the net
 * side of the lab, out of IFACE towards the scanner.
 * usage: answerblast IFACE SCANNER_MAC SCANNER_IP KEYFILE RATE SECONDS [THREADS]
 *   RATE 0 = as fast as possible; targets are 198.18.0.0/15 x ports 1..,
 *   taken in order; prints "sent N failed N seconds S" at the end. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/checksum.h"
#include "net/route.h"
#include "net/packet.h"
#include "probe/probe.h"
#include "util/ratelimit.h"
#include "net/rawsend.h"
#include "core/stage/secret.h"

#define LAB_BASE 0xc6120000u /* 198.18.0.0 */
#define LAB_SIZE (1u << 17)
#define ANSWER_LEN 54 /* Ethernet, IPv4, TCP without options */

struct blaster {
	const struct probe_params *pp;
	const struct iface *nif;
	uint8_t scanner_mac[6];
	uint32_t scanner_ip;
	double rate; /* per thread */
	uint64_t end_ns;
	unsigned thread, threads;
	uint64_t sent, failed;
	int err;
};

/* The SYN-ACK from daddr:dport to zsend's probe k=0 (see probe_tcp.c). */
static uint16_t build_answer(const struct blaster *b, uint8_t *f, uint32_t target, uint16_t port)
{
	uint64_t mac = secret_mac(b->pp->secret, target, port, b->scanner_ip);
	memcpy(f, b->scanner_mac, 6);
	memcpy(f + 6, b->nif->mac, 6);
	f[12] = 0x08, f[13] = 0x00;
	uint8_t *ip = f + 14, *tcp = ip + 20;
	memset(ip, 0, 40);
	ip[0] = 0x45;
	wr16(ip + 2, 40);
	wr16(ip + 4, (uint16_t)(target ^ port));
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP_;
	wr32(ip + 12, target);
	wr32(ip + 16, b->scanner_ip);
	wr16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	wr16(tcp, port);
	wr16(tcp + 2, probe_sport(b->pp, mac, 0));
	wr32(tcp + 4, (uint32_t)(mac >> 16) * 2654435761u); /* the host's own ISN */
	wr32(tcp + 8, (uint32_t)mac + 1);
	tcp[12] = 5 << 4;
	tcp[13] = 0x12; /* SYN, ACK */
	wr16(tcp + 14, 65535);
	uint32_t sum = csum_add(0, ip + 12, 8) + IPPROTO_TCP_ + 20;
	wr16(tcp + 16, csum_fold(csum_add(sum, tcp, 20)));
	return ANSWER_LEN;
}

static void *blast(void *arg)
{
	struct blaster *b = arg;
	struct rawsend *rs = malloc(sizeof *rs);
	struct zerr e = {0};
	if (!rs || rawsend_open(rs, &e) < 0 || rawsend_bind(rs, b->nif->ifindex, &e) < 0) {
		fprintf(stderr, "answerblast: %s\n", rs ? e.msg : "out of memory");
		b->err = 1;
		free(rs);
		return NULL;
	}
	unsigned batch = ratelimit_batch(b->rate, RAWSEND_BATCH);
	struct ratelimit rl;
	ratelimit_init(&rl, b->rate);
	uint64_t i = b->thread;
	while (ratelimit_now_ns() < b->end_ns) {
		for (unsigned k = 0; k < batch; k++, i += b->threads) {
			uint32_t target = LAB_BASE + (uint32_t)(i % LAB_SIZE);
			uint16_t port = (uint16_t)(1 + (i / LAB_SIZE) % 65535);
			if (target == b->scanner_ip)
				continue;
			rawsend_add(rs, build_answer(b, rawsend_next(rs), target, port));
		}
		ratelimit_wait(&rl, rs->n); /* as zsend: built, then paced, then sent */
		rawsend_flush(rs);
	}
	b->sent = rs->sent;
	b->failed = rs->failed;
	rawsend_close(rs);
	free(rs);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 7 || argc > 8) {
		fprintf(stderr,
		        "usage: answerblast IFACE SCANNER_MAC SCANNER_IP KEYFILE RATE SECONDS "
		        "[THREADS]\n");
		return 2;
	}
	struct zerr e = {0};
	struct iface nif;
	struct secret key;
	struct in_addr sip;
	uint8_t smac[6];
	if (iface_by_name(argv[1], &nif, &e) < 0 || secret_load(argv[4], &key, &e) < 0) {
		fprintf(stderr, "answerblast: %s\n", e.msg);
		return 1;
	}
	if (mac_parse(argv[2], smac) < 0 || inet_pton(AF_INET, argv[3], &sip) != 1) {
		fprintf(stderr, "answerblast: bad MAC or address\n");
		return 2;
	}
	double rate = atof(argv[5]), secs = atof(argv[6]);
	unsigned threads = argc == 8 ? (unsigned)atoi(argv[7]) : 1;
	if (threads < 1 || threads > 16 || secs <= 0 || rate < 0) {
		fprintf(stderr, "answerblast: bad rate, seconds or threads\n");
		return 2;
	}
	/* zrecv's defaults: source ports 32768-61000, one probe per target */
	struct probe_params pp = {
	    .secret = &key, .sport_first = 32768, .sport_count = 28233, .probes = 1};
	struct blaster b[16];
	pthread_t tid[16];
	uint64_t t0 = ratelimit_now_ns(), end = t0 + (uint64_t)(secs * 1e9);
	for (unsigned t = 0; t < threads; t++) {
		b[t] = (struct blaster){.pp = &pp,
		                        .nif = &nif,
		                        .scanner_ip = ntohl(sip.s_addr),
		                        .rate = rate / threads,
		                        .end_ns = end,
		                        .thread = t,
		                        .threads = threads};
		memcpy(b[t].scanner_mac, smac, 6);
		pthread_create(&tid[t], NULL, blast, &b[t]);
	}
	uint64_t sent = 0, failed = 0;
	int err = 0;
	for (unsigned t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		sent += b[t].sent;
		failed += b[t].failed;
		err |= b[t].err;
	}
	printf("sent %llu failed %llu seconds %.3f\n", (unsigned long long)sent,
	       (unsigned long long)failed, (double)(ratelimit_now_ns() - t0) / 1e9);
	return err;
}
