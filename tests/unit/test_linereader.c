/* Unit tests: the chunked line reader. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
