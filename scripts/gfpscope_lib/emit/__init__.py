"""Stage 3, outputs: the census, the report model and its renderers and charts, commit
messages and the scratch repositories that series are proven in."""
