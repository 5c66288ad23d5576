/* octet_chisq: chi-square test that addresses on stdin are spread over the
 * /8 blocks in proportion to given weights (allowed addresses per /8).
 * usage: octet_chisq WEIGHTS < addresses; WEIGHTS has lines "octet count".
 * Exits 0 when the statistic is below the 0.1% critical value. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	double w[256] = {0}, wsum = 0;
	unsigned long long obs[256] = {0}, n = 0;
	if (argc != 2) {
		fprintf(stderr, "usage: octet_chisq WEIGHTS < addresses\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	unsigned o;
	double c;
	while (fscanf(f, "%u %lf", &o, &c) == 2 && o < 256) {
		w[o] = c;
		wsum += c;
	}
	fclose(f);
	static char buf[1 << 16];
	int at_start = 1;
	unsigned cur = 0;
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, stdin)) > 0) {
		for (size_t i = 0; i < got; i++) {
			char ch = buf[i];
			if (ch == '\n') {
				at_start = 1;
				cur = 0;
			} else if (at_start && ch >= '0' && ch <= '9') {
				cur = cur * 10 + (unsigned)(ch - '0');
			} else if (at_start) {
				if (cur > 255) {
					fprintf(stderr, "bad octet %u\n", cur);
					return 1;
				}
				obs[cur]++;
				n++;
				at_start = 0;
			}
		}
	}
	double chi2 = 0;
	int k = 0;
	for (int i = 0; i < 256; i++) {
		if (w[i] == 0) {
			if (obs[i]) {
				fprintf(stderr, "%llu addresses in blocked %d/8\n", obs[i], i);
				return 1;
			}
			continue;
		}
		double e = (double)n * w[i] / wsum;
		chi2 += ((double)obs[i] - e) * ((double)obs[i] - e) / e;
		k++;
	}
	double df = k - 1, z = 3.0902; /* upper 0.1% point of the normal */
	double crit = df * pow(1 - 2 / (9 * df) + z * sqrt(2 / (9 * df)), 3);
	printf("  %llu addresses over %d /8 blocks: chi2 %.1f, df %.0f, 0.1%% critical %.1f\n", n,
	       k, chi2, df, crit);
	return n > 0 && chi2 < crit ? 0 : 1;
}
