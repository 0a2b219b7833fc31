// SPDX-License-Identifier: GPL-2.0-only
/* Scopes meant to outlive their function are not unbalanced (the provider
 * rule lists them): a cookie stored in a field, a cookie returned inside an
 * expression, and a kernel thread started in this file that keeps its scope
 * until it returns. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct task_struct *kthread_run(int (*fn)(void *), void *data, const char *name);
bool kthread_should_stop(void);

struct lock {
	unsigned int saved;
};

void lock_nofs(struct lock *l)
{
	l->saved = memalloc_nofs_save();
}

unsigned long lock_noio_tagged(int tag)
{
	unsigned int cookie = memalloc_noio_save();

	return ((unsigned long)tag << 32) | cookie;
}

static int flusher(void *arg)
{
	unsigned int noio = memalloc_noio_save();

	while (!kthread_should_stop())
		kfree(kmalloc(64, GFP_KERNEL));
	return 0;
}

void start_flusher(void)
{
	kthread_run(flusher, NULL, "flusher");
}
