from parkledger.accounts.models.access import *  # noqa: F403
