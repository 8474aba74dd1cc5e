"""Instantiate derivative templates: substitute the user's names for the template's parameters."""
from __future__ import annotations

import builtins
import inspect
import sys
import types
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

import gast

from tangentlike.core import anno, syntax
from tangentlike.core.fold import FoldConstants
from tangentlike.core.naming import Namer
from tangentlike.core.resolve import resolve_in
from tangentlike.errors import Location, TemplateError
from tangentlike.rules.recipe import (
    DERIVED,
    LEAF_CLASSES,
    PARAM,
    RENAMED,
    Reads,
    Recipe,
    make_recipe,
    rebuild,
)
from tangentlike.rules.registry import Rule
from tangentlike.runtime import zeros_like

LITERAL_TYPES = (type(None), bool, int, float, complex, str)


class Namespace:
    """Global names of a generated module: tangentlike's own (``injected``: runtime helpers,
    template globals, generated callee halves) beside the user's names, which the generated
    code reads live (the module's globals, the function's closure cells; ``emit``).

    A template's ``np`` or ``unbroadcast`` keeps its name unless the user's code already
    uses that name for something else; then it gets a fresh alias (``np_1``).
    """

    def __init__(self, user_globals: dict[str, Any], namer: Namer,
                 cells: dict[str, Any] | None = None):
        self.user_globals = user_globals
        self.cells = cells or {}  # the differentiated function's closure cells, by name
        self.namer = namer
        self.injected: dict[str, Any] = {}
        self.import_lines: dict[str, str] = {}
        self._by_id: dict[int, str] = {}
        # the parameters of what an injected name calls (``_drop_default_arguments``)
        self.parameters_by_name: dict[str, list[inspect.Parameter] | None] = {}

    def _free(self, name: str, obj: Any) -> bool:
        if name in self.injected:
            return self.injected[name] is obj
        if name in self.cells:
            try:
                return self.cells[name].cell_contents is obj
            except ValueError:
                return False
        if name in self.user_globals:
            return self.user_globals[name] is obj
        return name not in self.namer.used

    def name_for(self, obj: Any, preferred: str) -> str:
        """The name under which generated code reaches ``obj``."""
        known = self._by_id.get(id(obj))
        if known is not None:
            return known
        name, k = preferred, 0
        while not self._free(name, obj):
            k += 1
            name = f"{preferred}_{k}"
        self.namer.reserve(name)
        self._by_id[id(obj)] = name
        self.injected[name] = obj
        line = _import_line(obj, name)
        if line:
            self.import_lines[name] = line
        return name

    def resolve(self, func: gast.expr, local: Any = frozenset()) -> Any:
        """The object a callee in generated code names through the module's globals
        (``unbroadcast``, ``np.shape``, ``float``); None for a name in ``local`` or unknown."""
        return resolve_in(func, (self.injected, _contents(self.cells), self.user_globals),
                          local)


def _contents(cells: dict[str, Any]) -> dict[str, Any]:
    """The values of closure cells, by name (empty cells left out)."""
    out = {}
    for name, cell in cells.items():
        try:
            out[name] = cell.cell_contents
        except ValueError:
            pass
    return out


def _import_line(obj: Any, name: str) -> str | None:
    if isinstance(obj, types.ModuleType):
        module = obj.__name__
        if module == name:
            return f"import {module}"
        parent, _, leaf = module.rpartition(".")
        if parent and leaf == name:
            return f"from {parent} import {leaf}"
        return f"import {module} as {name}"
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname or "." in qualname or module == "__main__":
        return None
    if getattr(sys.modules.get(module), qualname, None) is not obj:
        return None
    return f"from {module} import {qualname}" + (f" as {name}" if name != qualname else "")


def value_expression(node: gast.expr) -> gast.expr:
    """An index as a value: ``1:3`` becomes ``slice(1, 3)``, so it can be passed to a helper."""
    if isinstance(node, gast.Slice):
        parts = [node.lower, node.upper] + ([node.step] if node.step is not None else [])
        if parts == [None, None]:
            parts = [None]  # slice(None) is ':'

        return syntax.call(syntax.load("slice"),
                           [syntax.const(None) if p is None else p for p in parts])
    if isinstance(node, gast.Tuple):
        return syntax.tuple_of([value_expression(e) for e in node.elts])
    return node


def _literal(value: Any, rule: Rule, name: str) -> gast.expr:
    if isinstance(value, LITERAL_TYPES):
        return syntax.const(value)
    if isinstance(value, tuple) and all(isinstance(v, LITERAL_TYPES) for v in value):
        return syntax.tuple_of([syntax.const(v) for v in value])
    raise TemplateError(f"template {rule.function.__name__!r}: the default of {name!r} must "
                        "be a literal", rule.location)


_UNASKED = object()  # (``_Instance.derivative_of``: a parameter not asked about yet)


