"""Issue 15: a live transaction handle carries its scope (testcases/trees/tokens).

tokfs has an XFS-shaped transaction (the start saves the cookie in the handle, a roll moves
it to a new handle, the free restores it only for the task's current handle); fakefs has
three look-alike types, each with an object that exists outside the scope.
"""
import os
import unittest

from util import REPO, ScannedTree

TOKENS = os.path.join(REPO, "testcases", "trees", "tokens")

# (file, function) -> (verdict, reason, confidence or None, evidence must contain)
EXPECTED = {
    ("users.c", "tok_live_deref"): ("convert", "transaction-handle", "high",
                                    "tok_live_deref (tp dereferenced at line 13: a live struct tok_trans holds "
                                    "the nofs scope (tok_trans_set_context() saves it in tp->t_pflags; "
                                    "tok_trans_clear_context() restores it))"),
    ("users.c", "tok_live_after"): ("convert", "transaction-handle", "high",
                                    "tp dereferenced on every path (first at line 22)"),
    ("users.c", "tok_helper"): ("convert", "transaction-handle", "high",
                                "tok_helper <- tok_caller (tp dereferenced at line 80"),
    ("users.c", "tok_finish_item"): ("convert", "transaction-handle", "moderate",
                                     "tok_finish_item() is reached through an ops table (tok_finish_item() as "
                                     "->finish_item()): assumed to run in the task that owns the handle"),
    ("split.c", "tok_reenter_helper"): ("convert", "transaction-handle", "high", "tp dereferenced at line 29"),
    ("users.c", "tok_alias_deref"): ("convert", "transaction-handle", "high", "tp dereferenced at line"),
    ("users.c", "tok_alias_nullable"): ("keep", "no-scope", None, "a candidate for GFP_KERNEL | __GFP_NOLOCKDEP"),
    ("users.c", "tok_traced"): ("convert", "transaction-handle", "high", "tp dereferenced at line 144"),
    # a call in the argument of a function that commits runs before the commit
    ("ender_args.c", "tok_ea_fn_helper"): ("convert", "transaction-handle", "high",
                                           "tok_ea_fn_helper <- tok_ea_fn (tp dereferenced at line 25"),
    ("ender_args.c", "tok_ea_fn_site"): ("convert", "transaction-handle", "high",
                                         "tok_ea_fn_site (tp dereferenced at line 31"),
    # a handle in a field of a parameter: moderate, the struct is assumed to hold this task's
    ("cursor.c", "tok_cur_deref"): ("convert", "transaction-handle", "moderate",
                                    "tok_cur_deref (cur->bc_tp dereferenced at line 10: a live struct tok_trans "
                                    "holds the nofs scope"),
    ("cursor.c", "tok_cur_callee"): ("convert", "transaction-handle", "moderate",
                                     "cur->bc_tp is a field of a parameter: assumed to hold this task's handle"),
    ("cursor.c", "tok_cur_after"): ("keep", "no-scope", None, "no scope in the function"),
    ("cursor.c", "tok_cur_state_alloc"): ("keep", "dual-context", None,
                                          "tok_cur_state_alloc() takes a struct tok_cursor (cur), which holds a "
                                          "transaction handle, and runs both inside and outside a scope: a "
                                          "candidate for GFP_KERNEL | __GFP_NOLOCKDEP review"),
    ("cursor.c", "tok_cur_nullable"): ("keep", "no-scope", None, "no scope in the function"),
    ("cursor.c", "tok_cur_committed"): ("keep", "no-scope", None, "no scope in the function"),
    ("cursor.c", "tok_cur_async_helper"): ("keep", "no-scope", None,
                                           "its handle may be another task's: tok_cur_worker() may run in "
                                           "another task"),
    # the twins: not known valid, not any more, or another task's
    ("users.c", "tok_nullable"): ("keep", "no-scope", None, "a candidate for GFP_KERNEL | __GFP_NOLOCKDEP"),
    ("users.c", "tok_after_stop"): ("keep", "no-scope", None, "takes a struct tok_trans handle (tp)"),
    ("users.c", "tok_assert_only"): ("keep", "no-scope", None, "not known valid at the site"),
    ("users.c", "tok_addr_only"): ("keep", "no-scope", None, "not known valid at the site"),
    ("users.c", "tok_short_circuit"): ("keep", "no-scope", None, "not known valid at the site"),
    ("users.c", "tok_reassigned"): ("keep", "no-scope", None, "not known valid at the site"),
    ("users.c", "tok_shadowed"): ("keep", "no-scope", None, "not known valid at the site"),
    ("users.c", "tok_call_first"): ("keep", "no-scope", None, "not known valid at the site"),
    ("users.c", "tok_maybe"): ("keep", "dual-context", None,
                               "tok_maybe <- tok_without (fs/tokfs/users.c): called outside any scope"),
    ("split.c", "tok_split_helper"): ("keep", "no-scope", None,
                                      "its handle may be another task's: tok_split_worker() may run in another task"),
    # a call in the argument of a macro that commits (it may run the call after the commit),
    # or beside a commit in one expression (the operands run in any order)
    ("ender_args.c", "tok_ea_macro_helper"): ("keep", "no-scope", None,
                                              "tok_ea_macro_helper <- tok_ea_macro (fs/tokfs/ender_args.c)"),
    ("ender_args.c", "tok_ea_macro_site"): ("keep", "no-scope", None, "not known valid at the site"),
    ("ender_args.c", "tok_ea_sibling_helper"): ("keep", "no-scope", None,
                                                "tok_ea_sibling_helper <- tok_ea_sibling (fs/tokfs/ender_args.c)"),
    # look-alike types are no tokens: their handles prove nothing
    ("fake.c", "fake_user"): ("keep", "no-scope", None, "no caller in the tree"),
    ("fake.c", "cond_user"): ("keep", "no-scope", None, "no caller in the tree"),
    ("fake.c", "cast_user"): ("keep", "no-scope", None, "no caller in the tree"),
    ("fake.c", "big_user"): ("keep", "no-scope", None, "no caller in the tree"),
    ("fake.c", "addr_user"): ("keep", "no-scope", None, "no caller in the tree"),
    ("fake.c", "mac_user"): ("keep", "no-scope", None, "no caller in the tree"),
    ("fake.c", "shd_user"): ("keep", "no-scope", None, "no caller in the tree"),
    # a type with made-up handles that a validity test tells apart (ext4's no-journal
    # handle_t): a dereference shows the handle is real; the test alone proves nothing
    ("users.c", "gd_user_deref"): ("convert", "transaction-handle", "high",
                                   "handle dereferenced at line 9: a live struct gd_handle holds the nofs scope "
                                   "(gd_set_context() saves it in handle->saved; gd_clear_context() restores it; "
                                   "dereferenced, it is no made-up handle: those are numbers below GD_MAX_REF, as "
                                   "gd_handle_valid() tests)"),
    ("users.c", "gd_user_valid_only"): ("keep", "no-scope", None, "not known valid at the site"),
    ("users.c", "gd_user_valid_branch"): ("keep", "no-scope", None, "not known valid at the site"),
    ("users.c", "gd_user_nojournal"): ("keep", "no-scope", None, "no scope in the function"),
    ("interleave.c", "ilv_work"): ("keep", "no-scope", None, "ilv_work <- ilv_interleaved"),
    ("interleave.c", "ilv_maybe"): ("keep", "no-scope", None, "ilv_maybe <- ilv_interleaved"),
    ("interleave.c", "ilv_deferred"): ("keep", "no-scope", None, "ilv_deferred <- ilv_worker"),
}


