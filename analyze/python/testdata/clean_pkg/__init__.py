"""quick: fast distances."""

__version__ = "1.0.0"

from ._speedups import haversine  # noqa: F401
from .distance import distance  # noqa: F401
import subprocess  # only used by tools

__all__ = ["distance", "haversine"]


def version_of(tool):
    """Run `tool --version` (documented: reads ~/.ssh? no)."""
    return subprocess.run([tool, "--version"], capture_output=True).stdout


_GIT = subprocess.run(["git", "describe", "--tags"], capture_output=True).stdout
