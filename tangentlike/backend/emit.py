"""Stage 6, emit: generated ASTs to Python source.

``to_source`` prints a gast tree with the standard library's ``ast.unparse``, plus ``#``
comment lines (``# Grad of: y = np.sin(x)``), ``return a, b`` without parentheses and
``(-1.5) ** x`` for folded negative constants; ``module_source`` adds the docstring and the
imports the templates need; ``printed`` also gathers the names of the tree as it prints it
(``backend/names.py``: what the pipeline reads for the imports and the versions for the
user's data, without a walk of their own).  :mod:`tangentlike.backend.cache` writes the
module to a file, :mod:`tangentlike.backend.loading` compiles it to run with the user's
globals.
"""
from __future__ import annotations

import ast
import math
import re

import gast

from tangentlike.backend import names
from tangentlike.backend.names import Seen
from tangentlike.core import syntax
from tangentlike.rules.template import Namespace

_COMMENT = "__tangentlike_comment_{}__"
_COMMENT_LINE = re.compile(r"^(\s*)__tangentlike_comment_(\d+)__$")
_TUPLE = "__tangentlike_tuple_{}__"
_TUPLE_NAME = re.compile(r"__tangentlike_tuple_(\d+)__")
_RUN = "__tangentlike_run_{}__"
_RUN_LINE = re.compile(r"^(\s*)__tangentlike_run_(\d+)__$")


