"""Issue 14: the scope model's precision (testcases/trees/precise, testcases/facts).

Each class of proof has its positive case and the look-alike twins that must stay keep.
"""
import os
import unittest

from util import REPO, ScannedTree

PRECISE = os.path.join(REPO, "testcases", "trees", "precise")

# (file, function) -> (verdict, reason, evidence must contain)
EXPECTED = {
    # static functions have file-local callers: prcfs_fill of static_a.c is called only in a
    # scope; its namesake of static_b.c only outside one
    ("static_a.c", "prcfs_fill"): ("convert", "caller-scope",
                                   "prcfs_fill (static, fs/prcfs/static_a.c) <- prcfs_a_user (memalloc_nofs_save()"),
    ("static_b.c", "prcfs_fill"): ("keep", "no-scope",
                                   "prcfs_fill (static, fs/prcfs/static_b.c) <- prcfs_b_user"),
    # a header macro calls the name from a file with no static of its own: it may reach either
    ("static_c.c", "prcfs_fill2"): ("keep", "dual-context", "<- PRCFS_FILL2 (fs/prcfs/prcfs.h)"),
    ("static_d.c", "prcfs_fill2"): ("keep", "dual-context", "<- PRCFS_FILL2 (fs/prcfs/prcfs.h)"),
    # another .c file's call of the name goes to the global namesake, not to a static one
    # (ocfs2's sc_alloc() and hfi1's); unless that file is #included into the static's own
    ("static_f.c", "prcfs_fill3"): ("convert", "caller-scope",
                                    "prcfs_fill3 (static, fs/prcfs/static_f.c) <- prcfs_f_user (memalloc_nofs_save()"),
    ("static_g.c", "prcfs_fill3"): ("keep", "dual-context", "prcfs_fill3 <- prcfs_h_user (fs/prcfs/static_h.c)"),
    ("static_j.c", "prcfs_fill4"): ("keep", "dual-context",
                                    "prcfs_fill4 (static, fs/prcfs/static_j.c) <- prcfs_k_user (fs/prcfs/static_k.c)"),
    # balanced functions: every restore or stop closes the function's own scope, so the
    # scope its caller holds goes on; the twins end it (the caller's cookie, a conditional
    # save, the caller's transaction)
    ("balanced.c", "prcfs_after_own"): ("convert", "caller-scope",
                                        "prcfs_after_own <- prcfs_after_own_user (memalloc_nofs_save() at "
                                        "line 18); prcfs_after_own: every restore or stop closes its own scope"),
    ("balanced.c", "prcfs_after_param"): ("keep", "no-scope", "prcfs_after_param: may end a scope itself"),
    ("balanced.c", "prcfs_after_cond"): ("keep", "scope-ended", "line 46: memalloc_nofs_restore() may end"),
    ("balanced.c", "prcfs_tx_user"): ("convert", "local-scope", "prcfs_tx_user (memalloc_nofs_save() at line 72)"),
    ("balanced.c", "prcfs_tx_other_user"): ("keep", "scope-ended", "line 92: prcfs_tx_other() may end a scope"),
    # every way to open a scope: memalloc_flags_save() with PF_MEMALLOC_NOFS; PF_MEMALLOC_PIN
    # opens none; a nofs scope does not cover GFP_NOIO
    ("flags.c", "prcfs_flags_helper"): ("convert", "caller-scope",
                                        "prcfs_flags_helper <- prcfs_flags_user (memalloc_flags_save("
                                        "PF_MEMALLOC_NOFS) at line 14)"),
    ("flags.c", "prcfs_pin_helper"): ("keep", "no-scope", "prcfs_pin_user (fs/prcfs/flags.c): this caller holds no scope"),
    ("flags.c", "prcfs_noio_helper"): ("keep", "no-scope", "this caller holds no noio scope"),
    # nesting by cookie: after an inner pair whose save ran inside the open scope (in a branch,
    # in a loop), the scope is open again; the twins: interleaved restores, a skipped inner
    # save, an outer scope open on one path only, and GFP_NOIO after a noio pair in nofs
    ("nested.c", "prcfs_nest_noio"): ("convert", "local-scope",
                                      "prcfs_nest_noio (memalloc_nofs_save() at line 11); memalloc_noio_restore(d) "
                                      "at line 17 restores its own cookie, saved at line 15 inside the scope"),
    ("nested.c", "prcfs_nest_branch_loop"): ("convert", "local-scope",
                                             "memalloc_nofs_restore(e) at line 39 restores its own cookie"),
    ("nested.c", "prcfs_nest_interleaved"): ("keep", "scope-ended", "line 53: memalloc_nofs_restore() may end"),
    ("nested.c", "prcfs_nest_skipped"): ("keep", "scope-ended", "line 68: memalloc_noio_restore() may end"),
    ("nested.c", "prcfs_nest_outer_cond"): ("keep", "scope-ended", "line 84: memalloc_nofs_restore() may end"),
    ("nested.c", "prcfs_nest_noio_site"): ("keep", "scope-ended", "line 98: memalloc_noio_restore() may end"),
    # loops that only exit by break: what follows while (1) / for (;;) is reached through
    # the breaks alone; the twins leave before the save, or by the loop's condition
    ("loops.c", "prcfs_loop_break"): ("convert", "local-scope", "(memalloc_nofs_save() at line 15)"),
    ("loops.c", "prcfs_loop_for"): ("convert", "local-scope", "(memalloc_nofs_save() at line 33)"),
    ("loops.c", "prcfs_loop_early_break"): ("keep", "scope-ended", "line 63: memalloc_nofs_restore() may end"),
    ("loops.c", "prcfs_loop_cond"): ("keep", "scope-ended", "line 80: memalloc_nofs_restore() may end"),
    ("loops.c", "prcfs_loop_return"): ("keep", "no-scope", "no scope in the function"),
    ("flags.c", "prcfs_flags_local"): ("convert", "local-scope", "(memalloc_flags_save() at line 52)"),
    ("flags.c", "prcfs_pf_local"): ("convert", "local-scope", "(a write to current->flags at line 64)"),
    # macros that wrap a scope around an argument (wrap.h): a site in the wrapped argument of
    # a use is covered (evidence: the macro, the use's line, its #define, its save), so is a
    # callee called there; the twins stay keep: flags that open no scope, a kind the wrapper
    # does not open, a site in another argument or outside the wrapper, a scope end in the
    # argument, macros that do not qualify (the argument before the save or after the restore,
    # used twice, a conditional save or restore, another cookie, defined differently in two
    # #if branches or two files) and a use before a .c file's #define
    ("wrap.c", "prcfs_wrap_expr"): ("convert", "local-scope",
                                    "prcfs_wrap_expr (memalloc_flags_do() at line 9, whose #define (fs/prcfs/wrap.h:9) "
                                    "runs the argument between memalloc_flags_save(PF_MEMALLOC_NOFS) and "
                                    "memalloc_noreclaim_restore())"),
    ("wrap.c", "prcfs_wrap_stmt"): ("convert", "local-scope",
                                    "prcfs_wrap_stmt (prcfs_with_nofs() at line 17, whose #define (fs/prcfs/wrap.h:18) "
                                    "runs the argument between memalloc_nofs_save() and memalloc_nofs_restore())"),
    ("wrap.c", "prcfs_wrap_noio"): ("convert", "local-scope",
                                    "memalloc_flags_save(PF_MEMALLOC_NOIO | PF_MEMALLOC_NOWARN)"),
    ("wrap.c", "prcfs_wrap_helper"): ("convert", "caller-scope",
                                      "prcfs_wrap_helper <- prcfs_wrap_caller (memalloc_flags_do() at line 36"),
    ("wrap.c", "prcfs_wrap_pin"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_noio_in_nofs"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_other_arg"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_inner_call"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_ends_inside"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_stmt_expr"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_before"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_after"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_twice"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_cond_save"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_cond_restore"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_other_cookie"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_maybe"): ("keep", "no-scope", "no scope in the function"),
    ("wrap.c", "prcfs_wrap_redefined"): ("keep", "no-scope", "no scope in the function"),
    ("wrap_b.c", "prcfs_wrap_too_early"): ("keep", "no-scope", "no scope in the function"),
    ("wrap_b.c", "prcfs_wrap_local"): ("convert", "local-scope",
                                       "prcfs_wrap_local (prcfs_local_nofs() at line 21, whose #define "
                                       "(fs/prcfs/wrap_b.c:14) runs the argument between memalloc_nofs_save()"),
    ("wrap_b.c", "prcfs_wrap_redefined_b"): ("keep", "no-scope", "no scope in the function"),
    # a call in the node of a call that may end the scope (ender_args.c): in the argument of
    # a function, it runs before the function does (convert); the twins may run after the
    # end: in the argument of a macro that restores first or of a name defined nowhere,
    # beside the end in one expression or declaration, after it in its own argument or a for
    # header's init, in the body of an iterator or after a declarer macro that ends it
    ("ender_args.c", "prcfs_ea_fn_helper"): ("convert", "caller-scope",
                                             "prcfs_ea_fn_helper <- prcfs_ea_fn (memalloc_nofs_save() at line 35)"),
    ("ender_args.c", "prcfs_ea_fn_site"): ("convert", "local-scope",
                                           "prcfs_ea_fn_site (memalloc_nofs_save() at line 42)"),
    ("ender_args.c", "prcfs_ea_macro_helper"): ("keep", "no-scope", "<- prcfs_ea_macro (fs/prcfs/ender_args.c)"),
    ("ender_args.c", "prcfs_ea_macro_site"): ("keep", "scope-ended",
                                              "line 64: prcfs_ea_end_then() may end a scope"),
    ("ender_args.c", "prcfs_ea_undef_helper"): ("keep", "no-scope", "<- prcfs_ea_undef (fs/prcfs/ender_args.c)"),
    ("ender_args.c", "prcfs_ea_sibling_helper"): ("keep", "no-scope",
                                                  "<- prcfs_ea_sibling (fs/prcfs/ender_args.c)"),
    ("ender_args.c", "prcfs_ea_inner_helper"): ("keep", "no-scope", "<- prcfs_ea_inner (fs/prcfs/ender_args.c)"),
    ("ender_args.c", "prcfs_ea_decl_helper"): ("keep", "no-scope", "<- prcfs_ea_decl (fs/prcfs/ender_args.c)"),
    ("ender_args.c", "prcfs_ea_for_helper"): ("keep", "no-scope", "<- prcfs_ea_for (fs/prcfs/ender_args.c)"),
    ("ender_args.c", "prcfs_ea_iter_helper"): ("keep", "no-scope", "<- prcfs_ea_iter (fs/prcfs/ender_args.c)"),
    ("ender_args.c", "prcfs_ea_declr_helper"): ("keep", "no-scope", "<- prcfs_ea_declr (fs/prcfs/ender_args.c)"),
}


