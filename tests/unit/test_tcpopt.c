/* Unit tests: a TCP answer's options (probe/answer/tcpopt.h). */
#include <string.h>

#include "harness.h"
#include "probe/answer/tcpopt.h"

void test_tcpopt_reads_a_linux_synack(void)
{
	/* MSS 1460, SACK permitted, timestamps, NOP, window scale 7 */
	static const uint8_t o[] = {2, 4, 5,    0xb4, 4,    2,    8, 10, 0, 0,
	                            1, 2, 0xde, 0xad, 0xbe, 0xef, 1, 3,  3, 7};
	struct tcpopt t;
	tcpopt_parse(o, sizeof o, &t);
	CHECK(t.has_mss && t.mss == 1460 && t.sack_perm && t.has_ws && t.ws == 7);
	CHECK(t.has_ts && t.ts_val == 258 && t.ts_ecr == 0xdeadbeef && !t.error);
	CHECK(strcmp(t.kinds, "2,4,8,1,3") == 0);
	/* validation's look for the timestamp alone agrees */
	uint32_t ecr = 0;
	CHECK(tcpopt_ts_ecr(o, sizeof o, &ecr) && ecr == 0xdeadbeef);
	CHECK(!tcpopt_ts_ecr(o, 9, &ecr) && !tcpopt_ts_ecr(o, 4, &ecr));
	static struct fieldw w;
	fw_reset(&w, tcpopt_fields, TCPOPT_NFIELDS, FIELDW_CSV);
	tcpopt_decode(o, sizeof o, &w);
	size_t n;
	const char *v = fw_value(&w, 0, &n);
	CHECK(n == 4 && memcmp(v, "1460", 4) == 0);
	v = fw_value(&w, 5, &n);
	CHECK(n == 11 && memcmp(v, "\"2,4,8,1,3\"", 11) == 0);
	v = fw_value(&w, 6, &n);
	CHECK(n == 0);
}

/* Odd and hostile options: wrong lengths are listed but not read, a length
 * that does not fit (or is below 2) ends the walk with an error, the end
 * option ends it without one, and nothing past n is read (ASan). */
void test_tcpopt_hostile_options(void)
{
	struct tcpopt t;
	static const uint8_t badlen[] = {2, 3, 5, 3, 2, 1};
	tcpopt_parse(badlen, sizeof badlen, &t);
	CHECK(!t.has_mss && !t.has_ws && !t.error);
	static const uint8_t past[] = {1, 8, 10, 0, 0};
	tcpopt_parse(past, sizeof past, &t);
	CHECK(!t.has_ts && t.error && strcmp(t.kinds, "1,8") == 0);
	static const uint8_t zero[] = {30, 0, 1, 1};
	tcpopt_parse(zero, sizeof zero, &t);
	CHECK(t.error != NULL);
	static const uint8_t lone[] = {3};
	tcpopt_parse(lone, sizeof lone, &t);
	CHECK(t.error != NULL && !t.has_ws);
	static const uint8_t end[] = {1, 0, 2, 4, 5, 0xb4};
	tcpopt_parse(end, sizeof end, &t);
	CHECK(!t.has_mss && !t.error && strcmp(t.kinds, "1,0") == 0);
	uint8_t nops[40];
	memset(nops, 1, sizeof nops);
	tcpopt_parse(nops, sizeof nops, &t);
	CHECK(strlen(t.kinds) == 79 && !t.error);
	tcpopt_parse(nops, 0, &t);
	CHECK(t.kinds[0] == '\0' && !t.error);
}
