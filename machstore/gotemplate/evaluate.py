"""Execution of parsed Go templates: each tree is compiled once into Python closures, then run per call.

Compiling (:func:`compile_tree`) turns every node into a closure ``f(state, dot)`` (a command
into ``f(state, dot, final)``), so rendering walks no node types and looks nothing up by
name: the cost of ``{{ .ID }} is {{ .Level }}`` is a handful of calls.  Semantics follow
Go's ``exec.go``: fields on maps and structs, methods with arguments, pipelines passing the
previous value as the final argument, variables scoped to the enclosing control structure,
``range`` over lists, maps (sorted keys) and ints, ``break``/``continue``, ``template``
calls with a fresh ``$``, and errors with Go's text and location (line and byte column of the
node, the node's source truncated to 20 characters).
"""
from . import functions as fns
from . import gofmt
from . import values as gv
from .ast import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommentNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    VariableNode,
    WithNode,
)
from .errors import TemplateExecError

__all__ = ["MAX_EXEC_DEPTH", "State", "compile_tree", "execute"]

# NOTE: Go allows 100000 nested template calls; Python's stack allows far fewer.
MAX_EXEC_DEPTH = 100

_NOFINAL = object()   # Go's missingVal: no value piped in from a previous command
_PLAIN = gofmt.PLAIN


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class State:
    """One execution: the template running, its tree, variables, output list and call depth."""

    __slots__ = ("common", "depth", "name", "out", "tree", "vars")

    def __init__(self, name, tree, vars_, out, depth, common):
        self.name, self.tree, self.vars, self.out, self.depth, self.common = name, tree, vars_, out, depth, common


def _fail(s, node, msg):
    """Raise Go's execution error for ``node`` in the running template."""
    if node is None:
        raise TemplateExecError(f"template: {s.name}: {msg}")
    text = s.tree.text
    pos = node.pos
    nl = text.rfind("\n", 0, pos)
    line = text.count("\n", 0, pos) + 1
    col = len(text[nl + 1:pos].encode()) if nl >= 0 else len(text[:pos].encode())
    context = str(node)
    if len(context) > 20:
        context = context[:20] + "..."
    raise TemplateExecError(
        f'template: {s.tree.parse_name}:{line}:{col}: executing "{s.name}" at <{context}>: {msg}')


# -- values -------------------------------------------------------------------------------
def _printable(s, node, v):
    t = type(v)
    if t is str:
        return v
    if v is None:
        return "<no value>"
    if gv.kind(v) == gv.FUNC:
        _fail(s, node, f"can't print {node} of type {gv.go_type_name(v)}")
    return gofmt.format_value(v, _PLAIN)


def _ideal_constant(node):
    """``(value, error)`` of a number literal as Go's ``idealConstant`` types it."""
    text = node.text
    if node.is_complex:
        return node.complex128, None
    is_hex_int = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
    if node.is_float and not is_hex_int and not text.startswith("'") and any(c in text for c in ".eEpP"):
        return node.float64, None
    if node.is_int:
        return node.int64, None
    if node.is_uint:
        return None, f"{text} overflows int"
    return 0, None


def _var_value(s, node, name):
    for pair in reversed(s.vars):
        if pair[0] == name:
            return pair[1]
    _fail(s, node, f"undefined variable: {name}")


def _set_var(s, node, name, value):
    for pair in reversed(s.vars):
        if pair[0] == name:
            pair[1] = value
            return
    _fail(s, node, f"undefined variable: {name}")


# -- fields --------------------------------------------------------------------------------
def _eval_field(s, dot, name, node, arg_nodes, arg_fns, final, receiver):
    if receiver is None:
        if s.common.missingkey == "error":
            _fail(s, node, f"nil data; no entry for key {_q(name)}")
        return None
    has_args = len(arg_nodes) > 0 or final is not _NOFINAL
    t = type(receiver)
    if t is dict or isinstance(receiver, dict):
        if has_args:
            _fail(s, node, f"{name} is not a method but has arguments")
        try:
            return receiver[name]
        except KeyError:
            # PERF: the key type is only worked out (a scan of the keys) when the key is missing.
            if gv.map_key_type(receiver) == "int":
                _fail(s, node, f"can't evaluate field {name} in type {gv.go_type_name(receiver)}")
            mode = s.common.missingkey
            if mode == "error":
                _fail(s, node, f"map has no entry for key {_q(name)}")
            if mode == "zero":
                return getattr(receiver, "zero", None)
            return None
    k = gv.kind(receiver)
    if k == gv.TIME or t is gv.Duration:
        method = gv.builtin_method(receiver, name)
        if method is not None:
            return _call(s, dot, fns.Func(name, method, (), False, builtin=False), node, node, arg_nodes, arg_fns,
                         final)
    elif k == gv.STRUCT:
        found = gv.lookup_attr(receiver, name)
        if found is not gv.NOT_FOUND:
            if callable(found) and gv.kind(found) == gv.FUNC and gv.is_method(receiver, name):
                return _call(s, dot, fns.user_func(name, found), node, node, arg_nodes, arg_fns, final)
            if has_args:
                _fail(s, node, f"{name} has arguments but cannot be invoked as function")
            return found
        if not gv.is_exported(name) and gv.has_field(receiver, name):
            _fail(s, node, f"{name} is an unexported field of struct type {gv.go_type_name(receiver)}")
    _fail(s, node, f"can't evaluate field {name} in type {gv.go_type_name(receiver)}")


