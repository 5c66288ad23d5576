/* rawsend: batched AF_PACKET transmission and the dry-run dump. */
#include "net/rawsend.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* An AF_PACKET socket of type (protocol 0: it never receives) that
 * bypasses the queueing discipline. */
static int packet_socket(int type, struct zerr *e)
{
	int fd = socket(AF_PACKET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return zerr_set(e, "raw socket: %s (zsend needs root or CAP_NET_RAW)",
		                strerror(errno));
	int one = 1;
	(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	return fd;
}

int rawsend_open(struct rawsend *rs, struct zerr *e)
{
	memset(rs, 0, sizeof *rs);
	rs->fd_ip = -1;
	if ((rs->fd = packet_socket(SOCK_RAW, e)) < 0)
		return -1;
	if ((rs->fd_ip = packet_socket(SOCK_DGRAM, e)) < 0) {
		rawsend_close(rs);
		return -1;
	}
	return 0;
}

int rawsend_bind(struct rawsend *rs, int ifindex, struct zerr *e)
{
	rs->ifindex = ifindex;
	if (rs->fd_ip >= 0)
		close(rs->fd_ip);
	rs->fd_ip = -1;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
	if (bind(rs->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		return zerr_set(e, "bind to interface %d: %s", ifindex, strerror(errno));
	return 0;
}

int rawsend_bind_ip(struct rawsend *rs, int ifindex, struct zerr *e)
{
	rs->ip_layer = true;
	if (rs->fd < 0) /* a dry run */
		return 0;
	if (rs->fd_ip < 0)
		return zerr_set(e, "interface %d: no socket for IP packets", ifindex);
	rs->ifindex = ifindex;
	close(rs->fd);
	rs->fd = rs->fd_ip;
	rs->fd_ip = -1;
	/* every packet names the interface and protocol (rawsend_flush); the
	 * binding keeps the socket to the interface, receiving nothing */
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
	if (bind(rs->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		return zerr_set(e, "bind to interface %d: %s", ifindex, strerror(errno));
	return 0;
}

void rawsend_open_dry(struct rawsend *rs, FILE *f)
{
	memset(rs, 0, sizeof *rs);
	rs->fd = -1;
	rs->fd_ip = -1;
	rs->dry = f;
}

void rawsend_close(struct rawsend *rs)
{
	if (rs->fd >= 0)
		close(rs->fd);
	if (rs->fd_ip >= 0)
		close(rs->fd_ip);
	rs->fd = rs->fd_ip = -1;
}

/* Where a frame's bytes start on the wire: at its IP header for the IP
 * layer. */
static unsigned skip_of(const struct rawsend *rs, unsigned i)
{
	return rs->ip_layer && rs->len[i] >= ETH_HLEN ? ETH_HLEN : 0;
}

static int flush_dry(struct rawsend *rs)
{
	for (unsigned i = 0; i < rs->n; i++) {
		const uint8_t *f = rs->frames[i] + skip_of(rs, i);
		unsigned len = rs->len[i] - skip_of(rs, i);
		for (unsigned off = 0; off < len; off += 16) {
			fprintf(rs->dry, "%06x ", off);
			for (unsigned k = off; k < off + 16 && k < len; k++)
				fprintf(rs->dry, " %02x", f[k]);
			fputc('\n', rs->dry);
		}
		fputc('\n', rs->dry);
	}
	rs->sent += rs->n;
	rs->n = 0;
	/* a batch is out once it is written: frames of targets that trickle
	 * in show as they come, and a failed write is seen at once */
	return fflush(rs->dry) == EOF || ferror(rs->dry) ? -1 : 0;
}

int rawsend_flush(struct rawsend *rs)
{
	if (rs->n == 0)
		return 0;
	if (rs->fd < 0)
		return flush_dry(rs);
	struct mmsghdr msgs[RAWSEND_BATCH];
	struct iovec iov[RAWSEND_BATCH];
	/* the IP layer's destinations: the interface and the protocol, which
	 * a device without a link-layer header learns from nothing else */
	struct sockaddr_ll to[2] = {
	    {.sll_family = AF_PACKET, .sll_ifindex = rs->ifindex, .sll_protocol = htons(ETH_P_IP)},
	    {.sll_family = AF_PACKET,
	     .sll_ifindex = rs->ifindex,
	     .sll_protocol = htons(ETH_P_IPV6)},
	};
	for (unsigned i = 0; i < rs->n; i++) {
		unsigned skip = skip_of(rs, i);
		iov[i] = (struct iovec){rs->frames[i] + skip, rs->len[i] - skip};
		msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
		if (rs->ip_layer) {
			/* the EtherType the template wrote */
			bool v6 =
			    skip && (rs->frames[i][12] << 8 | rs->frames[i][13]) == ETH_P_IPV6;
			msgs[i].msg_hdr.msg_name = &to[v6];
			msgs[i].msg_hdr.msg_namelen = sizeof to[v6];
		}
	}
	unsigned done = 0;
	while (done < rs->n) {
		int r = sendmmsg(rs->fd, msgs + done, rs->n - done, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS || errno == EAGAIN) /* queue full: try again */
				continue;
			rs->last_errno = errno;
			rs->failed++; /* skip the frame that failed */
			done++;
			continue;
		}
		done += (unsigned)r;
		rs->sent += (uint64_t)r;
	}
	rs->n = 0;
	return 0;
}
