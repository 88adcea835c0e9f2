"""Rule data lives in YAML files beside this module; `load` reads one once."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

# libyaml's parser when PyYAML has it (its wheels do): the same safe loading, about
# eight times faster, which is most of a worker's start-up. The pure-Python one otherwise.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    with resources.files(__package__).joinpath(f"{name}.yaml").open(encoding="utf-8") as f:
        return yaml.load(f, Loader=_LOADER)