class _Instance:
    """A template statement's copy for one call, made in one pass: its local names renamed
    fresh and its globals to their names in the generated module (``renames``), then each
    parameter replaced by a copy of what the call binds to it and ``d[x]`` by the name of
    the derivative of ``x``; a called global's name carries what it calls (``callee``) and
    a statement in ``contributions`` (by id) is marked a contribution.  The same as
    ``syntax.clone``, ``syntax.rename`` and a substitution one after the other."""

    def __init__(self, params: dict[str, gast.expr], derivative: Callable[[str], str | None],
                 rule: Rule, where: Location | None, plans: dict[int, _Plan]):
        self.params = params
        self.plans = plans  # the template's own nodes' copy plans, by id (``_plans``)
        self.derivative = derivative
        self.rule = rule
        self.where = where
        # each parameter bound to a name -> the derivative variable of that name (None:
        # it carries none), asked the first time it is needed (the order of first asks
        # names the variables) and remembered for the call: the answer does not change
        self.asked: dict[str, str | None] = {}
        # set once the kept statements are known (``instantiate``)
        self.renames: dict[str, str] = {}
        self.callees: dict[str, Any] = {}  # a called global (by its name in the template)
        self.contributions: set[int] = set()
        # whether what was copied since this was reset may hold something constant folding
        # folds (``_may_fold``, or a parameter's value that is no name nor constant)
        self.constants = False
        self.calls: list[gast.Call] = []  # every call in the copies (for default arguments)
        # while the copy is made into a recipe (``recipe.py``): where each name of it came
        # from (by the id of its node, with the node: folding may drop it, and a node made
        # later must not be taken for it under its id), and the parameters whose derivative
        # it asked for
        self.origins: dict[int, tuple[str, str, gast.AST]] | None = None
        self.asks: list[str] = []

    def derivative_of(self, param: str) -> str | None:
        """The derivative variable of what ``param`` is bound to (None: none, or not a
        name)."""
        name = self.asked.get(param, _UNASKED)  # (not try/except: most first asks miss)
        if name is _UNASKED:
            bound = self.params[param]
            name = self.derivative(bound.id) if bound.__class__ is gast.Name else None
            self.asked[param] = name
        return name

    def active(self, param: str) -> bool:
        """Whether ``param`` is bound to a name that carries a derivative."""
        return self.derivative_of(param) is not None

    def copy(self, node: Any) -> Any:
        cls = node.__class__
        if cls is gast.Name:
            return self._name(node)
        if cls is gast.Subscript:
            derivative = self._derivative_read(node)
            if derivative is not None:
                return derivative
        elif cls in LEAF_CLASSES and not node.__dict__:
            return node
        new = cls.__new__(cls)
        fields = new.__dict__
        plan = self.plans.get(id(node))
        if plan is None:  # not the template's own node (a spread-out copy, an if's shell)
            plan = _plan(node)
        for key, action, value in plan:
            if action is _COPY:
                value = self.copy(value)
            elif action is _NODES:
                value = list(map(self.copy, value))  # (no comprehension's frame)
            elif action is _LIST:
                value = [self.copy(n) if isinstance(n, gast.AST) else n for n in value]
            elif action is _INDEX:
                value = self._slice(value)
            elif action is _INFO:
                value = syntax.clone_info(value)
            fields[key] = value
        if cls in _FOLDED and not self.constants and _may_fold(new):
            self.constants = True
        if cls is gast.Call:
            self.calls.append(new)
            func = node.func
            if (func.__class__ is gast.Name and func.id in self.callees
                    and func.id not in self.renames):
                anno.info(new.func).callee = self.callees[func.id]
        if id(node) in self.contributions:
            anno.info(new).contribution = True
        return new

    def _renamed(self, node: gast.Name) -> gast.Name:
        target = self.renames.get(node.id)
        if target is None:
            return syntax.clone_name(node)
        new = syntax.name_node(target, node.ctx)
        if isinstance(node.ctx, gast.Load) and anno.has_info(node) \
                and anno.info(node).seen is not None:
            anno.info(new).seen = anno.info(node).seen
        if self.origins is not None:
            self.origins[id(new)] = (RENAMED, node.id, new)
        return new

    def _name(self, node: gast.Name) -> gast.expr:
        key = self.renames.get(node.id, node.id)
        bound = self.params.get(key)
        if bound is not None:  # (the renamed name is not made only to be replaced)
            if bound.__class__ is gast.Name:
                new = syntax.clone_name(bound)
            else:
                new = self._expression(value_expression(syntax.clone(bound)))
            if self.origins is not None:
                self.origins[id(new)] = (PARAM, key, new)
            return new
        return self._renamed(node)

    def _expression(self, node: gast.expr) -> gast.expr:
        """A parameter's value, not a name, put in the copy: it may hold a constant, and
        its calls are the copy's."""
        if node.__class__ is not gast.Constant:  # (a constant alone folds nothing)
            self.constants = True
        self.calls += [sub for sub in syntax.walk(node) if sub.__class__ is gast.Call]
        return node

    def _slice(self, node: gast.AST) -> gast.AST:
        """A subscript's index: a parameter there is replaced as it is (``x[i]``, with
        ``i`` bound to ``1:3``, stays an index)."""
        if node.__class__ is gast.Name:
            key = self.renames.get(node.id, node.id)
            bound = self.params.get(key)
            if bound is not None:
                if bound.__class__ is gast.Name:
                    new = syntax.clone_name(bound)
                else:
                    new = self._expression(syntax.clone(bound))
                if self.origins is not None:
                    self.origins[id(new)] = (PARAM, key, new)
                return new
            return self._renamed(node)
        return self.copy(node)

    def _derivative_read(self, node: gast.Subscript) -> gast.Name | None:
        """``d[x]``: the name of the derivative of what ``x`` is bound to."""
        value = node.value
        if not (value.__class__ is gast.Name
                and self.renames.get(value.id, value.id) == "d"):
            return None
        key = node.slice.id
        key = self.renames.get(key, key)
        name = self.derivative_of(key)
        if name is None:
            raise TemplateError(
                f"template {self.rule.function.__name__!r} reads the derivative of "
                f"{key!r}, which carries none here", self.where)
        new = syntax.name_node(name, node.ctx)
        if self.origins is not None:
            self.origins[id(new)] = (DERIVED, key, new)
            if key not in self.asks:
                self.asks.append(key)
        return new


