/* handover: how the zsend and zrecv of one pipeline agree on a key without
 * being told. zrecv arms its capture, then creates a fresh key at the
 * pipeline's key path; zsend waits for a key there that is newer than
 * itself, so a key left by an earlier scan is never picked up. With -k
 * FILE on both sides, zrecv marks a readiness file once armed instead, and
 * zsend waits for that. Both paths name the process group, which the
 * members of one shell pipeline share: /tmp/zscan-UID-PGID.key and .ready
 * (for a non-root user, under $XDG_RUNTIME_DIR if set). */
#ifndef ZSCAN_CORE_HANDOVER_H
#define ZSCAN_CORE_HANDOVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/secret.h"
#include "util/zerr.h"

/* The pipeline's key path, and its readiness file. */
void handover_key_path(char *buf, size_t size);
void handover_ready_path(char *buf, size_t size);

/* Waits up to timeout_ms for a file at path modified at or after `since`
 * (CLOCK_REALTIME ns). Returns 0 when it appeared, -1 otherwise. */
int handover_wait_file(const char *path, uint64_t since, int timeout_ms);

/* zsend's side: waits up to timeout_ms for a key at path modified at or
 * after `since`, then loads it. */
int handover_wait_key(const char *path, uint64_t since, int timeout_ms, struct secret *s,
                      struct zerr *e);

/* zrecv's side with -k: says it is armed. Returns 0, or -1 with errno set. */
int handover_mark_ready(const char *path);

#endif
