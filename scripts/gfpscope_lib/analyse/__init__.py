"""Stage 2, analysis and verdicts: the scope rules, the call graph, the providers, the regions
they cover, what cannot be resolved, the verdict of each site and the proof it rests on."""
