"""Test support, never used by a real run: the offline demo's synthetic data (`data`) and the
tiny models that the demo and the tests build (`tiny`)."""
