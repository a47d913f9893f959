"""The train stage: hybrid-batch sampling and dual-encoder training."""
