/* cleanup: the exit-time undo list of a tool. A tool is one process with
 * one list, so the list is a global of the tool layer (never of the
 * library below it). */
#include "tool/cleanup.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLEANUP_MAX 8

static struct outfile *outfiles[CLEANUP_MAX];
static char *paths[CLEANUP_MAX];
static bool registered;

static void at_exit(void)
{
	cleanup_run();
}

static void ensure_registered(void)
{
	if (!registered)
		registered = atexit(at_exit) == 0;
}

void cleanup_outfile(struct outfile *o)
{
	ensure_registered();
	for (int i = 0; i < CLEANUP_MAX; i++)
		if (!outfiles[i]) {
			outfiles[i] = o;
			return;
		}
}

void cleanup_unlink(const char *path)
{
	ensure_registered();
	for (int i = 0; i < CLEANUP_MAX; i++)
		if (!paths[i]) {
			paths[i] = strdup(path);
			return;
		}
}

void cleanup_keep(const char *path)
{
	for (int i = 0; i < CLEANUP_MAX; i++)
		if (paths[i] && strcmp(paths[i], path) == 0) {
			free(paths[i]);
			paths[i] = NULL;
		}
}

void cleanup_run(void)
{
	for (int i = 0; i < CLEANUP_MAX; i++) {
		if (outfiles[i] && !outfiles[i]->committed)
			outfile_abandon(outfiles[i]);
		outfiles[i] = NULL;
		if (paths[i]) {
			unlink(paths[i]);
			free(paths[i]);
			paths[i] = NULL;
		}
	}
}
