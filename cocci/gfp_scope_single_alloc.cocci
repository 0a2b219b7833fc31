// SPDX-License-Identifier: GPL-2.0-only
/// Find memalloc_nofs_save()/memalloc_noio_save() scopes that wrap exactly
/// one allocation.
///
/// The scope API (Documentation/core-api/gfp_mask-from-fs-io.rst) is meant
/// to mark the critical section: the scope is opened where the lock or the
/// transaction that direct reclaim could recurse into is taken, and closed
/// where it is released, with a comment naming it. A save, a single
/// allocation call and the matching restore document nothing: the scope
/// does not say what it protects, and the call is no safer than with an
/// explicit GFP_NOFS (GFP_NOIO) flag. Either move the scope out to the lock
/// or transaction, or drop it and pass GFP_NOFS (GFP_NOIO) with a comment.
/// Before Linux 5.17, __vmalloc() and kvmalloc() did not honour GFP_NOFS,
/// and such a scope around a vmalloc-family call was the documented
/// workaround; these are still reported, with a note, as the flag now
/// works.
///
// Confidence: High. The three statements must be adjacent, the restore
//  must take the cookie the save returned, and the middle statement must
//  call a core allocation API or a function given an explicit GFP_* flag;
//  a scope around one call into a subsystem that allocates internally
//  without a gfp_t parameter (kobject_add(), crypto_alloc_*(), a
//  filesystem's iget) is the intended use and is not reported, nor is a
//  call that only checks or annotates a gfp_t (might_alloc(), lockdep).
// Copyright: (C) 2026 gfpscope authors
// Comments: No patch mode: where the scope belongs (or whether GFP_NOFS
//  with a comment is right) needs a human. "virtual patch" is declared so
//  that "make coccicheck MODE=patch" runs without error (spatch refuses an
//  undeclared virtual rule, and exits with "No rules apply" if no rule is
//  left in the mode, hence the never-matching rule at the end); patch
//  mode produces nothing.
// Options: --no-includes --include-headers

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
import re

_core = re.compile(r"^(kmalloc|kzalloc|kcalloc|kmalloc_array|kmalloc_node|"
                   r"kzalloc_node|kcalloc_node|kmalloc_array_node|krealloc|"
                   r"krealloc_array|kmemdup|kmemdup_nul|kstrdup|kstrndup|"
                   r"kasprintf|kmem_cache_alloc|kmem_cache_zalloc|"
                   r"kmem_cache_alloc_node|kvmalloc|kvzalloc|kvcalloc|"
                   r"kvmalloc_array|kvmalloc_node|kvzalloc_node|kvrealloc|"
                   r"vmalloc|vzalloc|__vmalloc|vmalloc_node|vzalloc_node|"
                   r"__vmalloc_node|vmalloc_array|vcalloc|alloc_pages|"
                   r"alloc_page|alloc_pages_node|__get_free_pages|"
                   r"__get_free_page|get_zeroed_page|folio_alloc|"
                   r"mempool_alloc)(_noprof)?$")
_vmalloc = re.compile(r"^(kv|__v|v)(m|z|c|re)?alloc")
# calls that take a gfp_t but only check or annotate it (lockdep tests)
_not_alloc = re.compile(r"^(might_alloc|__?fs_reclaim_(acquire|release)|"
                        r"current_gfp_context|gfpflags_\w+|gfp_\w+|"
                        r"lockdep_\w+|trace_\w+|WARN\w*|BUG\w*)$")

def gfpscope_key(p):
    return (p[0].file, p[0].line, p[0].column)

gfpscope_gfp_calls = set()  # calls given an explicit GFP_* flag
gfpscope_pending = {}       # save position -> (position, message)

def gfpscope_single(fa, pa):
    """Is the call at pa, to fa, an allocation this rule is about?"""
    if _not_alloc.match(fa):
        return False
    return bool(_core.match(fa)) or gfpscope_key(pa) in gfpscope_gfp_calls

def gfpscope_queue(ps, fa, kind):
    flag = "GFP_NOFS" if kind == "nofs" else "GFP_NOIO"
    msg = ("memalloc_%s_save() scope around a single allocation: move the "
           "scope to where the lock or transaction that reclaim could "
           "recurse into is taken, or use %s with a comment" % (kind, flag))
    if _vmalloc.match(fa):
        msg += (" (since Linux 5.17 kvmalloc() and __vmalloc() honour %s; "
                "before that this scope was the documented workaround)" % flag)
    gfpscope_pending[gfpscope_key(ps)] = (ps[0], msg)

