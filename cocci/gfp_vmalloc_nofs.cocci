// SPDX-License-Identifier: GPL-2.0-only
/// Find GFP_NOFS/GFP_NOIO passed to vmalloc and kvmalloc on kernels older
/// than v5.17, which do not honour them.
///
/// Before v5.17, __vmalloc() and its variants allocated their page tables
/// with GFP_KERNEL whatever the caller passed, so a GFP_NOFS or GFP_NOIO
/// vmalloc could still recurse into the filesystem or the block layer and
/// deadlock; kvmalloc() and its variants did not support such masks at all
/// (older kernels warned and used vmalloc anyway, later ones silently left
/// out the vmalloc fallback). Commits 451769ebb7e7 ("mm/vmalloc: alloc
/// GFP_NO{FS,IO} for vmalloc") and a421ef303008 ("mm: allow !GFP_KERNEL
/// allocations for kvmalloc"), both in v5.17, made them honour the mask
/// through the scope API. On an older tree, allocate with GFP_KERNEL inside
/// memalloc_nofs_save()/memalloc_nofs_restore() (memalloc_noio_save() for
/// GFP_NOIO), opened where the lock or transaction that needs it is taken,
/// or use plain GFP_KERNEL if NOFS/NOIO is not needed there. From v5.17 on
/// these calls are correct and nothing is reported.
//
// Confidence: High on trees older than v5.17; the rule reports nothing on
//   v5.17 and later.
// Copyright: (C) 2026 gfpscope authors
// Comments: The allocators checked are __vmalloc, __vmalloc_node,
//   __vmalloc_node_range, __vmalloc_array, __vcalloc, vmalloc_huge and the
//   kvmalloc family (kvmalloc, kvzalloc, kvcalloc, kvmalloc_array, their
//   _node variants, kvrealloc, kvmemdup); the mm-internal *_noprof names
//   are not. The kernel version comes from -D kernel_version=X.Y when given
//   (the gfpscope driver passes it). Otherwise (make coccicheck passes no
//   such option) it is read from VERSION and PATCHLEVEL in the top-level
//   Makefile of the tree that holds each file: the first Makefile that has
//   both, walking up from the file's real directory. If the version cannot
//   be told, the rule assumes the newest kernel and reports nothing.
//   Masks in a variable (gfp_t gfp = GFP_NOFS; kvmalloc(n, gfp)) are not
//   seen; GFP_KERNEL & ~__GFP_FS is. Report, org and context modes; no patch
//   mode (the right place for the scope is where the lock is taken).
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import os
import re
import sys

FIXED = (5, 17)
GIVEN = [None]      # -D kernel_version=X.Y
TREES = {}          # directory -> (version, Makefile) or None
BAD = set()
MODE = ['report']

def parse_version(v):
    m = re.match(r'^\s*v?(\d+)\.(\d+)', v)
    return (int(m.group(1)), int(m.group(2))) if m else None

def makefile_version(path):
    try:
        with open(path, errors='replace') as f:
            head = f.read(4096)
    except OSError:
        return None
    v = re.search(r'^VERSION\s*=\s*(\d+)\s*$', head, re.M)
    pl = re.search(r'^PATCHLEVEL\s*=\s*(\d+)\s*$', head, re.M)
    if v and pl:
        return (int(v.group(1)), int(pl.group(1)))
    return None

def tree_version(path):
    """(version, Makefile) of the kernel tree holding path, or None."""
    d = os.path.dirname(os.path.realpath(path))
    walked = []
    found = None
    while True:
        if d in TREES:
            found = TREES[d]
            break
        walked.append(d)
        mk = os.path.join(d, 'Makefile')
        v = makefile_version(mk)
        if v:
            found = (v, mk)
            break
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    for w in walked:
        TREES[w] = found
    return found

def version_of(path):
    """(version, where it comes from), or (None, None)."""
    if GIVEN[0]:
        return GIVEN[0], '-D kernel_version'
    found = tree_version(path)
    if found:
        return found[0], 'the top-level Makefile'
    return None, None

def key(p):
    return (p[0].file, p[0].line, p[0].column)

