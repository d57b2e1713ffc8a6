"""tui-ft engine: everything that touches the machine, with no Textual and no torch.

Importing this package must stay cheap: the TUI's first paint and every headless
command start here. Heavy libraries (torch, transformers, llamafactory) are only
imported inside the functions or subprocesses that need them.
"""

__version__ = "0.1.0"
