/* lab_udp: the lab's open UDP ports. Binds each port given on the wildcard
 * addresses of IPv4 and IPv6 (an IPv6-only socket beside the IPv4 one), so
 * with a local route every address of a live prefix receives there, and
 * answers each datagram from the address it was sent to with
 * "zscan-lab <port> " followed by the datagram's first 64 bytes. Closed
 * ports get the kernel's ICMP port unreachable. Runs until SIGTERM/SIGINT.
 * usage: lab_udp PORT... */
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 64

/* The same for IPv6: IPV6_PKTINFO names the address it went to. */
static void answer6(int fd, int port)
{
	for (;;) {
		uint8_t in[2048], out[2048];
		char ctl[256];
		struct sockaddr_in6 peer;
		struct iovec iov = {in, sizeof in};
		struct msghdr m = {.msg_name = &peer,
		                   .msg_namelen = sizeof peer,
		                   .msg_iov = &iov,
		                   .msg_iovlen = 1,
		                   .msg_control = ctl,
		                   .msg_controllen = sizeof ctl};
		ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
		if (n < 0)
			return;
		struct in6_pktinfo *pi = NULL;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO)
				pi = (struct in6_pktinfo *)CMSG_DATA(c);
		if (!pi)
			continue;
		int len = snprintf((char *)out, sizeof out, "zscan-lab %d ", port);
		size_t copy = (size_t)n < 64 ? (size_t)n : 64;
		memcpy(out + len, in, copy);
		char octl[CMSG_SPACE(sizeof(struct in6_pktinfo))] = {0};
		struct iovec oiov = {out, (size_t)len + copy};
		struct msghdr om = {.msg_name = &peer,
		                    .msg_namelen = sizeof peer,
		                    .msg_iov = &oiov,
		                    .msg_iovlen = 1,
		                    .msg_control = octl,
		                    .msg_controllen = sizeof octl};
		struct cmsghdr *c = CMSG_FIRSTHDR(&om);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
		struct in6_pktinfo reply = {.ipi6_addr = pi->ipi6_addr};
		memcpy(CMSG_DATA(c), &reply, sizeof reply);
		sendmsg(fd, &om, 0);
	}
}

/* Answers every datagram waiting on fd, from the address it went to. */
static void answer(int fd, int port)
{
	for (;;) {
		uint8_t in[2048], out[2048];
		char ctl[256];
		struct sockaddr_in peer;
		struct iovec iov = {in, sizeof in};
		struct msghdr m = {.msg_name = &peer,
		                   .msg_namelen = sizeof peer,
		                   .msg_iov = &iov,
		                   .msg_iovlen = 1,
		                   .msg_control = ctl,
		                   .msg_controllen = sizeof ctl};
		ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
		if (n < 0)
			return;
		struct in_pktinfo *pi = NULL;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
				pi = (struct in_pktinfo *)CMSG_DATA(c);
		if (!pi)
			continue;
		int len = snprintf((char *)out, sizeof out, "zscan-lab %d ", port);
		size_t copy = (size_t)n < 64 ? (size_t)n : 64;
		memcpy(out + len, in, copy);
		char octl[CMSG_SPACE(sizeof(struct in_pktinfo))] = {0};
		struct iovec oiov = {out, (size_t)len + copy};
		struct msghdr om = {.msg_name = &peer,
		                    .msg_namelen = sizeof peer,
		                    .msg_iov = &oiov,
		                    .msg_iovlen = 1,
		                    .msg_control = octl,
		                    .msg_controllen = sizeof octl};
		struct cmsghdr *c = CMSG_FIRSTHDR(&om);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
		struct in_pktinfo reply = {.ipi_spec_dst = pi->ipi_addr};
		memcpy(CMSG_DATA(c), &reply, sizeof reply);
		sendmsg(fd, &om, 0);
	}
}

int main(int argc, char **argv)
{
	struct pollfd fds[2 * MAX_PORTS];
	int ports[2 * MAX_PORTS], n = 0;
	bool v6[2 * MAX_PORTS];
	if (argc < 2 || argc - 1 > MAX_PORTS) {
		fprintf(stderr, "usage: lab_udp PORT... (at most %d)\n", MAX_PORTS);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		long port = strtol(argv[i], &end, 10);
		if (*end || port < 1 || port > 65535) {
			fprintf(stderr, "lab_udp: bad port '%s'\n", argv[i]);
			return 2;
		}
		int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, big = 8 << 20;
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
		if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) < 0 ||
		    bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
			perror("lab_udp");
			return 1;
		}
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
		ports[n] = (int)port;
		v6[n] = false;
		fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
		int fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
		                            .sin6_port = htons((uint16_t)port)};
		/* free binding: answers leave from addresses of a local route,
		 * which IPv6 (unlike IPv4) does not take as its own otherwise */
		if (fd6 < 0 || setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0 ||
		    setsockopt(fd6, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0 ||
		    setsockopt(fd6, IPPROTO_IP, IP_FREEBIND, &one, sizeof one) < 0 ||
		    bind(fd6, (struct sockaddr *)&sin6, sizeof sin6) < 0) {
			perror("lab_udp (IPv6)");
			return 1;
		}
		setsockopt(fd6, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
		ports[n] = (int)port;
		v6[n] = true;
		fds[n++] = (struct pollfd){.fd = fd6, .events = POLLIN};
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		if (poll(fds, (nfds_t)n, -1) < 0)
			continue;
		for (int i = 0; i < n; i++)
			if (fds[i].revents & POLLIN)
				(v6[i] ? answer6 : answer)(fds[i].fd, ports[i]);
	}
}