def check(p, f, mask, shown):
    ver, where = version_of(p[0].file)
    if ver is None or ver >= FIXED or key(p) in BAD:
        return
    BAD.add(key(p))
    if MODE[0] == 'context':
        return
    scope = ('memalloc_nofs_save()/memalloc_nofs_restore()' if mask == 'GFP_NOFS'
             else 'memalloc_noio_save()/memalloc_noio_restore()')
    if f.startswith('kv'):
        why = ('kvmalloc() and its variants do not support %s before v5.17 (no vmalloc '
               'fallback, or one that ignores the mask)' % mask)
    else:
        why = ('vmalloc ignores %s before v5.17 (its page tables are allocated with '
               'GFP_KERNEL), so this can recurse into the %s' %
               (mask, 'filesystem' if mask == 'GFP_NOFS' else 'block layer'))
    emit(p[0], "%s() with %s on Linux %d.%d (from %s): %s: allocate with GFP_KERNEL "
         "inside %s taken where the lock or transaction is taken, or use plain "
         "GFP_KERNEL if %s is not needed here"
         % (f, shown, ver[0], ver[1], where, why, scope, mask))

def emit(p, msg):
    if MODE[0] == 'org':
        coccilib.org.print_todo(p, msg)
    else:
        coccilib.report.print_report(p, msg)

// Only files that call one of these with a NOFS/NOIO mask are parsed: the
// rules below depend on these two, whose tokens spatch greps for.
@gate_f@
symbol __vmalloc, __vmalloc_node, __vmalloc_node_range, __vmalloc_array,
       __vcalloc, vmalloc_huge, kvmalloc, kvzalloc, kvmalloc_node,
       kvzalloc_node, kvcalloc, kvcalloc_node, kvmalloc_array,
       kvmalloc_array_node, kvrealloc, kvmemdup;
@@
\(__vmalloc\|__vmalloc_node\|__vmalloc_node_range\|__vmalloc_array\|__vcalloc\|vmalloc_huge\|kvmalloc\|kvzalloc\|kvmalloc_node\|kvzalloc_node\|kvcalloc\|kvcalloc_node\|kvmalloc_array\|kvmalloc_array_node\|kvrealloc\|kvmemdup\)

@gate_g@
symbol GFP_NOFS, GFP_NOIO, __GFP_FS, __GFP_IO;
@@
\(GFP_NOFS\|GFP_NOIO\|__GFP_FS\|__GFP_IO\)

@script:python depends on gate_f && gate_g && org@
@@
MODE[0] = 'org'

@script:python depends on gate_f && gate_g && context@
@@
MODE[0] = 'context'

@script:python depends on gate_f && gate_g@
kv << virtual.kernel_version;
@@
GIVEN[0] = parse_version(kv)
if GIVEN[0] is None:
    sys.stderr.write("gfp_vmalloc_nofs: cannot read kernel_version=%s (want X.Y); using the tree's Makefile\n" % kv)

@r depends on gate_f && gate_g && (report || org || context)@
identifier f = {__vmalloc, __vmalloc_node, __vmalloc_node_range,
                __vmalloc_array, __vcalloc, vmalloc_huge, kvmalloc,
                kvzalloc, kvmalloc_node, kvzalloc_node, kvcalloc,
                kvcalloc_node, kvmalloc_array, kvmalloc_array_node,
                kvrealloc, kvmemdup};
identifier g = {GFP_NOFS, GFP_NOIO};
position p;
@@
f@p(..., <+... g ...+>, ...)

@script:python@
p << r.p;
f << r.f;
g << r.g;
@@
check(p, f, g, g)

@rc depends on gate_f && gate_g && (report || org || context)@
identifier f = {__vmalloc, __vmalloc_node, __vmalloc_node_range,
                __vmalloc_array, __vcalloc, vmalloc_huge, kvmalloc,
                kvzalloc, kvmalloc_node, kvzalloc_node, kvcalloc,
                kvcalloc_node, kvmalloc_array, kvmalloc_array_node,
                kvrealloc, kvmemdup};
identifier g = {__GFP_FS, __GFP_IO};
position p;
@@
f@p(..., <+... ~g ...+>, ...)

@script:python@
p << rc.p;
f << rc.f;
g << rc.g;
@@
check(p, f, 'GFP_NOFS' if g == '__GFP_FS' else 'GFP_NOIO', '~' + g)

@ctx depends on gate_f && gate_g && context@
identifier f;
position p : script:python() { key(p) in BAD };
@@
* f@p(...)
// Patch mode has nothing to change; this keeps spatch -D patch (and make
// coccicheck MODE=patch) from failing with "No rules apply".
@script:python depends on gate_f && gate_g && patch@
@@
pass
