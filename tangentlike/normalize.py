"""Stage 2, normalize: desugar and split expressions so every primitive has its own statement.

After this pass a function body holds only these statement forms (A-normal form), each
annotated with the user's statement it came from:

- ``y = a``, ``y = a <op> b``, ``y = <op> a``, ``y = f(a, b, k=c)``, ``y = a.attr``,
  ``y = a[index]``, ``y = (a, b)`` / ``[a, b]``, ``a, b = t`` (unpacking),
  ``y = <expression that never carries a derivative>`` (comparisons, boolean logic, f-strings),
- bare expression statements (calls kept for their effects), ``assert``, ``raise``,
- one final ``return a`` or ``return (a, b)``,

where ``a``, ``b``, ``c``, ``t`` are names or literals.  Names re-bound in straight-line code get
versions (``x``, ``x_1``, ...), so every value the backward pass reads is still there.
"""
from __future__ import annotations

import gast

from tangentlike import anno, syntax
from tangentlike.errors import Location, UnsupportedSyntaxError
from tangentlike.naming import Namer
from tangentlike.parsing import ParsedFunction

# Statements and expressions tangentlike cannot differentiate yet, with what to do instead.
UNSUPPORTED_STATEMENTS = {
    gast.If: ("if statement", "control flow is not supported yet; compute both branches "
              "and select with np.where"),
    gast.For: ("for loop", "loops are not supported yet; use vectorized NumPy operations"),
    gast.While: ("while loop", "loops are not supported yet; use vectorized NumPy operations"),
    gast.Try: ("try statement", "move the try/except outside the differentiated function"),
    gast.With: ("with statement", "move the with block outside the differentiated function"),
    gast.AsyncWith: ("async with statement", "differentiate synchronous code"),
    gast.AsyncFor: ("async for loop", "differentiate synchronous code"),
    gast.Global: ("global statement", "pass the value in as an argument and return it"),
    gast.Nonlocal: ("nonlocal statement", "pass the value in as an argument and return it"),
    gast.FunctionDef: ("nested function definition", "define the function at module level"),
    gast.AsyncFunctionDef: ("nested async function", "define the function at module level"),
    gast.ClassDef: ("class definition inside the function", "define the class at module level"),
    gast.Delete: ("del statement", "remove the del; names are freed when the function returns"),
    gast.Import: ("import inside the function", "import at module level"),
    gast.ImportFrom: ("import inside the function", "import at module level"),
    gast.Break: ("break statement", "loops are not supported yet"),
    gast.Continue: ("continue statement", "loops are not supported yet"),
}
UNSUPPORTED_EXPRESSIONS = {
    gast.Lambda: ("lambda", "define a function with def at module level"),
    gast.Yield: ("yield (a generator)", "return a value instead"),
    gast.YieldFrom: ("yield from (a generator)", "return a value instead"),
    gast.Await: ("await", "differentiate synchronous code"),
    gast.NamedExpr: ("assignment expression (:=)", "assign with a separate statement"),
    gast.ListComp: ("list comprehension", "use a vectorized NumPy operation"),
    gast.SetComp: ("set comprehension", "use a vectorized NumPy operation"),
    gast.DictComp: ("dict comprehension", "build the dict with constant keys"),
    gast.GeneratorExp: ("generator expression", "use a vectorized NumPy operation"),
    gast.IfExp: ("conditional expression (x if c else y)", "use np.where(c, x, y)"),
    gast.Starred: ("starred argument (*args)", "pass the arguments one by one"),
}
# Expressions kept whole: they never carry a derivative (checked again by annotate).
OPAQUE_EXPRESSIONS = (gast.BoolOp, gast.JoinedStr, gast.Set, gast.Compare)
INPLACE_HINT = "write {x} = {x} {op} ... (a new value), or make a copy first: {x} = {y}.copy()"


