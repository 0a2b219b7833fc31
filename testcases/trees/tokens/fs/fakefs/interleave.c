// SPDX-License-Identifier: GPL-2.0-only
/* A handle type like tokfs's, but one function restores an older cookie while a handle
 * it started is live: the handle outlives its scope there, so the type is no token. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct ilv_trans {
	unsigned long saved;
	int flags;
};

void ilv_start(struct ilv_trans *h)
{
	h->saved = memalloc_nofs_save();
}

void ilv_stop(struct ilv_trans *h)
{
	memalloc_nofs_restore(h->saved);
}

struct ilv_trans *ilv_new(void)
{
	struct ilv_trans *h = kzalloc(sizeof(*h), GFP_KERNEL);

	ilv_start(h);
	return h;
}

void ilv_free(struct ilv_trans *h)
{
	ilv_stop(h);
	kfree(h);
}

void *ilv_work(struct ilv_trans *h)
{
	h->flags |= 1;
	return kmalloc(8, GFP_NOFS);
}

/* a handle that may be NULL: not known valid, keep under whatif's assumption too */
void *ilv_maybe(struct ilv_trans *h)
{
	if (h)
		h->flags |= 2;
	return kmalloc(8, GFP_NOFS);
}

/* ilv_work()'s shape, but a work item reaches it with the handle its job holds: another
 * task's handle, keep under whatif's assumption too */
struct work_struct {		/* as tokfs.h has it: the shim only declares it */
	void (*func)(struct work_struct *work);
};
#define INIT_WORK(w, f) ((w)->func = (f))

struct ilv_job {
	struct work_struct work;
	struct ilv_trans *h;
};

void *ilv_deferred(struct ilv_trans *h)
{
	h->flags |= 4;
	return kmalloc(8, GFP_NOFS);
}

static void ilv_worker(struct work_struct *work)
{
	struct ilv_job *job = (struct ilv_job *)work;

	kfree(ilv_deferred(job->h));
}

void ilv_queue(struct ilv_job *job, struct ilv_trans *h)
{
	job->h = h;
	INIT_WORK(&job->work, ilv_worker);
}

void ilv_interleaved(void)
{
	unsigned int c = memalloc_nofs_save();
	struct ilv_trans *h = ilv_new();

	memalloc_nofs_restore(c);
	kfree(ilv_work(h));
	kfree(ilv_maybe(h));
	ilv_free(h);
}
