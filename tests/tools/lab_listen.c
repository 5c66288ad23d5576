/* lab_listen: the lab's open TCP ports. Listens on each port given, bound to
 * the wildcard addresses of IPv4 and IPv6 (an IPv6-only socket beside the
 * IPv4 one), so with a local route every address of a live prefix answers
 * SYN with SYN-ACK there (and RST elsewhere). Accepts and closes whatever
 * completes a handshake. Runs until SIGTERM/SIGINT.
 * usage: lab_listen PORT... */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 1024

int main(int argc, char **argv)
{
	struct pollfd fds[2 * MAX_PORTS];
	int n = 0;
	if (argc < 2 || argc - 1 > MAX_PORTS) {
		fprintf(stderr, "usage: lab_listen PORT... (at most %d)\n", MAX_PORTS);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		long port = strtol(argv[i], &end, 10);
		if (*end || port < 1 || port > 65535) {
			fprintf(stderr, "lab_listen: bad port '%s'\n", argv[i]);
			return 2;
		}
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
		    listen(fd, 4096) < 0) {
			perror("lab_listen");
			return 1;
		}
		fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
		int fd6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
		struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
		                            .sin6_port = htons((uint16_t)port)};
		setsockopt(fd6, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (fd6 < 0 || setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0 ||
		    bind(fd6, (struct sockaddr *)&sin6, sizeof sin6) < 0 || listen(fd6, 4096) < 0) {
			perror("lab_listen (IPv6)");
			return 1;
		}
		fds[n++] = (struct pollfd){.fd = fd6, .events = POLLIN};
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		if (poll(fds, (nfds_t)n, -1) < 0)
			continue;
		for (int i = 0; i < n; i++) {
			int c;
			while ((c = accept(fds[i].fd, NULL, NULL)) >= 0)
				close(c);
		}
	}
}
