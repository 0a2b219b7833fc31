// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scope providers, as jbd2 and ext4 have them: a start that keeps the
 * cookie in a struct field and may fail, a wrapper that returns the
 * handle or an ERR_PTR, a wrapper that has a path with no journal (no
 * scope: ext4's nojournal mode), and a pair that returns the cookie.
 */
#include "ipafs.h"

struct ipafs_handle {
	unsigned int saved_alloc_context;
	int credits;
};

static struct ipafs_handle ipafs_handles[4];
static int ipafs_journal_full;
static int ipafs_has_journal;

/* start_this_handle(): fails, or saves the cookie in the handle */
static int ipafs_start_this_handle(struct ipafs_handle *handle, int credits)
{
	if (ipafs_journal_full)
		return -ENOSPC;
	handle->credits = credits;
	handle->saved_alloc_context = memalloc_nofs_save();
	return 0;
}

static void ipafs_stop_this_handle(struct ipafs_handle *handle)
{
	handle->credits = 0;
	memalloc_nofs_restore(handle->saved_alloc_context);
}

/* jbd2__journal_start(): a start, because every success return is in scope */
static struct ipafs_handle *ipafs_journal_start(int credits)
{
	struct ipafs_handle *handle = &ipafs_handles[credits & 3];
	int err;

	err = ipafs_start_this_handle(handle, credits);
	if (err < 0)
		return ERR_PTR(err);
	return handle;
}

/* jbd2_journal_start(): a tail call to a start is a start of the same shape */
static struct ipafs_handle *ipafs_journal_start_tail(int credits)
{
	return ipafs_journal_start(credits);
}

void *ipafs_tx_tail(size_t n)
{
	struct ipafs_handle *handle;
	void *p;

	handle = ipafs_journal_start_tail(4);
	if (IS_ERR(handle))
		return handle;
	p = kmalloc(n, GFP_NOFS);
	ipafs_stop_this_handle(handle);
	return p;
}

static struct ipafs_handle *ipafs_current_handle;

/* jbd2__journal_start() with a nested handle: `if (h) return h;` is a success, with no scope */
static struct ipafs_handle *ipafs_journal_start_nested(int credits)
{
	struct ipafs_handle *handle = ipafs_current_handle;
	int err;

	if (handle)
		return handle;
	handle = &ipafs_handles[credits & 3];
	err = ipafs_start_this_handle(handle, credits);
	if (err < 0)
		return ERR_PTR(err);
	return handle;
}

void *ipafs_tx_nested(size_t n)
{
	struct ipafs_handle *handle;
	void *p;

	handle = ipafs_journal_start_nested(1);
	if (IS_ERR(handle))
		return handle;
	p = kmalloc(n, GFP_NOFS);
	ipafs_stop_this_handle(handle);
	return p;
}

static struct ipafs_handle *ipafs_get_nojournal(void)
{
	return &ipafs_handles[0];
}

/* __ext4_journal_start_sb(): not a start, the no-journal path opens no scope */
static struct ipafs_handle *ipafs_fs_journal_start(int credits)
{
	if (!ipafs_has_journal)
		return ipafs_get_nojournal();
	return ipafs_journal_start(credits);
}

/* ext4_writepages_down_read(): returns the cookie */
static int ipafs_writepages_down(void)
{
	return memalloc_nofs_save();
}

static void ipafs_writepages_up(int ctx)
{
	memalloc_nofs_restore(ctx);
}

static void *ipafs_tx_helper(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

static void ipafs_commit(struct ipafs_handle *handle)
{
	ipafs_stop_this_handle(handle);
}

static void *ipafs_tx_after_commit(size_t n)
{
	return kmalloc(n, GFP_NOFS);
}

void *ipafs_tx_user(size_t n)
{
	struct ipafs_handle *handle;
	void *p;

	handle = ipafs_journal_start(1);
	if (IS_ERR(handle))
		return handle;
	p = kmalloc(n, GFP_NOFS);
	kfree(ipafs_tx_helper(n));
	ipafs_stop_this_handle(handle);
	return p;
}

void *ipafs_tx_failpath(size_t n)
{
	struct ipafs_handle *handle;
	void *p = NULL;

	handle = ipafs_journal_start(2);
	if (IS_ERR(handle))
		goto out;
	ipafs_stop_this_handle(handle);
out:
	p = kzalloc(n, GFP_NOFS);
	return p;
}

void *ipafs_tx_nojournal(size_t n)
{
	struct ipafs_handle *handle;
	void *p;

	handle = ipafs_fs_journal_start(3);
	if (IS_ERR(handle))
		return handle;
	p = kcalloc(1, n, GFP_NOFS);
	ipafs_stop_this_handle(handle);
	return p;
}

void *ipafs_tx_stop_in_callee(size_t n)
{
	struct ipafs_handle *handle;

	handle = ipafs_journal_start(1);
	if (IS_ERR(handle))
		return handle;
	ipafs_commit(handle);
	return ipafs_tx_after_commit(n);
}

void *ipafs_cookie_user(size_t n)
{
	int ctx = ipafs_writepages_down();
	void *p = kmalloc_array(2, n, GFP_NOFS);

	ipafs_writepages_up(ctx);
	return p;
}

/*
 * A local scope inside a transaction, then a callee that ends the transaction:
 * ipafs_commit() restores the cookie from before the transaction, which clears
 * NOFS although the local save has not been restored yet (the scopes interleave
 * instead of nesting). The local save does not cover the allocation.
 */
void *ipafs_local_then_commit(size_t n)
{
	struct ipafs_handle *handle;
	unsigned int flags;
	void *p;

	handle = ipafs_journal_start(1);
	if (IS_ERR(handle))
		return handle;
	flags = memalloc_nofs_save();
	ipafs_commit(handle);
	p = kmalloc(n, GFP_NOFS);
	memalloc_nofs_restore(flags);
	return p;
}

/*
 * A start in a loop whose failure leaves the loop (xfs_alloc_file_space()): the
 * allocation after the test runs only after a start that succeeded.
 */
void ipafs_tx_loop(int n)
{
	struct ipafs_handle *handle;

	while (n-- > 0) {
		handle = ipafs_journal_start(1);
		if (IS_ERR(handle))
			break;
		kfree(kmalloc(16, GFP_NOFS));
		ipafs_stop_this_handle(handle);
	}
}

/* The twins: a failed start's break reaches the allocation after the loop it leaves ... */
void *ipafs_tx_break_after(size_t n)
{
	struct ipafs_handle *handle;
	void *p;

	do {
		handle = ipafs_journal_start(2);
		if (IS_ERR(handle))
			break;
		handle->credits++;
	} while (0);
	p = kmalloc(n, GFP_NOFS);
	if (!IS_ERR(handle))
		ipafs_stop_this_handle(handle);
	return p;
}

/* ... or after the switch it leaves */
void *ipafs_tx_switch_break(size_t n, int k)
{
	struct ipafs_handle *handle = NULL;
	void *p;

	switch (k) {
	case 1:
		handle = ipafs_journal_start(3);
		if (IS_ERR(handle)) {
			handle = NULL;
			break;
		}
		handle->credits++;
		break;
	default:
		return NULL;
	}
	p = kmalloc(n, GFP_NOFS);
	if (handle)
		ipafs_stop_this_handle(handle);
	return p;
}

/*
 * Not a start: its failure leaves the do-while by a break and returns 0, the success
 * value, so a caller's test of it cannot tell a failure, and nothing its caller does
 * after it is covered.
 */
static int ipafs_start_quiet(int credits)
{
	int err;

	do {
		err = ipafs_start_this_handle(&ipafs_handles[0], credits);
		if (err)
			break;
		ipafs_handles[0].credits++;
	} while (0);
	return 0;
}

void *ipafs_tx_quiet_user(size_t n)
{
	void *p;
	int err;

	err = ipafs_start_quiet(1);
	if (err)
		return NULL;
	p = kmalloc(n, GFP_NOFS);
	ipafs_stop_this_handle(&ipafs_handles[0]);
	return p;
}

static int ipafs_retries;

/* A start retried with fewer credits on one error, then tested once (xfs_rename()) */
void *ipafs_tx_retry(size_t n)
{
	struct ipafs_handle *handle = &ipafs_handles[1];
	void *p;
	int err;

	err = ipafs_start_this_handle(handle, 8);
	if (err == -ENOSPC) {
		ipafs_retries++;
		err = ipafs_start_this_handle(handle, 0);
	}
	if (err)
		return NULL;
	p = kmalloc(n, GFP_NOFS);
	ipafs_stop_this_handle(handle);
	return p;
}

/* The twins: the retry forgets the error instead of starting again ... */
void *ipafs_tx_retry_reset(size_t n)
{
	struct ipafs_handle *handle = &ipafs_handles[1];
	void *p;
	int err;

	err = ipafs_start_this_handle(handle, 8);
	if (err == -ENOSPC) {
		ipafs_retries++;
		err = 0;
	}
	if (err)
		return NULL;
	p = kmalloc(n, GFP_NOFS);
	ipafs_stop_this_handle(handle);
	return p;
}

/* ... or starts again only on one branch */
void *ipafs_tx_retry_branch(size_t n, int k)
{
	struct ipafs_handle *handle = &ipafs_handles[1];
	void *p;
	int err;

	err = ipafs_start_this_handle(handle, 8);
	if (err == -ENOSPC) {
		ipafs_retries++;
		if (k)
			err = ipafs_start_this_handle(handle, 0);
		else
			err = 0;
	}
	if (err)
		return NULL;
	p = kmalloc(n, GFP_NOFS);
	ipafs_stop_this_handle(handle);
	return p;
}
