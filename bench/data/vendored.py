"""Data files shipped in this folder (``bench/data/``), verified by sha256 on every load."""

import hashlib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent

# sha256 of each vendored file, as published with the file (bench/data/README.md).
CHECKSUMS = {
    "ionosphere.data": "46d52186b84e20be52918adb93e8fb9926b34795ff7504c24350ae0616a04bbd",
    "boston_housing.csv": "8594f084258ead302f20a7479463f7a7584d33fe00042d442a7101530c8b46de",
}


class DataFileError(RuntimeError):
    """A vendored data file is missing or does not match its checksum."""


def verified_path(name, data_dir=DATA_DIR):
    """The path of vendored file ``name`` after checking its sha256."""
    if name not in CHECKSUMS:
        raise DataFileError(f"No vendored data file {name!r}; known files: {', '.join(sorted(CHECKSUMS))}")
    path = Path(data_dir) / name
    if Path(data_dir).resolve() == DATA_DIR:
        restore = f"Restore it with `git checkout -- bench/data/{name}` or reinstall the package."
    else:
        restore = f"Copy the project's bench/data/{name} into {data_dir}."
    if not path.is_file():
        raise DataFileError(f"Data file {path} is missing. {restore}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != CHECKSUMS[name]:
        raise DataFileError(f"Data file {path} is corrupt: sha256 {digest}, expected {CHECKSUMS[name]}. {restore}")
    return path
