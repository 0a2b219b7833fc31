/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_FOOFS_H
#define _LINUX_FOOFS_H
#include <linux/slab.h>

#define FOOFS_GFP (GFP_NOFS | __GFP_ZERO)
#define FOOFS_ALLOC(n) kmalloc((n), GFP_NOFS)

#endif
