/* flagmap: which stage owns each of ZMap's flags, and the stages' command
 * lines. */
#include "flagmap.h"

#include <stdlib.h>
#include <string.h>

enum { ZGEN, ZSEND, ZRECV, ZFILTER, NSTAGES };
#define TO(s) (1u << (s))

static const char *const stage_names[NSTAGES] = {"zgen", "zsend", "zrecv", "zfilter"};

/* The flags that go to stages as they are: to which, and as which of
 * their flags. The output flags (-o, -O, -f, --output-filter) and
 * --dryrun decide the pipeline's shape instead (flagmap_plan). */
static const struct passflag {
	int opt;
	unsigned to;
	const char *as;
} passflags[] = {
    {'p', TO(ZGEN), "-p"},
    {'n', TO(ZGEN), "-n"},
    {'w', TO(ZGEN), "-w"},
    /* zsend checks every target against the blocklists too: a list that
     * allows what the default blocks must reach both */
    {'b', TO(ZGEN) | TO(ZSEND), "-b"},
    {'e', TO(ZGEN), "--seed"},
    {OPT_SHARDS, TO(ZGEN), "--shards"},
    {OPT_SHARD, TO(ZGEN), "--shard"},
    {OPT_RESUME, TO(ZGEN), "--resume"},
    {'r', TO(ZSEND), "-r"},
    {'B', TO(ZSEND), "-B"},
    {'S', TO(ZSEND), "-S"},
    {'G', TO(ZSEND), "-G"},
    {'X', TO(ZSEND), "-X"},
    /* zrecv learns the module, its arguments, the source ports and the
     * probes per target from zsend's start record */
    {'M', TO(ZSEND), "-M"},
    {OPT_PROBE_ARGS, TO(ZSEND), "--probe-args"},
    {'P', TO(ZSEND), "-P"},
    {'s', TO(ZSEND), "-s"},
    {OPT_PROBE_TTL, TO(ZSEND), "--probe-ttl"},
    {OPT_MAX_SENDTO_FAILURES, TO(ZSEND), "--max-sendto-failures"},
    {'T', TO(ZSEND), "-T"},
    /* the interface probes leave by is the one answers come back on */
    {'i', TO(ZSEND) | TO(ZRECV), "-i"},
    {'c', TO(ZRECV), "-c"},
    {'t', TO(ZRECV), "-t"},
    {'N', TO(ZRECV), "-N"},
    {OPT_MIN_HITRATE, TO(ZRECV), "--min-hitrate"},
    {OPT_DEDUP_METHOD, TO(ZRECV), "--dedup-method"},
    {OPT_DEDUP_WINDOW, TO(ZRECV), "--dedup-window"},
    {'q', TO(ZSEND) | TO(ZRECV) | TO(ZFILTER), "-q"},
};

static const struct passflag *passflag_of(int opt)
{
	for (size_t i = 0; i < sizeof passflags / sizeof *passflags; i++)
		if (passflags[i].opt == opt)
			return &passflags[i];
	return NULL;
}

bool flagmap_passes(int opt)
{
	return passflag_of(opt) != NULL;
}

static void add(struct stage_cmd *s, const char *word)
{
	s->argv[s->argc++] = word; /* within cap: sized in start_stage */
	s->argv[s->argc] = NULL;
}

/* A stage's first words: its path, and the configuration file zscan
 * read, which the stage reads too (the lines for its own options). */
static int start_stage(struct pipeline *p, int which, const char *bindir, size_t cap,
                       const struct zscan_request *r, struct zerr *e)
{
	struct stage_cmd *s = &p->stage[p->n];
	size_t len = strlen(bindir) + 1 + strlen(stage_names[which]) + 1;
	char *path = malloc(len);
	s->argv = calloc(cap + 2, sizeof *s->argv);
	if (!path || !s->argv) {
		free(path);
		free(s->argv);
		s->argv = NULL;
		return zerr_set(e, "out of memory");
	}
	strcpy(path, bindir);
	strcat(path, "/");
	strcat(path, stage_names[which]);
	s->name = stage_names[which];
	s->path = path;
	s->cap = cap;
	s->argc = 0;
	p->n++;
	add(s, path);
	if (r->config) {
		add(s, "-C");
		add(s, r->config);
	}
	return 0;
}