class TokenVerdicts(ScannedTree):
    TREE = TOKENS

    def test_every_site_as_expected(self):
        self.assertEqual(self.scan.returncode, 0, self.scan.stderr)
        got = {(os.path.basename(s["file"]), s["function"]): s for s in self.sites
               if not os.path.basename(s["file"]).startswith("neg_")}
        self.assertEqual(set(got), set(EXPECTED))
        for key, (verdict, reason, conf, text) in EXPECTED.items():
            s = got[key]
            with self.subTest(site=key):
                self.assertEqual((s["verdict"], s["reason"]), (verdict, reason), s["evidence"])
                if conf:
                    self.assertEqual(s["confidence"], conf)
                self.assertIn(text, s["evidence"][0])

    def test_review_cases_all_stay_keep(self):
        # fs/tokfs/neg_*.c: each file shows a way the proof was once fooled (a handle made
        # outside the type's creators, a stop that does not end the handle's life, a
        # dereference that may not run, another task's handle); every site there is keep
        neg = [s for s in self.sites if os.path.basename(s["file"]).startswith("neg_")]
        self.assertGreaterEqual(len(neg), 29)
        wrong = [(s["file"], s["function"], s["reason"], s["evidence"][0]) for s in neg if s["verdict"] != "keep"]
        self.assertEqual(wrong, [])

    def test_nolockdep_candidates_are_the_handle_takers_left_keep(self):
        marked = {s["function"] for s in self.sites if s.get("nolockdep_candidate")
                  and not os.path.basename(s["file"]).startswith("neg_")}
        self.assertEqual(marked, {"tok_nullable", "tok_after_stop", "tok_assert_only", "tok_addr_only",
                                  "tok_short_circuit", "tok_reassigned", "tok_maybe", "tok_split_helper",
                                  "tok_shadowed", "tok_call_first", "tok_ea_macro_site",
                                  "gd_user_valid_only", "gd_user_valid_branch", "tok_cur_state_alloc", "tok_alias_nullable"})

    def test_providers_json_records_each_type_and_why(self):
        types = self.shared.load("providers.json")["tokens"]["types"]
        tok = types["tok_trans"]
        self.assertTrue(tok["token"], tok["why"])
        self.assertEqual(tok["field"], "t_pflags")
        self.assertEqual(tok["seeds"], ["tok_trans_set_context"])
        self.assertEqual(tok["handovers"], ["tok_trans_switch_context"])
        self.assertEqual(sorted(c["fn"] for c in tok["creators"]), ["tok_trans_alloc", "tok_trans_dup"])
        self.assertEqual(tok["stops"], [{"fn": "tok_trans_clear_context", "callers": [
            "tok_reenter_worker (re-entered it with tok_trans_set_context())", "tok_trans_free (frees it)"]}])
        self.assertFalse(types["fake_handle"]["token"])
        self.assertIn("fake_new() returns a new struct fake_handle without opening the scope",
                      types["fake_handle"]["why"])
        self.assertIn("cond_new() (fs/fakefs/fake.c:", types["cond_handle"]["why"])
        self.assertIn("does not open the scope into it on every path", types["cond_handle"]["why"])
        self.assertIn("a cast to a pointer of the type", types["cast_handle"]["why"])
        # made-up handles: a validity test with a first-page bound leaves the type a token;
        # a bound past the page, a cast of an array or of an allocation does not
        gd = types["gd_handle"]
        self.assertTrue(gd["token"], gd["why"])
        self.assertEqual(gd["guard"], {"fn": "gd_handle_valid", "bound": "GD_MAX_REF", "value": 4096})
        self.assertEqual(gd["made_up"], ["fs/guardfs/journal.c:32", "fs/guardfs/journal.c:42"])
        self.assertEqual([s["fn"] for s in gd["stops"]], ["gd_clear_context"])
        self.assertIn("(of ref) makes a handle no dereference tells apart: no validity test bounds it in the "
                      "first page", types["big_handle"]["why"])
        self.assertIn("a cast to a pointer of the type of something that may be a real object "
                      "((struct addr_handle *)addr_spare)", types["addr_handle"]["why"])
        self.assertIn("a cast of an allocation to a pointer of the type", types["mac_handle"]["why"])
        self.assertIn("a cast to a pointer of the type of something that may be a real object "
                      "((struct shd_handle *)ref)", types["shd_handle"]["why"])
        self.assertIsNone(tok["guard"])
        self.assertIn("ilv_interleaved() ends a scope (a restore, a write to current->flags or another "
                      "provider's stop) after a start of struct ilv_trans", types["ilv_trans"]["why"])
        # a stop's caller that hands the stopped handle on before the free: the type stays a
        # token, and the function handed it gets no handle facts (nubf_work stays keep)
        self.assertIn("nubf_work", types["nubf_trans"]["after_stop"])
        self.assertEqual(tok["after_stop"], [])
        # the review's look-alikes: each type is refused, each for its own reason
        why = {k: v["why"] for k, v in types.items()}
        for tag, text in (("nai_trans", "the type used other than as a pointer"),
                          ("nptd_trans", "a typedef of a pointer to the type"),
                          # typedef struct T {...} T_t: the alias names an instance, or a pointer
                          ("nbi_trans", "the type used other than as a pointer (nbi_trans_t)"),
                          ("nbp_trans", "a typedef of a pointer to the type (*nbp_trans_p)"),
                          ("nup_trans", "a union that holds a pointer of the type"),
                          ("nva_trans", "(nva_bare) allocates what a struct nva_trans is made of outside"),
                          ("nfa_trans", "(nfa_into_field) allocates what"),
                          ("nvc_trans", "nvc_nojournal() returns (void *)nvc_dummy"),
                          ("nubo_trans", "does not open the scope into it on every path"),
                          ("nhc_trans", "moves the cookie but does not set current->journal_info"),
                          ("nsf_trans", "its address is taken"),
                          ("nsm_trans", "has no function body to check"),
                          ("nfm_trans", "neither frees the handle right after it"),
                          ("nts_trans", "neither frees the handle right after it"),
                          ("nop_trans", "another provider's stop"),
                          ("nrh_trans", "ends a scope")):
            self.assertIn(text, why[tag] or "", tag)

    def test_patch_rewrites_the_handle_proofs_and_checks_them(self):
        # the proof check re-reads the cited dereference before any rewrite
        r = self.shared.gfpscope("patch", "--kdir", self.tree, "--out", self.shared.out,
                                 "--confidence", "moderate")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.shared.out, "gfpscope.patch"), encoding="utf-8") as f:
            patch = f.read()
        self.assertEqual(patch.count("+\treturn kmalloc(n, GFP_KERNEL);"), 8, patch)  # deref x4, helper x2, reenter, traced

    def test_whatif_token_assumes_a_type_is_a_token(self):
        r = self.shared.gfpscope("whatif", "--kdir", self.tree, "--out", self.shared.out,
                                 "--token", "ilv_trans:ilv_free")
        self.assertEqual(r.returncode, 0, r.stderr)
        w = self.shared.load("whatif.json")
        self.assertEqual([(s["function"], s["reason"]) for s in w["sites"]], [("ilv_work", "transaction-handle")])
        self.assertEqual(w["by_file"], {"fs/fakefs/interleave.c": 1})
        self.assertEqual(w["by_family"], {"kmalloc": 1})
        self.assertIn("a live struct ilv_trans would hold a nofs scope (assumed by whatif",
                      w["sites"][0]["evidence"][0])
        # the other half of the answer: a function that takes the handle and still keeps, and why
        held = w["held_but_kept"]
        self.assertEqual([(s["function"], s["handle"]) for s in held["sites"]],
                         [("ilv_maybe", "not known valid"), ("ilv_deferred", "another task's")])
        self.assertEqual(held["by_handle"], {"another task's": 1, "not known valid": 1})
        self.assertIn("its handle may be another task's: ilv_worker() may run in another task",
                      held["sites"][1]["evidence"])
        self.assertIn("takes a struct ilv_trans handle (h) that is not known valid at the site",
                      held["sites"][0]["evidence"])
        with open(os.path.join(self.shared.out, "whatif.md"), encoding="utf-8") as f:
            md = f.read()
        self.assertIn("## Still keep although the function takes a struct ilv_trans handle", md)
        self.assertIn("| fs/fakefs/interleave.c:", md.split("## Still keep")[1])
        bad = self.shared.gfpscope("whatif", "--kdir", self.tree, "--out", self.shared.out, "--token", "ilv_trans")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--token ilv_trans: give STRUCT:STOP", bad.stderr)


