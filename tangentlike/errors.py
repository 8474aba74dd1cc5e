"""The errors tangentlike raises: each names the construct, the user's file and line, and a fix."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a construct sits in the user's source."""

    filename: str
    lineno: int
    line: str = ""
    function: str = ""

    def describe(self) -> str:
        where = f'  File "{self.filename}", line {self.lineno}'
        if self.function:
            where += f", in {self.function}"
        if self.line:
            where += f"\n    {self.line.strip()}"
        return where


class TangentlikeError(Exception):
    """Base class of every error tangentlike raises about the user's code or call."""

    def __init__(self, message: str, location: Location | None = None, hint: str = ""):
        self.message = message
        self.location = location
        self.hint = hint
        # the calls that led from the user's differentiated function to ``location`` (a helper
        # or a library function differentiated from its source), outermost first
        self.calls: tuple[Location, ...] = ()
        super().__init__(self._render())

    def called_from(self, location: Location) -> None:
        """Record that the construct was reached through a call at ``location``."""
        if location is not None and (location,) != self.calls[:1]:
            self.calls = (location, *self.calls)
            self.args = (self._render(),)

    def _render(self) -> str:
        parts = [self.message]
        parts += [call.describe() for call in getattr(self, "calls", ())]
        if self.location is not None:
            parts.append(self.location.describe())
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self._render()

    def one_line(self) -> str:
        """The message on one line, for the command line interface."""
        text = self.message
        if self.location is not None:
            text += f" ({self.location.filename}:{self.location.lineno}"
            text += "".join(f", called from {c.filename}:{c.lineno}" for c in self.calls)
            text += ")"
        if self.hint:
            text += f"; {self.hint}"
        return text


class UnsupportedSyntaxError(TangentlikeError):
    """The function uses Python syntax that tangentlike cannot differentiate (yet)."""


class NoDerivativeError(TangentlikeError):
    """A call on a differentiated value has no derivative rule and no source to differentiate."""


class SourceUnavailableError(TangentlikeError):
    """The source of a function cannot be found (defined at the REPL, by exec, or in C)."""


class TemplateError(TangentlikeError):
    """A derivative template is malformed: its placeholders do not match its primitive."""


class InputError(TangentlikeError):
    """A generated function got arguments it cannot differentiate (e.g. integer arrays)."""


class CacheDirError(TangentlikeError):
    """The directory generated modules are written to cannot be created or written."""


class ValueRefusedError(TangentlikeError, NotImplementedError):
    """A derivative ran on values its rule does not cover (an ``np.linalg.eig`` with complex
    eigenvalues, ``np.linalg.svd(a, full_matrices=True)`` of a matrix that is not square)."""


class CompiledBackendError(TangentlikeError):
    """``backend="numba"`` cannot compile the derivative: numba is not installed, or the
    version of the derivative for these arguments uses something numba does not compile."""


class ConvergenceError(TangentlikeError, ArithmeticError):
    """An iteration tangentlike runs (``fixed_point``, or its derivative's adjoint or tangent
    iteration) did not reach its tolerance within ``max_iter`` steps."""


class ArrayLibraryError(TangentlikeError, TypeError):
    """A derivative run on another library's arrays (Dask, CuPy, an array-API library) needs
    a NumPy function that library has no counterpart of."""