# What ``_Instance.copy`` does with one field of a node: keep its value (a name, a constant,
# a context or operator holding nothing: shared, as ``syntax.clone`` does), copy the node
# in it, copy each item of a list of nodes, copy each node of a list (keeping the rest),
# copy a subscript's index (``_slice``), copy an annotation record.
_KEEP, _COPY, _NODES, _LIST, _INDEX, _INFO = "keep", "copy", "nodes", "list", "index", "info"
_Plan = tuple[tuple[str, str, Any], ...]  # (field, what to do, its value), in field order


def _plan(node: gast.AST) -> _Plan:
    """What copying ``node`` does with each of its fields (they decide it: a template's
    node, never changed, gets its plan once, ``_plans``)."""
    steps = []
    for key, value in node.__dict__.items():
        kind = value.__class__
        if kind is list:
            action = _NODES if all(isinstance(n, gast.AST) for n in value) else _LIST
        elif isinstance(value, gast.AST):
            if kind in LEAF_CLASSES and not value.__dict__:
                action = _KEEP
            elif key == "slice" and node.__class__ is gast.Subscript:
                action = _INDEX
            else:
                action = _COPY
        elif key == anno.KEY:
            action = _INFO
        elif isinstance(value, list):  # a subclass of list
            action = _LIST
        else:
            action = _KEEP
        steps.append((key, action, value))
    return tuple(steps)


class _Plans(NamedTuple):
    """What instantiation finds once per template and uses for every call."""

    body: list[gast.stmt]  # its statements, without the docstring
    copies: dict[int, _Plan]  # each node's copy plan, by id
    # the kept statements (by their ids) -> the template-local names in them (sorted) and
    # the other names they read, neither parameters nor ``d`` (in the order first read)
    names: dict[tuple[int, ...], tuple[list[str], list[str]]]
    # the statements with their facts, when none is an ``if`` (selected one by one)
    flat: list[tuple[gast.stmt, _Facts]] | None
    # the kept statements (by their ids), the constants bound to the parameters and the
    # globals' names -> the recipe of their instantiation (``recipe.py``)
    recipes: dict[tuple, Recipe | None]
    # whether the template is a tangent -> the paths of the flat selection's questions and
    # what each path keeps (``_known_choice``)
    choices: dict[bool, list | _Choice]


# The plans of each template (a rule's template is parsed once and never changed; it is kept
# with its plans, so that no id in them is reused), by the id of its function node.
_PLANS: dict[int, tuple[gast.FunctionDef, _Plans]] = {}


