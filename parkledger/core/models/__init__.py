from parkledger.core.models.base import *  # noqa: F403
from parkledger.core.models.parks import *  # noqa: F403
from parkledger.core.models.rollup import *  # noqa: F403