class Normalizer:
    """Rewrites one function body into A-normal form (see the module docstring)."""

    def __init__(self, parsed: ParsedFunction, namer: Namer):
        self.parsed = parsed
        self.namer = namer
        self.locals = syntax.stored_names(parsed.node)
        self.current: dict[str, str] = {}  # user name -> the name of its live version
        self.defined: set[str] = set()
        self.aliases: dict[str, str] = {}  # y -> x after `y = x`
        self.out: list[gast.stmt] = []
        self.origin: Location | None = None

    # -- errors ---------------------------------------------------------------------------
    def unsupported(self, node: gast.AST, what: str, hint: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError(
            f"tangentlike does not support {what} in a differentiated function",
            self.parsed.location(node), hint=hint,
        )

    def check_expression(self, node: gast.AST) -> None:
        for sub in gast.walk(node):
            entry = UNSUPPORTED_EXPRESSIONS.get(type(sub))
            if entry is not None:
                raise self.unsupported(sub, *entry)

    # -- names ----------------------------------------------------------------------------
    def read(self, node: gast.expr) -> gast.expr:
        """Point loads at the live version of each user name."""
        return syntax.rename(node, {k: v for k, v in self.current.items() if k != v})

    def bind(self, name: str) -> str:
        """The name a new top-level binding of ``name`` gets (a new version if re-bound)."""
        version = self.namer.fresh(name) if name in self.defined else name
        self.defined.add(name)
        self.current[name] = version
        self.aliases.pop(name, None)
        return version

    # -- emitting -------------------------------------------------------------------------
    def emit(self, stmt: gast.stmt) -> None:
        anno.info(stmt).origin = self.origin
        self.out.append(stmt)

    def is_constant_expression(self, node: gast.expr) -> bool:
        """Reads no local variable (e.g. ``np.pi``, ``-1``, ``(0, 1)``): stays inline."""
        return not (syntax.loaded_names(node) & self.locals)

    def atomize(self, node: gast.expr) -> gast.expr:
        """An operand: a name, a literal or a constant expression; else a new temporary."""
        if isinstance(node, gast.Name):
            return self.read(node)
        if isinstance(node, gast.Constant) or self.is_constant_expression(node):
            return node
        value = self.simplify(node)
        name = self.namer.temp()
        self.emit(syntax.assign(name, value))
        return syntax.load(name)

    def simplify(self, node: gast.expr) -> gast.expr:
        """``node`` with every operand atomized (one primitive operation)."""
        if isinstance(node, (gast.Name, gast.Constant)):
            return self.read(node)
        if isinstance(node, gast.BinOp):
            return gast.BinOp(left=self.atomize(node.left), op=node.op,
                              right=self.atomize(node.right))
        if isinstance(node, gast.UnaryOp):
            return gast.UnaryOp(op=node.op, operand=self.atomize(node.operand))
        if isinstance(node, gast.Call):
            return gast.Call(
                func=self.simplify_callee(node.func),
                args=[self.atomize(a) for a in node.args],
                keywords=[gast.keyword(arg=k.arg, value=self.atomize(k.value))
                          for k in node.keywords],
            )
        if isinstance(node, gast.Attribute):
            return gast.Attribute(value=self.atomize(node.value), attr=node.attr, ctx=node.ctx)
        if isinstance(node, gast.Subscript):
            return gast.Subscript(value=self.atomize(node.value),
                                  slice=self.simplify_index(node.slice), ctx=node.ctx)
        if isinstance(node, (gast.Tuple, gast.List)):
            return type(node)(elts=[self.atomize(e) for e in node.elts], ctx=gast.Load())
        if isinstance(node, gast.Dict):
            return gast.Dict(keys=[self.atomize(k) for k in node.keys],
                             values=[self.atomize(v) for v in node.values])
        if isinstance(node, OPAQUE_EXPRESSIONS):
            return self.read(node)
        raise self.unsupported(node, f"the expression {type(node).__name__}",
                               "rewrite it with plain arithmetic and function calls")

    def simplify_callee(self, func: gast.expr) -> gast.expr:
        if self.is_constant_expression(func):
            return func  # np.sin, math.exp, my_function: resolved by annotate
        if isinstance(func, gast.Attribute):  # a method call on a local value: x.sum()
            return gast.Attribute(value=self.atomize(func.value), attr=func.attr, ctx=func.ctx)
        return self.atomize(func)

    def simplify_index(self, index: gast.expr) -> gast.expr:
        if isinstance(index, gast.Slice):
            return gast.Slice(*(None if part is None else self.atomize(part)
                                for part in (index.lower, index.upper, index.step)))
        if isinstance(index, gast.Tuple):
            return gast.Tuple(elts=[self.simplify_index(e) for e in index.elts], ctx=gast.Load())
        return self.atomize(index)

    # -- statements -----------------------------------------------------------------------
    def visit_body(self, body: list[gast.stmt]) -> None:
        for i, stmt in enumerate(body):
            if i == 0 and isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant):
                continue  # docstring
            self.origin = self.parsed.location(stmt)
            entry = UNSUPPORTED_STATEMENTS.get(type(stmt))
            if entry is not None:
                raise self.unsupported(stmt, *entry)
            self.check_expression(stmt)
            is_last = i == len(body) - 1
            if isinstance(stmt, gast.Return) and not is_last:
                raise self.unsupported(stmt, "a return before the end of the function",
                                       "return once, at the end")
            getattr(self, f"visit_{type(stmt).__name__}", self.visit_other)(stmt)
        if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
            raise self.unsupported(body[-1] if body else self.parsed.node,
                                   "a function that returns no value",
                                   "return the value to differentiate")

    def visit_other(self, stmt: gast.stmt) -> None:
        raise self.unsupported(stmt, f"the statement {type(stmt).__name__}",
                               "rewrite it with assignments and function calls")

    def visit_Assign(self, stmt: gast.Assign) -> None:
        if len(stmt.targets) == 1:
            self.assign_to(stmt.targets[0], stmt.value)
            return
        value = self.atomize(stmt.value)
        for target in stmt.targets:
            self.assign_to(target, value)

    def visit_AnnAssign(self, stmt: gast.AnnAssign) -> None:
        if stmt.value is not None:
            self.assign_to(stmt.target, stmt.value)

    def assign_to(self, target: gast.expr, value: gast.expr) -> None:
        if isinstance(target, gast.Name):
            simple = self.simplify(value)
            name = self.bind(target.id)
            if isinstance(value, gast.Name) and value.id in self.locals:
                self.aliases[target.id] = value.id
            self.emit(syntax.assign(name, simple))
        elif isinstance(target, (gast.Tuple, gast.List)):
            self.unpack(target, value)
        elif isinstance(target, gast.Subscript):
            raise self.unsupported(target, "assignment into a subscript (x[i] = v)",
                                   "build the array with np.concatenate or np.where instead")
        elif isinstance(target, gast.Attribute):
            raise self.unsupported(target, "assignment to an attribute (obj.x = v)",
                                   "use a local variable")
        else:
            raise self.unsupported(target, f"assignment to {type(target).__name__}",
                                   "assign to plain names")

    def unpack(self, target: gast.Tuple | gast.List, value: gast.expr) -> None:
        if any(isinstance(e, gast.Starred) for e in target.elts):
            raise self.unsupported(target, "starred unpacking (a, *b = ...)",
                                   "unpack each element by index")
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            parts = [self.atomize(e) for e in value.elts]  # all read before any is bound
            for elt, part in zip(target.elts, parts):
                self.assign_to(elt, part)
            return
        source = self.atomize(value)
        names, nested = [], []
        for elt in target.elts:
            if isinstance(elt, gast.Name):
                names.append(elt.id)
            else:
                temp = self.namer.temp()
                names.append(temp)
                nested.append((elt, temp))
        bound = [self.bind(n) if n not in {t for _, t in nested} else n for n in names]
        self.emit(syntax.assign(syntax.tuple_of([syntax.store(n) for n in bound], gast.Store()),
                                source))
        for elt, temp in nested:
            self.unpack(elt, syntax.load(temp))

    def visit_AugAssign(self, stmt: gast.AugAssign) -> None:
        target = stmt.target
        if not isinstance(target, gast.Name):
            raise self.unsupported(stmt, "augmented assignment into a subscript or attribute",
                                   "write x = x + v with a new array instead")
        alias = self.aliases.get(target.id)
        if alias is not None:
            op = _OPERATOR_SYMBOLS.get(type(stmt.op), "+")
            raise self.unsupported(
                stmt, f"in-place update of {target.id!r}, which is the same object as "
                f"{alias!r} (NumPy would change both)",
                INPLACE_HINT.format(x=target.id, op=op, y=alias),
            )
        self.assign_to(syntax.store(target.id),
                       gast.BinOp(left=syntax.load(target.id), op=stmt.op, right=stmt.value))

    def visit_Return(self, stmt: gast.Return) -> None:
        value = stmt.value
        if isinstance(value, gast.Tuple):
            value = syntax.tuple_of([self.atomize(e) for e in value.elts])
        elif not (isinstance(value, gast.Name) or self.is_constant_expression(value)):
            # The result gets the function's name, so the derivative reads ``bloss``.
            name = self.namer.fresh(self.parsed.name)
            self.emit(syntax.assign(name, self.simplify(value)))
            value = syntax.load(name)
        else:
            value = self.atomize(value)
        self.emit(gast.Return(value=value))

    def visit_Expr(self, stmt: gast.Expr) -> None:
        self.emit(gast.Expr(value=self.simplify(stmt.value)))

    def visit_Pass(self, stmt: gast.Pass) -> None:
        pass

    def visit_Assert(self, stmt: gast.Assert) -> None:
        self.emit(self.read(stmt))

    def visit_Raise(self, stmt: gast.Raise) -> None:
        self.emit(self.read(stmt))


_OPERATOR_SYMBOLS = {gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/",
                     gast.Pow: "**", gast.MatMult: "@"}


def normalize(parsed: ParsedFunction, namer: Namer) -> gast.FunctionDef:
    """A copy of the parsed function in A-normal form."""
    normalizer = Normalizer(parsed, namer)
    node = parsed.node
    for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
        normalizer.defined.add(arg.id)
        normalizer.current[arg.id] = arg.id
    if node.args.vararg is not None or node.args.kwarg is not None:
        raise normalizer.unsupported(node, "*args or **kwargs parameters",
                                     "name each parameter")
    normalizer.visit_body(node.body)
    return gast.FunctionDef(
        name=node.name, args=syntax.clone(node.args), body=normalizer.out, decorator_list=[],
        returns=None, type_comment=None, type_params=[],
    )
