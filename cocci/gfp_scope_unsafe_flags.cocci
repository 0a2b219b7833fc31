// SPDX-License-Identifier: GPL-2.0-only
/// Find memalloc_flags_save() scopes with task flags that are not safe to
/// apply to every allocation nested in the scope.
///
/// A scope changes the gfp mask of every allocation made inside it, down the
/// whole call chain, including allocations the caller does not control.
/// Only flags that make reclaim more constrained, or that change neither the
/// failure nor the reclaim semantic, are safe there (Michal Hocko, linux-mm,
/// 28 Aug 2024): PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO and PF_MEMALLOC are.
/// A scope that clears direct reclaim, or sets NOFAIL, RETRY_MAYFAIL,
/// NORETRY, COMP or THISNODE breaks nested allocations that rely on the
/// opposite: a nested __GFP_NOFAIL allocation would fail, a nested
/// GFP_NOWAIT/GFP_ATOMIC one would sleep, a nested high order one would get
/// the wrong page tracking. Pass such flags to the allocations that need
/// them instead of scoping them.
//
// Confidence: High for the flags in the table below (the verdicts follow
//   Hocko's per-flag analysis); flags that are not in the table are
//   reported as "not known to be safe", for review; a flags argument that
//   is not a PF_ constant is reported as unchecked.
// Copyright: (C) 2026 gfpscope authors
// Comments: The table of flags is the dict FLAGS in the initialize rule,
//   with the reason for each verdict; the reason is printed in the report.
//   Besides the three above, PF_MEMALLOC_PIN counts as safe: it is what
//   mainline's memalloc_pin_save() sets, and it only drops __GFP_MOVABLE.
//   PF_MEMALLOC_NORECLAIM and PF_MEMALLOC_NOWARN (bcachefs, 2024) are not in
//   v6.12; they are in the table for trees and patches that have them.
//   memalloc_flags_do(flags, expr) (bcachefs) is checked like
//   memalloc_flags_save(). Report, org and context modes; no patch mode.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import re

# Verdict and reason for each task flag a scope may set. "safe" flags are
# not reported. The reasons condense Michal Hocko's analysis of each gfp
# flag's compatibility with a scope (linux-mm, 28 Aug 2024, "Re: [PATCH]
# bcachefs: Switch to memalloc_flags_do() for vmalloc allocations").
FLAGS = {
    'PF_MEMALLOC_NOFS': ('safe',
        'drops __GFP_FS: reclaim gets more constrained, the failure semantic '
        'does not change, compatible with every nested gfp mask'),
    'PF_MEMALLOC_NOIO': ('safe',
        'drops __GFP_IO: reclaim gets more constrained, the failure semantic '
        'does not change, compatible with every nested gfp mask'),
    'PF_MEMALLOC': ('safe',
        'scoped __GFP_MEMALLOC: access to the memory reserves without changing '
        'the allocation or reclaim semantic (but unbounded: only to guarantee '
        'forward progress of reclaim)'),
    'PF_MEMALLOC_PIN': ('safe',
        'what memalloc_pin_save() sets: only drops __GFP_MOVABLE (placement), '
        'the failure and reclaim semantic do not change'),
    'PF_MEMALLOC_NORECLAIM': ('unsafe',
        'clears __GFP_DIRECT_RECLAIM: __GFP_NOFAIL does not support requests '
        'without direct reclaim, so any nested NOFAIL allocation would see an '
        'unexpected and potentially unhandled failure'),
    'PF_MEMALLOC_NOWARN': ('unsafe',
        'not a mainline flag (proposed with PF_MEMALLOC_NORECLAIM for bcachefs '
        'in 2024, not in v6.12): __GFP_NOWARN itself would be safe to scope, '
        'but the kernel provides no such scope'),
    'PF_MEMALLOC_NOFAIL': ('unsafe',
        'sets __GFP_NOFAIL: incompatible with nested GFP_NOWAIT/GFP_ATOMIC '
        'allocations, and nested allocations that have a failure path would '
        'never fail'),
    'PF_MEMALLOC_RETRY_MAYFAIL': ('unsafe',
        'sets __GFP_RETRY_MAYFAIL: changes the failure mode, fundamentally '
        'incompatible with nested __GFP_NOFAIL allocations'),
    'PF_MEMALLOC_NORETRY': ('unsafe',
        'sets __GFP_NORETRY: changes the failure mode, fundamentally '
        'incompatible with nested __GFP_NOFAIL allocations'),
    'PF_MEMALLOC_COMP': ('unsafe',
        'sets __GFP_COMP: changes the tail page tracking and would break any '
        'nested high order request made without it'),
    'PF_MEMALLOC_THISNODE': ('unsafe',
        'sets __GFP_THISNODE: an allocator-internal NUMA placement flag that '
        'changes the failure semantic'),
    'PF_MEMALLOC_NOKSWAPD': ('unsafe',
        'clears __GFP_KSWAPD_RECLAIM: kswapd would not be woken up and the MM '
        'could be left in an unbalanced state'),
}

