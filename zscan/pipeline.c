/* pipeline: fork, exec and wait for the stages, passing stop signals on. */
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* What zscan started with, restored in each stage before its exec. */
static sigset_t start_mask;
static struct sigaction start_action[NSIG];
static const int kept_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGUSR1, SIGCHLD};

static void on_held(int sig)
{
	(void)sig;
}

void pipeline_hold_signals(void)
{
	sigset_t held;
	sigemptyset(&held);
	for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
		sigaddset(&held, stop_signals[i]);
	sigaddset(&held, SIGCHLD);
	sigprocmask(SIG_BLOCK, &held, &start_mask);
	for (size_t i = 0; i < sizeof kept_signals / sizeof *kept_signals; i++)
		sigaction(kept_signals[i], NULL, &start_action[kept_signals[i]]);
	/* a handler, never run (they stay blocked and are taken by
	 * sigtimedwait), so that none of them is discarded as ignored: a
	 * script's background job starts with SIGINT ignored, and its
	 * stages catch it all the same (tool/signals.h); SIGHUP that came
	 * ignored is nohup's wish and stays so */
	struct sigaction sa = {.sa_handler = on_held, .sa_flags = SA_NOCLDSTOP};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	if (start_action[SIGHUP].sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
}

/* In the child, between fork and exec: only async-signal-safe calls. */
__attribute__((noreturn)) static void exec_stage(const struct stage_cmd *s, int in, int out,
                                                 pid_t parent, int report)
{
	/* a zscan killed outright (SIGKILL) leaves no one to pass a stop
	 * on: its stages get one from the kernel. zsend and zrecv lose it
	 * when they change user, but they end once zgen has ended. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	if ((in >= 0 && dup2(in, STDIN_FILENO) < 0) || (out >= 0 && dup2(out, STDOUT_FILENO) < 0)) {
		int err = errno;
		(void)!write(report, &err, sizeof err);
		_exit(127);
	}
	for (size_t i = 0; i < sizeof kept_signals / sizeof *kept_signals; i++)
		sigaction(kept_signals[i], &start_action[kept_signals[i]], NULL);
	sigprocmask(SIG_SETMASK, &start_mask, NULL);
	execv(s->path, (char *const *)s->argv);
	int err = errno;
	(void)!write(report, &err, sizeof err);
	_exit(127);
}

/* Whether pid's stop handlers are in place (tool/signals.h installs the
 * three together). A signal passed on before that would end the stage
 * by the default action, without a word: the terminal cannot wait for
 * that in a plain pipeline, but zscan can. */
static bool is_catching(pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true; /* no way to know: pass it on */
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	const char *cgt = strstr(buf, "\nSigCgt:");
	if (!cgt)
		return true;
	uint64_t mask = strtoull(cgt + 8, NULL, 16);
	return (mask >> (SIGTERM - 1)) & 1;
}

struct running {
	pid_t pid[PIPELINE_MAX_STAGES];
	bool done[PIPELINE_MAX_STAGES];
	int pending[PIPELINE_MAX_STAGES]; /* a stop signal to pass on, or 0 */
	int left;
};

static void reap(struct running *r, int n, int wstatus[])
{
	for (int i = 0; i < n; i++) {
		if (r->done[i])
			continue;
		pid_t got = waitpid(r->pid[i], &wstatus[i], WNOHANG);
		if (got == r->pid[i] || (got < 0 && errno == ECHILD)) {
			r->done[i] = true;
			r->left--;
		}
	}
}

/* Passes on the pending signals the stages are ready for; whether any is
 * still waiting. */
static bool pass_on(struct running *r, int n)
{
	bool waiting = false;
	for (int i = 0; i < n; i++) {
		if (r->done[i] || !r->pending[i])
			continue;
		if (is_catching(r->pid[i])) {
			kill(r->pid[i], r->pending[i]);
			r->pending[i] = 0;
		} else {
			waiting = true;
		}
	}
	return waiting;
}

static void wait_all(struct running *r, int n, int wstatus[], int first_signal)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
		sigaddset(&set, stop_signals[i]);
	sigaddset(&set, SIGCHLD);
	for (int i = 0; i < n; i++)
		r->pending[i] = first_signal;
	for (;;) {
		reap(r, n, wstatus);
		if (r->left == 0)
			return;
		bool waiting = pass_on(r, n);
		/* the timeout is a re-check, never a deadline: 10 ms while a
		 * stage is still getting ready for a signal, else a second in
		 * case a SIGCHLD was merged with another */
		struct timespec ts = {.tv_sec = waiting ? 0 : 1, .tv_nsec = waiting ? 10000000 : 0};
		int sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			for (int i = 0; i < n; i++)
				if (!r->done[i])
					r->pending[i] = sig;
	}
}

int pipeline_run(const struct pipeline *p, int out_fd, int wstatus[], struct zerr *e)
{
	struct running r = {.left = 0};
	pid_t self = getpid();
	int in = -1, failed_err = 0, failed = -1;
	for (int i = 0; i < p->n; i++) {
		int link[2] = {-1, -1}, report[2];
		bool last = i == p->n - 1;
		/* every descriptor close-on-exec: a stage holds only its own
		 * ends, so each sees its reader or writer go */
		if ((!last && pipe2(link, O_CLOEXEC) < 0) || pipe2(report, O_CLOEXEC) < 0) {
			failed_err = errno;
			failed = i;
			if (link[0] >= 0) {
				close(link[0]);
				close(link[1]);
			}
			break;
		}
		int out = last ? out_fd : link[1];
		pid_t pid = fork();
		if (pid == 0)
			exec_stage(&p->stage[i], in, out, self, report[1]);
		close(report[1]);
		if (in >= 0)
			close(in);
		if (!last)
			close(link[1]);
		in = last ? -1 : link[0];
		if (pid < 0) {
			failed_err = errno;
			failed = i;
			close(report[0]);
			break;
		}
		r.pid[i] = pid;
		r.left++;
		/* the exec's outcome: its end of the pipe closes on success */
		int err;
		ssize_t got;
		while ((got = read(report[0], &err, sizeof err)) < 0 && errno == EINTR)
			;
		close(report[0]);
		if (got == (ssize_t)sizeof err) {
			failed_err = err;
			failed = i;
			break;
		}
	}
	if (in >= 0)
		close(in);
	if (failed < 0) {
		wait_all(&r, r.left, wstatus, 0);
		return 0;
	}
	/* the stages started before the one that failed are stopped as a
	 * Ctrl-C would stop them */
	wait_all(&r, r.left, wstatus, SIGTERM);
	return zerr_set(e, "%s: cannot run: %s", p->stage[failed].path, strerror(failed_err));
}

int pipeline_verdict(const struct pipeline *p, const int wstatus[])
{
	int verdict = 0;
	for (int i = 0; i < p->n; i++) {
		int st = WIFEXITED(wstatus[i])     ? WEXITSTATUS(wstatus[i])
		         : WIFSIGNALED(wstatus[i]) ? 128 + WTERMSIG(wstatus[i])
		                                   : 1;
		if (st == 2)
			return 2;
		if (st != 0)
			verdict = st;
	}
	return verdict;
}

void pipeline_describe(const struct pipeline *p, const int wstatus[], char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < p->n && used < size; i++) {
		int w = wstatus[i], n;
		const char *sep = i ? ", " : "";
		if (WIFSIGNALED(w))
			n = snprintf(buf + used, size - used, "%s%s killed by signal %d (%s)", sep,
			             p->stage[i].name, WTERMSIG(w), strsignal(WTERMSIG(w)));
		else
			n = snprintf(buf + used, size - used, "%s%s %d", sep, p->stage[i].name,
			             WIFEXITED(w) ? WEXITSTATUS(w) : -1);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Bytes a word may hold and still need no quotes in any shell (a leading
 * '=' is zsh's path of a command). */
static bool is_plain(const char *w)
{
	if (!*w || *w == '=')
		return false;
	for (const char *c = w; *c; c++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		            "_@%+=:,./-",
		            *c))
			return false;
	return true;
}

static void print_word(const char *w, FILE *f)
{
	if (is_plain(w)) {
		fputs(w, f);
		return;
	}
	bool controls = false;
	for (const unsigned char *c = (const unsigned char *)w; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			controls = true;
	if (!controls) {
		fputc('\'', f);
		for (const char *c = w; *c; c++) {
			if (*c == '\'')
				fputs("'\\''", f);
			else
				fputc(*c, f);
		}
		fputc('\'', f);
		return;
	}
	fputs("$'", f);
	for (const unsigned char *c = (const unsigned char *)w; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\x%02x", *c);
		else if (*c == '\'' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else
			fputc(*c, f);
	}
	fputc('\'', f);
}

int pipeline_print(const struct pipeline *p, FILE *f)
{
	for (int i = 0; i < p->n; i++) {
		if (i)
			fputs(" | ", f);
		for (size_t a = 0; a < p->stage[i].argc; a++) {
			if (a)
				fputc(' ', f);
			print_word(p->stage[i].argv[a], f);
		}
	}
	if (p->redirect) {
		fputs(" > ", f);
		print_word(p->redirect, f);
	}
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}
