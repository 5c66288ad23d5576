/* addrsort: sorting addresses by radix, for hitlists of millions: a pass
 * per byte that differs anywhere in the list, instead of n log n calls of
 * a comparison (a 10 M-line IPv6 hitlist spent a third of its reading time
 * in qsort). */
#ifndef ZSCAN_CORE_ADDRSORT_H
#define ZSCAN_CORE_ADDRSORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr/ipaddr.h"

/* Sort ascending, in place. 0, or -1 (out of memory: nothing moved). */
int addrsort_v4(uint32_t *a, size_t n);
int addrsort_v6(struct ipaddr *a, size_t n);

#endif
