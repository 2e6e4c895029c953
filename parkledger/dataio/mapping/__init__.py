"""Importing the spreadsheets staff already have: any sheet mapped to a kind's fields once.

The steps, one module each:

- `grid`: any .xlsx/.xlsm/.xls/.ods (python-calamine) or CSV (UTF-8 or GB18030) as grids of cells;
- `header`: the header block (title, unit line, 1-3 merged header rows) and the data rows
  (totals, spacers, footnotes skipped);
- `proposal` with `synonyms` (data): each column's field, unit and reading (当月/累计);
- `values`, `units`: cells read (placeholders, separators, brackets, months), units converted exactly;
- `enterprises`: a row's enterprise by 统一社会信用代码 or normalised name;
- `cumulative`: 累计 → 当月;
- `convert`: rows in the template's field keys with their source coordinates;
- `run`: `mapped_import()`, through the importer's `import_rows`, issues in source coordinates;
- `saved`: mappings saved by name and found again by header signature.
"""
from parkledger.dataio.mapping.proposal import ColumnMapping, Mapping
from parkledger.dataio.mapping.run import (
    MappingNeeded,
    ReadSheet,
    mapped_import,
    read_source,
    resolve_mapping,
)

__all__ = ["ColumnMapping", "Mapping", "MappingNeeded", "ReadSheet", "mapped_import", "read_source", "resolve_mapping"]