ADVICE = {
    'unsafe': 'pass the gfp flag to the allocations that need it instead of scoping it',
    'unknown': 'check in include/linux/sched/mm.h (current_gfp_context()) which gfp '
               'bit the flag changes, and keep it in the scope only if that changes '
               'neither the failure nor the reclaim semantic of nested allocations',
}

SAFE = ', '.join(k for k in FLAGS if FLAGS[k][0] == 'safe')

MODE = ['report']

def emit(p, msg):
    if MODE[0] == 'org':
        coccilib.org.print_todo(p, msg)
    else:
        coccilib.report.print_report(p, msg)

def verdicts(flags):
    """(flag, verdict, reason) for every flag of the expression that is
    not safe; a flags expression with no PF_ constant is 'unchecked'."""
    names = re.findall(r'\bPF_[A-Z0-9_]+\b', flags)
    if not names:
        return [(flags.strip(), 'unchecked', '')]
    out = []
    for n in dict.fromkeys(names):
        verdict, reason = FLAGS.get(n, ('unknown', ''))
        if verdict != 'safe':
            out.append((n, verdict, reason))
    return out

def message(fn, flags, in_macro=False):
    call = fn + ('(%s, ...)' if fn == 'memalloc_flags_do' else '(%s)') % flags
    lines = []
    for (n, verdict, reason) in verdicts(flags):
        if verdict == 'unsafe':
            lines.append('%s: %s is not safe in an allocation scope: %s; %s'
                         % (call, n, reason, ADVICE['unsafe']))
        elif verdict == 'unknown':
            lines.append('%s: %s is not known to be safe in an allocation '
                         'scope (the safe ones are %s): %s'
                         % (call, n, SAFE, ADVICE['unknown']))
        elif not in_macro:
            # in a #define wrapper (bcachefs' memalloc_flags_do()) the flags
            # are the macro's parameter: its uses are checked instead
            lines.append('%s: the flags are not a PF_ constant and cannot be '
                         'checked: make sure only %s reach it' % (call, SAFE))
    return lines

BAD = set()

def key(p):
    return (p[0].file, p[0].line, p[0].column)

// Only files that call these are parsed: the rules below depend on this
// one, whose tokens spatch greps for.
@gate@
symbol memalloc_flags_save, memalloc_flags_do;
@@
\(memalloc_flags_save\|memalloc_flags_do\)

@script:python depends on gate && org@
@@
MODE[0] = 'org'

@script:python depends on gate && context@
@@
MODE[0] = 'context'

@r depends on gate && (report || org || context)@
identifier fn = {memalloc_flags_save, memalloc_flags_do};
expression F;
position p;
@@
fn@p(F, ...)

@script:python@
p << r.p;
fn << r.fn;
F << r.F;
@@
for msg in message(fn, F, p[0].current_element == 'something_else'):
    BAD.add(key(p))
    if MODE[0] != 'context':
        emit(p[0], msg)

@ctx depends on context@
identifier r.fn;
expression F;
position p : script:python() { key(p) in BAD };
@@
* fn@p(F, ...)

// Patch mode has nothing to change; this keeps spatch -D patch (and make
// coccicheck MODE=patch) from failing with "No rules apply".
@script:python depends on gate && patch@
@@
pass
