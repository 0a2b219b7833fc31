"""Stage 1, facts from the tree: the lexer (gfplex), spatch and its fact cache, masking, file
search, git objects of a history, the MAINTAINERS entries."""
