/* Unit tests: the protocols between stages, each read back by the parser
 * that lives beside its writer: zsend's status records (also through a
 * pipe in pieces) and zgen's header line. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "core/stage/status.h"
#include "core/stage/zgenheader.h"

void test_status_records_read_back(void);
void test_status_reader_takes_records_in_pieces(void);
void test_zgen_header_reads_back(void);

void test_status_records_read_back(void)
{
	uint32_t sources[] = {0xc6120001u, 0xc6120005u};
	struct status_start s = {.module = "tcp_ack",
	                         .interface = "zs0",
	                         .key_fingerprint = "0123456789abcdef",
	                         .rate = 10000,
	                         .probes = 3,
	                         .sport_first = 40000,
	                         .sport_count = 11,
	                         .sources = sources,
	                         .nsources = 2};
	char buf[STATUS_RECORD_MAX];
	size_t n = status_format_start(buf, sizeof buf, &s);
	CHECK(n == strlen(buf) && buf[n - 1] == '\n');
	CHECK(strstr(buf, "\"sources\":[\"198.18.0.1\",\"198.18.0.5\"]}"));
	buf[n - 1] = '\0';
	struct status_record r;
	status_parse(buf, &r);
	CHECK(r.type == STATUS_START && strcmp(r.module, "tcp_ack") == 0 &&
	      strcmp(r.key_fingerprint, "0123456789abcdef") == 0);
	CHECK(r.sport_first == 40000 && r.sport_count == 11 && r.probes == 3);
	CHECK(!r.have_zgen); /* no zgen header on zsend's input */
	s.have_zgen = true;
	s.seed = UINT64_MAX;
	s.shards = 3;
	s.shard = 2;
	s.zgen_resume = 77;
	n = status_format_start(buf, sizeof buf, &s);
	buf[n - 1] = '\0';
	status_parse(buf, &r);
	CHECK(r.have_zgen && r.seed == UINT64_MAX && r.shards == 3 && r.shard == 2 &&
	      r.resume == 77);

	struct status_progress p = {.type = STATUS_DONE,
	                            .time = 1.5,
	                            .sent = 1234,
	                            .rate = 987,
	                            .targets = 1000,
	                            .progress = 0.25,
	                            .consumed = 77};
	n = status_format_progress(buf, sizeof buf, &p);
	CHECK(strstr(buf, "\"consumed\":77,\"exit\":0}\n") && strstr(buf, "\"progress\":0.2500"));
	buf[n - 1] = '\0';
	status_parse(buf, &r);
	CHECK(r.type == STATUS_DONE && r.sent == 1234 && r.rate == 987 && r.progress == 0.25);
	CHECK(r.exit_status == 0 && r.consumed == 77 && !r.interrupted && !r.beyond &&
	      !r.input_short && !r.have_zgen);
	/* a run stopped early: its verdict and where a resume starts, with
	 * 64-bit seeds whole */
	p.interrupted = p.beyond = p.input_short = p.have_zgen = true;
	p.exit_status = 3;
	p.seed = UINT64_MAX - 1;
	p.shards = 4;
	p.shard = 3;
	p.resume = 5000000000ull;
	n = status_format_progress(buf, sizeof buf, &p);
	buf[n - 1] = '\0';
	status_parse(buf, &r);
	CHECK(r.exit_status == 3 && r.interrupted && r.beyond && r.input_short && r.have_zgen);
	CHECK(r.seed == UINT64_MAX - 1 && r.shards == 4 && r.shard == 3 &&
	      r.resume == 5000000000ull);
	p.interrupted = p.beyond = p.input_short = p.have_zgen = false;
	p.exit_status = 0;
	p.type = STATUS_STATUS;
	p.done_below = 5000000000;
	status_format_progress(buf, sizeof buf, &p);
	status_parse(buf, &r);
	CHECK(r.type == STATUS_STATUS && r.done_below == 5000000000);
	p.done_below = -1; /* unknown: not written */
	p.progress = -1;   /* unknown: not written */
	status_format_progress(buf, sizeof buf, &p);
	CHECK(!strstr(buf, "progress") && !strstr(buf, "consumed"));
	status_parse(buf, &r);
	CHECK(r.type == STATUS_STATUS && r.progress < 0 && r.sport_first == -1);
	status_parse("{\"type\":\"hello\"}", &r);
	CHECK(r.type == STATUS_OTHER && r.sent == -1);
	/* a small buffer gets a cut record, never an overrun */
	char small[16];
	CHECK(status_format_progress(small, sizeof small, &p) == sizeof small - 1);
}

struct seen_records {
	int start, status, done, other;
	long sent;
};

