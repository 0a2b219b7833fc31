"""gfpscope: find, prove and convert GFP_NOFS/GFP_NOIO allocations in a kernel tree.

Data flows one way: tree -> facts -> analysis -> verdicts -> patches and reports.
Each module holds one of those steps.
"""

VERSION = "0.1"
