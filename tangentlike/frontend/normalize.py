"""Stage 2, normalize: desugar and split expressions so every primitive has its own statement.

After this pass (and :mod:`tangentlike.frontend.desugar` before it) a function body holds only these
statement forms (A-normal form), each annotated with the user's statement it came from:

- ``y = a``, ``y = a <op> b``, ``y = <op> a``, ``y = f(a, b, k=c)``, ``y = a.attr``,
  ``y = a[index]``, ``y = (a, b)`` / ``[a, b]`` / ``{"k": a}``, ``a, b = t`` (unpacking),
  ``y = <expression that never carries a derivative>`` (comparisons, boolean logic, f-strings),
- ``x[index] = a`` (into an array or list the function made), ``xs.append(a)``,
- ``if t:``, ``for i in <range(...) or a>:``, ``while t:`` (the test recomputed at the end of
  the body), with bodies of the same forms, and ``if broke: break`` as a loop's last statement,
- ``try: ... except <types> as exc: error = exc`` (frontend/exceptions.py: the probe of a
  lowered ``try`` statement, its handlers ``if`` blocks after it),
- ``with insert_grad_of(x) as dx:`` (kept whole: its body runs in the backward pass),
- bare expression statements (calls kept for their effects), ``assert``, ``raise``,
- one final ``return a`` or ``return (a, b)``,

where ``a``, ``b``, ``c``, ``t`` are names or literals.  Names re-bound in straight-line code get
versions (``x``, ``x_1``, ...), so every value the backward pass reads is still there; inside
if/for/while names are overwritten, and reverse mode saves what it needs.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import gast

from tangentlike import runtime
from tangentlike.core import anno, syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend.apply_calls import lower_apply_calls
from tangentlike.frontend.assignments import AssignmentSplitter
from tangentlike.frontend.deletions import drop_deletions
from tangentlike.frontend.desugar import Desugar, desugar
from tangentlike.frontend.exceptions import lower_try
from tangentlike.frontend.functions import lower_functions
from tangentlike.frontend.in_place import bound_lists, lower_in_place_writes
from tangentlike.frontend.operations import resolve
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.frontend.ufunc_at import lower_ufunc_at
from tangentlike.frontend.ufunc_keywords import KEYWORDS as UFUNC_KEYWORDS
from tangentlike.frontend.ufunc_keywords import rewrite_ufunc_keywords
from tangentlike.rules.surgery import insert_grad_of
from tangentlike.rules.template import Namespace

# Statements tangentlike cannot differentiate yet, with what to do instead.
UNSUPPORTED_STATEMENTS = {
    gast.TryStar: ("try statement (except*)",
                   "move the try/except outside the differentiated function"),
    gast.Match: ("match statement", "write it as if/elif on the subject"),
    gast.AsyncWith: ("async with statement", "differentiate synchronous code"),
    gast.AsyncFor: ("async for loop", "differentiate synchronous code"),
    gast.Global: ("global statement", "pass the value in as an argument and return it"),
    gast.Nonlocal: ("nonlocal statement", "pass the value in as an argument and return it"),
    gast.FunctionDef: ("nested function definition", "define the function at module level"),
    gast.AsyncFunctionDef: ("nested async function", "define the function at module level"),
    gast.ClassDef: ("class definition inside the function", "define the class at module level"),
    gast.Import: ("import inside the function", "import at module level"),
    gast.ImportFrom: ("import inside the function", "import at module level"),
}


class Normalizer(AssignmentSplitter):
    """Rewrites one function body into A-normal form (see the module docstring): the
    statement forms, on top of the assignments of :class:`AssignmentSplitter` and the
    expression splitting of :class:`ExpressionSplitter`."""

    # -- statements -----------------------------------------------------------------------
    def visit_body(self, body: list[gast.stmt]) -> None:
        """Normalize the (desugared) top-level body, which ends with its only return."""
        if self.summary:
            self.visit_statements(body)
            return
        if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
            raise self.unsupported(body[-1] if body else self.parsed.node,
                                   "a function that returns no value",
                                   "return the value to differentiate")
        self.visit_statements(body)

    def visit_statements(self, body: list[gast.stmt]) -> None:
        for i, stmt in enumerate(body):
            if i == 0 and isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant):
                continue  # docstring
            self.origin = self.parsed.location(stmt)
            if isinstance(stmt, gast.With) and self.is_gradient_hook(stmt):
                self.gradient_hook(stmt)
                continue
            entry = UNSUPPORTED_STATEMENTS.get(type(stmt))
            if entry is not None:
                raise self.unsupported(stmt, *entry)
            if not isinstance(stmt, (gast.If, gast.For, gast.While, gast.Try)):
                self.check_expression(stmt)
            getattr(self, f"visit_{type(stmt).__name__}", self.visit_other)(stmt)

    def block(self, body: list[gast.stmt]) -> list[gast.stmt]:
        """Normalize a nested block into its own statement list."""
        outer, origin = self.out, self.origin
        self.out = []
        self.depth += 1
        bound = set().union(set(), *(syntax.stored_names(s) for s in body))
        self.spreading.forget(bound)  # a loop's next trip sees what the body binds
        try:
            self.visit_statements(body)
            return self.out
        finally:
            self.out, self.origin = outer, origin
            self.depth -= 1
            self.spreading.forget(bound)  # its length may depend on the branch taken

    def visit_If(self, stmt: gast.If) -> None:
        self.check_expression(stmt.test)
        test = self.atomize(stmt.test)
        body, orelse = self.block(stmt.body), self.block(stmt.orelse)
        self.emit(gast.If(test=test, body=body or [gast.Pass()], orelse=orelse))

    def visit_For(self, stmt: gast.For) -> None:
        self.check_expression(stmt.iter)
        iterable = self.simplify(stmt.iter) if isinstance(stmt.iter, gast.Call) else \
            self.atomize(stmt.iter)
        if isinstance(iterable, gast.Name) and iterable.id in set().union(
                *(syntax.stored_names(s) for s in stmt.body)) | {self.current.get(
                    n, n) for n in set().union(*(syntax.stored_names(s) for s in stmt.body))}:
            # The loop iterates over the value the name had before the loop, even if the body
            # re-binds the name: keep that value under a name of its own.
            snapshot = self.temp()
            self.emit(syntax.assign(snapshot, iterable))
            iterable = syntax.load(snapshot)
        target = stmt.target
        rebound = set().union(set(), *(syntax.stored_names(s) for s in stmt.body))
        if isinstance(target, gast.Name) and target.id not in rebound:
            name = self.bind(target.id)
            body = self.block(stmt.body)
        else:  # for a, b in pairs, or a loop variable the body re-binds: bind from a temporary
            name = self.temp()
            body = self.block([gast.copy_location(
                gast.Assign(targets=[target], value=syntax.load(name), type_comment=None),
                stmt)] + stmt.body)
        self.emit(gast.For(target=syntax.store(name), iter=iterable, body=body or [gast.Pass()],
                           orelse=[], type_comment=None))

    def visit_While(self, stmt: gast.While) -> None:
        self.check_expression(stmt.test)
        if isinstance(stmt.test, gast.Name):
            test, recompute = self.read(stmt.test), []
        else:
            name = self.temp()
            self.emit(syntax.assign(name, self.simplify(stmt.test)))
            test = syntax.load(name)
            recompute = [gast.copy_location(
                gast.Assign(targets=[syntax.store(name)], value=stmt.test, type_comment=None),
                stmt)]
        body = stmt.body
        if body and isinstance(body[-1], gast.If) and isinstance(body[-1].body[0], gast.Break):
            body = body[:-1] + recompute + body[-1:]  # before the loop's final `if broke: break`
        else:
            body = body + recompute
        body = self.block(body)
        self.emit(gast.While(test=test, body=body or [gast.Pass()], orelse=[]))

    def is_gradient_hook(self, stmt: gast.With) -> bool:
        """``with tangentlike.insert_grad_of(x) as dx:``"""
        if len(stmt.items) != 1 or not isinstance(stmt.items[0].context_expr, gast.Call):
            return False
        call = stmt.items[0].context_expr
        return resolve(call.func, self.parsed, self.locals) is insert_grad_of

    def gradient_hook(self, stmt: gast.With) -> None:
        """Kept whole (its body runs in the backward pass, as written) with ``x`` read as the
        version live here."""
        item = stmt.items[0]
        call = item.context_expr
        if len(call.args) != 1 or not isinstance(call.args[0], gast.Name) or call.keywords:
            raise self.unsupported(stmt, "insert_grad_of of an expression",
                                   "name the value first: y = ...; with insert_grad_of(y) ...")
        target = item.optional_vars
        if target is not None and not isinstance(target, gast.Name):
            raise self.unsupported(stmt, "insert_grad_of(...) as a tuple",
                                   "write: with insert_grad_of(x) as dx:")
        name = target.id if target is not None else self.namer.fresh("dx")
        hook = gast.With(items=[gast.withitem(
            context_expr=gast.Call(func=call.func, args=[self.read(call.args[0])], keywords=[]),
            optional_vars=syntax.store(name))], body=syntax.clone(stmt.body),
            type_comment=None)
        self.emit(hook)

    def visit_Try(self, stmt: gast.Try) -> None:
        """A ``try`` statement, lowered by :mod:`tangentlike.frontend.exceptions`."""
        lower_try(self, stmt)

    def visit_Break(self, stmt: gast.Break) -> None:
        self.emit(gast.Break())

    def conditional_expression(self, node: gast.IfExp) -> gast.Name:
        """``a if c else b``: only the branch taken is evaluated, as in Python."""
        test = self.atomize(node.test)
        name = self.temp()
        outer, self.out = self.out, []
        self.depth += 1
        try:
            self.emit(syntax.assign(name, self.simplify(node.body)))
            body, self.out = self.out, []
            self.emit(syntax.assign(name, self.simplify(node.orelse)))
            orelse = self.out
        finally:
            self.out = outer
            self.depth -= 1
        self.emit(gast.If(test=test, body=body, orelse=orelse))
        return syntax.load(name)

    def comprehension(self, node: gast.ListComp | gast.GeneratorExp | gast.DictComp
                      | gast.SetComp) -> gast.Name:
        """``[e for x in xs if c]`` is the list a loop appends ``e`` to; a generator
        expression is that list too (its elements are computed where it is written, once);
        ``{k: e for x in xs}`` the dict a loop sets ``d[k] = e`` in; ``{e for x in xs}``
        ``set(...)`` of that list (annotate refuses it on differentiated elements: a set
        is unordered, no gradient can follow its elements).  The comprehension's own
        variables get names of their own, so that they neither change nor read the
        function's variables of the same names."""
        if isinstance(node, gast.SetComp):
            elements = self.comprehension(gast.copy_location(
                gast.ListComp(elt=node.elt, generators=node.generators), node))
            name = self.temp()
            self.emit(syntax.assign(name, syntax.call(self.helper(set), [elements])))
            return syntax.load(name)
        own = {name: self.namer.fresh(name) for gen in node.generators
               for name in syntax.stored_names(gen.target)}
        elements = self.temp()
        self.locals |= set(own.values()) | {elements}
        if isinstance(node, gast.DictComp):
            key = gast.Subscript(value=syntax.load(elements),
                                 slice=syntax.rename(node.key, own), ctx=gast.Store())
            add: gast.stmt = syntax.assign(key, syntax.rename(node.value, own))
            empty: gast.expr = gast.Dict(keys=[], values=[])
        else:
            add = gast.Expr(value=syntax.call(
                gast.Attribute(value=syntax.load(elements), attr="append", ctx=gast.Load()),
                [syntax.rename(node.elt, own)]))
            empty = gast.List(elts=[], ctx=gast.Load())
        body: list[gast.stmt] = [_at(add, node)]
        for i in range(len(node.generators) - 1, -1, -1):
            gen = node.generators[i]
            for test in reversed(gen.ifs):
                body = [_at(gast.If(test=syntax.rename(test, own), body=body, orelse=[]), node)]
            # the first iterable is evaluated outside the comprehension, the others inside
            iterable = gen.iter if i == 0 else syntax.rename(gen.iter, own)
            body = [_at(gast.For(target=syntax.rename(gen.target, own), iter=iterable,
                                 body=body, orelse=[], type_comment=None), node)]
        self.emit(syntax.assign(elements, empty))
        origin = self.origin
        self.visit_statements(Desugar(self.parsed, self.namer).loops(body))
        self.origin = origin
        return syntax.load(elements)

    def visit_other(self, stmt: gast.stmt) -> None:
        raise self.unsupported(stmt, f"the statement {type(stmt).__name__}",
                               "rewrite it with assignments and function calls")

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
        for param in self.written_parameters:  # the caller's array changes as f changes it
            self.emit(gast.Expr(value=syntax.call(self.helper(runtime.write_back), [
                syntax.load(param), syntax.load(self.current[param])])))
        self.emit(gast.Return(value=value))

    def visit_Expr(self, stmt: gast.Expr) -> None:
        self.emit(gast.Expr(value=self.simplify(stmt.value)))

    def visit_Pass(self, stmt: gast.Pass) -> None:
        pass

    def visit_Assert(self, stmt: gast.Assert) -> None:
        self.emit(self.read(stmt))

    def visit_Raise(self, stmt: gast.Raise) -> None:
        self.emit(self.read(stmt))