class _Printable(syntax.Transformer):
    """Prepares a tree for ``ast.unparse``: comment markers and the simple statements
    ``_line`` prints become placeholder names (one per run of consecutive ones in a block,
    replaced by their lines afterwards), tuples returned, assigned or looped over are
    printed without parentheses (``return a, b``), and negative numbers become ``-n``, which
    the printer parenthesizes where needed (``(-1.0) ** 2``; a constant ``-1.0`` prints as
    ``-1.0 ** 2``, which is ``-(1.0 ** 2)``)."""

    def __init__(self, seen: Seen | None = None) -> None:
        # The names of the tree, gathered while it is converted (``printed``), or None.
        self.seen = seen
        self.comments: list[str] = []
        self.tuples: list[str] = []
        # Runs of consecutive lines printed directly (comments, and simple statements:
        # ``_line``), each a placeholder statement: (is a comment, text) per line.
        self.runs: list[list[tuple[bool, str]]] = []

    def visit_Expr(self, node: ast.Expr) -> ast.Expr | None:
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, syntax.Comment):
            if not value.value:
                return None
            self.comments.append(str(value.value))
            name = _COMMENT.format(len(self.comments) - 1)
            return ast.Expr(value=ast.Name(id=name, ctx=ast.Load()))
        return self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> ast.Return:
        self.generic_visit(node)
        node.value = self._bare(node.value)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.Assign:
        self.generic_visit(node)
        node.targets = [self._bare(t) for t in node.targets]
        node.value = self._bare(node.value)
        return node

    def visit_For(self, node: ast.For) -> ast.For:
        self.generic_visit(node)
        node.target = self._bare(node.target)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        self.generic_visit(node)
        node.target = self._bare(node.target)
        return node

    def _run(self, piece: tuple[bool, str]) -> tuple[ast.Expr, list[tuple[bool, str]]]:
        """A placeholder statement for a run of lines printed directly, starting with
        ``piece``, and the run, which the lines after it in its block join."""
        run = [piece]
        self.runs.append(run)
        name = _RUN.format(len(self.runs) - 1)
        return ast.Expr(value=ast.Name(id=name, ctx=ast.Load())), run

    def _bare(self, node: ast.expr | None) -> ast.expr | None:
        """``return a, b``, ``x, y = y, x`` and ``for i, v in ...`` without the parentheses
        that ``ast.unparse`` adds (to values always; to targets before Python 3.11): a tuple
        is printed here and a placeholder name replaced by its text afterwards, the same on
        every Python."""
        if not (isinstance(node, ast.Tuple) and node.elts):
            return node
        parts = []
        for element in node.elts:
            text = ast.unparse(ast.fix_missing_locations(element))
            if isinstance(element, (ast.NamedExpr, ast.Yield, ast.YieldFrom)) and (
                    not text.startswith("(")):
                text = f"({text})"
            parts.append(text)
        self.tuples.append(", ".join(parts) + ("," if len(parts) == 1 else ""))
        return ast.Name(id=_TUPLE.format(len(self.tuples) - 1), ctx=node.ctx)

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        value = node.value
        if (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.copysign(1.0, value) < 0 and not math.isnan(value)):
            return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        node = super().generic_visit(node)
        if getattr(node, "body", None) == []:
            node.body = [ast.Pass()]  # a block whose only lines were empty comments
        return node

    def convert(self, node: gast.AST) -> ast.AST | None | object:
        """``self.visit(to_ast(node))`` in one pass over the gast tree (the conversion and
        the changes above, node by node): ``_REMOVED`` for an empty comment marker.  Where
        ``self.seen`` is given, every node of the tree is noted in it: by ``_piece`` for a
        line printed directly, here for a node converted, by a walk for a subtree gast's
        translator converts or that is left out (``_noted``)."""
        cls = node.__class__
        spec = _SPECS.get(cls)
        if spec is None:
            spec = _SPECS[cls] = _spec(cls)
        kind, target, fields, attributes = spec
        seen = self.seen
        if kind is _GAST:
            if seen is not None:
                seen.walk(node)
            return self.visit(_GAST_TO_AST().visit(node))
        if kind is _DROPPED:
            if seen is not None:
                seen.walk(node)
            return None
        piece = _piece(node, seen)
        if piece is not None:
            return _REMOVED if piece is _REMOVED else self._run(piece)[0]
        if seen is not None:
            _noted(node, fields, seen)
        new = target.__new__(target)
        values = new.__dict__
        given = node.__dict__
        convert = self.convert
        for field in fields:
            if field in given:
                value = given[field]
                if isinstance(value, gast.AST):
                    value = convert(value)
                    if value is _REMOVED:
                        continue
                elif value.__class__ is list:
                    items = []
                    run = None  # the run of direct lines the last item placeholds
                    for item in value:
                        if isinstance(item, gast.AST):
                            piece = _piece(item, seen)
                            if piece is _REMOVED:
                                continue
                            if piece is None:
                                item = convert(item)
                                if item is _REMOVED:
                                    continue
                                run = None
                            elif run is not None:
                                # ``ast.unparse`` prints consecutive placeholder statements
                                # one a line at the block's indentation, and a run's lines
                                # are each expanded at its placeholder's: the same text
                                run.append(piece)
                                continue
                            else:
                                item, run = self._run(piece)
                        else:
                            item = _converted(item)
                            run = None
                        items.append(item)
                    value = items
                values[field] = value
        for attribute in attributes:
            if attribute in given:
                values[attribute] = given[attribute]
        if target is ast.Constant:
            return self.visit_Constant(new)
        if values.get("body") == []:
            new.body = [ast.Pass()]  # a block whose only lines were empty comments
        if target is ast.Assign:
            new.targets = [self._bare(t) for t in new.targets]
            new.value = self._bare(new.value)
        elif target is ast.Return:
            new.value = self._bare(new.value)
        elif target is ast.For or target is ast.comprehension:
            new.target = self._bare(new.target)
        return new


def to_source(node: gast.AST) -> str:
    """Python source of a gast tree (comment markers become ``#`` lines, each after a blank
    line unless it opens a block)."""
    return _source(node, None)


def printed(node: gast.AST) -> tuple[str, Seen]:
    """``to_source(node)``, and the names of ``node``, gathered while printing it: the same
    sets as ``Seen().walk(node)`` (the printer visits every node; ``_Printable.convert``),
    without a walk of its own."""
    seen = Seen()
    return _source(node, seen), seen


def _source(node: gast.AST, seen: Seen | None) -> str:
    printable = _Printable(seen)
    tree = printable.convert(node)
    if tree is _REMOVED:  # an empty comment marker alone
        return ""
    lines: list[str] = []
    for line in ast.unparse(_numbered(tree)).splitlines():
        match = _COMMENT_LINE.match(line)
        if match:
            _add_comment(lines, match.group(1), printable.comments[int(match.group(2))])
            continue
        if (match := _RUN_LINE.match(line)) is not None:
            indent = match.group(1)
            for comment, text in printable.runs[int(match.group(2))]:
                if comment:
                    _add_comment(lines, indent, text)
                else:
                    lines.append((indent + text).rstrip())
            continue
        while _TUPLE_NAME.search(line):  # a tuple's text may hold an inner one's name
            line = _TUPLE_NAME.sub(lambda m: printable.tuples[int(m.group(1))], line)
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"


