// SPDX-License-Identifier: GPL-2.0-only
/// Find GFP_NOIO in filesystem code, for review.
///
/// GFP_NOIO forbids reclaim from starting any I/O, which is what the block
/// layer needs while it is itself doing I/O. Filesystem code usually only
/// needs reclaim to stay out of the filesystem: GFP_NOFS, or better a
/// memalloc_nofs_save() scope where the lock or transaction is taken.
/// GFP_NOIO there makes reclaim weaker than it has to be. Keep it only where
/// the path issues block I/O that reclaim could wait on.
//
// Confidence: Moderate: some filesystem paths (swap files, loop-like block
//   I/O, log writes that reclaim can wait on) do need GFP_NOIO; every site
//   is a review item, not a bug.
// Copyright: (C) 2026 gfpscope authors
// Comments: A file is filesystem code when its path relative to the kernel
//   tree starts with fs/. The tree is the directory of the first Makefile
//   with VERSION and PATCHLEVEL lines, walking up from the file's real
//   directory, so .../fs/... outside a kernel tree, or a tree kept under
//   some directory called fs, is not taken for fs/. Without such a Makefile
//   the path as given is used (cwd is the tree with make coccicheck and the
//   gfpscope driver): fs/x.c and ./fs/x.c are filesystem code, absolute
//   paths are not. Report, org and context modes; no patch mode (the right
//   mask, or scope, depends on the path).
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import os
import re

TREES = {}          # directory -> tree root, or None
FS = {}             # file -> is filesystem code
BAD = set()
MODE = ['report']
MSG = ("GFP_NOIO in filesystem code: filesystems usually need GFP_NOFS (or a "
       "memalloc_nofs scope); keep NOIO only if this path issues block I/O that "
       "reclaim could wait on")

def is_tree_root(d):
    try:
        with open(os.path.join(d, 'Makefile'), errors='replace') as f:
            head = f.read(4096)
    except OSError:
        return False
    return (re.search(r'^VERSION\s*=\s*\d+\s*$', head, re.M) is not None and
            re.search(r'^PATCHLEVEL\s*=\s*\d+\s*$', head, re.M) is not None)

def tree_root(path):
    d = os.path.dirname(os.path.realpath(path))
    walked = []
    root = None
    while True:
        if d in TREES:
            root = TREES[d]
            break
        walked.append(d)
        if is_tree_root(d):
            root = d
            break
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    for w in walked:
        TREES[w] = root
    return root

def in_fs(path):
    if path not in FS:
        root = tree_root(path)
        if root is not None:
            rel = os.path.relpath(os.path.realpath(path), root)
        elif not os.path.isabs(path):
            rel = os.path.normpath(path)
        else:
            rel = ''
        FS[path] = rel.replace(os.sep, '/').startswith('fs/')
    return FS[path]

def key(p):
    return (p[0].file, p[0].line, p[0].column)

def emit(p, msg):
    if MODE[0] == 'org':
        coccilib.org.print_todo(p, msg)
    else:
        coccilib.report.print_report(p, msg)

@r@
symbol GFP_NOIO;
position p;
@@
GFP_NOIO@p

@script:python depends on r && org@
@@
MODE[0] = 'org'

@script:python depends on r && context@
@@
MODE[0] = 'context'

@script:python depends on report || org || context@
p << r.p;
@@
if in_fs(p[0].file) and key(p) not in BAD:
    BAD.add(key(p))
    if MODE[0] != 'context':
        emit(p[0], MSG)

@ctx depends on context@
position p : script:python() { key(p) in BAD };
@@
* GFP_NOIO@p

// Patch mode has nothing to change; this keeps spatch -D patch (and make
// coccicheck MODE=patch) from failing with "No rules apply".
@script:python depends on r && patch@
@@
pass
