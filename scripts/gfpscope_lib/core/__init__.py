"""What every stage shares: errors, gfpscope's own paths, atomic output, progress, the kernel
tree, positions in a file (textpos) and the site record."""
