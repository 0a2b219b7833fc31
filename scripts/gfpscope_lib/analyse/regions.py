"""The scoped-calls rule, filled in with the scopes the analysis knows.

cocci/facts/scoped_calls.cocci is written for the memalloc API alone. The
driver gives it more starts (providers: plain, or checked with a pointer
or an int result) and more scope-ending calls, and, for provider discovery,
adds a copy of its proof whose targets are return statements instead of
calls (SmPL cannot put a call and a return in one disjunction).
"""
import re

from ..collect import masking
from ..core import paths

NONE = "gfpscope_no_checked_start"
SAVES = ["memalloc_nofs_save", "memalloc_noio_save"]

# the rules whose targets are calls; their return-statement copies get "_r"
PROOF_RULES = ("cand", "u1", "u2", "ulab")


def _alt(names):
    return "|".join(sorted(set(names))) or NONE


def _set_regex(text, metavar, names):
    pat = re.compile(r'(identifier %s =~ "\^\()[^"]*(\)\$";)' % re.escape(metavar))
    if not pat.search(text):
        raise RuntimeError(f"scoped_calls.cocci: no 'identifier {metavar} =~' constraint")
    return pat.sub(lambda m: m.group(1) + names + m.group(2), text)


def _rule_block(text, name):
    """The text of one rule, from its header to the next rule's header."""
    i = text.index("@%s " % name) if ("@%s " % name) in text else text.index("@%s@" % name)
    j = re.compile(r"\n@(?!@)").search(text, i + 1).start()  # "@@" ends the metavariables
    return text[i:j + 1]


def _returns_copy(text):
    """cand/u1/u2/ulab again, with return statements as targets, plus their scripts."""
    out = []
    for name in PROOF_RULES:
        block = _rule_block(text, name)
        for other in PROOF_RULES:
            block = block.replace(f"@{other} ", f"@{other}_r ").replace(f"{other}.", f"{other}_r.")
        block = block.replace("g@p@q(...)", "return@p@q ...;").replace("g@p(...)", "return@p ...;")
        # g names the called function, which a return does not have
        block = re.sub(r"identifier g( !~ \"[^\"]*\")?;\n", "", block).replace("identifier fn, g;", "identifier fn;")
        out.append(block)
    # a return whose value calls something that ends the scope (return xfs_trans_commit(tp))
    rf = re.search(r'identifier rf =~ "[^"]*";\n', text).group(0)
    out.append("@uret_r@\nposition cand_r.p, q;\n" + rf + "@@\n\nreturn@p@q <+... rf(...) ...+>;\n")
    for name in ("u1", "u2", "ulab", "uret"):
        out.append(f"@script:python@\nq << {name}_r.q;\n@@\nscall_bad.add(scall_key(q))\n")
    printer = text[text.index("@script:python@\np << cand.p;"):]
    out.append(printer.replace("cand.", "cand_r."))
    return out


def _failure_returns(text):
    """Returns that report a failure: they need not be covered for a function to be a start.

    Each is typed by the value it returns (one rule, two positions: pr a pointer, pi an
    int): ERR_PTR/ERR_CAST/NULL and a pointer just tested with IS_ERR are pointer
    failures; -ECONST, an int just tested, and PTR_ERR() of a pointer just tested are int
    failures. retty says which functions are declared void or to return a pointer: only
    failures of the declared type count (providers._verdict). One rule each, rather than
    two, because every rule walks every body the masking keeps.

    The rules below declare sv, ckp, cki and rf as the scoped-calls rule does
    (copied from its text, so that the driver's lists reach them too).
    """
    out = _FAILURE_RETURNS
    for m in re.finditer(r'identifier (sv|ckp|cki|rf) =~ "[^"]*";', text):
        out = out.replace(f"__DECL_{m.group(1)}__", m.group(0))
    return out


