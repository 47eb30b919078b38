"""How a data folder says it holds synthetic files (``bench.data.synthetic`` writes them): a ``synthetic.json``
beside them, with what wrote them, their rows and each file's MD5. Read by the loaders (Fashion-MNIST
checks such a folder against these checksums) and by a session that refuses synthetic data; apart from
the writers, so that a loader reads it without importing what writes it.
"""

import json
from pathlib import Path

MANIFEST = "synthetic.json"


def is_synthetic(path):
    """Whether ``path`` (a data folder, or a file in one) holds synthetic files (has ``synthetic.json``)."""
    path = Path(path)
    return (path / MANIFEST).is_file() or (path.parent / MANIFEST).is_file()


def checksums(folder):
    """The MD5 of each file a synthetic ``folder`` holds, from its manifest; None for any other folder."""
    manifest = Path(folder) / MANIFEST
    return json.loads(manifest.read_text())["md5"] if manifest.is_file() else None