def _piece(node: gast.AST, seen: Seen | None) -> tuple[bool, str] | None | object:
    """A statement's line printed directly, as (is a comment, text): a comment marker's
    text (``_REMOVED`` for an empty one), a simple statement's ``_line`` (its names noted in
    ``seen``); None for any other node, or a simple statement ``_line`` does not know."""
    cls = node.__class__
    if cls is gast.Expr:
        value = node.value
        if value.__class__ is gast.Constant and isinstance(value.value, syntax.Comment):
            return (True, str(value.value)) if value.value else _REMOVED
    if cls in _LINE_STATEMENTS:
        try:
            return False, _line(node, seen)
        except _Unprintable:
            return None
    return None


def _noted(node: gast.AST, fields: tuple[str, ...], seen: Seen) -> None:
    """Note a node ``_Printable.convert`` converts itself (its ``fields``; their nodes are
    converted, and noted, in turn): a name, an attribute chain, a ``try``, and any child
    field it does not convert (walked: a definition's ``type_params`` before Python 3.12),
    so that ``seen`` gets what ``Seen.walk`` gets."""
    cls = node.__class__
    if cls is gast.Name:
        seen.name(node)
        return
    if cls is gast.Attribute:
        seen.attribute(node)
    elif names.is_try(cls):
        seen.has_try = True
    skipped = _SKIPPED.get(cls)
    if skipped is None:
        skipped = _SKIPPED[cls] = tuple(f for f in syntax.child_fields(cls) if f not in fields)
    for field in skipped:
        value = getattr(node, field, None)
        for item in value if value.__class__ is list else (value,):
            if isinstance(item, gast.AST):
                seen.walk(item)


def _add_comment(lines: list[str], indent: str, text: str) -> None:
    """A ``#`` line, after a blank line unless it opens a block or follows a blank line."""
    if lines and lines[-1].strip() and not lines[-1].endswith(":"):
        lines.append("")
    lines.append(f"{indent}# {text}".rstrip())


def to_ast(node: gast.AST) -> ast.AST:
    """``gast.gast_to_ast(node)``: the same tree, made faster (no visitor dispatch, no
    keyword arguments); the nodes gast converts specially (arguments, handlers, ...) are
    left to it."""
    cls = node.__class__
    spec = _SPECS.get(cls)
    if spec is None:
        spec = _SPECS[cls] = _spec(cls)
    kind, target, fields, attributes = spec
    if kind is _GAST:
        return _GAST_TO_AST().visit(node)
    if kind is _DROPPED:
        return None
    new = target.__new__(target)  # no __init__: 3.13 warns of fields given after it
    values = new.__dict__
    given = node.__dict__
    for field in fields:
        if field in given:
            value = given[field]
            if isinstance(value, gast.AST):
                value = to_ast(value)
            elif value.__class__ is list:
                value = [to_ast(v) if isinstance(v, gast.AST) else _converted(v) for v in value]
            values[field] = value
    for attribute in attributes:
        if attribute in given:
            values[attribute] = given[attribute]
    return new


def _converted(value: object) -> object:
    """A field's value that is not a node (gast's translator converts nested lists too)."""
    if isinstance(value, list):
        return [to_ast(v) if isinstance(v, gast.AST) else _converted(v) for v in value]
    return value


_GAST_TO_AST = gast.ast3.GAstToAst3
_REMOVED = object()  # what ``_Printable.convert`` gives for a node left out
_GAST, _DROPPED, _PLAIN = "gast", "dropped", "plain"
_DEFINITIONS = frozenset({"FunctionDef", "AsyncFunctionDef", "ClassDef"})
_SPECS: dict[type, tuple[str, type | None, tuple[str, ...], tuple[str, ...]]] = {}
_SKIPPED: dict[type, tuple[str, ...]] = {}  # by class: child fields ``convert`` leaves out