def _plans(template: gast.FunctionDef) -> _Plans:
    """The :class:`_Plans` of ``template``: made the first time it is instantiated."""
    known = _PLANS.get(id(template))
    if known is not None and known[0] is template:
        return known[1]
    body = [s for s in template.body
            if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
    plans = _Plans(
        body=body,
        copies={id(node): _plan(node) for stmt in template.body for node in syntax.walk(stmt)},
        names={},
        recipes={},
        choices={},
        flat=(None if any(isinstance(s, gast.If) for s in body)
              else [(s, _facts(s, template=True)) for s in body]))
    _PLANS[id(template)] = (template, plans)
    return plans


def _may_fold(node: gast.expr) -> bool:
    """Whether ``FoldConstants(algebra=False)`` may fold ``node`` (of a class in
    ``_FOLDED``) as its children are now: each fold needs literal children (a fold above one
    needs the one below first, which this finds)."""
    cls = node.__class__
    if cls is gast.BinOp:
        return node.left.__class__ is gast.Constant and node.right.__class__ is gast.Constant
    if cls is gast.UnaryOp:
        return node.operand.__class__ is gast.Constant
    if cls is gast.Compare:
        return any(c.__class__ in _LITERALS for c in (node.left, *node.comparators))
    if cls is gast.BoolOp:
        return any(v.__class__ is gast.Constant for v in node.values)
    return node.test.__class__ is gast.Constant  # an IfExp


_FOLDED = frozenset({gast.BinOp, gast.UnaryOp, gast.Compare, gast.BoolOp, gast.IfExp})
_LITERALS = (gast.Constant, gast.Tuple)


_SIMPLE = frozenset({gast.Assign, gast.Expr, gast.Pass})  # (statements holding no other)


def _read_derivatives(stmt: gast.stmt) -> list[str]:
    """The parameters whose derivative ``stmt`` reads (``... = d[x] * y``)."""
    value = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else stmt
    return [s.slice.id for s in syntax.walk(value) if isinstance(s, gast.Subscript)
            and syntax.is_name(s.value, "d") and isinstance(s.slice, gast.Name)]


def _written_derivatives(stmt: gast.stmt) -> list[str]:
    """The parameters whose derivative ``stmt`` writes (``d[x] = ...``)."""
    targets = stmt.targets if isinstance(stmt, gast.Assign) else []
    return [t.slice.id for t in targets
            if isinstance(t, gast.Subscript) and syntax.is_name(t.value, "d")]


def instantiate(
    rule: Rule,
    result: gast.expr,
    args: list[gast.expr],
    keywords: dict[str, gast.expr],
    derivative: Callable[[str], str | None],
    namer: Namer,
    namespace: Namespace,
    where: Location | None = None,
    reads: Reads | None = None,
) -> list[gast.stmt]:
    """The template's statements for one call ``result = primitive(*args, **keywords)``.

    ``derivative(name)`` names the derivative variable of an active user name (None when the
    name carries no derivative); statements writing the derivative of an inactive argument
    are dropped.  Statements ``d[x] = e`` that write an argument's derivative are marked
    ``contribution`` so that reverse mode accumulates them.  A call rebuilt from a recipe
    notes in ``reads`` the names each statement's value reads (``recipe.Reads``).
    """
    parsed = rule.parse()
    result_name = parsed.result
    params: dict[str, gast.expr] = {result_name: result}
    spread: dict[str, int] = {}  # a *args parameter -> how many values it holds here
    fill = _positional_fill(rule, parsed.signature, len(args)) if not keywords else None
    if fill is not None:  # (the general loop below, its steps found once for this count)
        for name, index, default in fill:
            params[name] = args[index] if index is not None else _literal(default, rule, name)
    else:
        try:
            arguments = rule.bound_arguments(args, keywords)
        except TypeError as exc:
            raise TemplateError(f"the call does not match the derivative rule "
                                f"{rule.function.__name__!r}: {exc}", where,
                                hint=f"the rule differentiates the call with the arguments "
                                f"{rule.signature}: pass only those (no out=)") from None
        for name, starred, default in _template_parameters(parsed.signature):
            if starred:
                values = list(arguments.get(name, ()))
                params[name] = syntax.tuple_of(values)
                spread[name] = len(values)
                for i, value in enumerate(values):
                    params[_part(name, i)] = value
            elif name in arguments:
                params[name] = arguments[name]
            elif default is not inspect.Parameter.empty:
                params[name] = _literal(default, rule, name)
            else:
                raise TemplateError(f"missing argument {name!r} for rule "
                                    f"{rule.function.__name__!r}", where)

    plans = _plans(parsed.node)
    instance = _Instance(params, derivative, rule, where, plans.copies)
    tangent = rule.kind == "tangent"
    flat = plans.flat is not None and not spread
    # A call whose parameters answer the selection's questions as an earlier call's did
    # keeps what that call kept (``_Choice``), found with the same questions in their order
    choice = _known_choice(plans, tangent, instance.derivative_of) if flat else None
    if choice is None:
        selection = _Selection(instance, spread, tangent, result_name, namespace)
        if flat:  # (the same as ``_selected``: no if to enter)
            kept = [stmt for stmt, facts in plans.flat if selection.keeps(stmt, facts)]
            key = tuple([id(s) for s in kept])
        else:
            kept = _selected(plans.body, selection.select)  # the template's own, or copies
            key = (tuple([id(s) for s in kept])
                   if not spread and all(id(s) in selection.selected for s in kept) else None)
        # The names in the kept statements: the same for every call that keeps the same
        # statements of the template, with nothing spread out (then ``params`` holds the
        # same parameters, ``parts_locals`` and ``zero`` nothing), so found once for them.
        names = plans.names.get(key) if key is not None else None
        if names is None:
            names = _kept_names(kept, selection.selected,
                                rule.locals | selection.parts_locals,
                                params.keys() | set(selection.zero) | {"d"})
            if key is not None:
                plans.names[key] = names
        zero, contributions = selection.zero, selection.contributions
        if flat:
            _note_choice(plans, tangent, instance.asked,
                         _Choice(kept, key, names, contributions))
    else:
        kept, key, names, contributions = choice
        zero = []  # (``zero_name`` is asked only for a parameter spread out)
    local_order, read_order = names

    # Template-local names get fresh names; globals are reached through the namespace.
    # (loops, not comprehensions: most of these are empty or hold one name, and a
    # comprehension's frame costs more than its work)
    renames = {}
    for name in local_order:
        renames[name] = namer.fresh(name)
    if renames:
        namer.temporaries.update(renames.values())
    global_names = {name: name for name in zero} if zero else {}
    module_globals = rule.globals
    for name in read_order:
        if name in module_globals:
            global_names[name] = namespace.name_for(module_globals[name], name)
        elif not hasattr(builtins, name):
            raise TemplateError(f"template {rule.function.__name__!r}: name {name!r} "
                                "is not defined", rule.location)
    for name, alias in global_names.items():  # (after the local names, as they were)
        if name != alias:
            renames[name] = alias
    instance.renames = renames
    # A call of the same shape as one instantiated before is that call's result with its
    # own names (``recipe.py``): rebuilt from its recipe, or the recipe made from this one.
    recipe_key = _recipe_key(key, params, global_names, instance.renames) \
        if key is not None and not spread else None
    if recipe_key is not None:
        recipe = plans.recipes.get(recipe_key)
        if recipe is not None:
            # the derivatives the copy would ask for, in its order (the order of first asks
            # names the derivative variables); one that carries none: the copy says so
            derivative_of = instance.derivative_of
            for param in recipe.asks:
                if derivative_of(param) is None:
                    break
            else:
                return rebuild(recipe, params, instance.asked, renames, reads)
        elif recipe_key not in plans.recipes and len(plans.recipes) < _RECIPES:
            instance.origins = {}
    # the optimizer knows a called helper by what it is, not its name
    instance.callees = {name: namespace.injected[alias] for name, alias in global_names.items()}
    instance.contributions = contributions
    out, constant_free = [], set()
    for stmt in kept:
        instance.constants = False
        out.append(instance.copy(stmt))
        if not instance.constants:
            constant_free.add(id(out[-1]))
    if spread:
        out = [_SpliceStarred().visit(stmt) for stmt in out]
    out = resolve_static_branches(out, constant_free)
    for stmt in out:
        if stmt.__class__ in _SIMPLE:
            anno.info(stmt).generated = True
        else:
            for sub in syntax.walk(stmt):
                if isinstance(sub, gast.stmt):
                    anno.info(sub).generated = True
    # (the calls folding left out of the copies too: they are not in the statements)
    _drop_default_arguments(instance.calls, namespace)
    if instance.origins is not None:
        plans.recipes[recipe_key] = make_recipe(out, instance.origins, instance.asks)
    return out


class _Choice(NamedTuple):
    """What a call of a flat template (no ``if``, nothing spread out) keeps, found once for
    the answers its parameters give to the selection's questions (``_known_choice``)."""

    kept: list[gast.stmt]  # the template's statements kept
    key: tuple[int, ...]  # their ids
    names: tuple[list[str], list[str]]  # their local and other names (``_kept_names``)
    contributions: set[int]  # the ids of those that are contributions (never changed)


def _known_choice(plans: _Plans, tangent: bool,
                  derivative_of: Callable[[str], str | None]) -> _Choice | None:
    """What a call keeps, if an earlier call answered as this one does; None if not.

    The flat selection (``_Selection.keeps`` over ``_Plans.flat``) is decided by whether
    each parameter it asks about carries a derivative, and which parameter it asks next by
    the answers so far: the questions of a call form a path in a tree (``_Plans.choices``:
    ``[parameter, next if it carries one, next if it carries none]``, a ``_Choice`` at the
    end).  Walking it asks the same parameters in the same order as the selection would
    (the order of first asks names the derivative variables)."""
    node = plans.choices.get(tangent)
    while node.__class__ is list:
        node = node[2 if derivative_of(node[0]) is None else 1]
    return node


def _note_choice(plans: _Plans, tangent: bool, asked: dict[str, str | None],
                 choice: _Choice) -> None:
    """Note ``choice`` at the end of the path of ``asked`` (the selection's first asks and
    their answers, in order) in ``plans.choices``."""
    holder: Any = plans.choices
    at: Any = tangent
    for param, answer in asked.items():
        node = holder.get(at) if holder is plans.choices else holder[at]
        if node is None:
            node = [param, None, None]
            holder[at] = node
        elif node.__class__ is not list or node[0] != param:
            return  # (not another path of the same questions: not noted)
        holder, at = node, 2 if answer is None else 1
    holder[at] = choice


# The most recipes kept per template (each set of constants bound to its parameters has its
# own): enough for the constants of a large function, not a table of every constant seen.
_RECIPES = 256


def _recipe_key(kept: tuple[int, ...], params: dict[str, gast.expr],
                global_names: dict[str, str], renames: dict[str, str]) -> tuple | None:
    """What decides a call's instantiation besides its names (``recipe.py``): the kept
    statements, which parameters are bound to a name and the constant bound to each other
    one (its type and ``repr``: ``0.0`` and ``-0.0`` differ), and the globals' names; None
    when a parameter is bound to something else, or a new name is one the copy looks up
    again (a parameter's, ``d``)."""
    shape = []
    for bound in params.values():
        cls = bound.__class__
        if cls is gast.Name:
            shape.append(None)
        elif cls is gast.Constant and bound.value.__class__ in LITERAL_TYPES:
            shape.append((bound.value.__class__, repr(bound.value), bound.kind))
        else:
            return None
    for name in renames.values():
        if name in params or name == "d":
            return None
    return kept, tuple(shape), tuple(global_names.values())


def _template_parameters(signature: inspect.Signature) -> list[tuple[str, bool, Any]]:
    """A template's parameters after the result: each one's name, whether it is ``*args``,
    and its default (``inspect.Parameter.empty`` for none); found once per signature."""
    known = _PARAMETERS.get(id(signature))
    if known is not None and known[0] is signature:
        return known[1]
    found = [(name, param.kind is inspect.Parameter.VAR_POSITIONAL, param.default)
             for name, param in signature.parameters.items()]
    _PARAMETERS[id(signature)] = (signature, found)
    return found


# The parameters of each template's signature (kept with it, so that its id is not reused).
_PARAMETERS: dict[int, tuple[inspect.Signature, list[tuple[str, bool, Any]]]] = {}


def _positional_fill(rule: Rule, signature: inspect.Signature, count: int,
                     ) -> tuple[tuple[str, int | None, Any], ...] | None:
    """Where each template parameter's value comes from in a call with ``count`` positional
    arguments and no keywords: ``(name, index, None)`` for the argument at ``index``,
    ``(name, None, default)`` for a literal default; found once per signature and count.
    None when ``instantiate``'s general loop must run (a ``*args`` or ``**kwargs``
    parameter, a call that does not fit, a default that is no literal: the loop raises).

    The same values in the same order as ``rule.bound_arguments`` then the loop over
    ``_template_parameters``: the binding depends only on how many arguments there are
    (bound here to their indices, ``range(count)``), and a parameter it leaves unbound
    takes its default.  (``rule.signature`` is ``signature``: the key.)"""
    known = _FILLS.get((id(signature), count))
    if known is not None and known[0] is signature:
        return known[1]
    fill: list[tuple[str, int | None, Any]] | None = []
    try:  # (each parameter bound to one argument gets its index)
        bound = rule.bound_arguments(range(count), {})
    except TypeError:
        bound = None
    if bound is None or any(index.__class__ is not int for index in bound.values()):
        fill = None
    else:
        for name, starred, default in _template_parameters(signature):
            if starred:
                fill = None
            elif name in bound:
                fill.append((name, bound[name], None))
            elif default is not inspect.Parameter.empty and _is_literal(default):
                fill.append((name, None, default))
            else:
                fill = None
            if fill is None:
                break
    found = tuple(fill) if fill is not None else None
    _FILLS[(id(signature), count)] = (signature, found)
    return found


def _is_literal(value: Any) -> bool:
    """Whether ``_literal`` takes ``value`` (it raises for any other)."""
    return isinstance(value, LITERAL_TYPES) or (
        isinstance(value, tuple) and all(isinstance(v, LITERAL_TYPES) for v in value))


# ``_positional_fill``'s answers by (the signature's id, the count), each with its signature.
_FILLS: dict[tuple[int, int], tuple[inspect.Signature, tuple | None]] = {}


class _Selection:
    """Which of a template's statements one call keeps: those that write only derivatives
    that exist here (and, for a tangent, read only such), with the statements spread out for
    a ``*args`` parameter (``spread``: its name -> how many values it holds here)."""

    def __init__(self, instance: _Instance, spread: dict[str, int], tangent: bool,
                 result_name: str, namespace: Namespace):
        self.active = instance.active
        self.derivative_of = instance.derivative_of
        self.params = instance.params
        self.spread = spread
        self.tangent = tangent
        self.result_name = result_name
        self.namespace = namespace
        self.selected: dict[int, _Facts] = {}  # the facts of each statement kept, by its id
        self.contributions: set[int] = set()  # the ids of those that are contributions
        self.parts_locals: set[str] = set()  # the tuples of d[args] = ... for a *args parameter
        self.zero: list[str] = []  # the name zeros_like has in the module, once it is used

    def keeps(self, stmt: gast.stmt, facts: _Facts) -> bool:
        """Whether ``stmt`` (with its ``facts``) is kept; noted if it is."""
        derivative_of = self.derivative_of  # (``active``, without its call)
        written = facts.written
        for param in written:
            if derivative_of(param) is None:
                return False
        if self.tangent:
            for param in facts.read:
                if derivative_of(param) is None:
                    return False  # a contribution from an argument carrying no derivative here
        self.selected[id(stmt)] = facts
        if written and (self.tangent or any(p != self.result_name for p in written)):
            self.contributions.add(id(stmt))
        return True

    def select(self, stmt: gast.stmt) -> list[gast.stmt]:
        """Copies of a simple statement, if it writes only derivatives that exist here."""
        statements = self.spread_out(stmt) if self.spread else [stmt]
        # (spread_out's are copies)
        return [s for s in statements if self.keeps(s, _facts(s, template=not self.spread))]

    def zero_name(self) -> str:
        zero = self.zero
        if not zero:
            zero.append(self.namespace.name_for(zeros_like, "zeros_like"))
        return zero[0]

    def spread_out(self, stmt: gast.stmt) -> list[gast.stmt]:
        """``stmt`` with the derivative of a ``*args`` parameter as one per value: read, a
        tuple of theirs (zeros for the values that carry none); written, a tuple whose
        items are their contributions; dropped where no value carries a derivative."""
        active, spread = self.active, self.spread
        stmt = syntax.clone(stmt)
        for name, n in spread.items():
            read = [s for s in syntax.walk(stmt.value if isinstance(stmt, gast.Assign) else stmt)
                    if _is_derivative_of(s, name)]
            if read and not any(active(_part(name, i)) for i in range(n)):
                return []
            if read:
                stmt = _ReadParts(name, n, active, self.zero_name).visit(stmt)
        written = [t for t in (stmt.targets if isinstance(stmt, gast.Assign) else [])
                   if any(_is_derivative_of(t, name) for name in spread)]
        if not written:
            return [stmt]
        name = written[0].slice.id
        parts = [i for i in range(spread[name]) if active(_part(name, i))]
        if not parts:
            return []
        whole = f"{name}_parts"
        self.parts_locals.add(whole)
        return [gast.Assign(targets=[syntax.store(whole)], value=stmt.value, type_comment=None),
                *(gast.Assign(targets=[gast.Subscript(value=syntax.load("d"),
                                                      slice=syntax.load(_part(name, i)),
                                                      ctx=gast.Store())],
                              value=gast.Subscript(value=syntax.load(whole),
                                                   slice=syntax.const(i), ctx=gast.Load()),
                              type_comment=None)
                  for i in parts)]


def _kept_names(kept: list[gast.stmt], selected: dict[int, _Facts], local: set[str],
                skipped: Collection[str]) -> tuple[list[str], list[str]]:
    """The names of ``local`` in the ``kept`` statements (sorted: the order they are named
    fresh), and the other names they read, not in ``skipped`` (in the order first read: the
    order the namespace names them)."""
    kept_facts = [selected.get(id(s)) or _facts(s, template=False) for s in kept]
    in_kept = set().union(*(f.names for f in kept_facts))
    local_order = [name for name in sorted(local) if name in in_kept]
    read_order = []
    for facts in kept_facts:
        for name in facts.loaded:
            if name not in skipped and name not in local_order and name not in read_order:
                read_order.append(name)
    return local_order, read_order


class _Facts(NamedTuple):
    """What instantiation reads of a template statement, besides the statement itself."""

    written: list[str]  # the parameters whose derivative it writes
    read: list[str]  # ... and reads
    names: set[str]  # every name in it
    loaded: set[str]  # the names it reads
    callees: frozenset[str]  # the names it calls (``f`` of ``f(x)``)


# The facts of each template statement (a rule's template is parsed once and never changed;
# the statement is kept with its facts, so that its id is not reused), by id.
_TEMPLATE_FACTS: dict[int, tuple[gast.stmt, _Facts]] = {}


def _facts(stmt: gast.stmt, template: bool) -> _Facts:
    """The :class:`_Facts` of ``stmt``: remembered when it is a ``template``'s own."""
    if template:
        known = _TEMPLATE_FACTS.get(id(stmt))
        if known is not None and known[0] is stmt:
            return known[1]
    facts = _Facts(
        written=_written_derivatives(stmt), read=_read_derivatives(stmt),
        names=syntax.all_names(stmt), loaded=syntax.loaded_names(stmt),
        callees=frozenset(node.func.id for node in syntax.walk(stmt)
                          if isinstance(node, gast.Call) and isinstance(node.func, gast.Name)))
    if template:
        _TEMPLATE_FACTS[id(stmt)] = (stmt, facts)
    return facts


def _selected(statements: list[gast.stmt],
              select: Callable[[gast.stmt], list[gast.stmt]]) -> list[gast.stmt]:
    """``select`` applied to each simple statement, an ``if``'s branches selected alike (a
    function of the module, not a closure calling itself: such a closure is a reference
    cycle, which keeps every local of the call alive until the collector runs)."""
    out = []
    for stmt in statements:
        if isinstance(stmt, gast.If):
            branch = syntax.clone_without(stmt, ("body", "orelse"))
            branch.body = _selected(stmt.body, select) or [gast.Pass()]
            branch.orelse = _selected(stmt.orelse, select)
            out.append(branch)
            continue
        out += select(stmt)
    return out


def _part(name: str, i: int) -> str:
    """The template-side name of the ``i``-th value of the ``*args`` parameter ``name``."""
    return f"{name}__{i}"


def _is_derivative_of(node: gast.AST, name: str) -> bool:
    return (isinstance(node, gast.Subscript) and syntax.is_name(node.value, "d")
            and syntax.is_name(node.slice, name))


class _ReadParts(gast.NodeTransformer):
    """``d[args]`` read as the tuple of its values' derivatives, ``zeros_like(v)`` for a
    value that carries none."""

    def __init__(self, name: str, n: int, active: Callable[[str], bool],
                 zero: Callable[[], str]):
        self.name, self.n, self.active, self.zero = name, n, active, zero

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        if not (_is_derivative_of(node, self.name) and isinstance(node.ctx, gast.Load)):
            return self.generic_visit(node)
        return syntax.tuple_of([
            gast.Subscript(value=syntax.load("d"), slice=syntax.load(_part(self.name, i)),
                           ctx=gast.Load()) if self.active(_part(self.name, i))
            else syntax.call(syntax.load(self.zero()), [syntax.load(_part(self.name, i))])
            for i in range(self.n)])


class _SpliceStarred(gast.NodeTransformer):
    """``f(*(a, b))`` written ``f(a, b)``: a ``*args`` parameter passed on in a call."""

    def visit_Call(self, node: gast.Call) -> gast.Call:
        self.generic_visit(node)
        args = []
        for arg in node.args:
            if isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Tuple):
                args += arg.value.elts
            else:
                args.append(arg)
        node.args = args
        return node