def _q(name):
    from .lexer import go_quote
    return go_quote(name)


def _eval_field_chain(s, dot, receiver, node, idents, arg_nodes, arg_fns, final):
    last = len(idents) - 1
    for i in range(last):
        receiver = _eval_field(s, dot, idents[i], node, (), (), _NOFINAL, receiver)
    return _eval_field(s, dot, idents[last], node, arg_nodes, arg_fns, final, receiver)


# -- calls ---------------------------------------------------------------------------------
def _typed(s, node, value, typ):
    """Go's ``validateType`` for a computed argument."""
    if typ == fns.STRING:
        if value is None:
            _fail(s, node, f"invalid value; expected {typ}")
        if gv.kind(value) != gv.STRING:
            _fail(s, node, f"wrong type for value; expected {typ}; got {gv.go_type_name(value)}")
    return value


def _eval_typed_arg(s, dot, node, fn, typ):
    """Go's ``evalArg``: a literal is checked against a string parameter by its node kind."""
    if typ == fns.STRING:
        if isinstance(node, StringNode):
            return node.text
        if isinstance(node, NilNode):
            _fail(s, node, f"cannot assign nil to {typ}")
        if isinstance(node, (BoolNode, NumberNode)):
            _fail(s, node, f"expected string; found {node}")
        return _typed(s, node, fn(s, dot), typ)
    return fn(s, dot)


def _call(s, dot, func, ident_node, cmd_node, arg_nodes, arg_fns, final):
    name = func.name
    params = func.params
    num_in = len(arg_nodes) + (final is not _NOFINAL)
    if func.variadic:
        num_fixed = len(params) - 1
        if num_in < num_fixed:
            _fail(s, ident_node, f"wrong number of args for {name}: want at least {num_fixed} got {len(arg_nodes)}")
    elif num_in != len(params):
        _fail(s, ident_node, f"wrong number of args for {name}: want {len(params)} got {num_in}")
    if func.builtin and (name == "and" or name == "or"):
        want = name == "or"
        v = None
        for node, fn in zip(arg_nodes, arg_fns):
            v = fn(s, dot)
            if fns.truth(v) == want:
                return v
        if final is not _NOFINAL:
            v = final
        return v
    argv = []
    last = len(params) - 1
    for i, (node, fn) in enumerate(zip(arg_nodes, arg_fns)):
        argv.append(_eval_typed_arg(s, dot, node, fn, params[min(i, last)]))
    if final is not _NOFINAL:
        # The piped value fills the next fixed parameter, or else the variadic part.
        fixed = last if func.variadic else len(params)
        typ = params[num_in - 1] if num_in - 1 < fixed else params[last]
        argv.append(_typed(s, cmd_node, final, typ))
    try:
        return func.fn(*argv)
    except fns.FuncError as ex:
        _fail(s, cmd_node, f"error calling {name}: {ex}")
    except TemplateExecError:
        raise
    except RecursionError:
        _fail(s, cmd_node, f"error calling {name}: stack overflow")
    except Exception as ex:  # noqa: BLE001 - a user function's failure is the template's error
        _fail(s, cmd_node, f"error calling {name}: {ex}")


# -- compiling -----------------------------------------------------------------------------
def _compile_arg(node, common):
    """A closure ``f(s, dot)`` evaluating ``node`` as a function argument (Go's ``evalArg``)."""
    if isinstance(node, DotNode):
        return lambda s, dot: dot
    if isinstance(node, NilNode):
        return lambda s, dot: None
    if isinstance(node, StringNode):
        text = node.text
        return lambda s, dot: text
    if isinstance(node, BoolNode):
        b = node.true
        return lambda s, dot: b
    if isinstance(node, NumberNode):
        value, err = _ideal_constant(node)
        if err:
            def bad(s, dot):
                _fail(s, node, err)
            return bad
        return lambda s, dot: value
    if isinstance(node, PipeNode):
        return _compile_pipeline(node, common)
    cmd = _compile_command_parts(node, (), common)
    return lambda s, dot: cmd(s, dot, _NOFINAL)


