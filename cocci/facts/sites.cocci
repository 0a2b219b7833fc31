// SPDX-License-Identifier: GPL-2.0-only
/// Facts for gfpscope's census: where each GFP_NOFS/GFP_NOIO token is,
/// the function that holds it, and the call that receives it.
///
/// This is not a coccicheck rule: scripts/gfpscope runs it once per file and
/// reads the "GFPSCOPE" lines it prints. The site list itself comes from
/// gfplex (an exact lexer), so a site this rule does not see is still
/// counted, as unparsed.
//
// Confidence: High
// Options: --no-includes --include-headers

@site@
position p;
@@
(
GFP_NOFS@p
|
GFP_NOIO@p
)

@def@
identifier fn;
position pd;
@@
fn@pd(...) { ... }

@call@
identifier f;
position site.p, pf;
@@
f@pf(..., <+... \(GFP_NOFS@p\|GFP_NOIO@p\) ...+>, ...)

// a call through a function pointer: ops->alloc(x, GFP_NOFS)
@callx depends on !call@
expression ef;
position site.p, pf;
@@
ef@pf(..., <+... \(GFP_NOFS@p\|GFP_NOIO@p\) ...+>, ...)

@script:python@
p << site.p;
@@
import json
print("GFPSCOPE " + json.dumps({"t": "site", "file": p[0].file, "line": int(p[0].line),
      "col": int(p[0].column), "elem": p[0].current_element}))

@script:python@
pd << def.pd;
fn << def.fn;
@@
import json
print("GFPSCOPE " + json.dumps({"t": "def", "file": pd[0].file, "name": fn, "line": int(pd[0].line)}))

@script:python@
p << site.p;
pf << call.pf;
f << call.f;
@@
import json
print("GFPSCOPE " + json.dumps({"t": "call", "file": p[0].file, "line": int(p[0].line),
      "col": int(p[0].column), "callee": f, "cline": int(pf[0].line),
      "ccol": int(pf[0].column)}))

@script:python@
p << site.p;
pf << callx.pf;
ef << callx.ef;
@@
import json
print("GFPSCOPE " + json.dumps({"t": "call", "file": p[0].file, "line": int(p[0].line),
      "col": int(p[0].column), "callee": ef.replace(" ", ""), "cline": int(pf[0].line),
      "ccol": int(pf[0].column)}))