def _at(stmt: gast.stmt, node: gast.AST) -> gast.stmt:
    """``stmt``, written for ``node``, at ``node``'s line (for comments and errors)."""
    for sub in (stmt, *gast.iter_child_nodes(stmt)):
        if getattr(sub, "lineno", None) is None:
            gast.copy_location(sub, node)
    return stmt


def _copy_written_parameters(normalizer: Normalizer, body: list[gast.stmt]) -> None:
    """A parameter the function writes into (``x[i] = v``, ``x[i] += v``) is worked on as a
    copy (``x = copy_of(x)``, first): the derivative differentiates the function with respect
    to the value it was given.  Another parameter that shares its memory would see the writes
    in the function and not in the copy: refused when the derivative runs
    (``check_unshared``).  The caller's array gets the function's last value at the return
    (``write_back``), as the function leaves it, also after ``x += v``, unless the name is
    bound again (then which array the writes reach is not known here: the caller's is left
    as it was)."""
    args = normalizer.parsed.node.args
    params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    written: dict[str, gast.stmt] = {}  # parameter -> the first statement writing into it
    updated: dict[str, gast.stmt] = {}  # x += v
    augmented: set[int] = set()  # the targets of x += v
    for stmt in body:
        for node in _statements_walked(stmt):
            cls = node.__class__
            if cls is gast.AugAssign:
                augmented.add(id(node.target))
                if node.target.__class__ is gast.Name:
                    updated.setdefault(node.target.id, node)
                targets = [node.target]
            elif cls is gast.Assign:
                targets = node.targets
            else:
                continue
            for sub in (s for t in targets for s in syntax.walk(t)):
                if (isinstance(sub, gast.Subscript) and isinstance(sub.ctx, gast.Store)
                        and isinstance(sub.value, gast.Name) and sub.value.id in params):
                    written.setdefault(sub.value.id, node)
    if not written and not updated:
        normalizer.written_parameters = []
        return  # (the usual case: no walk of every name for those bound)
    rebound = {n.id for stmt in body for n in syntax.walk_names(stmt)
               if n.ctx.__class__ is gast.Store and id(n) not in augmented}
    written_back = [p for p in params if p not in rebound and (p in written or p in updated)]
    for param in written_back:  # the body reads only the copy, and so does the derivative
        written.setdefault(param, updated.get(param))
    for param, node in written.items():
        origin = normalizer.origin = normalizer.parsed.location(node)
        message = (f"the function writes into {param!r}, and {{}} shares its memory: the "
                   f"derivative works on a copy of {param!r}")
        for other in (p for p in params if p != param):
            normalizer.emit(gast.Expr(value=syntax.call(
                normalizer.helper(runtime.check_unshared), [
                    syntax.load(param), syntax.load(other),
                    syntax.const(message.format(repr(other))),
                    syntax.const(origin.filename), syntax.const(origin.lineno)])))
        normalizer.assign_to(syntax.store(param), syntax.call(
            normalizer.helper(runtime.copy_of), [syntax.load(param)]))
        normalizer.callers.discard(param)
    normalizer.written_parameters = written_back


