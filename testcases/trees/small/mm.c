// SPDX-License-Identifier: GPL-2.0-only
#include <linux/gfp.h>

#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)

gfp_t top_level_gfp(void)
{
	return GFP_NOFS;
}
