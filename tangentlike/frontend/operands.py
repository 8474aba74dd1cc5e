"""Stage 2, normalize (the expression half): split expressions into operands.

An operand is a name, a literal or a constant expression (``np.pi``, ``(0, 1)``: it reads no
local variable and calls only pure functions).  ``atomize`` turns any expression into an
operand, emitting each nested operation as a statement that binds a temporary; ``simplify``
turns it into one primitive operation on operands.  The class here also holds the state the
statement half (:mod:`tangentlike.frontend.normalize`) shares: the statements emitted so far,
the live version of each user name, the caller's arrays.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from tangentlike import runtime
from tangentlike.core import anno, syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import Location, UnsupportedSyntaxError
from tangentlike.frontend import varargs
from tangentlike.frontend.function_walk import function_facts
from tangentlike.frontend.operations import builds_node, is_user_function, reads_any, resolve
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.frontend.spreading import NotStatic, Spreading, returned_length
from tangentlike.rules import registry
from tangentlike.rules.checkpoint import checkpointed_binding, checkpointed_function
from tangentlike.rules.template import Namespace

# Expressions tangentlike cannot differentiate yet, with what to do instead.
UNSUPPORTED_EXPRESSIONS = {
    gast.Lambda: ("lambda", "define a function with def at module level"),
    gast.Yield: ("yield (a generator)", "return a value instead"),
    gast.YieldFrom: ("yield from (a generator)", "return a value instead"),
    gast.Await: ("await", "differentiate synchronous code"),
    gast.NamedExpr: ("assignment expression (:=)", "assign with a separate statement"),
    gast.Starred: ("starred argument or target (f(*xs), a, *b = xs)",
                   "pass the arguments one by one, or unpack by index: a, b = xs[0], xs[1:]"),
}
# Builtins that read the function's variables by name, which no dataflow can follow.
_BY_NAME = (eval, locals, vars)
# Expressions kept whole: they never carry a derivative (checked again by annotate).
OPAQUE_EXPRESSIONS = (gast.BoolOp, gast.JoinedStr, gast.Set, gast.Compare)


class ExpressionSplitter:
    """The state of one function's normalization (the statements emitted so far, the live
    version of each name) and the expression half of it: an expression becomes operands
    (names, literals, constant expressions), each nested operation emitted as a statement
    binding a temporary.  :class:`~tangentlike.frontend.normalize.Normalizer` adds the
    statements."""

    def __init__(self, parsed: ParsedFunction, namer: Namer,
                 namespace: Namespace | None = None):
        self.parsed = parsed
        self.namer = namer
        self.namespace = namespace
        self.facts = function_facts(parsed.node)  # (one walk)
        self.spreading = Spreading(self.facts)  # f(*xs), f(**d) where the code shows xs, d
        self.locals = set(self.facts.bound)  # (syntax.stored_names(parsed.node))
        # lists the function appends to (their length changes after a read)
        self.grown = self.facts.grown
        # the names bound to lists, as parsed (``in_place.bound_lists``), where ``xs.sort()``
        # asks: set by ``normalize`` before desugaring rewrites the parsed statements
        self.lists: set[str] | None = None
        # Whether ``check_expression`` has anything to find: the statements it checks are
        # this function's, desugared (desugar, in_place and ufunc_at make none of these
        # classes), so where the walk above met none of them, no check finds one.
        self.may_hold_unsupported = not self.facts.classes.isdisjoint(UNSUPPORTED_EXPRESSIONS)
        self.current: dict[str, str] = {}  # user name -> the name of its live version
        self.versions: dict[str, str] = {}  # the name of each version -> the user's name
        self.defined: set[str] = set()
        self.callers: set[str] = set()  # names bound to the caller's arrays (or views of them)
        self.sequences: set[str] = set()  # names bound to a tuple or list the code wrote out
        self.out: list[gast.stmt] = []
        self.origin: Location | None = None
        self.depth = 0  # how many if/for/while statements enclose the current one
        self.summary = False  # see normalize()
        self.written_parameters: list[str] = []  # worked on as copies, written back at the end

    # -- errors ---------------------------------------------------------------------------
    def unsupported(self, node: gast.AST, what: str, hint: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError(
            f"tangentlike does not support {what} in a differentiated function",
            self.parsed.location(node), hint=hint,
        )

    def check_expression(self, node: gast.AST) -> None:
        if not self.may_hold_unsupported:
            return
        found = []  # (one walk: the spread arguments are known once it is done)
        spread = set()  # f(*xs): see spread
        for sub in syntax.walk(node):
            cls = sub.__class__
            if cls is gast.Call:
                spread.update(id(a) for a in sub.args if isinstance(a, gast.Starred))
            elif cls in UNSUPPORTED_EXPRESSIONS:
                found.append(sub)
        for sub in found:
            if id(sub) not in spread:
                raise self.unsupported(sub, *UNSUPPORTED_EXPRESSIONS[sub.__class__])

    # -- names ----------------------------------------------------------------------------
    def read(self, node: gast.expr) -> gast.expr:
        """Point loads at the live version of each user name."""
        current = self.current  # (only the names the node holds: linear in its size)
        if node.__class__ is gast.Name:  # (an operand, most reads: the same, without a walk)
            version = current.get(node.id, node.id)
            return node if version == node.id else syntax.rename(node, {node.id: version})
        return syntax.rename(node, {k: current[k] for k in syntax.all_names(node)
                                    if k in current and current[k] != k})

    def bind(self, name: str) -> str:
        """The name a new binding of ``name`` gets: a new version if re-bound at the top level;
        inside if/for/while the live version is overwritten (reverse mode saves it)."""
        if self.depth:
            version = self.current.get(name, name)
        else:
            version = self.namer.fresh(name) if name in self.defined else name
            self.locals.add(version)
        self.defined.add(name)
        self.current[name] = version
        self.versions[version] = name
        return version

    def helper(self, func: Callable) -> gast.Name:
        """A runtime helper the normalized code calls (resolved already, for annotate)."""
        name = func.__name__ if self.namespace is None else \
            self.namespace.name_for(func, func.__name__)
        node = syntax.load(name)
        anno.info(node).callee = func
        return node

    def temp(self) -> str:
        """A new temporary: a local variable like the user's (never a constant)."""
        name = self.namer.temp()
        self.locals.add(name)
        return name

    # -- emitting -------------------------------------------------------------------------
    def emit(self, stmt: gast.stmt) -> None:
        anno.info(stmt).origin = self.origin
        self.out.append(stmt)

    def is_constant_expression(self, node: gast.expr) -> bool:
        """Reads no local variable and calls only pure functions (``np.pi``, ``-1``,
        ``(0, 1)``, ``np.zeros(3)``): stays inline.  A call that may do more than compute a
        value (``rng.normal()``) gets a statement of its own, so it runs once, where it is
        written."""
        return not reads_any(node, self.locals) and all(
            registry.is_pure_function(resolve(call.func, self.parsed, self.locals))
            for call in syntax.walk(node) if isinstance(call, gast.Call))

    def atomize(self, node: gast.expr) -> gast.expr:
        """An operand: a name, a literal or a constant expression; else a new temporary."""
        if isinstance(node, gast.Name):
            return self.read(node)
        if isinstance(node, gast.Constant) or self.is_constant_expression(node):
            return node
        value = self.simplify(node)
        name = self.temp()
        self.emit(syntax.assign(name, value))
        return syntax.load(name)

    def simplify(self, node: gast.expr) -> gast.expr:
        """``node`` with every operand atomized (one primitive operation)."""
        if isinstance(node, (gast.Name, gast.Constant)):
            return self.read(node)
        if isinstance(node, gast.BinOp):
            if isinstance(node.op, gast.Add) and (self.is_sequence(node.left)
                                                  or self.is_sequence(node.right)):
                # args + (x,): a concatenation, whose derivative is not an addition's
                return syntax.call(self.helper(runtime.concat),
                                   [self.atomize(node.left), self.atomize(node.right)])
            return gast.BinOp(left=self.atomize(node.left), op=node.op,
                              right=self.atomize(node.right))
        if isinstance(node, gast.UnaryOp):
            return gast.UnaryOp(op=node.op, operand=self.atomize(node.operand))
        if isinstance(node, gast.Call):
            found = resolve(node.func, self.parsed, self.locals, checkpoints=True)
            callee = checkpointed_function(found) or found  # a checkpoint: its function
            if any(callee is by_name for by_name in _BY_NAME):
                raise self.unsupported(
                    node, f"{callee.__name__}(), which reads variables by name",
                    "write the expression out, using the variables directly")
            node = self.returned_tuples(node)
            try:
                node = self.spreading.spread(node)
            except NotStatic as refused:
                if is_user_function(callee) or varargs.has_star_parameters(callee):
                    raise self.unsupported(refused.node, refused.what, refused.hint) from None
                # rs.randn(*x.shape): kept, run as written (annotate refuses it on a
                # differentiated value, operations.spreads_unknown)
                return gast.Call(
                    func=self.simplify_callee(node.func),
                    args=[gast.Starred(value=self.atomize(a.value), ctx=gast.Load())
                          if isinstance(a, gast.Starred) else self.atomize(a)
                          for a in node.args],
                    keywords=[gast.keyword(arg=k.arg, value=self.atomize(k.value))
                              for k in node.keywords])
            func = node.func
            keywords = node.keywords
            if (varargs.has_star_parameters(callee) and is_user_function(callee)
                    and not builds_node(callee)):  # dataclasses.replace(p, **changes)
                spec = varargs.specialized(callee, len(node.args),
                                           [k.arg for k in node.keywords])
                if isinstance(spec, str):
                    raise self.unsupported(
                        node, f"a call whose arguments do not match the parameters of "
                        f"{callee.__name__} ({spec})", "pass the arguments it takes")
                keywords = varargs.renamed_keywords(spec, keywords)
                if checkpointed_function(found) is not None:
                    spec = checkpointed_binding(spec)  # still recomputed (checkpoint.py)
                func = self.helper(spec)
            return gast.Call(
                func=self.simplify_callee(func),
                args=[self.atomize(a) for a in node.args],
                keywords=[gast.keyword(arg=k.arg, value=self.atomize(k.value))
                          for k in keywords],
            )
        if isinstance(node, gast.Attribute):
            return gast.Attribute(value=self.atomize(node.value), attr=node.attr, ctx=node.ctx)
        if isinstance(node, gast.Subscript):
            base = self.atomize(node.value)
            index = node.slice
            if (isinstance(base, gast.Name) and base.id in self.grown
                    and _negative_int(index) is not None):
                # xs[-1] of a list appended to later: the element counted from the start
                # (the backward pass sees the list as it ends up)
                length = syntax.call(syntax.load("len"), [syntax.load(base.id)])
                index = self.atomize(gast.BinOp(
                    left=self.atomize(length), op=gast.Add(),
                    right=syntax.const(_negative_int(index))))
            else:
                index = self.simplify_index(index)
            return gast.Subscript(value=base, slice=index, ctx=node.ctx)
        if isinstance(node, (gast.Tuple, gast.List)):
            return type(node)(elts=[self.atomize(e) for e in node.elts], ctx=gast.Load())
        if isinstance(node, gast.Dict):
            return gast.Dict(keys=[self.atomize(k) for k in node.keys],
                             values=[self.atomize(v) for v in node.values])
        if isinstance(node, gast.IfExp):
            return self.conditional_expression(node)
        if isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.DictComp, gast.SetComp)):
            return self.comprehension(node)
        if isinstance(node, OPAQUE_EXPRESSIONS):
            return self.opaque(node)
        raise self.unsupported(node, f"the expression {type(node).__name__}",
                               "rewrite it with plain arithmetic and function calls")

    def returned_tuples(self, call: gast.Call) -> gast.Call:
        """``f(*g(x))`` with ``g`` your function returning a tuple it writes out
        (``return a, b``): ``t = g(x)`` first (a temporary whose length the spreading
        knows), then ``f(*t)``, spread as ``f(t[0], t[1])``; where only names and literals
        come before it (which run in the same order either way)."""
        args = list(call.args)
        for i, arg in enumerate(args):
            if not (isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Call)):
                continue
            if not all(isinstance(a, (gast.Name, gast.Constant)) for a in args[:i]):
                break
            length = returned_length(resolve(arg.value.func, self.parsed, self.locals))
            if length is None:
                continue
            name = self.atomize(arg.value)
            self.spreading.show_length(name.id, length)
            args[i] = gast.copy_location(gast.Starred(value=name, ctx=gast.Load()), arg)
        return gast.copy_location(gast.Call(func=call.func, args=args,
                                            keywords=call.keywords), call)

    def opaque(self, node: gast.expr) -> gast.expr:
        """A comparison, f-string, set or ``and``/``or`` kept whole; a call in it that may do
        more than compute a value (``rng.normal() < 0.5``) runs first, once, in its own
        statement (where Python would evaluate it anyway: not after ``and``/``or`` or in a
        chained comparison)."""
        impure = [call for call in syntax.walk(node) if isinstance(call, gast.Call)
                  and not registry.is_pure_function(resolve(call.func, self.parsed,
                                                            self.locals))]
        if not impure:
            return self.read(node)
        if isinstance(node, gast.BoolOp) or isinstance(node, gast.Compare) and \
                len(node.ops) > 1 and any(c is not node.left for c in impure):
            raise self.unsupported(node, "a call that may draw random numbers or do I/O inside "
                                   "and/or or a chained comparison",
                                   "assign its result to a variable first")
        if isinstance(node, gast.Compare):
            return gast.Compare(left=self.atomize(node.left), ops=node.ops,
                                comparators=[self.atomize(c) for c in node.comparators])
        return self.read(_Hoist(self, impure).visit(syntax.clone(node)))

    def is_sequence(self, node: gast.expr) -> bool:
        """A tuple or list the code writes out (``(x,)``, ``[a, b]``), a name bound to one,
        or a concatenation of them."""
        if isinstance(node, (gast.Tuple, gast.List)):
            return True
        if isinstance(node, gast.Name):
            return node.id in self.sequences
        return isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add) and (
            self.is_sequence(node.left) or self.is_sequence(node.right))

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

    # -- expressions that need statements (normalize.Normalizer) ------------------------------
    def conditional_expression(self, node: gast.IfExp) -> gast.Name:
        raise NotImplementedError  # Normalizer: an if statement binding a temporary

    def comprehension(self, node: gast.ListComp | gast.GeneratorExp | gast.DictComp
                      | gast.SetComp) -> gast.Name:
        raise NotImplementedError  # Normalizer: a loop that appends (or sets a key)


def _negative_int(index: gast.expr) -> int | None:
    """``-1`` for the index ``-1`` (a negative integer literal), else None."""
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub) \
            and isinstance(index.operand, gast.Constant) and type(index.operand.value) is int:
        return -index.operand.value
    if isinstance(index, gast.Constant) and type(index.value) is int and index.value < 0:
        return index.value
    return None


class _Hoist(gast.NodeTransformer):
    """Each of the given calls (found in the original) replaced by a temporary computed
    before, in order."""

    def __init__(self, normalizer: ExpressionSplitter, calls: list[gast.Call]):
        self.normalizer = normalizer
        self.keys = {syntax.dump(c) for c in calls}

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if syntax.dump(node) in self.keys:
            return self.normalizer.atomize(node)
        return node
