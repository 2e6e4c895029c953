from parkledger.accounts.models.access import *  # noqa: F403
from parkledger.accounts.models.audit import *  # noqa: F403
from parkledger.accounts.models.periods import *  # noqa: F403