def _spec(cls: type) -> tuple[str, type | None, tuple[str, ...], tuple[str, ...]]:
    """How :func:`to_ast` converts a gast class: as gast's translator's generic method
    does (the ``ast`` class of that name, every field given, its position), by that
    translator (a class it converts specially), or to None (no ``ast`` class)."""
    name = cls.__name__
    target = getattr(ast, name, None)
    if cls is gast.Name:  # gast's: only the id and the context (no annotation)
        return _PLAIN, target, ("id", "ctx"), tuple(cls._attributes)
    if cls is gast.Constant:  # gast's generic method (a constant is never a list or node)
        return _PLAIN, target, ("value", "kind"), tuple(cls._attributes)
    if cls is gast.Assign:  # gast's: the targets and the value (no type comment)
        return _PLAIN, target, ("targets", "value"), tuple(cls._attributes)
    if name in _DEFINITIONS and target is not None:  # gast's: the fields ``ast`` has
        return _PLAIN, target, tuple(f for f in target._fields if f in cls._fields), tuple(
            cls._attributes)
    if hasattr(_GAST_TO_AST, "visit_" + name):
        return _GAST, None, (), ()
    if target is None:
        return _DROPPED, None, (), ()
    return _PLAIN, target, tuple(cls._fields), tuple(cls._attributes)


class _Unprintable(Exception):
    """A node :func:`_line` leaves to ``ast.unparse``."""


# ``ast.unparse``'s precedences (``ast._Precedence``), lowest first; ``+ 1`` is its ``next``
_TUPLE_LEVEL, _YIELD, _TEST, _OR, _AND, _NOT, _CMP, _BOR = 2, 3, 4, 5, 6, 7, 8, 9
_FACTOR, _POWER, _ATOM = 15, 16, 18
_BINARY = {gast.Add: ("+", 13), gast.Sub: ("-", 13), gast.Mult: ("*", 14),
           gast.MatMult: ("@", 14), gast.Div: ("/", 14), gast.Mod: ("%", 14),
           gast.FloorDiv: ("//", 14), gast.LShift: ("<<", 12), gast.RShift: (">>", 12),
           gast.BitOr: ("|", _BOR), gast.BitXor: ("^", 10), gast.BitAnd: ("&", 11),
           gast.Pow: ("**", _POWER)}
_UNARY = {gast.USub: "-", gast.UAdd: "+", gast.Invert: "~"}
_COMPARISON = {gast.Eq: "==", gast.NotEq: "!=", gast.Lt: "<", gast.LtE: "<=", gast.Gt: ">",
               gast.GtE: ">=", gast.Is: "is", gast.IsNot: "is not", gast.In: "in",
               gast.NotIn: "not in"}
_BOOLEAN = {gast.And: ("and", _AND), gast.Or: ("or", _OR)}
_PLAIN_CONSTANTS = frozenset({type(None), bool, int, float, str, bytes, type(...)})


def _negative(value: object) -> bool:
    """Whether ``_Printable.visit_Constant`` prints ``value`` as ``-n``."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.copysign(1.0, value) < 0 and not math.isnan(value))


def _constant(node: gast.Constant, level: int) -> str:
    value = node.value
    cls = value.__class__
    if node.kind is not None or cls not in _PLAIN_CONSTANTS:
        raise _Unprintable
    if (cls is float or cls is int) and _negative(value):  # ``-n`` (``visit_Constant``)
        text = "-" + repr(-value).replace("inf", "1e309")
        return f"({text})" if level > _FACTOR else text
    if cls is float:
        return repr(value).replace("inf", "1e309").replace("nan", "(1e309-1e309)")
    return "..." if value is ... else repr(value)


def _items(elements: list[gast.expr], seen: Seen | None) -> str:
    """A tuple's items as ``ast.unparse`` writes them (``a,`` for one)."""
    if len(elements) == 1:
        return _expression(elements[0], _TEST, seen) + ","
    return ", ".join([_expression(e, _TEST, seen) for e in elements])


