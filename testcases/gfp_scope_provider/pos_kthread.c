// SPDX-License-Identifier: GPL-2.0-only
/* Thread-long scopes: kjournald2 discards the cookie, a thread started with
 * kthread_run() keeps its scope until it returns. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct task_struct *kthread_run(int (*fn)(void *), void *data, const char *name);
bool kthread_should_stop(void);

int kjournald2(void *arg)
{
	memalloc_nofs_save();
	while (!kthread_should_stop())
		kfree(kmalloc(64, GFP_KERNEL));
	return 0;
}

static int scrub_thread(void *arg)
{
	unsigned int nofs = memalloc_nofs_save();

	while (!kthread_should_stop())
		kfree(kmalloc(64, GFP_KERNEL));
	return 0;
}

void start_scrub(void)
{
	kthread_run(scrub_thread, NULL, "scrub");
}
