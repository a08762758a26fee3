"""asana-adaptor: OpenFn-style jobs for Asana, in Python.

Jobs are sequences of operations over a JSON state. Everything a job file can use without an
import is exported here, so ``from asana_adaptor import *`` gives a script the same names.
"""

from ._version import __version__
from .ops import *  # noqa: F401,F403
from .ops import __all__ as _ops_all
from .runtime import S, execute
from .runtime.common import *  # noqa: F401,F403
from .runtime.common import __all__ as _common_all

__all__ = sorted({"S", "execute", "__version__", *_common_all, *_ops_all})
