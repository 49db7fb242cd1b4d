"""The public face of the package: :class:`Template`, parsed once and executed many times.

Mirrors Go's ``text/template.Template`` for what Kapacitor needs: ``Template(name).parse(text)``
(several calls add ``define``\\ d templates to the same set), ``execute(data)``,
``execute_template(name, data)``, ``lookup(name)``, ``clone()``, ``funcs({...})`` before
parsing, and the ``missingkey`` option (``default``/``invalid``, ``zero``, ``error``).
"""
from . import evaluate, parser
from . import functions as fns
from .errors import TemplateExecError

__all__ = ["Template", "parse"]


class _Common:
    """What all templates of one set share: trees by name, functions, options, compiled closures."""

    __slots__ = ("compiled", "funcs", "missingkey", "trees")

    def __init__(self):
        self.trees = {}
        self.funcs = dict(fns.BUILTINS)
        self.missingkey = "default"
        self.compiled = {}


class Template:
    """A named template in a set of associated templates."""

    __slots__ = ("_common", "name")

    def __init__(self, name="", *, funcs=None, missingkey="default", _common=None):
        self.name = name
        self._common = _common if _common is not None else _Common()
        if funcs:
            self.funcs(funcs)
        self.option(missingkey=missingkey)

    def funcs(self, mapping):
        """Add Python callables as template functions (call before :meth:`parse`)."""
        for name, fn in mapping.items():
            self._common.funcs[name] = fns.user_func(name, fn)
        return self

    def option(self, missingkey="default"):
        """Set what a missing map key gives: ``default``/``invalid`` (no value), ``zero`` or ``error``."""
        if missingkey not in ("default", "invalid", "zero", "error"):
            raise ValueError(f"unrecognized option: missingkey={missingkey}")
        self._common.missingkey = "default" if missingkey == "invalid" else missingkey
        return self

    def new(self, name):
        """A new template in the same set (Go's ``t.New(name)``)."""
        return Template(name, _common=self._common)

    def parse(self, text):
        """Parse ``text`` as this template's body (and any ``define``/``block`` in it); return self."""
        common = self._common
        trees = parser.parse(self.name, text, common.funcs, {})
        for name, tree in trees.items():
            old = common.trees.get(name)
            if old is not None and tree.is_empty() and name != self.name:
                continue  # Go keeps an existing definition over an empty one
            if old is not None and tree.is_empty() and name == self.name and not old.is_empty():
                continue
            common.trees[name] = tree
        common.compiled.clear()
        return self

    def lookup(self, name):
        """The associated template ``name``, or None."""
        return Template(name, _common=self._common) if name in self._common.trees else None

    def clone(self):
        """A copy of the set that later :meth:`parse` calls change independently."""
        common = _Common()
        common.trees = dict(self._common.trees)
        common.funcs = dict(self._common.funcs)
        common.missingkey = self._common.missingkey
        return Template(self.name, _common=common)

    def execute(self, data=None):
        """Render this template with ``data`` as dot; raise :class:`TemplateExecError` on failure."""
        return self.execute_template(self.name, data, _top=True)

    def execute_template(self, name, data=None, _top=False):
        """Render the associated template ``name`` with ``data``."""
        tree = self._common.trees.get(name)
        if tree is None:
            if _top:
                raise TemplateExecError(f'template: {name}: "{name}" is an incomplete or empty template')
            raise TemplateExecError(f'template: no template "{name}" associated with template "{self.name}"')
        return evaluate.execute(tree, name, self._common, data)

    def __repr__(self):
        return f"Template({self.name!r})"


def parse(text, name="", funcs=None, missingkey="default"):
    """Parse ``text`` into a :class:`Template` named ``name``."""
    return Template(name, funcs=funcs, missingkey=missingkey).parse(text)
