/* Unit tests: the chunked line reader. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "linereader.h"

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