# The fields of a statement, an ``except`` handler or a ``case`` that hold statements.
_BLOCK_FIELDS = frozenset({"body", "orelse", "handlers", "finalbody", "cases"})


def _statements_walked(stmt: gast.stmt) -> Iterator[gast.AST]:
    """The statements of ``syntax.walk(stmt)`` (with the handlers and cases between them)
    in its order, without the expressions.  The same order: a statement's parent is a
    statement, handler or case, so each is at the depth it has in the whole tree, and a
    breadth-first walk lists each depth's nodes in the order of their parents."""
    todo = deque([stmt])
    pop, extend = todo.popleft, todo.extend
    while todo:
        node = pop()
        yield node
        for field in node._fields:
            if field in _BLOCK_FIELDS:
                value = getattr(node, field, None)
                if value.__class__ is list:
                    extend(value)


def normalize(parsed: ParsedFunction, namer: Namer, summary: bool = False,
              namespace: Namespace | None = None) -> gast.FunctionDef:
    """A copy of the parsed function in A-normal form.  ``summary``: for reading what the
    function does to its arguments (aliasing.py), not for differentiating it: a function
    that returns nothing, or writes into its arguments, is not refused.  ``namespace``
    names the runtime helpers the normalized code calls (``keep_dtype``)."""
    drop_deletions(parsed)
    lower_apply_calls(parsed, namer, namespace)
    lower_functions(parsed, lambda obj, preferred: preferred if namespace is None else
                    namespace.name_for(obj, preferred))
    normalizer = Normalizer(parsed, namer, namespace)
    normalizer.summary = summary
    node = parsed.node
    for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
        normalizer.defined.add(arg.id)
        normalizer.current[arg.id] = arg.id
        normalizer.versions[arg.id] = arg.id
        normalizer.callers.add(arg.id)
    if node.args.vararg is not None or node.args.kwarg is not None:
        raise normalizer.unsupported(node, "*args or **kwargs parameters",
                                     "name each parameter")
    if normalizer.facts.first_yield is not None and not summary:  # (node as it was walked)
        raise normalizer.unsupported(
            normalizer.facts.first_yield, "a generator function (yield)",
            "return a value (a list of the values) instead of yielding them")
    # What the passes below read of the function as parsed, taken before desugaring
    # rewrites its statements in place (no copy of them: nothing reads them after this
    # but the parameters): the names it binds (the facts' walk of ``node``: what
    # ``syntax.stored_names(node)`` gives), and its lists where ``xs.sort()`` asks
    # (desugaring makes no such call).
    facts = normalizer.facts
    normalizer.lists = bound_lists(node) if "sort" in facts.methods else set()
    body = desugar(parsed, namer, facts.bound)
    body = lower_in_place_writes(body, normalizer)
    if not facts.keywords.isdisjoint(UFUNC_KEYWORDS):  # (desugar and in_place make no
        # keyword of their own: without one in the function, it finds no call)
        rewrite_ufunc_keywords(body, parsed, lambda obj, preferred: preferred
                               if namespace is None else namespace.name_for(obj, preferred),
                               facts.bound | {a.id for a in node.args.args
                                              + node.args.posonlyargs + node.args.kwonlyargs})
    normalizer.locals |= set().union(*(syntax.stored_names(s) for s in body))
    body = lower_ufunc_at(body, parsed, normalizer.locals, normalizer.helper)
    # A parameter re-bound inside if/for/while is worked on under a name of its own, so the
    # parameter keeps the caller's value (its derivative has that value's shape).
    nested = set().union(set(), *(syntax.stored_names(s) for s in body
                                  if isinstance(s, (gast.If, gast.For, gast.While, gast.Try))))
    for param in sorted(nested & set(normalizer.callers), key=list(normalizer.current).index):
        normalizer.assign_to(syntax.store(param), syntax.load(param))
    if not summary:
        _copy_written_parameters(normalizer, body)
    normalizer.visit_body(body)
    fn = gast.FunctionDef(
        name=node.name, args=syntax.clone(node.args), body=normalizer.out, decorator_list=[],
        returns=None, type_comment=None, type_params=[],
    )
    anno.info(fn).versions = normalizer.versions
    return fn
