/* SPDX-License-Identifier: GPL-2.0-only */
#include "../gfpscope_shim.h"