def resolve_static_branches(statements: list[gast.stmt],
                            constant_free: set[int] | frozenset[int] = frozenset(),
                            ) -> list[gast.stmt]:
    """Fold constants, and replace an ``if`` whose test became a constant by its branch
    (``if axes is None:`` with ``axes`` bound to a literal).  A statement in
    ``constant_free`` (by id) holds no constant and no empty tuple: nothing to fold."""
    out = []
    for stmt in statements:
        if id(stmt) not in constant_free:
            FoldConstants(algebra=False).visit(stmt)
        if isinstance(stmt, gast.If):
            if isinstance(stmt.test, gast.Constant):
                out += resolve_static_branches(stmt.body if stmt.test.value else stmt.orelse)
                continue
            stmt.body = resolve_static_branches(stmt.body) or [gast.Pass()]
            stmt.orelse = resolve_static_branches(stmt.orelse)
        if not isinstance(stmt, gast.Pass) or not out:
            out.append(stmt)
    return [s for s in out if not isinstance(s, gast.Pass)] or out


def _parameters(callee: Any) -> list[inspect.Parameter] | None:
    """``callee``'s parameters, or None when it has no signature (remembered: templates call
    the same few helpers again and again)."""
    try:
        return _signatures[callee]
    except KeyError:
        pass
    except TypeError:  # unhashable
        return None
    try:
        params = list(inspect.signature(callee).parameters.values())
    except (TypeError, ValueError):
        params = None
    _signatures[callee] = params
    return params


