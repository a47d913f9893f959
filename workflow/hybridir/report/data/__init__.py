"""Reading and shaping: the report tables as long frames, built from the pipeline's tables."""
