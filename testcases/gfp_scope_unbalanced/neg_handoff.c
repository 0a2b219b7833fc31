// SPDX-License-Identifier: GPL-2.0-only
/* Not bugs: a kernel thread whose scope is open for its whole never-ending
 * loop, and a cookie handed to a helper that ends the scope. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

void end_scope(unsigned int cookie);	/* restores cookie, elsewhere */

int worker_thread(void *arg)
{
	unsigned int flags = memalloc_nofs_save();

	for (;;)
		kfree(kmalloc(64, GFP_KERNEL));
}

int poll_thread(void *arg)
{
	unsigned int flags = memalloc_noio_save();

	while (1) {
		kfree(kmalloc(64, GFP_KERNEL));
		if (arg) {
			memalloc_noio_restore(flags);	/* the real exit */
			return -EINVAL;
		}
	}
	return 0;	/* never reached */
}

int one_shot(int n)
{
	unsigned int flags = memalloc_nofs_save();
	void *p = kmalloc(n, GFP_KERNEL);

	end_scope(flags);
	if (!p)
		return -ENOMEM;
	kfree(p);
	return 0;
}
