"""hybridir: hybrid-batch training and evaluation of multilingual dense retrievers."""

__version__ = "0.1.0"
