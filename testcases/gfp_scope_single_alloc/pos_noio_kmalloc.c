// SPDX-License-Identifier: GPL-2.0-only
/* Positive: the noio variant, around a single allocation. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct foo_card {
	unsigned int *blocks;
};

int foo_card_read_blocks(struct foo_card *card, size_t resp_sz)
{
	unsigned int noio_flag;

	noio_flag = memalloc_noio_save();
	card->blocks = kmalloc(resp_sz, GFP_KERNEL);
	memalloc_noio_restore(noio_flag);
	return card->blocks ? 0 : -ENOMEM;
}