# the one review case that is covered: after the loop, under the save on the line before
TWIN_CONVERTS = {("twin_rv5.c", 27)}


class Precision(ScannedTree):
    TREE = PRECISE
    SHARE_WORKSPACE = True

    def test_each_case(self):
        self.assertEqual(self.scan.returncode, 0, self.scan.stderr)
        by_key = {}
        for s in self.sites:
            if not os.path.basename(s["file"]).startswith("twin_"):
                by_key.setdefault((os.path.basename(s["file"]), s["function"]), []).append(s)
        self.assertEqual(set(by_key), set(EXPECTED))
        for key, (verdict, reason, ev) in EXPECTED.items():
            with self.subTest(site=key):
                (s,) = by_key[key]
                self.assertEqual((s["verdict"], s["reason"]), (verdict, reason), s["evidence"])
                self.assertIn(ev, s["evidence"][0])

    def test_review_twins_stay_keep(self):
        """A soundness review's cases (twin_*.c): a break in a macro or a statement expression,
        a loop head over several lines, flags that only name PF_MEMALLOC_NOFS (a mask, a
        condition, a comment), an inner save covered by the other kind only, a cookie that
        is a parameter, a global, shadowed or reached through a pointer, a static function
        of a .c file another includes. All keep, but the one site really covered."""
        twins = [s for s in self.sites if os.path.basename(s["file"]).startswith("twin_")]
        self.assertEqual(len(twins), 21)
        for s in twins:
            key = (os.path.basename(s["file"]), s["line"])
            with self.subTest(site=key, function=s["function"]):
                self.assertEqual(s["verdict"], "convert" if key in TWIN_CONVERTS else "keep", s["evidence"])

    def test_patch_checks_the_static_chain(self):
        """patch re-checks a chain through a static function by its name, in its own file."""
        r = self.gfpscope("patch", "--kdir", PRECISE, "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        patch = self.load("gfpscope.patch")
        self.assertIn("+++ b/fs/prcfs/static_a.c", patch)
        self.assertNotIn("static_b.c", patch)


class WrapperMacros(unittest.TestCase):
    """Which macros wrap a scope around an argument (analyse/wrappers.py, from gfplex's DEFINE
    records), and which calls the scoped-calls rule finds in their uses: the twins of wrap.c
    keep for the reason they are there, not by accident."""

    QUALIFY = {"memalloc_flags_do", "prcfs_with_nofs", "prcfs_wrap_first", "prcfs_local_nofs"}
    NOT = {"prcfs_before", "prcfs_after", "prcfs_twice", "prcfs_cond_save", "prcfs_cond_restore",
           "prcfs_other_cookie", "prcfs_maybe_nofs", "prcfs_nofs_do"}

    @classmethod
    def setUpClass(cls):
        from gfpscope_lib.analyse import callgraph, wrappers
        from gfpscope_lib.core.tree import KernelTree
        cls.graph = callgraph.lex_graph(KernelTree(PRECISE))
        cls.table = wrappers.table(cls.graph)

    def test_which_macros_qualify(self):
        self.assertEqual(set(self.table), self.QUALIFY)
        self.assertLessEqual(self.NOT, set(self.graph.wrap_defs))  # read, and refused
        w = self.table["memalloc_flags_do"]
        self.assertEqual((w["n"], w["arg"], w["fp"], w["save"], w["restore"], w["vis"]),
                         (2, 1, 0, "memalloc_flags_save", "memalloc_noreclaim_restore", None))
        self.assertEqual(self.table["prcfs_local_nofs"]["vis"], {"fs/prcfs/wrap_b.c": 14})
        self.assertEqual(self.table["prcfs_wrap_first"]["arg"], 0)

    def test_shapes(self):
        from gfpscope_lib.analyse.wrappers import shape
        ok = "( { unsigned int c = memalloc_nofs_save ( ) ; x ; memalloc_nofs_restore ( c ) ; } )"
        self.assertIsNotNone(shape("x", ok))
        self.assertEqual(shape("x", "( { unsigned int c = memalloc_flags_save ( PF_MEMALLOC_NOIO | PF_MEMALLOC_NOWARN"
                                    " ) ; __auto_type r = ( x ) ; memalloc_flags_restore ( c ) ; r ; } )")["flags"],
                         "PF_MEMALLOC_NOIO | PF_MEMALLOC_NOWARN")
        for params, body in [
                ("x", ok.replace("x ;", "x ; x ;")),                          # evaluated twice
                ("x", ok.replace("unsigned int c", "c")),                     # no declaration of its own
                ("x,c2", ok.replace("restore ( c )", "restore ( c2 )")),     # another cookie
                ("x", ok.replace("x ;", "if ( x ) ;")),                       # not the argument alone
                ("x", ok.replace("memalloc_nofs_save ( )", "memalloc_flags_save ( x )")),  # flags = the argument
                ("x", ok.replace("( {", "{").replace("} )", "}")),             # a bare block
                ("x,...", ok),                                                 # variadic
                ("-", ok),                                                     # object-like
                ("x", "( { unsigned int c = memalloc_nofs_save ( ) ; typeof ( x ) r = x ; "
                      "memalloc_nofs_restore ( c ) ; x ; } )"),                # the result is x again
                ("x", "do { unsigned int c = memalloc_nofs_save ( ) ; x ; memalloc_nofs_restore ( c ) ; "
                      "c ; } while ( 0 )")]:                                   # a tail in a do-while
            with self.subTest(body=body):
                self.assertIsNone(shape(params, body))

    def test_rule_covers_the_wrapped_argument_only(self):
        """The rule's records (wuse, wcall, wend) on wrap.c and wrap_b.c: the calls of the
        wrapped argument of a use that opens a scope, nothing for PF_MEMALLOC_PIN, a restore
        in the argument, a statement expression in it, a use before a .c file's #define."""
        import json
        import tempfile
        from gfpscope_lib.analyse import regions, wrappers
        from gfpscope_lib.collect import spatch
        with tempfile.TemporaryDirectory() as td:
            names = os.path.join(td, "names.json")
            with open(names, "w") as f:
                json.dump(regions.names(wraps=wrappers.rule_data(self.table)), f)
            files = ["fs/prcfs/wrap.c", "fs/prcfs/wrap_b.c"]
            res = spatch._run_batch(PRECISE, regions.RULE, files, 300, {"wraps": None, "names": names},
                                    spatch.parse_facts)
            plain = spatch._run_batch(PRECISE, regions.RULE, files, 300, {"names": names}, spatch.parse_facts)
        got = sorted((r["caller"], r["callee"], r["kind"]) for f in files for r in res[f]["records"] if r.get("wrap"))
        self.assertEqual(got, [("prcfs_wrap_caller", "prcfs_wrap_helper", "nofs"),
                               ("prcfs_wrap_expr", "kmalloc", "nofs"),
                               ("prcfs_wrap_inner_call", "kmalloc", "nofs"),  # the inner one (GFP_KERNEL)
                               ("prcfs_wrap_local", "kmalloc", "nofs"),
                               ("prcfs_wrap_noio", "kmalloc", "noio"),
                               ("prcfs_wrap_noio_in_nofs", "kmalloc", "nofs"),
                               ("prcfs_wrap_other_arg", "kzalloc", "nofs"),   # the wrapped one, not kmalloc
                               ("prcfs_wrap_stmt", "kmalloc", "nofs")])
        # without -D wraps the wrapper rules do not run
        self.assertFalse([r for f in files for r in plain[f]["records"] if r.get("wrap")])


class OwnEndsRule(unittest.TestCase):
    """cocci/facts/own_ends.cocci on its cases: which ends are own (testcases/facts/own_ends.*)."""

    def test_cases(self):
        from gfpscope_lib.collect import spatch
        from gfpscope_lib.core import paths
        d = os.path.join(REPO, "testcases", "facts")
        res = spatch._run_batch(d, paths.OWN_ENDS_RULE, ["own_ends.c"], 300,
                                {"names": os.path.join(d, "own_ends.names.json")}, spatch.parse_facts)
        self.assertEqual(res["own_ends.c"]["status"], "ok", res["own_ends.c"]["detail"])
        got = sorted(f"{r['fn']} {r['callee']} {'own' if r['own'] else 'not-own'}"
                     for r in res["own_ends.c"]["records"] if r.get("t") == "end")
        with open(os.path.join(d, "own_ends.expected")) as f:
            self.assertEqual(got, sorted(l.strip() for l in f if l.strip()))
        self.assertEqual(len(got), 21)


if __name__ == "__main__":
    unittest.main()