def _not_a_function(s, node, n_args, final):
    if n_args > 0 or final is not _NOFINAL:
        _fail(s, node, f"can't give argument to non-function {node}")


def _compile_command_parts(first, arg_nodes, common):
    """A closure ``f(s, dot, final)`` for a command whose first word is ``first``."""
    arg_fns = tuple(_compile_arg(a, common) for a in arg_nodes)
    n_args = len(arg_nodes)
    if isinstance(first, FieldNode):
        idents = first.ident
        if len(idents) == 1 and n_args == 0:
            name = idents[0]

            def field1(s, dot, final):
                if final is _NOFINAL and type(dot) is dict and name in dot:
                    return dot[name]   # PERF: the common {{ .Name }} on a plain dict
                return _eval_field(s, dot, name, first, (), (), final, dot)
            return field1
        return lambda s, dot, final: _eval_field_chain(s, dot, dot, first, idents, arg_nodes, arg_fns, final)
    if isinstance(first, ChainNode):
        inner = _compile_arg(first.node, common)
        fields = first.field
        is_nil = isinstance(first.node, NilNode)

        def chain(s, dot, final):
            if is_nil:
                _fail(s, first, f"indirection through explicit nil in {first}")
            return _eval_field_chain(s, dot, inner(s, dot), first, fields, arg_nodes, arg_fns, final)
        return chain
    if isinstance(first, IdentifierNode):
        func = common.funcs[first.ident]
        return lambda s, dot, final: _call(s, dot, func, first, _CmdRef(first, arg_nodes), arg_nodes, arg_fns, final)
    if isinstance(first, VariableNode):
        var = first.ident[0]
        if len(first.ident) == 1:
            def variable(s, dot, final):
                _not_a_function(s, first, n_args, final)
                return _var_value(s, first, var)
            return variable
        fields = first.ident[1:]
        return lambda s, dot, final: _eval_field_chain(
            s, dot, _var_value(s, first, var), first, fields, arg_nodes, arg_fns, final)
    if isinstance(first, PipeNode):
        pipe = _compile_pipeline(first, common)

        def paren(s, dot, final):
            _not_a_function(s, first, n_args, final)
            return pipe(s, dot)
        return paren
    if isinstance(first, NilNode):
        def nil(s, dot, final):
            _not_a_function(s, first, n_args, final)
            _fail(s, first, "nil is not a command")
        return nil
    const = _compile_arg(first, common)

    def constant(s, dot, final):
        _not_a_function(s, first, n_args, final)
        return const(s, dot)
    return constant


class _CmdRef:
    """Stands for a command node in error messages (its text and position) without the parse tree."""

    __slots__ = ("pos", "text")

    def __init__(self, first, arg_nodes):
        self.pos = first.pos
        self.text = " ".join("(" + str(a) + ")" if isinstance(a, PipeNode) else str(a) for a in (first, *arg_nodes))

    def __str__(self):
        return self.text


def _compile_command(cmd, common):
    return _compile_command_parts(cmd.args[0], tuple(cmd.args[1:]), common)


def _compile_pipeline(pipe, common):
    cmds = tuple(_compile_command(c, common) for c in pipe.cmds)
    decl = tuple(v.ident[0] for v in pipe.decl)
    is_assign = pipe.is_assign
    if len(cmds) == 1 and not decl:
        only = cmds[0]
        return lambda s, dot: only(s, dot, _NOFINAL)

    def run(s, dot):
        value = _NOFINAL
        for c in cmds:
            value = c(s, dot, value)
        for name in decl:
            if is_assign:
                _set_var(s, pipe, name, value)
            else:
                s.vars.append([name, value])
        return value
    return run


def _compile_list(node, common):
    parts = tuple(_compile_node(n, common) for n in node.nodes)
    if len(parts) == 1:
        return parts[0]

    def run(s, dot):
        for p in parts:
            p(s, dot)
    return run