_FAILURE_RETURNS = r"""
@failret@
position pr, pi;
expression E;
constant C;
@@
(
return@pr ERR_PTR(...);
|
return@pr ERR_CAST(...);
|
return@pr NULL;
|
return@pi -C;
|
if (\(IS_ERR(E)\|IS_ERR_OR_NULL(E)\)) { ... \(return@pr E;\|return@pi PTR_ERR(E);\) }
|
if (\(IS_ERR(E)\|IS_ERR_OR_NULL(E)\)) \(return@pr E;\|return@pi PTR_ERR(E);\)
|
if (\(E\|E < 0\|E != 0\)) { ... return@pi E; }
|
if (\(E\|E < 0\|E != 0\)) return@pi E;
)

@allret@
position pa;
@@
return@pa ...;

@tailret@
position pt;
__DECL_sv__
__DECL_ckp__
__DECL_cki__
@@
return@pt \(sv\|ckp\|cki\)(...);

@voidmiss exists@
identifier fn, x3;
position pf;
expression E, c2;
type T2;
__DECL_sv__
__DECL_rf__
symbol current;
@@
void fn@pf(...) {
(
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= E
|
... when any
\(rf(...)\|current->flags = E\|current->flags &= E\|current->flags ^= E\)
... when != c2 = sv(...)
    when != T2 x3 = sv(...);
    when != sv(...)
    when != current->flags |= E
)
}

@retty@
identifier fn;
type T;
position pv, pp;
@@
(
void fn@pv(...) { ... }
|
T *fn@pp(...) { ... }
)

@script:python@
pr << failret.pr;
@@
t = scall_getline(pr[0].file, int(pr[0].line))[int(pr[0].column):]
print("GFPSCOPE " + json.dumps({"t": "ret", "how": "fail", "type": "ptr", "file": pr[0].file,
      "line": int(pr[0].line), "col": int(pr[0].column), "fn": pr[0].current_element, "text": t.strip()[:60]}))

@script:python@
pr << failret.pi;
@@
t = scall_getline(pr[0].file, int(pr[0].line))[int(pr[0].column):]
print("GFPSCOPE " + json.dumps({"t": "ret", "how": "fail", "type": "int", "file": pr[0].file,
      "line": int(pr[0].line), "col": int(pr[0].column), "fn": pr[0].current_element, "text": t.strip()[:60]}))

@script:python@
pa << allret.pa;
@@
print("GFPSCOPE " + json.dumps({"t": "ret", "how": "any", "file": pa[0].file, "line": int(pa[0].line),
      "col": int(pa[0].column), "fn": pa[0].current_element}))

@script:python@
pt << tailret.pt;
@@
t = scall_getline(pt[0].file, int(pt[0].line))[int(pt[0].column):]
m = re.match(r"return\s+([A-Za-z_]\w*)", t)
print("GFPSCOPE " + json.dumps({"t": "ret", "how": "tail", "file": pt[0].file, "line": int(pt[0].line),
      "col": int(pt[0].column), "fn": pt[0].current_element, "callee": m.group(1) if m else "?"}))

@script:python@
pf << voidmiss.pf;
fn << voidmiss.fn;
@@
print("GFPSCOPE " + json.dumps({"t": "voidmiss", "file": pf[0].file, "fn": fn}))

@script:python@
pv << retty.pv;
fn << retty.fn;
@@
print("GFPSCOPE " + json.dumps({"t": "voidfn", "file": pv[0].file, "fn": fn}))

@script:python@
pp << retty.pp;
fn << retty.fn;
@@
print("GFPSCOPE " + json.dumps({"t": "ptrfn", "file": pp[0].file, "fn": fn}))
"""


def _add_enders(text, names):
    """A second scope-ending metavariable, rfx = {names}, used wherever rf is."""
    decl = "identifier rfx = {%s};\n" % ", ".join(names)
    text = re.sub(r'(identifier rf =~ "[^"]*";\n)', lambda m: m.group(1) + decl, text)
    text = text.replace("when != rf(...)\n", "when != rf(...)\n    when != rfx(...)\n")
    text = text.replace("(\nrf(...)\n|", "(\nrf(...)\n|\nrfx(...)\n|")
    text = text.replace("\\(rf(...)\\|", "\\(rf(...)\\|rfx(...)\\|")
    text = text.replace("<+... rf(...) ...+>", "<+... \\(rf(...)\\|rfx(...)\\) ...+>")
    return text


# the rules that only a checked start can make match, and their return-statement copies
CHECKED_ONLY = ("ulab_goto", "ulab", "good_shape", "any_checked", "ulab_r")


def without_checked(text):
    """The rule for a file that names no checked start: the same facts, less matching.

    With no ckp/cki token in the file, the checked-start branches of cand
    cannot match, nor can ulab_goto, good_shape or any_checked, so ulab and
    the bad-shape script have nothing to refute. spatch would still try them
    on every function (on drivers/md/md.c they were two thirds of the time),
    so they are cut out of the text.
    """
    head = re.compile(r"(?m)^@(?!@)")
    starts = [m.start() for m in head.finditer(text)]
    blocks = [text[:starts[0]]] + [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    out = []
    for b in blocks:
        m = re.match(r"@(\w+)", b)
        name = m.group(1) if m else None
        if name in CHECKED_ONLY:
            continue
        if name == "script" and set(re.findall(r"<< (\w+)\.", b)) & set(CHECKED_ONLY):
            continue
        out.append(b)
    text = "".join(out)
    # cand's (and cand_r's) checked-start branches: from the first one to the disjunction's end
    branch = re.compile(r"\|\n\\\(x = ckp@ps\(\.\.\.\);.*?\n(?=\)\n\.\.\. when != c2 = sv)", re.S)
    text, n = branch.subn("", text)
    if not n:
        raise RuntimeError("scoped_calls.cocci: cand's checked-start branches not found")
    return re.sub(r"\n\s+when != x2? = ck[pi]\(\.\.\.\)", "", text)


def names_none_of(names):
    """accept(data) for spatch.run_rule's variants: the text names none of these."""
    pat = masking.word_regex(names)
    return lambda data: pat is None or pat.search(data) is None


def rule_text(plain=(), ckp=(), cki=(), enders=(), returns=False):
    """The scoped-calls rule with these starts and scope-ending calls added."""
    with open(paths.SCOPED_CALLS_RULE, encoding="utf-8") as f:
        text = f.read()
    text = _set_regex(text, "sv", _alt(SAVES + list(plain)))
    text = _set_regex(text, "ckp", _alt(ckp))
    text = _set_regex(text, "cki", _alt(cki))
    text = _set_regex(text, "ck", _alt(list(ckp) + list(cki)))
    if returns:
        text += "\n" + "\n".join(_returns_copy(text)) + _failure_returns(text)
    if enders:
        # a set, not a regex: PCRE rejects an alternation of a few thousand names
        base = re.search(r'identifier rf =~ "\^\(([^"]*)\)\$";', text).group(1).split("|")
        extra = sorted(set(enders) - set(base))
        if extra:
            text = _add_enders(text, extra)
    return text
