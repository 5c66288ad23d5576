/* Unit tests: the chunked line reader. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util/linereader.h"

void test_linereader_chunks_are_whole_lines(void);

/* A 3 MiB line forces the 1 MiB buffer to grow; the final line has no '\n'. */
void test_linereader_chunks_are_whole_lines(void)
{
	size_t big = 3u << 20;
	size_t len = 8 + big + 1 + 7;
	char *text = malloc(len);
	memcpy(text, "1.2.3.4\n", 8);
	memset(text + 8, 'x', big);
	text[8 + big] = '\n';
	memcpy(text + 8 + big + 1, "5.6.7.8", 7);
	int fd = memfd_create("lr", 0);
	CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len);
	lseek(fd, 0, SEEK_SET);
	struct linereader lr;
	CHECK(linereader_init(&lr, fd) == 0);
	char *got = malloc(len + 2);
	size_t off = 0;
	const char *p;
	size_t n;
	unsigned long first, lines = 0;
	int rc;
	while ((rc = linereader_chunk(&lr, &p, &n, &first)) > 0) {
		CHECK(n > 0 && p[n - 1] == '\n' && off + n <= len + 1);
		CHECK(first == lines + 1);
		for (size_t i = 0; i < n; i++)
			lines += p[i] == '\n';
		linereader_count(&lr, lines - (first - 1));
		memcpy(got + off, p, n);
		off += n;
	}
	CHECK(rc == 0);
	CHECK(off == len + 1 && memcmp(got, text, len) == 0 && got[len] == '\n');
	CHECK(lines == 3);
	linereader_free(&lr);
	close(fd);
	free(text);
	free(got);
}

void test_linereader_last_chunk_stays_in_place(void);

/* zfilter prints a chunk's rows while it parses the next: each chunk must
 * be unchanged after the next call, whatever sizes the reads come in (a
 * writer on a pipe in odd pieces) and when a long line grows the buffer. */
