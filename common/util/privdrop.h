/* privdrop: give up privilege once the raw sockets and capture handles are
 * open. A scanner parses packets from the whole Internet; after its handles
 * exist it needs neither root nor any capability, so it runs on as an
 * unprivileged user (as root: -Z USER, default nobody) or, started by a
 * non-root user with file capabilities (CAP_NET_RAW), with every capability
 * cleared. */
#ifndef ZSCAN_UTIL_PRIVDROP_H
#define ZSCAN_UTIL_PRIVDROP_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/zerr.h"

/* The user named by -Z, looked up before anything is opened. */
struct privdrop {
	bool as_root;   /* -Z root: keep root (nothing is dropped) */
	bool have_user; /* uid/gid are set (started as root, or -Z given) */
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* Resolves -Z USER (NULL: nobody when running as root, else nobody to
 * switch to). Fails, with e set, for an unknown user, or a -Z other than
 * the caller itself when not root. */
int privdrop_prepare(struct privdrop *p, const char *user, struct zerr *e);

/* Switches to the user (supplementary groups, gid, uid, each checked, then
 * a check that root cannot be regained), or clears every capability when
 * there is no user to switch to, and sets no_new_privs. */
int privdrop_apply(const struct privdrop *p, struct zerr *e);

#endif
