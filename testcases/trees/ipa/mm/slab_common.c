// SPDX-License-Identifier: GPL-2.0-only
/* kfree() is a function, as in the kernel: a call in its argument runs before it does.
 * A name the tree does not define may be a macro that runs its argument after it ends
 * a scope, so a call in its argument would not be covered. */
#include <linux/slab.h>

void kfree(const void *p)
{
}
