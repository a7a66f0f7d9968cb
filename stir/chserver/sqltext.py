"""Just enough SQL lexing to do what ClickHouse's HTTP handler does before parsing:
find the output FORMAT, split INSERT statements from their inline data, refuse
multi-statements. Everything else is left to the engine's own parser.

Text is handled as latin-1 so character offsets equal byte offsets even when binary
(Native) data follows the statement in the same body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RESULT_KINDS = {"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN", "CHECK", "VALUES", "FROM"}


@dataclass(frozen=True)
class Token:
    kind: str  # word, string, quoted, punct, number
    text: str
    start: int
    end: int
    depth: int


@dataclass(frozen=True)
class Statement:
    kind: str  # first keyword, upper-cased ("" for an empty statement)
    output_format: str | None  # FORMAT clause of a non-INSERT statement
    insert_format: str | None  # format of INSERT data ("Values" for VALUES)
    insert_prefix: str | None  # "INSERT INTO t (cols) [SETTINGS ...]" without format/data
    data_offset: int | None  # where INSERT data starts in the analysed text
    end: int  # end of the statement text (before a trailing ';' and data)
    multi: bool  # a second statement follows

    @property
    def is_insert_with_data(self) -> bool:
        return self.insert_format is not None

    @property
    def returns_rows(self) -> bool:
        return self.kind in _RESULT_KINDS or self.output_format is not None


_TOKEN = re.compile(r"""
    (?P<space>\s+|--[^\n]*|\#[^\n]*)
  | (?P<comment>/\*)
  | (?P<string>'(?>[^'\\]+|\\.|'')*(?:'|\Z))
  | (?P<quoted>"(?>[^"\\]+|\\.|"")*(?:"|\Z)|`(?>[^`\\]+|\\.|``)*(?:`|\Z))
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d[\w.]*)
  | (?P<punct>.)
""", re.S | re.X)


class _Lexer:
    """Regex-driven: a 300 KB dbt model lexes in milliseconds, not a second."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.depth = 0

    def _skip_block_comment(self, start: int) -> int:
        """ClickHouse block comments nest."""
        t, nesting, i = self.text, 1, start + 2
        while nesting:
            close = t.find("*/", i)
            if close < 0:
                return len(t)
            opening = t.find("/*", i, close)
            if opening >= 0:
                nesting, i = nesting + 1, opening + 2
            else:
                nesting, i = nesting - 1, close + 2
        return i

    def next(self) -> Token | None:
        t = self.text
        while self.pos < len(t):
            m = _TOKEN.match(t, self.pos)
            kind, start, end = m.lastgroup, m.start(), m.end()
            if kind == "space":
                self.pos = end
                continue
            if kind == "comment":
                self.pos = self._skip_block_comment(start)
                continue
            self.pos = end
            depth = self.depth
            if kind == "punct":
                c = t[start]
                if c in "([":
                    self.depth += 1
                elif c in ")]":
                    self.depth = depth = max(0, self.depth - 1)
            return Token(kind, t[start:end], start, end, depth)
        return None


def _identifier(tok: Token) -> str:
    if tok.kind == "quoted":
        return tok.text[1:-1]
    return tok.text


def _insert_data_start(text: str, after_format: int) -> int:
    """ClickHouse: data starts after the first newline if there is one among the
    following whitespace, otherwise after all the whitespace."""
    i = after_format
    while i < len(text) and text[i] in " \t\r\f\v\n":
        if text[i] == "\n":
            return i + 1
        i += 1
    return i


# Only what changes the analysis is matched; everything between is skipped by the
# regex engine, so long statements cost little Python. Atomic groups, and strings that
# may end at the end of the text, keep unterminated quotes (garbage bodies) linear.
_EVENT = re.compile(r"""
    (?P<skip>'(?>[^'\\]+|\\.|'')*(?:'|\Z)|"(?>[^"\\]+|\\.|"")*(?:"|\Z)|`(?>[^`\\]+|\\.|``)*(?:`|\Z)
            |--[^\n]*|\#[^\n]*)
  | (?P<comment>/\*)
  | (?P<open>[(\[])
  | (?P<close>[)\]])
  | (?P<semi>;)
  | (?P<keyword>\b(?:FORMAT|VALUES|SELECT|WITH)\b)
""", re.X | re.I | re.S)


def _token_at(text: str, pos: int) -> Token | None:
    lex = _Lexer(text)
    lex.pos = pos
    return lex.next()


def _only_semicolons_after(text: str, pos: int) -> bool:
    lex = _Lexer(text)
    lex.pos = pos
    while (tok := lex.next()) is not None:
        if tok.text != ";":
            return False
    return True


def analyse(text: str) -> Statement:
    first = _token_at(text, 0)
    if first is None:
        return Statement("", None, None, None, None, 0, False)
    kind = first.text.upper() if first.kind == "word" else first.text
    insert = kind == "INSERT"
    output_format: str | None = None
    pos, depth = first.end, 0
    while True:
        m = _EVENT.search(text, pos)
        if m is None:
            return Statement(kind, output_format, None, None, None, len(text.rstrip()), False)
        event, pos = m.lastgroup, m.end()
        if event == "comment":
            lex = _Lexer(text)
            pos = lex._skip_block_comment(m.start())
        elif event == "open":
            depth += 1
        elif event == "close":
            depth = max(0, depth - 1)
        elif event == "semi" and depth == 0:
            return Statement(kind, output_format, None, None, None, m.start(), not _only_semicolons_after(text, pos))
        elif event == "keyword" and depth == 0:
            word = m.group().upper()
            if insert and word in ("SELECT", "WITH"):
                insert = False  # INSERT ... SELECT: plain SQL from here on
            elif insert and word == "VALUES":
                return Statement("INSERT", None, "Values", text[: m.start()].rstrip(), pos, m.start(), False)
            elif word == "FORMAT":
                name = _token_at(text, pos)
                if name is None or name.kind not in ("word", "quoted"):
                    continue
                if insert:
                    return Statement("INSERT", None, _identifier(name), text[: m.start()].rstrip(),
                                     _insert_data_start(text, name.end), name.end, False)
                after = _token_at(text, name.end)
                if after is None or after.text == ";" or after.text.upper() == "SETTINGS":
                    output_format = _identifier(name)
                    pos = name.end


def call_argument(toks: list[Token], start: int, position: int) -> list[Token] | None:
    """The tokens of argument `position` (0-based) of a call whose arguments start at
    toks[start] (just after its opening parenthesis); None when it has no such argument."""
    args: list[list[Token]] = [[]]
    depth, j = 0, start
    while j < len(toks):
        t = toks[j]
        if t.kind == "punct" and t.text in "([":
            depth += 1
        elif t.kind == "punct" and t.text in ")]":
            if depth == 0:
                break
            depth -= 1
        elif t.kind == "punct" and t.text == "," and depth == 0:
            args.append([])
            j += 1
            continue
        args[-1].append(t)
        j += 1
    if position >= len(args) or not args[position]:
        return None
    return args[position]