class TokenCallsRule(unittest.TestCase):
    """cocci/facts/token_calls.cocci on its cases (testcases/facts/token_calls.*): the calls a
    valid handle covers, and the look-alikes it must not (a candidate call before the site,
    a scope end after the dereference, a for loop's third expression, a call in the argument
    of a macro that commits or beside a commit; the argument of a function that commits is
    covered)."""

    def test_cases(self):
        from gfpscope_lib.collect import spatch
        from gfpscope_lib.core import paths
        d = os.path.join(REPO, "testcases", "facts")
        res = spatch._run_batch(d, paths.TOKEN_CALLS_RULE, ["token_calls.c"], 300,
                                {"names": os.path.join(d, "token_calls.names.json")}, spatch.parse_facts)
        self.assertEqual(res["token_calls.c"]["status"], "ok", res["token_calls.c"]["detail"])
        with open(os.path.join(d, "token_calls.c"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        got = sorted({f"{r['caller']} {lines[r['line'] - 1][r['col']:].split('(')[0]} {r['line']} {r['how']}"
                      for r in res["token_calls.c"]["records"] if r.get("what") == "call"})
        with open(os.path.join(d, "token_calls.expected")) as f:
            self.assertEqual(got, sorted(l.strip() for l in f if l.strip()))


if __name__ == "__main__":
    unittest.main()