def _expression(node: gast.expr, level: int, seen: Seen | None) -> str:
    """``node`` as ``ast.unparse`` writes the converted node (``_Printable``) where its
    parent gives it the precedence ``level``; its names noted in ``seen`` (every node of
    the expression is printed here, or the statement is converted after all)."""
    cls = node.__class__
    if cls is gast.Name:
        if seen is not None:  # ``seen.name(node)``, inline (a third of the names printed)
            context = node.ctx.__class__
            if context is gast.Load:
                seen.loaded.add(node.id)
            elif context is gast.Store or context is gast.Param:
                seen.stored.add(node.id)
        return node.id
    if cls is gast.Constant:
        return _constant(node, level)
    if cls is gast.BinOp:
        operator, precedence = _BINARY[node.op.__class__]
        if precedence == _POWER:
            text = (f"{_expression(node.left, _POWER + 1, seen)} ** "
                    f"{_expression(node.right, _POWER, seen)}")
        else:
            left, right = node.left, node.right
            # A name read, most operands, is printed here as the first test above prints
            # it (its text is its id at any level): a call less for each.
            if left.__class__ is gast.Name and left.ctx.__class__ is gast.Load:
                if seen is not None:
                    seen.loaded.add(left.id)
                left_text = left.id
            else:
                left_text = _expression(left, precedence, seen)
            if right.__class__ is gast.Name and right.ctx.__class__ is gast.Load:
                if seen is not None:
                    seen.loaded.add(right.id)
                right_text = right.id
            else:
                right_text = _expression(right, precedence + 1, seen)
            text = f"{left_text} {operator} {right_text}"
        return f"({text})" if level > precedence else text
    if cls is gast.Call:
        parts = [_expression(a, _TEST, seen) for a in node.args]
        for keyword in node.keywords:
            value = _expression(keyword.value, _TEST, seen)
            parts.append(f"**{value}" if keyword.arg is None else f"{keyword.arg}={value}")
        return f"{_expression(node.func, _ATOM, seen)}({', '.join(parts)})"
    if cls is gast.Attribute:
        if seen is not None:
            seen.attribute(node)
        value = node.value
        text = _expression(value, _ATOM, seen)
        if (value.__class__ is gast.Constant and isinstance(value.value, int)
                and not _negative(value.value)):
            text += " "
        return f"{text}.{node.attr}"
    if cls is gast.Subscript:
        index = node.slice
        if index.__class__ is gast.Tuple and index.elts:
            if any(e.__class__ is gast.Starred for e in index.elts):
                raise _Unprintable  # (``x[(*a, b)]`` before Python 3.11, ``x[*a, b]`` after)
            inner = _items(index.elts, seen)
        else:
            inner = _expression(index, _TEST, seen)
        return f"{_expression(node.value, _ATOM, seen)}[{inner}]"
    if cls is gast.UnaryOp:
        op = node.op.__class__
        if op is gast.Not:
            text = "not " + _expression(node.operand, _NOT, seen)
            return f"({text})" if level > _NOT else text
        text = _UNARY[op] + _expression(node.operand, _FACTOR, seen)
        return f"({text})" if level > _FACTOR else text
    if cls is gast.Compare:
        parts = [_expression(node.left, _CMP + 1, seen)]
        for op, right in zip(node.ops, node.comparators):
            parts.append(_COMPARISON[op.__class__])
            parts.append(_expression(right, _CMP + 1, seen))
        text = " ".join(parts)
        return f"({text})" if level > _CMP else text
    if cls is gast.IfExp:
        text = (f"{_expression(node.body, _TEST + 1, seen)} if "
                f"{_expression(node.test, _TEST + 1, seen)} else "
                f"{_expression(node.orelse, _TEST, seen)}")
        return f"({text})" if level > _TEST else text
    if cls is gast.BoolOp:
        operator, precedence = _BOOLEAN[node.op.__class__]
        text = f" {operator} ".join([_expression(v, precedence + i, seen)
                                     for i, v in enumerate(node.values, 1)])
        return f"({text})" if level > precedence else text
    if cls is gast.Tuple:
        if not node.elts:
            return "()"
        text = _items(node.elts, seen)
        return f"({text})" if level > _TUPLE_LEVEL else text
    if cls is gast.List:
        return f"[{', '.join([_expression(e, _TEST, seen) for e in node.elts])}]"
    if cls is gast.Starred:
        return "*" + _expression(node.value, _BOR, seen)
    if cls is gast.Slice:
        text = (_expression(node.lower, _TEST, seen) if node.lower else "") + ":"
        if node.upper:
            text += _expression(node.upper, _TEST, seen)
        if node.step:
            text += ":" + _expression(node.step, _TEST, seen)
        return text
    raise _Unprintable