void test_linereader_last_chunk_stays_in_place(void)
{
	size_t len = 0, cap = 8u << 20;
	char *text = malloc(cap);
	for (unsigned i = 0; len < (4u << 20); i++) {
		size_t n = i == 5000 ? (3u << 20) : 1 + (i * 7919u) % 97; /* one long line */
		for (size_t k = 0; k < n; k++)
			text[len + k] = (char)('a' + (i + k) % 26);
		text[len + n] = '\n';
		len += n + 1;
	}
	int fds[2];
	CHECK(pipe(fds) == 0);
	pid_t child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		close(fds[0]);
		for (size_t off = 0; off < len;) {
			size_t n = len - off < 7001 ? len - off : 7001;
			ssize_t w = write(fds[1], text + off, n);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	struct linereader lr;
	CHECK(linereader_init(&lr, fds[0]) == 0);
	char *prev_copy = malloc(cap);
	const char *prev = NULL, *p;
	size_t prev_n = 0, off = 0, n;
	unsigned long first;
	int rc, chunks = 0;
	while ((rc = linereader_chunk(&lr, &p, &n, &first)) > 0) {
		CHECK(prev == NULL || memcmp(prev, prev_copy, prev_n) == 0);
		CHECK(off + n <= len && memcmp(p, text + off, n) == 0);
		off += n;
		memcpy(prev_copy, p, n);
		prev = p;
		prev_n = n;
		chunks++;
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* a read from a pipe returns at most its 64 KiB, and the 3 MiB line
	 * makes no chunk until it ends: the 1 MiB of short lines come in some
	 * 16 chunks or more (more when the writer is slow); 8 leaves a margin */
	CHECKF(rc == 0 && off == len && chunks >= 8, "rc %d, %zu of %zu bytes, %d chunks", rc, off,
	       len, chunks);
	linereader_free(&lr);
	close(fds[0]);
	free(text);
	free(prev_copy);
}

void test_linereader_unread_hands_a_record_back(void);

/* zfilter gives a CSV record that goes on past a chunk's last line back
 * to the reader. Records here are lines up to one that is "END", given
 * back whenever a chunk ends inside one, from a writer on a pipe in odd
 * pieces: every record comes whole, once, in order, with its first line's
 * number; the chunk before stays in place; at the end of the input a last
 * record without its END comes once more and cannot be given back. */
void test_linereader_unread_hands_a_record_back(void)
{
	size_t len = 0, cap = 4u << 20;
	char *text = malloc(cap);
	unsigned records = 0;
	for (unsigned i = 0; len < (2u << 20); i++) {
		unsigned lines = i % 50 == 7 ? 3000 : 1 + i % 5; /* some long records */
		for (unsigned k = 0; k < lines; k++)
			len += (size_t)snprintf(text + len, cap - len, "r%u.%u\n", i, k);
		len += (size_t)snprintf(text + len, cap - len, "END\n");
		records++;
	}
	len += (size_t)snprintf(text + len, cap - len, "tail\nwithout an end\n");
	int fds[2];
	CHECK(pipe(fds) == 0);
	pid_t child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		close(fds[0]);
		for (size_t off = 0; off < len;) {
			size_t n = len - off < 4999 ? len - off : 4999;
			ssize_t w = write(fds[1], text + off, n);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	struct linereader lr;
	CHECK(linereader_init(&lr, fds[0]) == 0);
	char *prev_copy = malloc(cap);
	const char *prev = NULL, *p;
	size_t prev_n = 0, off = 0, n;
	unsigned long first, lineno = 1;
	unsigned got = 0, backs = 0, refused = 0;
	int rc;
	while ((rc = linereader_chunk(&lr, &p, &n, &first)) > 0) {
		CHECK(prev == NULL || memcmp(prev, prev_copy, prev_n) == 0);
		CHECKF(first == lineno && off + n <= len && memcmp(p, text + off, n) == 0,
		       "line %lu, want %lu", first, lineno);
		const char *done = p; /* after the last whole record */
		unsigned long lines = 0, done_lines = 0;
		for (const char *q = p; q < p + n;) {
			const char *nl = memchr(q, '\n', (size_t)(p + n - q));
			lines++;
			if (nl - q == 3 && memcmp(q, "END", 3) == 0) {
				done = nl + 1;
				done_lines = lines;
				got++;
			}
			q = nl + 1;
		}
		size_t rest = (size_t)(p + n - done);
		if (rest && linereader_unread(&lr, rest)) {
			backs++;
			n -= rest;
			lines = done_lines;
		} else if (rest) {
			refused++;
			CHECK(memcmp(done, "tail\n", 5) == 0 && done + rest == p + n);
		}
		linereader_count(&lr, lines);
		lineno += lines;
		off += n;
		memcpy(prev_copy, p, n);
		prev = p;
		prev_n = n;
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECKF(rc == 0 && off == len && got == records && refused == 1 && backs > 10,
	       "rc %d, %zu of %zu bytes, %u of %u records, %u given back, %u refused", rc, off, len,
	       got, records, backs, refused);
	linereader_free(&lr);
	close(fds[0]);
	free(text);
	free(prev_copy);
}

#define INITIAL_TEST_CAP (1u << 20) /* the reader's first buffer */

/* A child writing text to a pipe in pieces of `piece` bytes, `repeat`
 * times over (0: until the reader goes); returns the read end. */
static int pipe_from_child(const char *text, size_t len, size_t piece, unsigned repeat,
                           pid_t *child)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	*child = fork();
	if (*child < 0)
		return -1;
	if (*child == 0) {
		close(fds[0]);
		signal(SIGPIPE, SIG_DFL);
		for (unsigned r = 0; repeat == 0 || r < repeat; r++)
			for (size_t off = 0; off < len;) {
				size_t n = len - off < piece ? len - off : piece;
				ssize_t w = write(fds[1], text + off, n);
				if (w <= 0)
					_exit(1);
				off += (size_t)w;
			}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

/* Reads everything: each line as "L<n>:<first 8 bytes>" into out (lines
 * over max_line, from a chunk or LINEREADER_LONG, as "L<n>:LONG"); the
 * reader's largest buffer into *maxcap. Returns linereader_chunk's last
 * value. */
static int read_all(struct linereader *lr, char *out, size_t outsize, size_t *maxcap)
{
	const char *p;
	size_t n, used = 0;
	unsigned long first;
	int rc;
	out[0] = '\0';
	*maxcap = 0;
	while ((rc = linereader_chunk(lr, &p, &n, &first)) > 0) {
		if (lr->cap + lr->spare_cap > *maxcap)
			*maxcap = lr->cap + lr->spare_cap;
		if (rc == LINEREADER_LONG) {
			used += (size_t)snprintf(out + used, outsize - used, "L%lu:LONG ", first);
			linereader_count(lr, 1);
			continue;
		}
		unsigned long k = 0;
		for (const char *q = p; q < p + n; k++) {
			const char *nl = memchr(q, '\n', (size_t)(p + n - q));
			size_t ll = (size_t)(nl - q);
			if (ll > lr->max_line)
				used += (size_t)snprintf(out + used, outsize - used, "L%lu:LONG ",
				                         first + k);
			else
				used += (size_t)snprintf(out + used, outsize - used, "L%lu:%.*s ",
				                         first + k, (int)(ll < 8 ? ll : 8), q);
			q = nl + 1;
		}
		linereader_count(lr, k);
	}
	return rc;
}

void test_linereader_long_lines_skipped_alike(void);

/* An overlong line is one bad line, whether it comes whole in one read or
 * in a thousand pieces from a pipe, and is never held whole: lines before
 * and after it come as they are, numbered on; one at the end of input,
 * without its newline, too. */
void test_linereader_long_lines_skipped_alike(void)
{
	size_t big = 600000, len = 0;
	char *text = malloc(3 * big);
	len += (size_t)sprintf(text + len, "a\n");
	memset(text + len, 'x', big);
	len += big;
	len += (size_t)sprintf(text + len, "\nb\n");
	memset(text + len, 'x', 4096); /* just fits */
	len += 4096;
	text[len++] = '\n';
	memset(text + len, 'y', 5000);
	len += 5000;
	const char *want = "L1:a L2:LONG L3:b L4:xxxxxxxx L5:LONG ";
	char got[256];
	size_t maxcap;
	for (int from_pipe = 0; from_pipe < 2; from_pipe++) {
		int fd;
		pid_t child = 0;
		if (from_pipe) {
			fd = pipe_from_child(text, len, 997, 1, &child);
		} else {
			fd = memfd_create("lr", 0);
			CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len);
			lseek(fd, 0, SEEK_SET);
		}
		struct linereader lr;
		CHECK(linereader_init(&lr, fd) == 0);
		lr.max_line = 4096;
		lr.skip_long = true;
		int rc = read_all(&lr, got, sizeof got, &maxcap);
		CHECKF(rc == 0 && strcmp(got, want) == 0, "%s: rc %d, got '%s'",
		       from_pipe ? "pipe" : "file", rc, got);
		CHECKF(maxcap <= (2u << 20), "buffers grew to %zu", maxcap);
		linereader_free(&lr);
		close(fd);
		if (child)
			waitpid(child, NULL, 0);
	}
	free(text);
}

void test_linereader_endless_line_bounded(void);

/* /dev/zero on stdin: 64 MiB of one line from a pipe: memory stays at the
 * two buffers and the line is one bad line. */
void test_linereader_endless_line_bounded(void)
{
	static char zeros[65536];
	pid_t child;
	int fd = pipe_from_child(zeros, sizeof zeros, sizeof zeros, 1024, &child);
	CHECK(fd >= 0);
	struct linereader lr;
	CHECK(linereader_init(&lr, fd) == 0);
	lr.max_line = 4096;
	lr.skip_long = true;
	char got[128];
	size_t maxcap;
	int rc = read_all(&lr, got, sizeof got, &maxcap);
	CHECKF(rc == 0 && strcmp(got, "L1:LONG ") == 0, "rc %d, got '%s'", rc, got);
	CHECKF(lr.cap + lr.spare_cap <= (2u << 20), "buffers %zu", lr.cap + lr.spare_cap);
	linereader_free(&lr);
	close(fd);
	waitpid(child, NULL, 0);
}

/* Counts the alarms: the flag changes at each, one 200 ms after the
 * other until the timer is stopped, so one comes while the line is being
 * skipped however slowly the reader starts. */
static volatile sig_atomic_t alarm_stop;
static void on_alarm(int sig)
{
	(void)sig;
	alarm_stop = alarm_stop + 1;
}

static const struct itimerval every_200ms = {{0, 200000}, {0, 200000}}, no_timer;

void test_linereader_stop_ends_a_growing_line(void);

/* A line that keeps growing from a pipe, without max_line (and with it,
 * skipped): a stop flag that a signal sets meanwhile, under SA_RESTART so
 * that no read is interrupted, ends the input at the next read; so does a
 * change of the skip_stop flag while the line is skipped. Good lines are
 * read on under a set skip_stop. */
void test_linereader_stop_ends_a_growing_line(void)
{
	static char xs[4096];
	memset(xs, 'x', sizeof xs);
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART}, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	/* skip 2: the flag is skip_stop, which ends only the skipping */
	for (int skip = 0; skip < 3; skip++) {
		pid_t child;
		int fd = pipe_from_child(xs, sizeof xs, sizeof xs, 0, &child);
		CHECK(fd >= 0);
		struct linereader lr;
		CHECK(linereader_init(&lr, fd) == 0);
		alarm_stop = 0;
		*(skip == 2 ? &lr.skip_stop : &lr.stop) = &alarm_stop;
		lr.max_line = skip ? 4096 : 0;
		lr.skip_long = skip;
		setitimer(ITIMER_REAL, &every_200ms, NULL);
		const char *p;
		size_t n;
		unsigned long first;
		int rc;
		while ((rc = linereader_chunk(&lr, &p, &n, &first)) == LINEREADER_LONG)
			linereader_count(&lr, 1);
		setitimer(ITIMER_REAL, &no_timer, NULL);
		CHECKF(rc == -1 && errno == EINTR, "skip %d: rc %d, errno %d", skip, rc, errno);
		CHECKF(skip || lr.cap > INITIAL_TEST_CAP, "no line grew: %zu", lr.cap);
		linereader_free(&lr);
		close(fd);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	sigaction(SIGALRM, &old, NULL);
	pid_t child;
	static const char good[] = "a\nb\n";
	int fd = pipe_from_child(good, 4, 1, 1000, &child);
	CHECK(fd >= 0);
	struct linereader lr;
	CHECK(linereader_init(&lr, fd) == 0);
	volatile sig_atomic_t set = 1;
	lr.skip_stop = &set;
	lr.max_line = 4096;
	lr.skip_long = true;
	static char got[32768]; /* 2000 lines of "Ln:x " */
	size_t maxcap;
	CHECK(read_all(&lr, got, sizeof got, &maxcap) == 0 && lr.lineno == 2000);
	linereader_free(&lr);
	close(fd);
	waitpid(child, NULL, 0);
}

void test_linereader_request_before_a_long_line_reads_on(void);

/* skip_stop ends the input only when it changes while an overlong line is
 * being skipped: a filter reading its pipe to the end after a first stop
 * request (skip_stop already 1) skips an overlong line that comes after
 * it, in many reads, and reads the lines after it (it ended the input at
 * the long line's second read); a second request while such a line never
 * ends (1 to 2) still ends it. */
void test_linereader_request_before_a_long_line_reads_on(void)
{
	size_t big = 3u << 20, len = 2 + big + 3;
	char *text = malloc(len);
	memcpy(text, "a\n", 2);
	memset(text + 2, 'x', big);
	memcpy(text + 2 + big, "\nb\n", 3);
	pid_t child;
	int fd = pipe_from_child(text, len, 65536, 1, &child);
	CHECK(fd >= 0);
	struct linereader lr;
	CHECK(linereader_init(&lr, fd) == 0);
	volatile sig_atomic_t requests = 1;
	lr.skip_stop = &requests;
	lr.max_line = 4096;
	lr.skip_long = true;
	char got[128];
	size_t maxcap;
	int rc = read_all(&lr, got, sizeof got, &maxcap);
	CHECKF(rc == 0 && strcmp(got, "L1:a L2:LONG L3:b ") == 0, "rc %d, errno %d, got '%s'", rc,
	       errno, got);
	linereader_free(&lr);
	close(fd);
	waitpid(child, NULL, 0);
	free(text);
	/* an endless line begun after the first request: the next ends it */
	static char xs[4096];
	memset(xs, 'x', sizeof xs);
	fd = pipe_from_child(xs, sizeof xs, sizeof xs, 0, &child);
	CHECK(fd >= 0);
	CHECK(linereader_init(&lr, fd) == 0);
	alarm_stop = 1; /* then 2, 3... */
	lr.skip_stop = &alarm_stop;
	lr.max_line = 4096;
	lr.skip_long = true;
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART}, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &every_200ms, NULL);
	const char *p;
	size_t n;
	unsigned long first;
	while ((rc = linereader_chunk(&lr, &p, &n, &first)) == LINEREADER_LONG)
		linereader_count(&lr, 1);
	setitimer(ITIMER_REAL, &no_timer, NULL);
	sigaction(SIGALRM, &old, NULL);
	CHECKF(rc == -1 && errno == EINTR && lr.lineno == 1, "rc %d, errno %d, lines %lu", rc,
	       errno, lr.lineno);
	linereader_free(&lr);
	close(fd);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

void test_linereader_long_line_search_is_linear(void);

/* A 32 MiB line from a pipe in 7001-byte writes, then a short one: each
 * byte is searched for a newline about once, not once per read after it
 * (which was 128 MB in 7.4 s). */
void test_linereader_long_line_search_is_linear(void)
{
	size_t len = 32u << 20;
	char *text = malloc(len + 3);
	memset(text, 'z', len);
	memcpy(text + len, "\nq\n", 3);
	pid_t child;
	int fd = pipe_from_child(text, len + 3, 7001, 1, &child);
	CHECK(fd >= 0);
	struct linereader lr;
	CHECK(linereader_init(&lr, fd) == 0);
	char got[128];
	size_t maxcap;
	lr.max_line = SIZE_MAX / 2; /* read_all prints no line as LONG */
	int rc = read_all(&lr, got, sizeof got, &maxcap);
	CHECKF(rc == 0 && strcmp(got, "L1:zzzzzzzz L2:q ") == 0, "rc %d, got '%s'", rc, got);
	CHECKF(lr.searched <= 2 * (len + 3), "%llu bytes searched for %zu", lr.searched, len + 3);
	linereader_free(&lr);
	close(fd);
	waitpid(child, NULL, 0);
	free(text);
}

void test_linereader_skips_a_byte_order_mark(void);

/* A UTF-8 byte-order mark that starts the input goes, also when it comes
 * a byte at a time; one later on, or three bytes that only begin like
 * one, stay; a lone first line that could still be one is not held back
 * at the end. */
void test_linereader_skips_a_byte_order_mark(void)
{
	struct {
		const char *in, *want;
	} cases[] = {
	    {"\xef\xbb\xbf"
	     "1.2.3.4\n5\n",
	     "L1:1.2.3.4 L2:5 "},
	    {"\xef\xbb"
	     "x\n",
	     "L1:\xef\xbb"
	     "x "},
	    {"\xef", "L1:\xef "},
	    {"\xef\xbb\xbf", ""},
	    {"a\n\xef\xbb\xbf"
	     "b\n",
	     "L1:a L2:\xef\xbb\xbf"
	     "b "},
	    {"", ""},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (size_t piece = 1; piece <= 2; piece++) {
			pid_t child;
			int fd =
			    pipe_from_child(cases[c].in, strlen(cases[c].in), piece, 1, &child);
			CHECK(fd >= 0);
			struct linereader lr;
			CHECK(linereader_init(&lr, fd) == 0);
			lr.max_line = 4096;
			char got[128];
			size_t maxcap;
			int rc = read_all(&lr, got, sizeof got, &maxcap);
			CHECKF(rc == 0 && strcmp(got, cases[c].want) == 0,
			       "case %zu in pieces of %zu: got '%s'", c, piece, got);
			linereader_free(&lr);
			close(fd);
			waitpid(child, NULL, 0);
		}
}

void test_linereader_held_record_then_long_line(void);

/* A record given back, then an overlong line: the record's lines come
 * once more, cannot be given back again, and the long line follows. The
 * record is the chunk's every line while it starts with "h1". */
void test_linereader_held_record_then_long_line(void)
{
	size_t len = 0;
	size_t big = 3u << 20; /* more than a pipe and a buffer hold: never read whole */
	char *text = malloc(big + 100);
	len += (size_t)sprintf(text, "h1\nh2\n");
	memset(text + len, 'w', big);
	len += big;
	len += (size_t)sprintf(text + len, "\nafter\n");
	pid_t child;
	int fd = pipe_from_child(text, len, 4099, 1, &child);
	CHECK(fd >= 0);
	struct linereader lr;
	CHECK(linereader_init(&lr, fd) == 0);
	lr.max_line = 4096;
	lr.skip_long = true;
	const char *p;
	size_t n;
	unsigned long first;
	int rc, backs = 0, refused = 0, longs = 0;
	while ((rc = linereader_chunk(&lr, &p, &n, &first)) > 0) {
		if (rc == LINEREADER_LONG) {
			CHECK(first == 3 && refused == 1);
			longs++;
			linereader_count(&lr, 1);
			continue;
		}
		if (n >= 3 && memcmp(p, "h1\n", 3) == 0) { /* a record still open */
			if (linereader_unread(&lr, n)) {
				backs++;
				continue;
			}
			refused++;
			CHECKF(n == 6 && memcmp(p, "h1\nh2\n", 6) == 0, "%zu bytes", n);
			linereader_count(&lr, 2);
			continue;
		}
		CHECKF(first == 4 && n == 6 && memcmp(p, "after\n", 6) == 0, "line %lu", first);
		linereader_count(&lr, 1);
	}
	CHECKF(rc == 0 && backs >= 1 && refused == 1 && longs == 1, "rc %d, %d %d %d", rc, backs,
	       refused, longs);
	linereader_free(&lr);
	close(fd);
	waitpid(child, NULL, 0);
	free(text);
}
