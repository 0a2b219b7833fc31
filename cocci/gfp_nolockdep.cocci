// SPDX-License-Identifier: GPL-2.0-only
/// Count GFP_KERNEL | __GFP_NOLOCKDEP masks as already converted.
///
/// A function that is called both inside and outside a NOFS scope cannot
/// pass GFP_NOFS (too weak outside the scope) and with GFP_KERNEL lockdep
/// reports a false reclaim recursion when it runs outside one. The upstream
/// idiom (xfs) is GFP_KERNEL | __GFP_NOLOCKDEP: the scope, where there is
/// one, removes __GFP_FS, and lockdep leaves the reclaim dependency alone.
/// Such a site is already converted to the scope API and needs nothing;
/// this rule prints one informational line per site so that the gfpscope
/// driver can count the conversions.
//
// Confidence: High: the mask is written out in the call or assignment;
//   GFP_KERNEL & ~__GFP_FS | __GFP_NOLOCKDEP (a NOFS mask) is not counted.
// Copyright: (C) 2026 gfpscope authors
// Comments: One line per __GFP_NOLOCKDEP token in an or-ed mask that also
//   holds GFP_KERNEL, in any order and with other flags. Report and org
//   modes only: there is nothing to change or to look at.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import re

SEEN = set()
MODE = ['report']
MSG = ("GFP_KERNEL | __GFP_NOLOCKDEP: already converted (called both inside and "
       "outside a scope); nothing to do")

def converted(mask):
    """An or-ed mask of flags (no calls) with GFP_KERNEL and __GFP_NOLOCKDEP
    that does not drop __GFP_FS/__GFP_IO."""
    return (re.search(r'\b__GFP_NOLOCKDEP\b', mask) is not None and
            re.search(r'\bGFP_KERNEL\b', mask) is not None and
            re.search(r'[~&]', mask) is None and
            re.search(r'\w\s*\(', mask) is None)

def count(p):
    k = (p[0].file, p[0].line, p[0].column)
    if k not in SEEN:
        SEEN.add(k)
        if MODE[0] == 'org':
            coccilib.org.print_todo(p[0], MSG)
        else:
            coccilib.report.print_report(p[0], MSG)

@has@
symbol __GFP_NOLOCKDEP;
@@
__GFP_NOLOCKDEP

@script:python depends on has && org@
@@
MODE[0] = 'org'

// The whole mask: an argument, an assigned or initial value, a return value.
@r depends on has && (report || org)@
expression E : script:python() { converted(E) };
expression x;
identifier f;
position p;
@@
(
f(..., E@p, ...)
|
x = E@p
)

@script:python depends on report || org@
p << r.p;
@@
count(p)

@rd depends on has && (report || org)@
expression E : script:python() { converted(E) };
identifier y;
type T;
position p;
@@
T y = E@p;

@script:python depends on report || org@
p << rd.p;
@@
count(p)

@rr depends on has && (report || org)@
expression E : script:python() { converted(E) };
position p;
@@
return E@p;

@script:python depends on report || org@
p << rr.p;
@@
count(p)

// Patch and context modes have nothing to change or show; this keeps
// spatch -D patch (and make coccicheck MODE=patch) from failing with
// "No rules apply".
@script:python depends on has && (patch || context)@
@@
pass
