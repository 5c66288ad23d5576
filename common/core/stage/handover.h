/* handover: how the zsend and zrecv of one pipeline agree on a fresh key
 * without being told. What only they share is the pipe between them
 * (zsend's standard output is zrecv's standard input), so the key's name
 * is that pipe's device and inode: no other pipeline's, whatever process
 * groups, sessions or wrappers (timeout, setsid, nohup, xargs -P, GNU
 * parallel) they run under.
 *   zrecv arms its capture, then creates the key there (O_EXCL, mode 0600)
 *   and, before dropping privileges, waits for zsend to take it;
 *   zsend waits for a key newer than the pipe (never than itself: its zrecv
 *   may well be quicker to start), checks it on the open
 *   descriptor (a regular file of its own user, mode 0600), loads it and
 *   removes it, also before dropping privileges.
 * So the key is never readable by the user they become. With -k FILE on
 * both sides the key is known, and a ".ready" file of the same name tells
 * zsend that zrecv is armed.
 * Before it takes the key (or the ".ready" file), zsend leaves its pid in a
 * ".pid" file of the same name: zrecv reads it once the key is taken, still
 * privileged, and can then ask that zsend, and no other process, to stop
 * and settle (a stop zrecv got alone, or its -t). zsend, still privileged
 * too, waits a moment for it to be taken (handover_wait_taken on h->pid)
 * and removes it if it stays, so that no file outlives the handover.
 * The files live in a directory that only the scan's user can write:
 * /run/zscan for root, else $XDG_RUNTIME_DIR/zscan, else /tmp/zscan-UID,
 * made with mode 0700 when missing and refused (with what was found) when
 * it is not a directory of that user that only they can use. */
#ifndef ZSCAN_CORE_HANDOVER_H
#define ZSCAN_CORE_HANDOVER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stage/secret.h"
#include "util/zerr.h"

#define HANDOVER_PATH_MAX 256

/* File times may come from a coarser clock than the pipe's (a tick, some
 * milliseconds): a key this much older than the pipe is still fresh. */
#define HANDOVER_CLOCK_SLACK 20000000u

/* The key and readiness files of the pipe at fd (zsend's stdout, zrecv's
 * stdin). Makes and checks the directory. Fails, saying why, when fd is
 * not a pipe. */
struct handover {
	char key[HANDOVER_PATH_MAX], ready[HANDOVER_PATH_MAX], pid[HANDOVER_PATH_MAX];
	int fd;        /* the pipe: its other end closing ends every wait */
	uint64_t born; /* when the pipe was made (CLOCK_REALTIME ns, as files'
	                  times): a file of its name from before is stale */
};
int handover_for_pipe(int fd, struct handover *h, struct zerr *e);

/* zrecv's side: a fresh key at h->key (an earlier scan's file of that
 * name is removed first). */
int handover_create_key(const struct handover *h, struct secret *s, struct zerr *e);

/* zrecv's side with -k: says it is armed. */
int handover_mark_ready(const struct handover *h, struct zerr *e);

/* zrecv's side, before it drops privileges: waits up to timeout_ms for
 * zsend to take the file at path (h->key or h->ready), or for zsend's end
 * of the pipe to close, or for *stop; then removes the file if it is still
 * there. Returns 0 once taken, 1 otherwise. */
int handover_wait_taken(const struct handover *h, const char *path, int timeout_ms,
                        volatile sig_atomic_t *stop);

/* zsend's side, before taking the key or the readiness file: leaves its
 * pid for zrecv (O_EXCL, mode 0600; an earlier pipe's file of the name is
 * removed first). */
int handover_leave_pid(const struct handover *h, struct zerr *e);

/* zrecv's side, once the file was taken: the pid zsend left, or 0 when
 * there is none, or it is not a regular file of this user (it is removed
 * either way). */
long handover_take_pid(const struct handover *h);

/* zsend's side: waits up to timeout_ms (or until *stop, or zrecv's end of
 * the pipe closing) for a key at
 * h->key made at or after `since` (CLOCK_REALTIME ns), loads it and
 * removes it. Anything else found at the name (a directory, a FIFO, a
 * link, another user's file) is refused at once, with what it is. */
int handover_take_key(const struct handover *h, uint64_t since, int timeout_ms,
                      volatile sig_atomic_t *stop, struct secret *s, struct zerr *e);

/* zsend's side with -k: waits the same way for the readiness file and
 * removes it. Returns 0, or -1 with e set (not ready in time, stopped). */
int handover_take_ready(const struct handover *h, uint64_t since, int timeout_ms,
                        volatile sig_atomic_t *stop, struct zerr *e);

#endif
