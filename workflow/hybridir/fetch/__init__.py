"""The fetch stage: every data source the pipeline uses, as canonical Parquet tables."""
