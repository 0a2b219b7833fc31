"""collect/loops.py: infinite loops in goto form, only where every break and continue is known."""
import unittest

import util  # puts scripts/ on the path
from gfpscope_lib.collect import loops


# the names the cases call, known to be functions (as the call graph would say)
FUNCTIONS = {"a", "b", "c", "work"}


def rw(code, functions=FUNCTIONS):
    return loops.rewrite(code.encode(), lambda n: n in functions).decode()


class Rewrite(unittest.TestCase):
    def test_the_module_is_this_repository_one(self):
        self.assertTrue(loops.__file__.startswith(util.REPO))

    def test_while_1_and_for_ever(self):
        for head in ("while (1)", "while (true)", "for (;;)"):
            with self.subTest(head=head):
                got = rw("void f(void)\n{\n\t%s {\n\t\tif (a())\n\t\t\tbreak;\n\t\tb();\n\t}\n\tc();\n}\n" % head)
                self.assertIn("{gfpscope_l1: {", got)
                self.assertIn("goto gfpscope_b1;", got)
                self.assertIn("} goto gfpscope_l1; gfpscope_b1: ; }", got)
                self.assertNotIn("break", got)

    def test_lines_never_move(self):
        src = "void f(void)\n{\n\twhile (1) {\n\t\tif (a()) break;\n\t\tif (b()) continue;\n\t}\n\tc();\n}\n"
        got = rw(src)
        self.assertEqual(got.count("\n"), src.count("\n"))
        self.assertIn("goto gfpscope_l1;", got.splitlines()[4])  # the continue
        self.assertEqual(got.splitlines()[6], "\tc();")

    def test_inner_loops_and_switches_keep_their_breaks(self):
        got = rw("void f(void)\n{\n\twhile (1) {\n\t\tfor (i = 0; i < n; i++) {\n\t\t\tif (x) break;\n\t\t}\n"
                 "\t\tswitch (y) {\n\t\tcase 1:\n\t\t\tbreak;\n\t\tcase 2:\n\t\t\tcontinue;\n\t\t}\n"
                 "\t\tlist_for_each_entry(p, h, l) {\n\t\t\tif (p) work();\n\t\t}\n"
                 "\t\tif (z)\n\t\t\tbreak;\n\t}\n}\n")
        self.assertEqual(got.count("break;"), 2)               # the for's and the switch's
        self.assertEqual(got.count("goto gfpscope_b1;"), 1)    # the loop's own
        self.assertEqual(got.count("goto gfpscope_l1;"), 2)    # the continue in the switch, and the back edge

    def test_nested_infinite_loops_each_get_their_own(self):
        got = rw("void f(void)\n{\n\twhile (1) {\n\t\tfor (;;) {\n\t\t\tif (a) break;\n\t\t}\n"
                 "\t\tif (b) break;\n\t}\n}\n")
        self.assertIn("goto gfpscope_b1;", got)
        self.assertIn("goto gfpscope_b2;", got)
        self.assertNotIn("break", got)

    def test_left_as_written_when_unsure(self):
        cases = {
            "no break of its own": "void f(void)\n{\n\twhile (1) {\n\t\tif (a) return;\n\t}\n}\n",
            "an unbraced inner loop with a break":
                "void f(void)\n{\n\twhile (1) {\n\t\tfor (i = 0; i < n; i++)\n\t\t\tif (x) break;\n"
                "\t\tif (y) break;\n\t}\n}\n",
            "an unbraced inner loop whose else breaks":
                "void f(void)\n{\n\tfor (;;) {\n\t\twhile (x)\n\t\t\tif (a) b(); else break;\n"
                "\t\tif (y) break;\n\t}\n}\n",
            "a preprocessor line in the body":
                "void f(void)\n{\n\twhile (1) {\n#ifdef X\n\t\tif (a) break;\n#endif\n\t\tif (b) break;\n\t}\n}\n",
            "a loop with a condition": "void f(void)\n{\n\twhile (x) {\n\t\tif (a) break;\n\t}\n}\n",
            "do while (1)": "void f(void)\n{\n\tdo {\n\t\tif (a) break;\n\t} while (1);\n}\n",
            # a break a macro may hide: the goto form would drop that way out
            "a call of a macro": "void f(void)\n{\n\twhile (1) {\n\t\tBREAK_IF(x);\n\t\tif (a) break;\n\t}\n}\n",
            "a call of an unknown name": "void f(void)\n{\n\twhile (1) {\n\t\tcheck(x);\n\t\tif (a) break;\n\t}\n}\n",
            "a statement expression":
                "void f(void)\n{\n\twhile (1) {\n\t\t({ if (x) break; 0; });\n\t\tif (a) break;\n\t}\n}\n",
            "a macro with a block that breaks (a loop or an if?)":
                "void f(void)\n{\n\twhile (1) {\n\t\twhen(x) {\n\t\t\tbreak;\n\t\t}\n\t\tif (a) break;\n\t}\n}\n",
            # columns move after a rewritten token: nothing may follow it on its line
            "code after a break on its line":
                "void f(void)\n{\n\twhile (1) {\n\t\tif (a()) break; b();\n\t}\n}\n",
            "code after the closing brace on its line":
                "void f(void)\n{\n\twhile (1) {\n\t\tif (a()) break;\n\t} c();\n}\n",
            "a name alone as a statement": "void f(void)\n{\n\twhile (1) {\n\t\tMAYBE_BREAK;\n\t\tif (a) break;\n\t}\n}\n",
        }
        for what, src in cases.items():
            with self.subTest(what):
                self.assertEqual(rw(src), src)

    def test_without_known_functions_a_body_that_calls_is_left_alone(self):
        src = "void f(void)\n{\n\twhile (1) {\n\t\tif (a())\n\t\t\tbreak;\n\t}\n}\n"
        self.assertEqual(loops.rewrite(src.encode()).decode(), src)
        self.assertIn("gfpscope_l1", rw(src))

    def test_members_are_not_macros(self):
        got = rw("void f(void)\n{\n\twhile (1) {\n\t\tops->step(x);\n\t\ts.next(x);\n\t\tif (a) break;\n\t}\n}\n")
        self.assertIn("goto gfpscope_b1;", got)

    def test_a_head_over_several_lines_keeps_its_lines(self):
        src = "void f(void)\n{\n\tfor (;\t/* no count */\n\t     ;\n\t     ) {\n\t\tif (a()) break;\n\t}\n\tc();\n}\n"
        got = rw(src)
        self.assertIn("gfpscope_l1", got)
        self.assertEqual(got.count("\n"), src.count("\n"))
        self.assertEqual(got.splitlines()[7], "\tc();")

    def test_fits_as_the_body_of_an_if(self):
        got = rw("void f(void)\n{\n\tif (a)\n\t\twhile (1) {\n\t\t\tif (b) break;\n\t\t}\n\telse\n\t\tc();\n}\n")
        self.assertIn("\t\t{gfpscope_l1: {", got)
        self.assertIn("} goto gfpscope_l1; gfpscope_b1: ; }\n\telse", got)

    def test_comments_and_strings_are_not_code(self):
        src = ('void f(void)\n{\n\twhile (1) {\n\t\t/* break; */ s = "break;";\n\t\tif (a) break;\n\t}\n}\n')
        got = rw(src)
        self.assertIn('/* break; */ s = "break;";', got)
        self.assertEqual(got.count("goto gfpscope_b1;"), 1)

    def test_comments_inside_a_head_do_not_hide_it(self):
        """A file is tokenised only if a cheap search finds a head: the search must find
        every head the tokens do, comments between the tokens or not."""
        for head in ("while /* a */ ( // b\n 1 /**/ )", "while(true)", "for ( /* x */ ; // y\n ; )",
                     "for(;;/*z*/)"):
            with self.subTest(head=head):
                got = rw("void f(void)\n{\n\t%s {\n\t\tif (a())\n\t\t\tbreak;\n\t}\n}\n" % head)
                self.assertIn("goto gfpscope_b1;", got)
        for src in ("while (10) { break; }", "for (i = 0;;) { break; }", "while (x) { break; }"):
            with self.subTest(src=src):
                self.assertEqual(rw("void f(void)\n{\n\t%s\n}\n" % src), "void f(void)\n{\n\t%s\n}\n" % src)


if __name__ == "__main__":
    unittest.main()
