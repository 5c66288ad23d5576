/* rawsend: batched AF_PACKET transmission and the dry-run dump. */
#include "net/rawsend.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int rawsend_open(struct rawsend *rs, struct zerr *e)
{
	memset(rs, 0, sizeof *rs);
	rs->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* protocol 0: never receives */
	if (rs->fd < 0)
		return zerr_set(e, "raw socket: %s (zsend needs root or CAP_NET_RAW)",
		                strerror(errno));
	int one = 1;
	(void)setsockopt(rs->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	return 0;
}

int rawsend_bind(struct rawsend *rs, int ifindex, struct zerr *e)
{
	rs->ifindex = ifindex;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
	if (bind(rs->fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		return zerr_set(e, "bind to interface %d: %s", ifindex, strerror(errno));
	return 0;
}

void rawsend_open_dry(struct rawsend *rs, FILE *f)
{
	memset(rs, 0, sizeof *rs);
	rs->fd = -1;
	rs->dry = f;
}

void rawsend_close(struct rawsend *rs)
{
	if (rs->fd >= 0)
		close(rs->fd);
	rs->fd = -1;
}

static int flush_dry(struct rawsend *rs)
{
	for (unsigned i = 0; i < rs->n; i++) {
		for (unsigned off = 0; off < rs->len[i]; off += 16) {
			fprintf(rs->dry, "%06x ", off);
			for (unsigned k = off; k < off + 16 && k < rs->len[i]; k++)
				fprintf(rs->dry, " %02x", rs->frames[i][k]);
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
	for (unsigned i = 0; i < rs->n; i++) {
		iov[i] = (struct iovec){rs->frames[i], rs->len[i]};
		msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
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
