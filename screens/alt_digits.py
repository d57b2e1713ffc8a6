"""alt+1..7 switch areas where the terminal sends alt as an ESC prefix (tmux, xterm).

Textual reads ESC followed by a digit as the character macOS's Option key types in WezTerm
(ESC 3 becomes "£"), so `alt+3` never fires inside tmux: the pound sign is typed into the
focused input instead. Without those entries its parser reads ESC 3 as alt+3, as it already
does for letters. Digits 1-7 only: the area keys.
"""

from __future__ import annotations


def read_esc_digits_as_alt() -> None:
    from textual import _ansi_sequences

    table = _ansi_sequences.ANSI_SEQUENCES_KEYS
    for digit in "1234567":
        table.pop(f"\x1b{digit}", None)  # type: ignore[attr-defined]
