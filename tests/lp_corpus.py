"""Load the line-protocol corpus (influxdata/line-protocol-corpus, MIT) vendored in tests/data.

``MACHSTORE_LP_CORPUS`` may point at another copy (plain or .gz JSON).
"""
import gzip
import json
import os
from pathlib import Path

VENDORED = Path(__file__).parent / "data" / "line-protocol-corpus.json.gz"
CORPUS_PATH = Path(os.environ.get("MACHSTORE_LP_CORPUS", VENDORED))


def load_decode_cases():
    """Return the corpus's ``decode`` cases: ``{key: {"input": ..., "output": ...}}``."""
    raw = CORPUS_PATH.read_bytes()
    if CORPUS_PATH.suffix == ".gz":
        raw = gzip.decompress(raw)
    return json.loads(raw)["decode"]
