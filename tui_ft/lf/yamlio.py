"""YAML read and written the way `llamafactory-cli train FILE.yaml` reads it.

LLaMA-Factory loads its config with OmegaConf, whose loader differs from PyYAML's
`safe_load` where it matters for training configs: `learning_rate: 1e-4` is a float
(YAML 1.2; PyYAML reads the string "1e-4"), dates stay strings, and a key given twice
is an error instead of the last one winning. tui-ft reads with the same rules, so a
config means here what it means there, without needing OmegaConf on a laptop; and it
writes strings that OmegaConf would read as floats with quotes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# OmegaConf's float resolver (omegaconf/_yaml.py), YAML 1.2 style.
FLOAT = re.compile(
    r"""^(?:
     [-+]?[0-9]+(?:_[0-9]+)*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+)
    |\.[0-9]+(?:_[0-9]+)*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9]+(?:_[0-9]+)*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _with_lf_resolvers(cls: Any) -> None:
    cls.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag not in (_FLOAT_TAG, _TIMESTAMP)]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    cls.add_implicit_resolver(_FLOAT_TAG, FLOAT, list("-+0123456789."))


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key given twice in one mapping (LLaMA-Factory refuses such a file)."""


class LFLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise DuplicateKeyError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key_node.value}",
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


class LFDumper(yaml.SafeDumper):
    pass


_with_lf_resolvers(LFLoader)
_with_lf_resolvers(LFDumper)


def load(text: str) -> Any:
    """Parse like LLaMA-Factory; raises yaml.YAMLError (with a position) on bad YAML."""
    return yaml.load(text, Loader=LFLoader)  # LFLoader is a SafeLoader


def dump(data: Any) -> str:
    """YAML that LLaMA-Factory reads back to `data` (key order kept)."""
    return yaml.dump(data, Dumper=LFDumper, sort_keys=False, allow_unicode=True)
