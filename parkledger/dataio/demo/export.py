"""Writing the demo data in the import format (an .xlsx workbook or a directory of `<kind>.csv`)."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from parkledger.core.kinds import KIND_ORDER, kind_models
from parkledger.core.models import LedgerModel
from parkledger.dataio.cells import header, row_cells
from parkledger.dataio.demo.generator import park_rows
from parkledger.dataio.demo.scales import ParkSpec, Scale
from parkledger.dataio.writers import CSV_ENCODING, write_csv_dir, write_workbook

__all__ = ["demo_sheets", "write_demo"]


def demo_sheets(seed: int, scale: Scale, spec: ParkSpec | None = None, used_usccs: set[str] | None = None
                ) -> dict[str, tuple[list[str], Iterator[list[str]]]]:
    """kind key → (header, rows as cells) of one park of the scale (the first by default)."""
    models = kind_models()
    rows = park_rows(spec or scale.parks[0], scale, seed, used_usccs)
    return {kind: (header(models[kind]), _cells(models[kind], rows[kind])) for kind in KIND_ORDER}


def _cells(model: type[LedgerModel], rows: Iterable[LedgerModel]) -> Iterator[list[str]]:
    for obj in rows:
        yield row_cells(model, obj)


def write_demo(path: str | Path, seed: int, scale: Scale) -> dict[str, int]:
    """Write the workbook (`.xlsx` path) or the CSV directory (any other path); rows per kind.

    A workbook holds one park (Excel sheets stop at 1,048,576 rows); many parks go to CSV files,
    written park by park and joined, so memory stays flat.
    """
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        if len(scale.parks) > 1:
            raise ValueError(_("多园区规模的数据超出Excel工作表行数上限，请输出为CSV目录（-o 目录路径）"))
        return write_workbook(target, demo_sheets(seed, scale))
    if len(scale.parks) == 1:
        return write_csv_dir(target, demo_sheets(seed, scale))
    return _write_csv_parks(target, seed, scale)


def _write_csv_parks(target: Path, seed: int, scale: Scale) -> dict[str, int]:
    target.mkdir(parents=True, exist_ok=True)
    totals = dict.fromkeys(KIND_ORDER, 0)
    used: set[str] = set()
    with tempfile.TemporaryDirectory(dir=target) as tmp:
        for i, spec in enumerate(scale.parks):
            part = Path(tmp) / spec.code
            counts = write_csv_dir(part, demo_sheets(seed, scale, spec, used))
            for kind, n in counts.items():
                totals[kind] += n
                _append(part / f"{kind}.csv", target / f"{kind}.csv", with_header=i == 0)
            shutil.rmtree(part)
    return totals


def _append(source: Path, destination: Path, *, with_header: bool) -> None:
    """Append one park's CSV to the joined file (the header and byte-order mark only once)."""
    with open(source, encoding=CSV_ENCODING, newline="") as fin, open(
        destination, "w" if with_header else "a", encoding=CSV_ENCODING if with_header else "utf-8", newline=""
    ) as fout:
        first = fin.readline()
        if with_header:
            fout.write(first)
        shutil.copyfileobj(fin, fout, 1 << 20)
