"""The interprocedural verdicts on testcases/trees/ipa: one function per case of issue 4."""
import os

from util import REPO, ScannedTree

IPA = os.path.join(REPO, "testcases", "trees", "ipa")

# function -> (verdict, reason, confidence, evidence must contain)
EXPECTED = {
    "ipafs_only_in_scope": ("convert", "caller-scope", "high",
                            "ipafs_only_in_scope <- ipafs_scoped (memalloc_nofs_save() at line 111)"),
    "ipafs_dual": ("keep", "dual-context", "high", "ipafs_dual <- ipafs_unscoped"),
    "ipafs_chain3": ("convert", "caller-scope", "high",
                     "ipafs_chain3 <- ipafs_chain2 <- ipafs_chain1 <- ipafs_scoped (memalloc_nofs_save() at line 111)"),
    "ipafs_rec_a": ("convert", "caller-scope", "high", "ipafs_rec_a <- ipafs_scoped"),
    "ipafs_loop_x": ("keep", "dual-context", "high", "ipafs_loop_x <- ipafs_loop_y"),
    "ipafs_ops_alloc": ("keep", "address-taken", "high", "file scope of fs/ipafs/a.c"),
    "ipafs_work_fn": ("keep", "address-taken", "high", "taken in ipafs_scoped"),
    "ipafs_cb_fn": ("keep", "address-taken", "high", "its address is taken"),
    "ipafs_noio_helper": ("keep", "no-scope", "high", "no noio scope"),
    "ipafs_after_stop": ("keep", "no-scope", "high", "ipafs_after_stop <- ipafs_scoped"),
    "ipafs_store_mask": ("keep", "not-an-allocation", "high", "not passed straight to an allocator"),
    "ipafs_shared_helper": ("convert", "caller-scope", "moderate", "ipafs_shared_helper <- "),
    "ipafs_shared_unscoped": ("keep", "no-scope", "high", "<- ipafs_other_file"),
    "ipafs_exported_helper": ("keep", "exported", "high", "exported"),
    # a transaction with no scope in it: nothing proves this one ...
    "ipafs_in_trans_helper": ("keep", "no-scope", "high", "<- ipafs_do_trans"),
    # ... nor these, which whatif must not count either: the assumed scope has ended before them
    "ipafs_after_finish_helper": ("keep", "no-scope", "high", "<- ipafs_do_trans_finish"),
    "ipafs_after_drop_helper": ("keep", "no-scope", "high", "<- ipafs_do_trans_unlocked"),
    # providers (journal.c): found without configuration, then propagated upward
    "ipafs_tx_user": ("convert", "transaction", "high",
                      "ipafs_tx_user (ipafs_journal_start(): ipafs_start_this_handle (handle->saved_alloc_context))"),
    "ipafs_tx_helper": ("convert", "transaction", "high", "ipafs_tx_helper <- ipafs_tx_user (ipafs_journal_start()"),
    "ipafs_cookie_user": ("convert", "transaction", "high", "(ipafs_writepages_down(): returns the cookie)"),
    "ipafs_tx_tail": ("convert", "transaction", "high",
                      "ipafs_tx_tail (ipafs_journal_start_tail(): ipafs_journal_start <- ipafs_start_this_handle"),
    # the allocation after the failed start's goto; a start with a path that opens no scope;
    # a callee that ends the caller's transaction
    "ipafs_tx_failpath": ("keep", "no-scope", "high", "ipafs_tx_failpath"),
    "ipafs_tx_nojournal": ("keep", "no-scope", "high", "ipafs_tx_nojournal"),
    "ipafs_tx_nested": ("keep", "no-scope", "high", "ipafs_tx_nested"),
    "ipafs_tx_after_commit": ("keep", "no-scope", "high", "<- ipafs_tx_stop_in_callee"),
    # a failed start that breaks out of a loop (covered after the test); the twins, whose
    # break leaves a do-while or a switch with the allocation after it
    "ipafs_tx_loop": ("convert", "transaction", "high", "ipafs_tx_loop (ipafs_journal_start():"),
    "ipafs_tx_break_after": ("keep", "no-scope", "high", "ipafs_tx_break_after"),
    "ipafs_tx_switch_break": ("keep", "no-scope", "high", "ipafs_tx_switch_break"),
    # after a wrapper whose failure breaks out to a return of the success value: no start
    "ipafs_tx_quiet_user": ("keep", "no-scope", "high", "ipafs_tx_quiet_user"),
    # a start retried on one error and tested once; the twins: the retry block forgets the
    # error, or starts again only on one branch
    "ipafs_tx_retry": ("convert", "transaction", "high", "ipafs_tx_retry (ipafs_start_this_handle()"),
    "ipafs_tx_retry_reset": ("keep", "no-scope", "high", "ipafs_tx_retry_reset"),
    "ipafs_tx_retry_branch": ("keep", "no-scope", "high", "ipafs_tx_retry_branch"),
    # a local save that gfp_scope_redundant alone would take, with a callee between it and the
    # allocation that ends the transaction's scope (the scopes interleave)
    "ipafs_local_then_commit": ("keep", "scope-ended", "high",
                                "memalloc_nofs_save() at line 211 opens a scope, but a call before the site may end"),
}

# what the discovery must find in journal.c: name -> (shape, how)
PROVIDERS = {
    "ipafs_start_this_handle": ("int", "handle->saved_alloc_context"),
    "ipafs_journal_start": ("ptr", "handle->saved_alloc_context"),
    "ipafs_writepages_down": ("plain", "returns the cookie"),
    "ipafs_journal_start_tail": ("ptr", "handle->saved_alloc_context"),
}


