/* privdrop: switch user or clear capabilities, and check that it took. */
#include "util/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int privdrop_prepare(struct privdrop *p, const char *user, struct zerr *e)
{
	*p = (struct privdrop){0};
	bool root = geteuid() == 0;
	if (user && strcmp(user, "root") == 0) {
		if (!root)
			return zerr_set(e, "-Z root: not running as root");
		p->as_root = true;
		return 0;
	}
	if (!user && !root)
		return 0; /* capabilities only: cleared by privdrop_apply */
	const char *name = user ? user : "nobody";
	errno = 0;
	struct passwd *pw = getpwnam(name);
	if (!pw)
		return zerr_set(e, "-Z: no user '%s'%s%s", name, errno ? ": " : "",
		                errno ? strerror(errno) : "");
	if (!root && pw->pw_uid != getuid())
		return zerr_set(e, "-Z %s: only root can switch to another user", name);
	p->have_user = root;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	snprintf(p->name, sizeof p->name, "%s", name);
	return 0;
}

/* Clears the permitted, effective and inheritable sets of this thread
 * (call before starting threads: each thread has its own). */
static int clear_caps(struct zerr *e)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capset, &h, d) != 0)
		return zerr_set(e, "cannot clear capabilities: %s", strerror(errno));
	return 0;
}

static bool has_caps(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) != 0)
		return true; /* cannot tell: assume the worst */
	return d[0].permitted | d[1].permitted | d[0].effective | d[1].effective;
}

int privdrop_apply(const struct privdrop *p, struct zerr *e)
{
	if (p->as_root)
		return 0;
	if (p->have_user) {
		if (setgroups(1, &p->gid) != 0)
			return zerr_set(e, "-Z %s: setgroups: %s", p->name, strerror(errno));
		if (setresgid(p->gid, p->gid, p->gid) != 0)
			return zerr_set(e, "-Z %s: setgid %ld: %s", p->name, (long)p->gid,
			                strerror(errno));
		if (setresuid(p->uid, p->uid, p->uid) != 0)
			return zerr_set(e, "-Z %s: setuid %ld: %s", p->name, (long)p->uid,
			                strerror(errno));
		uid_t r, ef, s;
		gid_t gr, ge, gs;
		if (getresuid(&r, &ef, &s) != 0 || r != p->uid || ef != p->uid || s != p->uid ||
		    getresgid(&gr, &ge, &gs) != 0 || gr != p->gid || ge != p->gid || gs != p->gid)
			return zerr_set(e, "-Z %s: the ids did not change", p->name);
		if (p->uid != 0 && setuid(0) == 0)
			return zerr_set(e, "-Z %s: root could be regained", p->name);
	}
	if (has_caps() && clear_caps(e) < 0)
		return -1;
	if (has_caps())
		return zerr_set(e, "capabilities remain after clearing them");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return zerr_set(e, "no_new_privs: %s", strerror(errno));
	return 0;
}
