"""Just enough SQL lexing to do what ClickHouse's HTTP handler does before parsing:
find the output FORMAT, split INSERT statements from their inline data, refuse
multi-statements. Everything else is left to the engine's own parser.

Text is handled as latin-1 so character offsets equal byte offsets even when binary
(Native) data follows the statement in the same body.
"""

from __future__ import annotations

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


class _Lexer:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.depth = 0

    def _skip_space_and_comments(self) -> None:
        t, n = self.text, len(self.text)
        while self.pos < n:
            c = t[self.pos]
            if c in " \t\r\n\f\v":
                self.pos += 1
            elif t.startswith("--", self.pos) or c == "#":
                nl = t.find("\n", self.pos)
                self.pos = n if nl < 0 else nl + 1
            elif t.startswith("/*", self.pos):
                nesting, i = 1, self.pos + 2
                while i < n and nesting:
                    if t.startswith("/*", i):
                        nesting, i = nesting + 1, i + 2
                    elif t.startswith("*/", i):
                        nesting, i = nesting - 1, i + 2
                    else:
                        i += 1
                self.pos = i
            else:
                return

    def _quoted_end(self, quote: str) -> int:
        t, n, i = self.text, len(self.text), self.pos + 1
        while i < n:
            c = t[i]
            if c == "\\":
                i += 2
            elif c == quote:
                if i + 1 < n and t[i + 1] == quote:
                    i += 2
                else:
                    return i + 1
            else:
                i += 1
        return n

    def next(self) -> Token | None:
        self._skip_space_and_comments()
        t = self.text
        if self.pos >= len(t):
            return None
        start, c = self.pos, t[self.pos]
        if c == "'":
            kind, end = "string", self._quoted_end("'")
        elif c in '"`':
            kind, end = "quoted", self._quoted_end(c)
        elif c.isalpha() or c == "_":
            end = start + 1
            while end < len(t) and (t[end].isalnum() or t[end] == "_"):
                end += 1
            kind = "word"
        elif c.isdigit():
            end = start + 1
            while end < len(t) and (t[end].isalnum() or t[end] in "._"):
                end += 1
            kind = "number"
        else:
            kind, end = "punct", start + 1
            if c == "(" or c == "[":
                self.depth += 1
            elif c == ")" or c == "]":
                self.depth = max(0, self.depth - 1)
        self.pos = end
        depth = self.depth - 1 if c in "([" else self.depth
        return Token(kind, t[start:end], start, end, depth)


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


def analyse(text: str) -> Statement:
    lex = _Lexer(text)
    first = lex.next()
    if first is None:
        return Statement("", None, None, None, None, 0, False)
    kind = first.text.upper() if first.kind == "word" else first.text
    if kind == "INSERT":
        return _analyse_insert(text, lex)
    output_format: str | None = None
    end = first.end
    prev: Token | None = first
    while True:
        tok = lex.next()
        if tok is None:
            return Statement(kind, output_format, None, None, None, end, False)
        if tok.kind == "punct" and tok.text == ";" and tok.depth == 0:
            rest = lex.next()
            while rest is not None and rest.kind == "punct" and rest.text == ";":
                rest = lex.next()
            return Statement(kind, output_format, None, None, None, end, rest is not None)
        if (prev is not None and prev.kind == "word" and prev.text.upper() == "FORMAT" and prev.depth == 0
                and tok.kind in ("word", "quoted")):
            output_format = _identifier(tok)
        end = tok.end
        prev = tok


def _analyse_insert(text: str, lex: _Lexer) -> Statement:
    prev: Token | None = None
    end = 0
    while True:
        tok = lex.next()
        if tok is None:
            return Statement("INSERT", None, None, None, None, end, False)
        if tok.depth == 0 and tok.kind == "word":
            word = tok.text.upper()
            if word in ("SELECT", "WITH") and not (prev and prev.kind == "word" and prev.text.upper() == "FORMAT"):
                return _finish_plain(text, lex, "INSERT", tok.end)
            if word == "VALUES":
                prefix = text[: tok.start].rstrip()
                return Statement("INSERT", None, "Values", prefix, tok.end, tok.start, False)
            if word == "FORMAT":
                name = lex.next()
                if name is None or name.kind not in ("word", "quoted"):
                    return Statement("INSERT", None, None, None, None, tok.end, False)
                prefix = text[: tok.start].rstrip()
                return Statement("INSERT", None, _identifier(name), prefix,
                                 _insert_data_start(text, name.end), name.end, False)
        if tok.kind == "punct" and tok.text == ";" and tok.depth == 0:
            rest = lex.next()
            return Statement("INSERT", None, None, None, None, end, rest is not None)
        end = tok.end
        prev = tok


def _finish_plain(text: str, lex: _Lexer, kind: str, end: int) -> Statement:
    while True:
        tok = lex.next()
        if tok is None:
            return Statement(kind, None, None, None, None, end, False)
        if tok.kind == "punct" and tok.text == ";" and tok.depth == 0:
            rest = lex.next()
            while rest is not None and rest.kind == "punct" and rest.text == ";":
                rest = lex.next()
            return Statement(kind, None, None, None, None, end, rest is not None)
        end = tok.end