_signatures: dict[Any, list[inspect.Parameter] | None] = {}


def _drop_default_arguments(calls: list[gast.Call], namespace: Namespace) -> None:
    """``unreduce(g, x, None, False)`` reads better as ``unreduce(g, x)`` (``calls``: those
    of a statement)."""
    known = namespace.parameters_by_name
    for call in calls:
        func = call.func
        if func.__class__ is gast.Name and func.id in known:
            params = known[func.id]
        else:
            params = _parameters(resolve_in(func, (namespace.injected,)))
            if func.__class__ is gast.Name and func.id in namespace.injected:
                known[func.id] = params  # (an injected name is never bound again)
        if params is None:
            continue
        while call.args and len(call.args) <= len(params) and not call.keywords and \
                _is_default(params[len(call.args) - 1], call.args[-1]):
            call.args.pop()
        if call.keywords:
            by_name = {p.name: p for p in params}
            call.keywords = [k for k in call.keywords
                             if not (k.arg in by_name and _is_default(by_name[k.arg], k.value))]


def _is_default(param: inspect.Parameter, node: gast.expr) -> bool:
    """Whether ``node`` is a literal equal to the default of ``param``."""
    return (isinstance(node, gast.Constant) and param.default is not param.empty
            and type(node.value) is type(param.default) and node.value == param.default)