def gfpscope_flush():
    out = [gfpscope_pending[k] for k in sorted(gfpscope_pending,
           key=lambda k: (k[0], int(k[1]), int(k[2])))]
    gfpscope_pending.clear()
    return out

// save; one statement that calls fa; restore of the same cookie
@r_nofs depends on !patch@
expression c, E;
identifier x, y, fa;
type T, T2;
position ps, pa, pr;
@@

(
c = memalloc_nofs_save@ps();
(
E = fa@pa(...);
|
fa@pa(...);
|
T2 y = fa@pa(...);
)
memalloc_nofs_restore@pr(c);
|
T x = memalloc_nofs_save@ps();
(
E = fa@pa(...);
|
fa@pa(...);
|
T2 y = fa@pa(...);
)
memalloc_nofs_restore@pr(x);
)

@r_noio depends on !patch@
expression c, E;
identifier x, y, fa;
type T, T2;
position ps, pa, pr;
@@

(
c = memalloc_noio_save@ps();
(
E = fa@pa(...);
|
fa@pa(...);
|
T2 y = fa@pa(...);
)
memalloc_noio_restore@pr(c);
|
T x = memalloc_noio_save@ps();
(
E = fa@pa(...);
|
fa@pa(...);
|
T2 y = fa@pa(...);
)
memalloc_noio_restore@pr(x);
)

// the middle call is given an explicit GFP_* flag (so it takes a gfp_t)
@gfp_nofs depends on !patch@
identifier r_nofs.fa;
identifier g =~ "^GFP_";
position r_nofs.pa, q;
@@
fa@pa@q(..., <+... g ...+>, ...)

@gfp_noio depends on !patch@
identifier r_noio.fa;
identifier g =~ "^GFP_";
position r_noio.pa, q;
@@
fa@pa@q(..., <+... g ...+>, ...)

@script:python depends on !patch@
q << gfp_nofs.q;
@@
gfpscope_gfp_calls.add(gfpscope_key(q))

@script:python depends on !patch@
q << gfp_noio.q;
@@
gfpscope_gfp_calls.add(gfpscope_key(q))

@script:python depends on !patch@
fa << r_nofs.fa;
pa << r_nofs.pa;
ps << r_nofs.ps;
@@
if gfpscope_single(fa, pa):
    gfpscope_queue(ps, fa, "nofs")
else:
    cocci.include_match(False)

@script:python depends on !patch@
fa << r_noio.fa;
pa << r_noio.pa;
ps << r_noio.ps;
@@
if gfpscope_single(fa, pa):
    gfpscope_queue(ps, fa, "noio")
else:
    cocci.include_match(False)

@script:python depends on report && (r_nofs || r_noio)@
@@
for p, msg in gfpscope_flush():
    coccilib.report.print_report(p, msg)

@script:python depends on org && (r_nofs || r_noio)@
@@
for p, msg in gfpscope_flush():
    coccilib.org.print_todo(p, msg)

@script:python depends on !report && !org && (r_nofs || r_noio)@
@@
gfpscope_flush()

@depends on context && !patch@
position r_nofs.ps, r_nofs.pa, r_nofs.pr;
identifier f;
@@

(
* memalloc_nofs_save@ps()
|
* f@pa(...)
|
* memalloc_nofs_restore@pr(...)
)

@depends on context && !patch@
position r_noio.ps, r_noio.pa, r_noio.pr;
identifier f;
@@

(
* memalloc_noio_save@ps()
|
* f@pa(...)
|
* memalloc_noio_restore@pr(...)
)

// There is no patch mode, but "make coccicheck MODE=patch" runs every rule
// with -D patch, and spatch exits with an error ("No rules apply") when no
// rule survives the mode. This rule keeps patch mode valid and never
// matches: its position constraint is always false.
@depends on patch@
position p : script:python() { False };
@@

(
- memalloc_nofs_save@p()
+ memalloc_nofs_save()
|
- memalloc_noio_save@p()
+ memalloc_noio_save()
)