class Interprocedural(ScannedTree):
    TREE = IPA

    def test_scan_ok(self):
        self.assertEqual(self.scan.returncode, 0, self.scan.stderr)
        self.assertEqual(len(self.sites), len(EXPECTED))

    def test_each_case(self):
        got = {s["function"]: s for s in self.sites}
        for fn, (verdict, reason, conf, ev) in EXPECTED.items():
            with self.subTest(fn=fn):
                s = got[fn]
                self.assertEqual((s["verdict"], s["reason"], s["confidence"]), (verdict, reason, conf),
                                 s["evidence"])
                self.assertIn(ev, s["evidence"][0])

    def test_providers_found_without_configuration(self):
        prov = self.shared.load("providers.json")
        got = {n: (s["shape"], s["how"]) for n, s in prov["starts"].items()}
        self.assertEqual(got, PROVIDERS)
        # the no-journal wrapper has a success return outside the scope
        self.assertNotIn("ipafs_fs_journal_start", prov["starts"])
        # nor is a wrapper whose failure breaks out to a return of the success value
        self.assertNotIn("ipafs_start_quiet", prov["starts"])
        # nor is a start whose `if (handle) return handle;` returns a handle with no scope
        self.assertNotIn("ipafs_journal_start_nested", prov["starts"])
        self.assertIn("ipafs_stop_this_handle", prov["stops"])

    def test_declared_provider_is_moderate(self):
        conf = os.path.join(self.tmp, "providers.conf")
        with open(conf, "w") as f:
            f.write("# the trans.c API, declared by hand\nipafs_trans_start ipafs_trans_stop plain nofs\n")
        r = self.gfpscope("scan", "--kdir", IPA, "--out", self.out, "--providers", conf)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = {x["function"]: x for x in self.load("sites.json")}["ipafs_in_trans_helper"]
        self.assertEqual((s["verdict"], s["reason"], s["confidence"]), ("convert", "transaction", "moderate"))
        self.assertIn("declared in providers.conf", s["evidence"][0])

    def test_bad_providers_file(self):
        conf = os.path.join(self.tmp, "bad.conf")
        with open(conf, "w") as f:
            f.write("ipafs_trans_start ipafs_trans_stop maybe nofs\n")
        r = self.gfpscope("scan", "--kdir", IPA, "--out", self.out, "--providers", conf)
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad.conf:1: expected 'START STOP[,STOP...] SHAPE KIND'", r.stderr)
        r = self.gfpscope("scan", "--kdir", IPA, "--out", self.out, "--providers", conf + ".missing")
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot read providers file", r.stderr)

    def test_patch_default_takes_high_only(self):
        r = self.shared.gfpscope("patch", "--kdir", IPA, "--out", self.shared.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("9 conversions in 2 files", r.stdout)
        r = self.shared.gfpscope("patch", "--confidence", "moderate", "--kdir", IPA, "--out", self.shared.out)
        self.assertIn("10 conversions in 3 files", r.stdout)

    def test_whatif_transaction_scope(self):
        # ... unless the transaction opened a scope: whatif says what that would prove. Not the
        # helpers called after a callee that ends the assumed scope (ipafs_trans_finish) or
        # clears PF_MEMALLOC_NOFS (ipafs_drop_nofs), nor ipafs_local_then_commit: the scan
        # refuses them through its may-end set, and whatif runs the same proof
        answers = os.path.join(self.shared.tmp, "cache", "words", "answers")
        listed = lambda: {os.path.join(d, n) for d in os.listdir(answers)  # noqa: E731
                          for n in os.listdir(os.path.join(answers, d))}
        before = listed()
        r = self.shared.gfpscope("whatif", "--kdir", IPA, "--out", self.shared.out,
                                 "--scope", "ipafs_trans_start:ipafs_trans_stop")
        self.assertEqual(r.returncode, 0, r.stderr)
        # its greps (the assumed start's word is new) are kept for the next run, as scan's are
        self.assertTrue(listed() - before)
        self.assertIn("1 more sites provably redundant (10 -> 11)", r.stdout)
        w = self.shared.load("whatif.json")
        self.assertEqual([(s["function"], s["reason"]) for s in w["sites"]],
                         [("ipafs_in_trans_helper", "transaction")])
        self.assertEqual(w["sites"][0]["evidence"],
                         ["ipafs_in_trans_helper <- ipafs_do_trans (ipafs_trans_start(): assumed by whatif)"])
        self.assertEqual(w["by_subsystem"], {"fs/ipafs": 1})

    def test_whatif_bad_spec(self):
        r = self.shared.gfpscope("whatif", "--kdir", IPA, "--out", self.shared.out, "--scope", "nocolon")
        self.assertEqual(r.returncode, 2)
        self.assertIn("give START:STOP", r.stderr)

    def test_evidence_is_the_same_on_every_run(self):
        # the chains must not follow Python's per-process string hashing
        outs = []
        for seed in ("1", "2"):
            out = os.path.join(self.shared.tmp, "seed" + seed)
            r = self.shared.gfpscope("scan", "-q", "--kdir", IPA, "--out", out,
                                     env=dict(self.shared.env, PYTHONHASHSEED=seed))
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(out, "sites.json")) as f:
                outs.append(f.read())
        self.assertEqual(outs[0], outs[1])
