/* lab_listen: the lab's open TCP ports. Listens on each port given, bound to
 * the wildcard address, so with a local route every address of a live
 * prefix answers SYN with SYN-ACK there (and RST elsewhere). Accepts and
 * closes whatever completes a handshake. Runs until SIGTERM/SIGINT.
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
	struct pollfd fds[MAX_PORTS];
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
