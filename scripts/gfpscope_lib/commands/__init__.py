"""One module per command (scan, patch, series, whatif, history, diff): orchestration of the
stages, the files each command reads and writes."""
