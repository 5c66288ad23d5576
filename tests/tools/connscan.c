/* connscan: the lab's ground-truth observer. Connects to every "addr,port"
 * line on stdin with the kernel's own TCP stack (non-blocking, all in
 * flight at once up to a cap) and prints "addr,port,RESULT" for each, where
 * RESULT is open, refused, unreachable, prohibited or timeout.
 * usage: connscan [TIMEOUT_MS] < targets   (default 500 ms) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_INFLIGHT 8192

struct conn {
	int fd;
	char target[256];
};

static const char *result_of(int err)
{
	switch (err) {
	case 0:
		return "open";
	case ECONNREFUSED:
		return "refused";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "unreachable";
	case EACCES:
	case EPERM:
		return "prohibited";
	default:
		return strerror(err);
	}
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the in-flight connects to finish or time out, reporting each. */
static void drain(struct conn *c, int n, long deadline)
{
	static struct pollfd p[MAX_INFLIGHT];
	int left = n;
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){.fd = c[i].fd, .events = POLLOUT};
	while (left > 0) {
		long wait = deadline - now_ms();
		if (wait <= 0 || poll(p, (nfds_t)n, (int)wait) <= 0)
			break;
		for (int i = 0; i < n; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			int err = 0;
			socklen_t len = sizeof err;
			getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
			printf("%s,%s\n", c[i].target, result_of(err));
			close(p[i].fd);
			p[i].fd = -1;
			left--;
		}
	}
	for (int i = 0; i < n; i++)
		if (p[i].fd >= 0) {
			printf("%s,timeout\n", c[i].target);
			close(p[i].fd);
		}
}

int main(int argc, char **argv)
{
	long timeout = argc > 1 ? atol(argv[1]) : 500;
	static struct conn c[MAX_INFLIGHT];
	int n = 0;
	char line[256];
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *comma = strchr(line, ',');
		struct sockaddr_in sin = {.sin_family = AF_INET};
		if (comma)
			*comma = '\0';
		if (!comma || inet_pton(AF_INET, line, &sin.sin_addr) != 1) {
			fprintf(stderr, "connscan: bad line '%s'\n", line);
			return 2;
		}
		sin.sin_port = htons((uint16_t)atoi(comma + 1));
		*comma = ',';
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			perror("connscan: socket");
			return 1;
		}
		snprintf(c[n].target, sizeof c[n].target, "%s", line);
		if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0 || errno != EINPROGRESS) {
			printf("%s,%s\n", line, result_of(errno == EINPROGRESS ? 0 : errno));
			close(fd);
			continue;
		}
		c[n++].fd = fd;
		if (n == MAX_INFLIGHT) {
			drain(c, n, now_ms() + timeout);
			n = 0;
		}
	}
	drain(c, n, now_ms() + timeout);
	return 0;
}