/* The flags of r the table gives to stage `which`, in order. */
static void add_passed(struct stage_cmd *s, int which, const struct zscan_request *r)
{
	for (size_t i = 0; i < r->nflags; i++) {
		const struct passflag *f = passflag_of(r->flags[i].opt);
		if (!f || !(f->to & TO(which)))
			continue;
		add(s, f->as);
		if (r->flags[i].arg)
			add(s, r->flags[i].arg);
	}
}

/* The output ZMap gives for these flags (its zmap.c): with none of -O, -f
 * and --output-filter, its "default mode": saddr (saddr,sport with
 * several ports) of the answers with success = 1 && repeat = 0, no header
 * row. Any of them leaves that mode: CSV (or -O's format) with a header,
 * -f's fields or the same saddr/saddr,sport, and every answer, repeats
 * and failures too, unless --output-filter says which. */
enum shape { DRYRUN, ZMAP_DEFAULT, EVERY_ANSWER, FILTERED };

static enum shape shape_of(const struct zscan_request *r)
{
	if (r->dryrun)
		return DRYRUN;
	if (!r->output_format && !r->output_fields && !r->output_filter)
		return ZMAP_DEFAULT;
	return r->output_filter && *r->output_filter ? FILTERED : EVERY_ANSWER;
}

int flagmap_plan(const struct zscan_request *r, const char *bindir, struct pipeline *p,
                 struct zerr *e)
{
	*p = (struct pipeline){.n = 0};
	enum shape shape = shape_of(r);
	const char *fields = r->output_fields   ? r->output_fields
	                     : r->several_ports ? "saddr,sport"
	                                        : "saddr";
	bool json = r->output_format && strcmp(r->output_format, "json") == 0;
	bool to_file = r->output_file && strcmp(r->output_file, "-") != 0;
	/* room for every flag with its value, the targets, -C and a few
	 * words of the stage's own */
	size_t cap = 2 * r->nflags + 14;

	if (start_stage(p, ZGEN, bindir, cap + (size_t)r->ntargets + 1, r, e) < 0)
		return -1;
	/* the header line tells zsend how many targets come, so that a
	 * stream cut short is never taken for a whole one */
	add(&p->stage[0], "--header");
	add_passed(&p->stage[0], ZGEN, r);
	bool dash = false;
	for (int i = 0; i < r->ntargets; i++)
		dash |= r->targets[i][0] == '-';
	if (dash)
		add(&p->stage[0], "--");
	for (int i = 0; i < r->ntargets; i++)
		add(&p->stage[0], r->targets[i]);

	if (start_stage(p, ZSEND, bindir, cap, r, e) < 0)
		return -1;
	add_passed(&p->stage[1], ZSEND, r);
	if (shape == DRYRUN) {
		/* frames to standard output, as ZMap's --dryrun prints them;
		 * nothing is received */
		add(&p->stage[1], "--dryrun");
		return 0;
	}

	if (start_stage(p, ZRECV, bindir, cap, r, e) < 0)
		return -1;
	struct stage_cmd *recv = &p->stage[2];
	add_passed(recv, ZRECV, r);
	if (shape == EVERY_ANSWER) {
		add(recv, "-f");
		add(recv, fields);
		if (json) {
			add(recv, "-O");
			add(recv, "json");
		}
		if (to_file) {
			add(recv, "-o");
			add(recv, r->output_file);
		}
		return 0;
	}
	if (shape == FILTERED) {
		/* every field, for whichever the expression names; in the
		 * format asked for, so that JSON values keep their types */
		add(recv, "-f");
		add(recv, "*");
		if (json) {
			add(recv, "-O");
			add(recv, "json");
		}
	}

	if (start_stage(p, ZFILTER, bindir, cap, r, e) < 0)
		return -1;
	struct stage_cmd *filter = &p->stage[3];
	add_passed(filter, ZFILTER, r);
	if (shape == ZMAP_DEFAULT) {
		/* zfilter's own default is ZMap's: success = 1, each key
		 * once, values only; the key is the output fields */
		if (r->several_ports) {
			add(filter, "-f");
			add(filter, fields);
		}
	} else {
		/* repeat = 0 is the filter's to say, as in ZMap */
		add(filter, "--where");
		add(filter, r->output_filter);
		add(filter, "--no-dedup");
		add(filter, "-f");
		add(filter, fields);
		add(filter, "-O");
		add(filter, json ? "json" : "csv");
	}
	if (to_file)
		p->redirect = r->output_file;
	return 0;
}

void flagmap_free(struct pipeline *p)
{
	for (int i = 0; i < p->n; i++) {
		free((char *)p->stage[i].path);
		free(p->stage[i].argv);
	}
	p->n = 0;
}