def _compile_node(node, common):
    if isinstance(node, TextNode):
        text = node.text

        def emit(s, dot):
            s.out.append(text)
        return emit
    if isinstance(node, ActionNode):
        pipe = _compile_pipeline(node.pipe, common)
        if node.pipe.decl:
            def declare(s, dot):
                pipe(s, dot)
            return declare

        def action(s, dot):
            v = pipe(s, dot)
            s.out.append(v if type(v) is str else _printable(s, node, v))
        return action
    if isinstance(node, ListNode):
        return _compile_list(node, common)
    if isinstance(node, (IfNode, WithNode)):
        return _compile_if_with(node, common)
    if isinstance(node, RangeNode):
        return _compile_range(node, common)
    if isinstance(node, TemplateNode):
        return _compile_template_call(node, common)
    if isinstance(node, BreakNode):
        def brk(s, dot):
            raise _Break
        return brk
    if isinstance(node, ContinueNode):
        def cont(s, dot):
            raise _Continue
        return cont
    if isinstance(node, CommentNode):
        return lambda s, dot: None
    raise TypeError(f"unknown node: {node!r}")  # pragma: no cover - the parser builds no other nodes


def _compile_if_with(node, common):
    pipe = _compile_pipeline(node.pipe, common)
    body = _compile_list(node.list, common)
    other = _compile_list(node.else_list, common) if node.else_list is not None else None
    is_with = isinstance(node, WithNode)

    def run(s, dot):
        mark = len(s.vars)
        val = pipe(s, dot)
        if fns.truth(val):
            body(s, val if is_with else dot)
        elif other is not None:
            other(s, dot)
        del s.vars[mark:]
    return run


def _last_evaluated(pipe):
    """The node Go's ``s.at`` was left on after evaluating ``pipe`` (where range errors point)."""
    args = pipe.cmds[-1].args
    last = args[-1]
    if isinstance(last, PipeNode):
        return _last_evaluated(last)
    return last


def _compile_range(node, common):
    pipe = _compile_pipeline(node.pipe, common)
    at = _last_evaluated(node.pipe)
    body = _compile_list(node.list, common)
    other = _compile_list(node.else_list, common) if node.else_list is not None else None
    decl = tuple(v.ident[0] for v in node.pipe.decl)
    is_assign = node.pipe.is_assign

    def iterate(s, index, elem, mark):
        if decl:
            if is_assign:
                _set_var(s, node, decl[0], index if len(decl) > 1 else elem)
                if len(decl) > 1:
                    _set_var(s, node, decl[1], elem)
            else:
                s.vars[-1][1] = elem
                if len(decl) > 1:
                    s.vars[-2][1] = index
        try:
            body(s, elem)
        except _Continue:
            pass
        finally:
            del s.vars[mark:]

    def run(s, dot):
        outer = len(s.vars)
        val = pipe(s, dot)
        mark = len(s.vars)
        ran = False
        try:
            k = gv.kind(val)
            if k == gv.SLICE:
                for i, elem in enumerate(val):
                    ran = True
                    iterate(s, i, elem, mark)
            elif k == gv.MAP:
                for key, elem in gofmt.sorted_items(val):
                    ran = True
                    iterate(s, key, elem, mark)
            elif k == gv.INT and type(val) is not gv.Duration:
                if len(decl) > 1:
                    _fail(s, at, f"can't use {gofmt.sprint([val])} to iterate over more than one variable")
                for i in range(int(val)):
                    ran = True
                    iterate(s, i, i, mark)
            elif k != gv.INVALID:
                _fail(s, at, f"range can't iterate over {gofmt.sprint([val])}")
        except _Break:
            ran = True
        if not ran and other is not None:
            other(s, dot)
        del s.vars[outer:]
    return run


def _compile_template_call(node, common):
    pipe = _compile_pipeline(node.pipe, common) if node.pipe is not None else None
    name = node.name

    def run(s, dot):
        tree = common.trees.get(name)
        if tree is None:
            _fail(s, node, f"template {_q(name)} not defined")
        if s.depth >= MAX_EXEC_DEPTH:
            _fail(s, node, f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
        new_dot = pipe(s, dot) if pipe is not None else None
        sub = State(name, tree, [["$", new_dot]], s.out, s.depth + 1, common)
        compiled(tree, common)(sub, new_dot)
    return run


def compiled(tree, common):
    """The closure of ``tree``'s root, compiled on first use and kept in ``common``."""
    fn = common.compiled.get(id(tree))
    if fn is None or fn[0] is not tree:
        fn = (tree, _compile_list(tree.root, common))
        common.compiled[id(tree)] = fn
    return fn[1]


def compile_tree(tree, common):
    return compiled(tree, common)


def execute(tree, name, common, data):
    """Run ``tree`` (template ``name``) on ``data`` and return the text it writes."""
    out = []
    s = State(name, tree, [["$", data]], out, 0, common)
    try:
        compiled(tree, common)(s, data)
    except RecursionError:
        raise TemplateExecError(f"template: {name}: stack overflow") from None
    return "".join(out)
