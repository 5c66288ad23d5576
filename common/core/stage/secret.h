/* secret: the per-scan key that makes validation stateless.
 * A key file is one line of hex, at least 128 bits, mode 0600: a user can
 * make one with `openssl rand -hex 16 > scan.key; chmod 600 scan.key`. A
 * file readable by group or others is refused. The MAC of a probe is
 * SipHash-2-4 (libsodium) over (target address, target port, source
 * address); sender and receiver compute it alike, no state in between. */
#ifndef ZSCAN_CORE_SECRET_H
#define ZSCAN_CORE_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr/ipaddr.h"
#include "util/zerr.h"

#define SECRET_MIN_BYTES 16
#define SECRET_MAX_BYTES 64

struct secret {
	uint8_t siphash_key[16]; /* the key itself if 16 bytes, else BLAKE2b-128 of it */
	char fingerprint[17];    /* 64 bits of BLAKE2b of the key, hex: safe to print */
};

/* Loads and checks a key file: a regular file (a FIFO, device or
 * directory is refused at once, never read or waited on) owned by the
 * caller's effective user or root, mode 0600 or stricter, one line of hex.
 * Errors name the file and what is wrong. */
int secret_load(const char *path, struct secret *s, struct zerr *e);

/* The same on an open descriptor (path names it in errors), and the file
 * checks alone. */
int secret_read_fd(int fd, const char *path, struct secret *s, struct zerr *e);
int secret_check_fd(int fd, const char *path, struct zerr *e);

/* Writes a fresh random 128-bit key to path, mode 0600, atomically (a
 * temporary file renamed into place), so a reader never sees half a key.
 * Fails if path exists. */
int secret_create(const char *path, struct secret *s, struct zerr *e);

/* A fresh random key kept in memory only (for --dryrun without -k). */
int secret_random(struct secret *s, struct zerr *e);

/* The 64-bit MAC of one probe; all addresses host order. */
uint64_t secret_mac(const struct secret *s, uint32_t daddr, uint16_t dport, uint32_t saddr);

/* The same for an IPv6 probe: SipHash-2-4 over (target address, target
 * port, source address), 34 bytes. */
uint64_t secret_mac6(const struct secret *s, struct ipaddr daddr, uint16_t dport,
                     struct ipaddr saddr);

#endif
