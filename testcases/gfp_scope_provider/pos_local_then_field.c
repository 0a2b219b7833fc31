// SPDX-License-Identifier: GPL-2.0-only
/* Scope provider, cifs style: the cookie goes through a local into a field;
 * the unlock side reads it back into a local and restores that. */
#include <linux/slab.h>
#include <linux/sched/mm.h>

struct TCP_Server_Info {
	struct mutex _srv_mutex;
	unsigned int nofs_flag;
};

static inline void cifs_server_lock(struct TCP_Server_Info *server)
{
	unsigned int nofs_flag = memalloc_nofs_save();

	mutex_lock(&server->_srv_mutex);
	server->nofs_flag = nofs_flag;
}

static inline void cifs_server_unlock(struct TCP_Server_Info *server)
{
	unsigned int nofs_flag = server->nofs_flag;

	mutex_unlock(&server->_srv_mutex);
	memalloc_nofs_restore(nofs_flag);
}