static int count_record(void *ctx, const struct status_record *r)
{
	struct seen_records *s = ctx;
	switch (r->type) {
	case STATUS_START:
		s->start++;
		break;
	case STATUS_STATUS:
		s->status++;
		s->sent = r->sent;
		break;
	case STATUS_DONE:
		s->done++;
		break;
	case STATUS_OTHER:
		s->other++;
		break;
	}
	return 0;
}

/* Records split across writes come out whole; an overlong line is dropped
 * whole (no piece of it is taken for a record) and the records after it
 * still count; the longest start record zsend can write is read. */
void test_status_reader_takes_records_in_pieces(void)
{
	int fds[2];
	CHECK(pipe(fds) == 0);
	static struct status_reader rd; /* 32 KiB: not on the stack */
	memset(&rd, 0, sizeof rd);
	struct seen_records seen = {0};
	const char *parts[] = {"{\"type\":\"start\",\"module\":\"tcp_syn\"", "}\n{\"type\":\"sta",
	                       "tus\",\"sent\":42}\n"};
	for (size_t i = 0; i < 3; i++) {
		CHECK(write(fds[1], parts[i], strlen(parts[i])) == (ssize_t)strlen(parts[i]));
		CHECK(status_read(&rd, fds[0], count_record, &seen) == 0);
	}
	CHECK(seen.start == 1 && seen.status == 1 && seen.sent == 42);
	/* three reader-fulls of one line, in pieces, read as they come */
	CHECK(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
	static char junk[STATUS_LINE_MAX / 2];
	memset(junk, 'x', sizeof junk);
	const char *inner = "{\"type\":\"done\",\"sent\":7}"; /* inside the line: no record */
	memcpy(junk + 100, inner, strlen(inner));
	for (int i = 0; i < 6; i++) {
		CHECK(write(fds[1], junk, sizeof junk) == (ssize_t)sizeof junk);
		CHECK(status_read(&rd, fds[0], count_record, &seen) == 0);
		CHECK(status_read(&rd, fds[0], count_record, &seen) == 0);
	}
	const char *done = "\n{\"type\":\"done\",\"sent\":50}\n";
	CHECK(write(fds[1], done, strlen(done)) == (ssize_t)strlen(done));
	CHECK(status_read(&rd, fds[0], count_record, &seen) == 0);
	CHECKF(seen.done == 1 && seen.start == 1 && seen.other == 0, "done %d, start %d, other %d",
	       seen.done, seen.start, seen.other);

	/* 256 sources of each family, each as long as its text can be */
	static uint32_t v4[256];
	static struct ipaddr v6[256];
	for (unsigned i = 0; i < 256; i++) {
		v4[i] = 0xfffffff0u - i;
		v6[i] = (struct ipaddr){0xffffffffffffffffull, 0xffffffffffffff00ull | i};
	}
	struct status_start s = {.module = "tcp_syn",
	                         .interface = "a-fifteen-chars",
	                         .key_fingerprint = "0123456789abcdef",
	                         .module_args = "x",
	                         .sources = v4,
	                         .nsources = 256,
	                         .sources6 = v6,
	                         .nsources6 = 256};
	static char buf[STATUS_RECORD_MAX];
	size_t n = status_format_start(buf, sizeof buf, &s);
	CHECK(n > 14000 && n < sizeof buf - 1 && buf[n - 1] == '\n');
	CHECK(strstr(buf, "\"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\"]}\n"));
	for (size_t off = 0; off < n; off += 4000) {
		size_t k = n - off < 4000 ? n - off : 4000;
		CHECK(write(fds[1], buf + off, k) == (ssize_t)k);
		CHECK(status_read(&rd, fds[0], count_record, &seen) == 0);
	}
	CHECK(seen.start == 2 && seen.other == 0);
	close(fds[1]);
	CHECK(status_read(&rd, fds[0], count_record, &seen) == 1);
	close(fds[0]);
}

void test_zgen_header_reads_back(void)
{
	struct zgen_header h = {18446744073709551615ull, 3, 4, 1000, 20}, got;
	char buf[ZGEN_HEADER_MAX];
	size_t n = zgen_header_format(buf, sizeof buf, &h);
	CHECK(n == strlen(buf) && buf[n - 1] == '\n');
	CHECK(zgen_header_is(buf, n - 1) && zgen_header_parse(buf, n - 1, &got));
	CHECK(memcmp(&got, &h, sizeof h) == 0);
	const char *old = "# zgen seed=7 shard=0 shards=1 targets=5"; /* no resume */
	CHECK(zgen_header_parse(old, strlen(old), &got) && got.seed == 7 && got.targets == 5 &&
	      got.resume == 0);
	const char *other = "# zgen is nice";
	CHECK(zgen_header_is(other, strlen(other)) &&
	      !zgen_header_parse(other, strlen(other), &got));
	CHECK(!zgen_header_is("# zgen ", 7) && !zgen_header_is("#zgen seed=1", 12));
}

void test_zgen_header_refuses_what_zgen_never_writes(void);

/* A header line is read strictly, as zgen writes it: a value with a sign,
 * a leading zero, junk or past 2^64 (which sscanf took as 2^64-1, or
 * saturated), a shard not below shards, shards 0, a resume that with the
 * targets passes 2^48 (or wraps), fields out of order or doubled, or
 * anything after them is no header at all. What zgen can write still
 * reads back, at every bound. */
void test_zgen_header_refuses_what_zgen_never_writes(void)
{
	static const char *const bad[] = {
	    "# zgen seed=1 shard=0 shards=1 targets=-1",
	    "# zgen seed=1 shard=0 shards=1 targets=+5",
	    "# zgen seed=-1 shard=0 shards=1 targets=5",
	    "# zgen seed=18446744073709551616 shard=0 shards=1 targets=5",
	    "# zgen seed=99999999999999999999999 shard=0 shards=1 targets=5",
	    "# zgen seed=1 shard=0 shards=1 targets=5 resume=18446744073709551615",
	    "# zgen seed=1 shard=0 shards=1 targets=1 resume=281474976710656",
	    "# zgen seed=1 shard=0 shards=1 targets=281474976710657",
	    "# zgen seed=1 shard=5 shards=0 targets=5",
	    "# zgen seed=1 shard=0 shards=0 targets=5",
	    "# zgen seed=1 shard=3 shards=3 targets=5",
	    "# zgen seed=1 shard=0 shards=65537 targets=5",
	    "# zgen seed=01 shard=0 shards=1 targets=5",
	    "# zgen seed=1 shard=0 shards=1 targets=5x",
	    "# zgen seed=1 shard=0 shards=1 targets=",
	    "# zgen seed=1 shard=0 shards=1 targets= 5",
	    "# zgen seed=1  shard=0 shards=1 targets=5",
	    "# zgen seed=1 shard=0 shards=1 targets=5 ",
	    "# zgen seed=1 shard=0 shards=1 targets=5 resume=2 more=3",
	    "# zgen seed=1 shard=0 shards=1 targets=5 resume=2 resume=3",
	    "# zgen seed=1 shards=1 shard=0 targets=5",
	    "# zgen seed=1 shard=0 shards=1",
	    "# zgen seed=1 shard=0 shards=1 targets=5 resume=-0",
	    "# zgen seed=1 shard=0x1 shards=2 targets=5",
	    "# zgen seed=1 shard=0 shards=1 targets=5\t",
	    "# zgen seed=1 shard=0 shards=1 targets=5\r\r",
	};
	struct zgen_header got;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		CHECKF(zgen_header_is(bad[i], strlen(bad[i])), "%s", bad[i]);
		CHECKF(!zgen_header_parse(bad[i], strlen(bad[i]), &got), "taken: '%s'", bad[i]);
		CHECK(got.targets == 0 && got.shards == 0); /* nothing half filled in */
	}
	/* a line cut short inside the buffer: only len bytes count */
	const char *cut = "# zgen seed=1 shard=0 shards=1 targets=5 resume=7";
	CHECK(zgen_header_parse(cut, strlen(cut) - 9, &got) && got.targets == 5 && got.resume == 0);
	CHECK(!zgen_header_parse(cut, strlen(cut) - 1, &got)); /* "resume=" */
	const char *crlf = "# zgen seed=1 shard=0 shards=1 targets=5\r";
	CHECK(zgen_header_parse(crlf, strlen(crlf), &got) && got.targets == 5);
	/* the bounds zgen can reach read back */
	struct zgen_header edges[] = {
	    {UINT64_MAX, 65535, 65536, 0, 0},
	    {0, 0, 1, (uint64_t)1 << 48, 0},
	    {0, 0, 1, 0, (uint64_t)1 << 48},
	    {7, 2, 3, ((uint64_t)1 << 48) - 5, 5},
	};
	for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
		char buf[ZGEN_HEADER_MAX];
		size_t n = zgen_header_format(buf, sizeof buf, &edges[i]);
		CHECKF(zgen_header_parse(buf, n - 1, &got) &&
		           memcmp(&got, &edges[i], sizeof got) == 0,
		       "%s", buf);
	}
}
