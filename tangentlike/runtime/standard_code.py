"""Generated code (and runtime helpers) as run on a standard library's arrays
(``array_api_strict``), which refuse what NumPy allows: operators that mix types the standard
does not promote, and an index of fewer axes than the array has."""
from __future__ import annotations
import __future__

import ast
import inspect
import operator
import textwrap
import types

from tangentlike.runtime.libraries import full_index, indexed, promoted_operation

# What the code run on a standard library's arrays calls for NumPy's semantics of its
# operators and indexing (``_StandardSemantics``), under names no generated code uses.
_OPERATORS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv",
              ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow", ast.MatMult: "matmul"}
STANDARD_HELPERS = {"_tangentlike_promoted": promoted_operation, "_tangentlike_slice": slice,
                    "_tangentlike_index": full_index, "_tangentlike_indexed": indexed,
                    **{f"_tangentlike_{name}": getattr(operator, name)
                       for name in _OPERATORS.values()}}


class _StandardSemantics(ast.NodeTransformer):
    """The generated code as it runs on a standard library's arrays (``array_api_strict``),
    which refuse what NumPy allows: ``a * b`` mixing types the standard does not promote
    (``bool * float``, an integer array and a Python float) calls
    ``_tangentlike_promoted(operator.mul, a, b)`` (NumPy's promotion where the library
    refuses), and ``x[0]`` of a matrix reads ``x[0, ...]`` (``_tangentlike_index``)."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        name = _OPERATORS.get(type(node.op))
        if name is None:
            return node
        operation = ast.Name(f"_tangentlike_{name}", ast.Load())
        return ast.copy_location(ast.Call(ast.Name("_tangentlike_promoted", ast.Load()),
                                          [operation, node.left, node.right], []), node)

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        index = _index_value(node.slice)
        if isinstance(node.ctx, ast.Load):
            return ast.copy_location(ast.Call(ast.Name("_tangentlike_indexed", ast.Load()),
                                              [node.value, index], []), node)
        if isinstance(node.value, ast.Name):  # ``x[i] = v``: x read twice, as a name only
            node.slice = ast.Call(ast.Name("_tangentlike_index", ast.Load()),
                                  [ast.Name(node.value.id, ast.Load()), index], [])
        return node


def _index_value(index: ast.expr) -> ast.expr:
    """The expression of the value an index (``i, 1:``) is: slices as ``slice(...)``."""
    if isinstance(index, ast.Slice):
        none = ast.Constant(None)
        return ast.Call(ast.Name("_tangentlike_slice", ast.Load()),
                        [index.lower or none, index.upper or none, index.step or none], [])
    if isinstance(index, ast.Tuple):
        return ast.Tuple([_index_value(part) for part in index.elts], ast.Load())
    return index


def standard_tree(tree: ast.AST) -> ast.AST:
    """``tree`` (a generated module, a helper's function) with ``_StandardSemantics``'s
    changes, each new node at its old node's line."""
    return ast.fix_missing_locations(_StandardSemantics().visit(tree))


_STANDARD_CODE: dict[types.CodeType, types.CodeType] = {}


def standard_code(function: types.FunctionType) -> types.CodeType:
    """The code of a runtime helper ``function`` with ``standard_tree``'s changes (compiled
    from its source, once), for its copy run on a standard library's arrays; its own code
    where its source cannot be read or compiled alone (a closure's variables)."""
    code = function.__code__
    changed = _STANDARD_CODE.get(code)
    if changed is not None:
        return changed
    changed = code
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        tree = None
    if tree is not None and len(tree.body) == 1 and isinstance(
            tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        tree.body[0].decorator_list = []
        ast.increment_lineno(tree, code.co_firstlineno - 1)
        module = compile(standard_tree(tree), code.co_filename, "exec",
                         flags=__future__.annotations.compiler_flag, dont_inherit=True)
        found = [c for c in module.co_consts if isinstance(c, types.CodeType)
                 and c.co_name == code.co_name]
        if len(found) == 1 and found[0].co_freevars == code.co_freevars:
            changed = found[0]
    _STANDARD_CODE[code] = changed
    return changed
