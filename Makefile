# gfpscope: GFP_NOFS/GFP_NOIO census, scope proofs and conversions for Linux.
#
#   make run     set up if needed, scan the default tree, print the census
#   make check   set up if needed, run every test; ends with "N passed, N failed"
#
# KDIR=DIR picks another kernel tree; OUT=DIR another output directory.

# Debian's interpreter: the python3 first on PATH may not see Debian's packages.
PYTHON      := /usr/bin/python3
# the data home, as scripts/gfpscope_lib/core/paths.py data_home() computes it
CACHE       := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/gfpscope
DEFAULT_KDIR := $(CACHE)/linux-source-6.12
KDIR        ?= $(DEFAULT_KDIR)
OUT         ?= gfpscope-out
JOBS        ?= $(shell nproc)
CC          ?= cc
CFLAGS      ?= -O2 -Wall -Wextra

# Debian packages the tool and its tests need: matplotlib draws the report's charts,
# chromium (headless) looks at report.html in the tests, b4 takes a written series over
# (testcases/driver/test_b4.py runs the README's b4 flow).
DEB_PACKAGES := coccinelle git perl gcc make python3 xz-utils linux-source-6.12 python3-matplotlib chromium b4

GFPLEX := build/gfplex

.PHONY: all setup run check reports reports-render bench-census tree-6.12 tree-6.1 git-6.12 history-repo history-points history-reports bench-history bench-analyse clean

all: $(GFPLEX)

# gfplex's sources (scripts/gfpscope_lib/collect/lexsites.py builds the same list)
GFPLEX_SRCS := $(addprefix scripts/gfplex/,gfplex.c lex.c sites.c bodies.c graph.c graph_names.c \
                 graph_visible.c graph_funcs.c graph_macros.c graph_templates.c)

$(GFPLEX): $(GFPLEX_SRCS) scripts/gfplex/gfplex.h scripts/gfplex/graph.h
	@mkdir -p build
	$(CC) $(CFLAGS) -o $@.tmp $(GFPLEX_SRCS) && mv $@.tmp $@

# Set-up: install what is missing, unpack the default tree once.
setup: $(GFPLEX)
	@$(PYTHON) scripts/setup.py packages $(DEB_PACKAGES)
	@if [ "$(KDIR)" = "$(DEFAULT_KDIR)" ]; then $(PYTHON) scripts/setup.py tree 6.12 $(CACHE); fi

tree-6.12:
	@$(PYTHON) scripts/setup.py packages linux-source-6.12 xz-utils
	@$(PYTHON) scripts/setup.py tree 6.12 $(CACHE)

# A git repository of the default tree (one commit, tagged): what `gfpscope series`
# makes branches in and the real-tree series test runs `git am` against.
git-6.12: tree-6.12
	@$(PYTHON) scripts/setup.py gitrepo 6.12 $(CACHE)

tree-6.1:
	@$(PYTHON) scripts/setup.py packages linux-source-6.1 xz-utils
	@$(PYTHON) scripts/setup.py tree 6.1 $(CACHE)

run: setup
	$(PYTHON) scripts/gfpscope scan --kdir $(KDIR) --out $(OUT) -j $(JOBS)

check: setup
	$(PYTHON) testcases/run.py --kdir $(KDIR)

# The census, patch and report of both reference kernels, committed under reports/.
reports: $(GFPLEX) tree-6.12 tree-6.1
	for v in 6.12 6.1; do \
	  $(PYTHON) scripts/gfpscope scan -q --kdir $(CACHE)/linux-source-$$v --out reports/linux-$$v -j $(JOBS) && \
	  $(PYTHON) scripts/gfpscope patch --kdir $(CACHE)/linux-source-$$v --out reports/linux-$$v && \
	  $(PYTHON) scripts/gfpscope report -q --kdir $(CACHE)/linux-source-$$v --out reports/linux-$$v || exit 1; \
	done
	$(MAKE) history-reports

# A git repository with two commits, linux-source-6.1 and linux-source-6.12,
# tagged v6.1.192 and v6.12.117 (from their Makefiles): gfpscope history's
# reference data. Built once, atomically, into $(CACHE)/linux-history.
HISTORY_REPO := $(CACHE)/linux-history

history-repo: tree-6.12 tree-6.1
	@$(PYTHON) scripts/setup.py history-repo $(CACHE)

# The history of the reference repository, committed under reports/history/,
# with the verdicts of the committed scans of both trees.
history-reports: $(GFPLEX) history-repo
	$(PYTHON) scripts/gfpscope history -q --kdir $(HISTORY_REPO) --out reports/history \
	  --scan v6.1.192=reports/linux-6.1 --scan v6.12.117=reports/linux-6.12 v6.1.192 v6.12.117
	$(PYTHON) scripts/gfpscope diff -q --kdir $(HISTORY_REPO) --out reports/history v6.1.192 v6.12.117

# Real release-to-release history: the 6.12 point release before the installed
# one (downloaded from Debian's archive with apt-get download, not installed)
# and the installed one, as two tagged commits in $(CACHE)/linux-history-6.12.
HISTORY_POINTS := $(CACHE)/linux-history-6.12

history-points: tree-6.12
	@$(PYTHON) scripts/setup.py history-points $(CACHE)

bench-history: $(GFPLEX) history-repo history-points
	bench/history --kdir $(HISTORY_REPO) --points $(HISTORY_POINTS)

# Only the reports (report.html, .md, .csv, .json, .org, the chart), from the committed
# scans: no kernel tree needed.
reports-render:
	for v in 6.12 6.1; do $(PYTHON) scripts/gfpscope report -q --out reports/linux-$$v || exit 1; done

bench-census: setup
	bench/census --kdir $(KDIR)

# issue 4's figures: scan of fs/ and of the whole tree, cold and warm, beside coccicheck
bench-analyse: setup
	$(PYTHON) bench/analyse --kdir $(KDIR) -j $(JOBS)

clean:
	rm -rf build gfpscope-out
