/* secret: key files and the probe MAC. */
#include "core/stage/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/readfile.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void derive(struct secret *s, const uint8_t *key, size_t len)
{
	uint8_t fp[8];
	if (len == sizeof s->siphash_key)
		memcpy(s->siphash_key, key, len);
	else
		crypto_generichash(s->siphash_key, sizeof s->siphash_key, key, len, NULL, 0);
	crypto_generichash(fp, sizeof fp, key, len, (const uint8_t *)"zscan-fp", 8);
	for (int i = 0; i < 8; i++)
		snprintf(s->fingerprint + 2 * i, 3, "%02x", fp[i]);
}

int secret_check_fd(int fd, const char *path, struct zerr *e)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return zerr_set(e, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return zerr_set(e, "%s: %s, not a key file", path, readfile_kind(st.st_mode));
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return zerr_set(e,
		                "%s: owned by uid %u, not by you (uid %u) or root: whoever owns a "
		                "key can change it",
		                path, (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & 077)
		return zerr_set(e, "%s: mode %04o lets group or others read the key; chmod 600 it",
		                path, (unsigned)(st.st_mode & 07777));
	return 0;
}

int secret_read_fd(int fd, const char *path, struct secret *s, struct zerr *e)
{
	if (sodium_init() < 0)
		return zerr_set(e, "libsodium cannot initialise");
	if (secret_check_fd(fd, path, e) < 0)
		return -1;
	char text[2 * SECRET_MAX_BYTES + 8];
	/* one byte more than a key's line can be: a longer file is refused */
	ssize_t n = read(fd, text, sizeof text - 1);
	if (n < 0)
		return zerr_set(e, "%s: %s", path, strerror(errno));
	text[n] = '\0';
	size_t len = (size_t)n;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	uint8_t key[SECRET_MAX_BYTES];
	if (len < 2 * SECRET_MIN_BYTES || len > 2 * SECRET_MAX_BYTES || len % 2)
		return zerr_set(e, "%s: want one line of %d to %d hex digits (128 to 512 bits)",
		                path, 2 * SECRET_MIN_BYTES, 2 * SECRET_MAX_BYTES);
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval(text[i]), lo = hexval(text[i + 1]);
		if (hi < 0 || lo < 0)
			return zerr_set(e, "%s: '%c' at column %zu is not a hex digit", path,
			                hi < 0 ? text[i] : text[i + 1], hi < 0 ? i + 1 : i + 2);
		key[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	derive(s, key, len / 2);
	sodium_memzero(key, sizeof key);
	sodium_memzero(text, sizeof text);
	return 0;
}

int secret_load(const char *path, struct secret *s, struct zerr *e)
{
	/* O_NONBLOCK: a FIFO planted at the path is refused, not waited on */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return zerr_set(e, "%s: %s", path, strerror(errno));
	int rc = secret_read_fd(fd, path, s, e);
	close(fd);
	return rc;
}

int secret_create(const char *path, struct secret *s, struct zerr *e)
{
	if (sodium_init() < 0)
		return zerr_set(e, "libsodium cannot initialise");
	uint8_t key[SECRET_MIN_BYTES];
	char text[2 * SECRET_MIN_BYTES + 2], tmp[PATH_MAX];
	randombytes_buf(key, sizeof key);
	for (size_t i = 0; i < sizeof key; i++)
		snprintf(text + 2 * i, 3, "%02x", key[i]);
	text[2 * sizeof key] = '\n';
	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return zerr_set(e, "%s: path too long", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return zerr_set(e, "%s: %s", tmp, strerror(errno));
	ssize_t w = write(fd, text, 2 * sizeof key + 1);
	int ok = w == (ssize_t)(2 * sizeof key + 1) && fsync(fd) == 0;
	int saved = errno;
	ok = close(fd) == 0 && ok;
	/* link() fails if path exists: an earlier scan's key is never replaced */
	if (!ok || link(tmp, path) < 0) {
		saved = ok ? errno : saved;
		unlink(tmp);
		return zerr_set(e, "%s: %s", path, strerror(saved));
	}
	unlink(tmp);
	derive(s, key, sizeof key);
	sodium_memzero(key, sizeof key);
	sodium_memzero(text, sizeof text);
	return 0;
}

int secret_random(struct secret *s, struct zerr *e)
{
	if (sodium_init() < 0)
		return zerr_set(e, "libsodium cannot initialise");
	uint8_t key[SECRET_MIN_BYTES];
	randombytes_buf(key, sizeof key);
	derive(s, key, sizeof key);
	sodium_memzero(key, sizeof key);
	return 0;
}

uint64_t secret_mac(const struct secret *s, uint32_t daddr, uint16_t dport, uint32_t saddr)
{
	uint8_t in[10] = {(uint8_t)(daddr >> 24), (uint8_t)(daddr >> 16), (uint8_t)(daddr >> 8),
	                  (uint8_t)daddr,         (uint8_t)(dport >> 8),  (uint8_t)dport,
	                  (uint8_t)(saddr >> 24), (uint8_t)(saddr >> 16), (uint8_t)(saddr >> 8),
	                  (uint8_t)saddr};
	uint8_t out[8];
	crypto_shorthash_siphash24(out, in, sizeof in, s->siphash_key);
	uint64_t v;
	memcpy(&v, out, 8);
	return v;
}

uint64_t secret_mac6(const struct secret *s, struct ipaddr daddr, uint16_t dport,
                     struct ipaddr saddr)
{
	/* 34 bytes, unlike IPv4's 10: no input of one family is one of the other */
	uint8_t in[34];
	ipaddr_to_bytes(daddr, in);
	ipaddr_to_bytes(saddr, in + 18);
	in[16] = (uint8_t)(dport >> 8);
	in[17] = (uint8_t)dport;
	uint8_t out[8];
	crypto_shorthash_siphash24(out, in, sizeof in, s->siphash_key);
	uint64_t v;
	memcpy(&v, out, 8);
	return v;
}
