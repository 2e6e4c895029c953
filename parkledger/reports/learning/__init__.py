"""Learning a report template from last year's report (`.docx` or `.txt`, figures real or masked).

`read_path`/`read_bytes` read the document, `learn` finds and binds its figures and writes the template,
`catalogue_for_park` gives the park's names the binder needs for parameterised keys.
"""
from parkledger.reports.learning.learner import BindingError, LearnResult, learn
from parkledger.reports.learning.names import EMPTY as EMPTY_CATALOGUE
from parkledger.reports.learning.names import Catalogue, catalogue_for_park
from parkledger.reports.learning.reading import LearnInputError, read_bytes, read_path

__all__ = ["BindingError", "Catalogue", "EMPTY_CATALOGUE", "LearnInputError", "LearnResult", "catalogue_for_park", "learn",
           "read_bytes", "read_path"]