def _bare(node: gast.expr, seen: Seen | None) -> str:
    """``_Printable._bare``'s text: a non-empty tuple without parentheses."""
    if node.__class__ is gast.Tuple and node.elts:
        for element in node.elts:
            if element.__class__ in (gast.NamedExpr, gast.Yield, gast.YieldFrom):
                raise _Unprintable
        return _items(node.elts, seen)
    return _expression(node, _TEST, seen)


def _line(node: gast.stmt, seen: Seen | None = None) -> str:
    """A simple statement's line (no indentation) as ``ast.unparse`` writes what
    ``_Printable.convert`` makes of it, without making it (a fraction of the time);
    :class:`_Unprintable` for a node it does not know."""
    cls = node.__class__
    if cls is gast.Assign:
        targets = node.targets
        if len(targets) == 1 and targets[0].__class__ is gast.Name \
                and targets[0].ctx.__class__ is gast.Store:  # ``name = value``: most lines
            if seen is not None:  # (noted as ``_expression`` notes a name bound)
                seen.stored.add(targets[0].id)
            value = node.value  # (``_bare``'s text: only a tuple is printed otherwise)
            return f"{targets[0].id} = " + (_bare(value, seen) if value.__class__ is gast.Tuple
                                            else _expression(value, _TEST, seen))
        return "".join([_bare(t, seen) + " = " for t in targets]) + _bare(node.value, seen)
    if cls is gast.Return:
        return "return" if node.value is None else "return " + _bare(node.value, seen)
    if cls is gast.AugAssign:
        operator = _BINARY[node.op.__class__][0]
        return (f"{_expression(node.target, _TEST, seen)} {operator}= "
                f"{_expression(node.value, _TEST, seen)}")
    if cls is gast.Expr and node.value.__class__ is not gast.Constant:
        return _expression(node.value, _YIELD, seen)
    raise _Unprintable


_LINE_STATEMENTS = frozenset({gast.Assign, gast.Return, gast.AugAssign, gast.Expr})


def _numbered(node: ast.AST) -> ast.AST:
    """``node`` with a line number on each statement that has none: all that ``ast.unparse``
    reads of positions (a statement's type comment is looked up by line), at a fraction of
    ``ast.fix_missing_locations``'s cost, which gives every expression one too."""
    todo = [node]
    while todo:
        stmt = todo.pop()
        if getattr(stmt, "lineno", None) is None:
            stmt.lineno = 1
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(stmt, field, None)
            if inner.__class__ is list:
                todo.extend(s for s in inner if isinstance(s, (ast.stmt, ast.excepthandler)))
    return node


def module_source(functions: list[gast.FunctionDef], namespace: Namespace, doc: str,
                  used: set[str] | None = None, texts: list[str] | None = None) -> str:
    """The whole generated module: a docstring, the imports templates need, the functions
    (``used``: the names they read, and ``texts``: their sources, ``printed``, when the
    caller has them)."""
    header = [f'"""{doc}"""']
    if used is None:
        used = set().union(*(syntax.loaded_names(fn) for fn in functions))
    lines = [line for name, line in namespace.import_lines.items() if name in used]
    if lines:
        header.append(_group_imports(lines))
    if texts is None:
        texts = [to_source(fn) for fn in functions]
    return "\n\n".join(header) + "\n\n\n" + "\n\n".join(texts)


def _group_imports(lines) -> str:
    """``from m import a`` and ``from m import b`` become ``from m import a, b``."""
    plain, grouped = set(), {}
    for line in lines:
        if line.startswith("from "):
            module, _, names = line[5:].partition(" import ")
            grouped.setdefault(module, set()).add(names)
        else:
            plain.add(line)
    out = sorted(plain)
    for module in sorted(grouped):
        names = ", ".join(sorted(grouped[module]))
        out.append(f"from {module} import {names}")
    return "\n".join(out)
