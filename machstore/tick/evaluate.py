"""Evaluate a parsed TICKscript program into a pipeline, as Kapacitor 1.7's tick/eval.go does.

The evaluator walks the program's statements with a value stack: ``var``
declarations bind immutable names, ``|`` creates child nodes, ``.`` sets
properties and ``@`` calls configured UDFs, all checked against the node table
of ``nodes.py``. Nodes are numbered from a per-pipeline counter when they are
linked to a parent (so a ``join`` of two parents burns two ids and keeps the
last), the DOT is written in reverse post-order from the sources, and errors
carry Kapacitor's exact text, Go type names included.

The AST is read through a small interface (``kind_of``/attribute names that
mirror Kapacitor's ``tick/ast`` node types: ProgramNode.nodes,
DeclarationNode.left/right/comment, ChainNode.left/right/operator,
FunctionNode.type/func/args...), so the parser can evolve on its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from dataclasses import field as dc_field

from machstore.errors import InvalidArgument
from machstore.tick import ast
from machstore.tick import nodes as T
from machstore.tick.lexer import TokenType


class TickEvalError(InvalidArgument):
    """A script Kapacitor refuses at evaluation; ``str()`` is Kapacitor's text."""

    code = "tick_eval"


# -- values -------------------------------------------------------------------------------------

class Duration(int):
    """A duration in nanoseconds (Go's time.Duration)."""


@dataclass
class Regex:
    pattern: str


@dataclass
class Star:
    pass


@dataclass
class TimeDimension:
    """The value of ``time(length[, offset])`` in a query's groupBy (Kapacitor's groupByTime)."""

    length: int
    offset: int = 0


class _GlobalTime:
    """The ``time`` global function Kapacitor puts in every task's scope."""


@dataclass
class Facet:
    """What a script holds: a pipeline node seen as one Go type (a node, its AlertNodeData or a handler)."""

    node: PipelineNode
    go: str
    handler: dict | None = None


def go_type(value) -> str:
    """Return Go's spelling of a script value's type (Kapacitor prints it in errors)."""
    if value is None:
        return '<nil>'
    if isinstance(value, bool):
        return T.BOOL
    if isinstance(value, Duration):
        return T.DURATION
    if isinstance(value, int):
        return T.INT
    if isinstance(value, float):
        return T.FLOAT
    if isinstance(value, str):
        return T.STRING
    if isinstance(value, Regex):
        return T.REGEX
    if isinstance(value, Star):
        return T.STAR
    if isinstance(value, list):
        return T.LIST
    if isinstance(value, Facet):
        return '*pipeline.' + value.go
    if isinstance(value, _Unbound):
        return 'tick.unboundFunc'
    if isinstance(value, TimeDimension):
        return 'kapacitor.TimeDimension'
    if isinstance(value, _GlobalTime):
        return 'func(time.Duration, ...time.Duration) (kapacitor.TimeDimension, error)'
    kind = kind_of(value)
    if kind == 'LambdaNode':
        return T.LAMBDA
    if kind:
        return '*ast.' + kind
    return type(value).__name__


def assignable(value, target: str) -> bool:
    """Go's AssignableTo for the values a script can produce."""
    vt = go_type(value)
    if target == T.ANY or vt == target:
        return True
    return target == T.NODE and isinstance(value, Facet)


# -- the pipeline --------------------------------------------------------------------------------

@dataclass(eq=False)
class PipelineNode:
    spec: T.NodeSpec
    desc: str
    wants: str
    provides: str
    props: dict = dc_field(default_factory=dict)
    id: int = -1
    parents: list = dc_field(default_factory=list)
    children: list = dc_field(default_factory=list)
    pipeline: Pipeline | None = None

    @property
    def name(self) -> str:
        return f'{self.desc}{self.id}'

    def link_child(self, child: PipelineNode) -> None:
        child.pipeline = self.pipeline
        self.pipeline.assign_id(child)
        self.children.append(child)
        child.parents.append(self)


def new_node(go: str, wants: str, **props) -> PipelineNode:
    """Create a node of Go type ``go`` wanting edge ``wants``, with the table's defaults."""
    spec = T.SPECS[go]
    defaults = {k: f.default for k, f in spec.all_fields.items() if f.default is not None}
    provides = spec.provides
    if provides == 'parent':
        provides = wants
    node = PipelineNode(spec, spec.desc or props.get('Method', ''), wants, provides, defaults)
    node.props.update(props)
    return node


class Pipeline:
    """A DAG of nodes with Kapacitor's id counter, sort order and DOT."""

    def __init__(self):
        self.sources: list[PipelineNode] = []
        self.next_id = 0

    def assign_id(self, node: PipelineNode) -> None:
        node.id = self.next_id
        self.next_id += 1

    def add_source(self, node: PipelineNode) -> None:
        node.pipeline = self
        self.assign_id(node)
        self.sources.append(node)

    def sorted(self) -> list[PipelineNode]:
        """Reverse post-order of a depth-first walk from the sources, last source first."""
        out, done, active = [], set(), set()

        def visit(n):
            if id(n) in active:
                raise TickEvalError('pipeline contains a cycle')
            if id(n) not in done:
                active.add(id(n))
                for c in n.children:
                    visit(c)
                active.discard(id(n))
                done.add(id(n))
                out.append(n)

        for src in reversed(self.sources):
            visit(src)
        return out[::-1]

    def dot(self, name: str) -> str:
        """Kapacitor's ``Pipeline.Dot``: edges only; a batch source prints nothing."""
        lines = [f'digraph {name} {{\n']
        for n in self.sorted():
            if n.spec.go == 'BatchNode':
                continue
            lines += [f'{n.name} -> {c.name};\n' for c in n.children]
        lines.append('}')
        return ''.join(lines)

    def executing_dot(self, name: str, task_type: str, stats: dict | None = None,
                      throughput: float = 0.0, labels: bool = False) -> str:
        """The DOT of an executing task (``ExecutingTask.EDot``), with each node's stats.

        ``stats`` maps a node name to ``({stat: value}, [processed per child])``; a node
        missing from it shows zeros (a task that has seen no data).  ``labels`` is the
        API's ``dot-view=labels``: stats as graphviz labels instead of attributes.
        """
        stats = stats or {}
        unit = 'batches' if task_type == 'batch' else 'points'
        order = self.sorted()
        pos = {id(n): i for i, n in enumerate(order)}
        if labels:
            head = f'graph [label="Throughput: {throughput:0.2f} {unit}/s" forcelabels=true pad="0.8,0.5"];\n'
        else:
            head = f'graph [throughput="{throughput:0.2f} {unit}/s"];\n'
        buf = [f'digraph {name} {{\n', head]
        for n in order:
            node_stats, processed = stats.get(n.name, ({}, []))
            keys = {'avg_exec_time_ns': '0s', 'errors': '0', 'working_cardinality': '0'}
            keys.update({k: '0' for k in n.spec.stats if k not in keys})
            if n.spec.go in T.HANDLER_TYPES or n.spec.go == 'AlertNode':
                keys.update({k: '0' for k in T.SPECS['AlertNodeData'].stats})
            keys.update({k: str(v) for k, v in node_stats.items()})
            if labels:
                text = '\\r'.join(f'{k}={keys[k]}' for k in sorted(keys))
                buf.append(f'\n{n.name} [xlabel="{text}"];\n')
            else:
                attrs = ''.join(f'{k}="{keys[k]}" ' for k in sorted(keys))
                buf.append(f'\n{n.name} [{attrs}];\n')
            kids = sorted(n.children, key=lambda c: pos[id(c)])
            for i, c in enumerate(kids):
                p = processed[i] if i < len(processed) else 0
                edge = f'label="processed={p}"' if labels else f'processed="{p}"'
                buf.append(f'{n.name} -> {c.name} [{edge}];\n')
        buf.append('}')
        return ''.join(buf)


# -- the AST interface -----------------------------------------------------------------------------

def kind_of(node) -> str:
    """The Kapacitor AST kind of a parsed node (its class name), '' for plain values."""
    name = type(node).__name__
    return name if name.endswith('Node') else ''


def position(node) -> tuple[int, int]:
    """(line, char) of an AST node, 1-based, as Kapacitor prints them."""
    pos = getattr(node, 'position', None) or getattr(node, 'pos', None)
    if pos is not None and hasattr(pos, 'line'):
        return pos.line, getattr(pos, 'char', getattr(pos, 'column', 0))
    return getattr(node, 'line', 0), getattr(node, 'char', getattr(node, 'column', 0))


def errorf(node, msg: str) -> TickEvalError:
    line, char = position(node)
    return TickEvalError(f'line {line} char {char}: {msg}')


def function_type(fn) -> str:
    """'global', 'chain' ('|'), 'property' ('.') or 'dynamic' ('@') for a FunctionNode."""
    t = getattr(fn, 'type', None)
    t = getattr(t, 'name', t)
    return str(t).lower().replace('func', '').replace('functype.', '').strip('_')


# -- evaluation -------------------------------------------------------------------------------------

@dataclass
class Var:
    """A template var as Kapacitor's API reports it."""

    value: object
    type: str          # TICKscript type name: int, float, bool, string, regex, duration, lambda, list, star
    description: str = ''


_GO_TO_VAR = {v: k for k, v in T.VAR_TYPES.items()}


def var_type_of(value) -> str | None:
    """The TICKscript var type of a value (``int``, ``lambda``...), None for nodes and other non-vars."""
    return _GO_TO_VAR.get(go_type(value))


@dataclass
class UDFInfo:
    """A configured UDF: edge types and its options (name -> list of TICKscript type names)."""

    wants: str
    provides: str
    options: dict = dc_field(default_factory=dict)


@dataclass
class Evaluation:
    pipeline: Pipeline
    vars: dict
    source: PipelineNode


class _Unbound:
    """A function call waiting for its receiver (Kapacitor's unboundFunc)."""

    def __init__(self, fn, call):
        self.fn = fn
        self.call = call


class Evaluator:
    """Evaluate one program for one source edge type ('stream' or 'batch')."""

    def __init__(self, source_edge: str, predefined: dict | None = None, ignore_missing: bool = False,
                 udfs: dict | None = None, deadman: dict | None = None):
        self.pipeline = Pipeline()
        if source_edge == 'stream':
            self.source = new_node('StreamNode', 'stream')
        elif source_edge == 'batch':
            self.source = new_node('BatchNode', 'none')
        else:
            raise TickEvalError(f'source edge type must be either Stream or Batch not {source_edge}')
        self.pipeline.add_source(self.source)
        self.scope = {source_edge: Facet(self.source, self.source.spec.go), 'time': _GlobalTime()}
        self.predefined = predefined or {}
        self.ignore_missing = ignore_missing
        self.udfs = udfs or {}
        self.deadman = deadman or {'id': "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'",
                                   'message': '{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead'
                                              '{{ end }}: {{ index .Fields "emitted" | printf "%0.3f" }}'
                                              ' points/INTERVAL.'}
        self.vars: dict[str, Var] = {}
        self.stack: list = []

    # scope
    def get(self, name: str):
        if name in self.scope:
            return self.scope[name]
        names = ','.join(sorted(self.scope))
        raise TickEvalError(f'name "{name}" is undefined. Names in scope: {names}')

    def resolve(self, v):
        if kind_of(v) == 'IdentifierNode':
            return self.get(v.ident)
        return v

    # walk
    def run(self, program) -> Evaluation:
        for stmt in program.nodes:
            self.eval(stmt)
            if self.stack:
                ret = self.stack.pop()
                if isinstance(ret, _Unbound):
                    ret.call(None)
        if self.deadman.get('global'):
            # the [deadman] section's global switch: deadman() on the source node of every
            # task, after the script ran (pipeline.createPipelineAndVars)
            self.make_deadman(self.source, self.deadman['threshold'], Duration(self.deadman['interval']))
        self.validate()
        return Evaluation(self.pipeline, self.vars, self.source)

    def eval(self, n):
        k = kind_of(n)
        push = self.stack.append
        if k == 'BoolNode':
            push(bool(n.bool))
        elif k == 'NumberNode':
            push(int(n.int64) if n.is_int else float(n.float64))
        elif k == 'DurationNode':
            push(Duration(_duration_ns(n)))
        elif k == 'StringNode':
            push(n.literal)
        elif k == 'RegexNode':
            push(Regex(getattr(n, 'pattern', None) or getattr(n, 'literal', '')))
        elif k == 'StarNode':
            push(Star())
        elif k == 'UnaryNode':
            self.eval(n.node)
            self.eval_unary(n)
        elif k == 'BinaryNode':
            push(fold(n, self))
        elif k == 'LambdaNode':
            push(dataclasses.replace(n, expression=self.resolve_idents(n.expression)))
        elif k == 'ListNode':
            items = []
            for item in n.nodes:
                self.eval(item)
                items.append(self.resolve(self.stack.pop()))
            push(items)
        elif k == 'TypeDeclarationNode':
            self.eval_type_declaration(n)
        elif k == 'DeclarationNode':
            self.eval(n.right)
            self.eval_declaration(n)
        elif k == 'ChainNode':
            self.eval(n.left)
            self.eval(n.right)
            self.eval_chain(n)
        elif k == 'FunctionNode':
            args = []
            for a in n.args:
                self.eval(a)
                v = self.stack.pop()
                if kind_of(v) == 'IdentifierNode':
                    v = self.get(v.ident)
                elif isinstance(v, _Unbound):
                    v = v.call(None)
                args.append(v)
            push(self.eval_func(n, args))
        elif k in ('DBRPNode', 'CommentNode'):
            pass
        else:
            push(n)

    def resolve_idents(self, n):
        """Kapacitor's resolveIdents: a lambda's vars become literals when the lambda is defined."""
        k = kind_of(n)
        if k == 'IdentifierNode':
            return literal_node(n.position, self.get(n.ident))
        if k == 'UnaryNode':
            return dataclasses.replace(n, node=self.resolve_idents(n.node))
        if k == 'BinaryNode':
            return dataclasses.replace(n, left=self.resolve_idents(n.left), right=self.resolve_idents(n.right))
        if k == 'FunctionNode':
            return dataclasses.replace(n, args=[self.resolve_idents(a) for a in n.args])
        return n

    def eval_unary(self, n):
        v = self.resolve(self.stack.pop())
        op = _op(n.operator)
        if op == '-' and isinstance(v, (int, float)) and not isinstance(v, bool):
            self.stack.append(type(v)(-v))
        elif op == '!' and isinstance(v, bool):
            self.stack.append(not v)
        else:
            raise errorf(n, f"invalid arugument to '{op}' {_go_repr(v)}")

    def eval_type_declaration(self, n):
        type_name = n.type.ident
        if type_name not in T.VAR_TYPES:
            raise TickEvalError(f'invalid var type "{type_name}"')
        name = n.node.ident
        self.vars[name] = Var(None, type_name, _comment(n))
        if name in self.predefined:
            pv = self.predefined[name]
            if pv.type != type_name:
                raise TickEvalError(f'invalid type supplied for {name}, got {_tw(pv.type)} exp {_tw(type_name)}')
            self.scope[name] = pv.value
        elif self.ignore_missing:
            self.scope[name] = zero_value(type_name)
        else:
            raise TickEvalError(f'missing value for var "{name}".')

    def eval_declaration(self, n):
        name = n.left.ident
        if name in self.scope:
            raise TickEvalError(f'attempted to redefine {name}, vars are immutable')
        value = self.resolve(self.stack.pop())
        vtype = var_type_of(value)
        if vtype is not None:
            self.vars[name] = Var(value, vtype, _comment(n))
        if name in self.predefined:
            pv = self.predefined[name]
            if pv.type != vtype:
                raise TickEvalError(f'invalid type supplied for {name}, got {_tw(pv.type)} exp {_tw(vtype)}')
            value = pv.value
        self.scope[name] = value

    def eval_chain(self, n):
        r = self.stack.pop()
        left = self.resolve(self.stack.pop())
        if isinstance(r, _Unbound):
            self.stack.append(r.call(left))
        elif kind_of(r) == 'IdentifierNode':
            spec = _spec_of(left)
            name = T.capitalize_first(r.ident)
            member = T.lookup(spec, name, 'property') if spec else None
            if isinstance(member, T.Field):
                self.stack.append(_read_field(left, name))
            else:
                raise errorf(n, f'object {go_type(left)} has no property {r.ident}')
        else:
            raise errorf(n, f"invalid right operand of type {go_type(r)} to '.' operator")

    def eval_func(self, f, args):
        if len(args) == 1 and isinstance(args[0], list):
            args = list(args[0])
        ftype = function_type(f)
        name = f.func

        def call(obj):
            try:
                return self.call_method(f, ftype, name, obj, args)
            except _GoPanic as ex:
                msg = f'error calling func "{name}" on obj {go_type(obj)}: {ex}'
                if '*ast.ReferenceNode' in msg and 'type string' in msg:
                    raise errorf(f, 'cannot assign *ast.ReferenceNode to type string, did you use '
                                    'double quotes instead of single quotes?') from None
                raise errorf(f, msg) from None

        return _Unbound(f, call)

    def call_method(self, f, ftype, name, obj, args):
        if ftype == 'global':
            if obj is not None:
                raise errorf(f, f'calling global function on object {go_type(obj)}')
            if not isinstance(self.scope.get(name), _GlobalTime):
                raise errorf(f, f'no global function "{name}" defined')
            check_call(T.Method('time', 'global', (T.DURATION,), T.DURATION), args)
            if len(args) > 2:
                raise errorf(f, f'time() function expects 1 or 2 args, got {len(args)}')
            return TimeDimension(int(args[0]), int(args[1]) if len(args) > 1 else 0)
        spec = _spec_of(obj)
        if spec is None:
            if not go_type(obj).startswith('*'):
                raise errorf(f, 'cannot get properties of non pointer value')
            raise errorf(f, f'no method or property "{name}" on {go_type(obj)}')
        goname = T.capitalize_first(name)
        has_chain, has_prop = T.has_chain(spec, goname), T.has_property(spec, goname)
        udf = self.udfs.get(name)
        if ftype == 'chain':
            if has_chain:
                return self.call_chain(f, obj, T.lookup(spec, goname, 'chain'), args)
            if has_prop:
                raise errorf(f, f'no chaining method "{name}" on {go_type(obj)}, but property does exist. '
                                f"Use '.' operator instead: 'node.{name}(..)'.")
            if udf:
                raise errorf(f, f'no chaining method "{name}" on {go_type(obj)}, but dynamic method does '
                                f"exist. Use '@' operator instead: 'node@{name}(..)'.")
        elif ftype == 'property':
            if spec.go == 'UDFNode' and name in self.udfs[obj.node.props['UDFName']].options:
                return self.set_udf_option(f, obj, name, args)
            if has_prop:
                return self.set_property(f, obj, spec, goname, args)
            if has_chain:
                raise errorf(f, f'no property method "{name}" on {go_type(obj)}, but chaining method does '
                                f"exist. Use '|' operator instead: 'node|{name}(..)'.")
            if udf:
                raise errorf(f, f'no property method "{name}" on {go_type(obj)}, but dynamic method does '
                                f"exist. Use '@' operator instead: 'node@{name}(..)'.")
        elif ftype == 'dynamic':
            if udf:
                child = new_node('UDFNode', _edge(udf.wants), UDFName=name, Options=[])
                child.desc = name
                child.provides = _edge(udf.provides)
                obj.node.link_child(child)
                return Facet(child, 'UDFNode')
            if has_prop:
                raise errorf(f, f'no dynamic method "{name}" on {go_type(obj)}, but property does exist. '
                                f"Use '.' operator instead: 'node.{name}(..)'.")
            if has_chain:
                raise errorf(f, f'no dynamic method "{name}" on {go_type(obj)}, but chaining method does '
                                f"exist. Use '|' operator instead: 'node|{name}(..)'.")
        else:
            raise errorf(f, f'unknown function type {ftype} on function {go_type(obj)}.{name}')
        raise errorf(f, f'no method or property "{name}" on {go_type(obj)}')

    # chain methods
    def call_chain(self, f, obj, m: T.Method, args):
        check_call(m, args)
        parent = obj.node
        wants = parent.provides
        build = m.build
        if build == 'window' and parent.provides != 'stream':
            raise _GoPanic('cannot Window batch edge')
        if build == 'trickle' and parent.provides != 'batch':
            raise _GoPanic('cannot Trickle stream edge')
        if m.creates == 'InfluxQLNode':
            _, _, provides, desc = T.INFLUXQL[m.name]
            field, extra = args[0], list(args[1:])
            if m.name in ('Top', 'Bottom'):          # Top(num, field, fieldsAndTags...)
                field, extra = args[1], [args[0], *args[2:]]
            elif m.name in ('HoltWinters', 'HoltWintersWithFit'):   # Args: h, m, interval, includeFitData
                extra.append(m.name == 'HoltWintersWithFit')
            child = new_node('InfluxQLNode', wants, Method=desc, Field=field, As=desc,
                             Args=extra or None)
            child.provides = wants if provides == 'parent' else provides
            child.desc = desc
            parent.link_child(child)
            return Facet(child, 'InfluxQLNode')
        if build == 'sample':
            rate = args[0]
            if isinstance(rate, Duration):
                child = new_node('SampleNode', wants, Duration=rate)
            elif go_type(rate) == T.INT:
                child = new_node('SampleNode', wants, N=rate)
            else:
                raise _GoPanic('must pass int64 or duration to new sample node')
            parent.link_child(child)
            return Facet(child, 'SampleNode')
        if build == 'stats':
            return Facet(self.make_stats(parent, args[0]), 'StatsNode')
        if build == 'deadman':
            return self.make_deadman(parent, *args)
        child = new_node(m.creates, wants)
        for i, fname in enumerate(m.init):
            if fname.startswith('*'):
                child.props[fname[1:]] = list(args[i:])
            elif i < len(args):
                child.props[fname] = args[i]
        if m.init[1:2] == ('As',):
            child.props['As'] = args[0]
        if build == 'join':
            child.desc = 'join'
            for p in [parent] + [a.node for a in args]:
                p.link_child(child)
        elif build == 'union':
            parent.link_child(child)
            for a in args:
                a.node.link_child(child)
        else:
            parent.link_child(child)
        return Facet(child, m.creates)

    def make_stats(self, node: PipelineNode, interval):
        stats = new_node('StatsNode', 'stream', SourceNode=node, Interval=interval)
        self.pipeline.add_source(stats)
        if not node.children:
            node.link_child(new_node('NoOpNode', node.provides))
        return stats

    def make_deadman(self, node: PipelineNode, threshold, interval, *lambdas):
        stats = self.make_stats(node, interval)
        stats.props['AlignFlag'] = True
        deriv = new_node('DerivativeNode', 'stream', Field='emitted', As='emitted', Unit=interval,
                         NonNegativeFlag=True)
        stats.link_child(deriv)
        alert = new_node('AlertNode', 'stream')
        deriv.link_child(alert)
        pos = ast.NO_POSITION
        crit = ast.BinaryNode(pos, left=ast.ReferenceNode(pos, reference='emitted'),
                              right=ast.NumberNode(pos, is_float=True, float64=threshold),
                              operator=TokenType.LESS_EQUAL)
        for extra in lambdas:
            crit = ast.BinaryNode(pos, left=crit, right=extra.expression, operator=TokenType.AND)
        alert.props['Crit'] = ast.LambdaNode(pos, expression=crit)
        alert.props['Id'] = self.deadman['id'].replace('NODE_NAME', node.name, 1)
        alert.props['Message'] = self.deadman['message'].replace('INTERVAL', format_duration(interval), 1)
        return Facet(alert, 'AlertNode')

    # property methods
    def set_property(self, f, obj: Facet, spec, goname, args):
        member = T.lookup(spec, goname, 'property')
        target = obj.handler if obj.handler is not None and (
            goname in T.SPECS[obj.go].fields or goname in T.SPECS[obj.go].methods) else obj.node.props
        if isinstance(member, T.Field):
            if len(args) != 1:
                raise errorf(f, f'too many arguments to set property {goname} on {go_type(obj)}')
            if not assignable(args[0], member.go):
                raise _GoPanic(f'reflect.Set: value of type {go_type(args[0])} is not assignable to '
                               f'type {member.go}')
            target[goname] = args[0]
            return obj
        m = member
        check_call(m, args)
        eff, flds = m.effect, m.fields
        if eff == 'flag':
            target[flds[0]] = True
        elif eff == 'set':
            for fname, a in zip([x for x in flds if not x.endswith('=')], args):
                target[fname] = a
            for fname in flds:
                if fname.endswith('='):
                    target[fname[:-1]] = True
        elif eff == 'list':
            target[flds[0]] = list(args)
        elif eff == 'append':
            target.setdefault(flds[0], []).extend(args)
        elif eff == 'map':
            target.setdefault(flds[0], {})[args[0]] = args[1]
        elif eff == 'keep':
            target['KeepFlag'] = True
            target['KeepList'] = list(args)
        elif eff == 'optional_flag':
            target[flds[0]] = args[0] if len(args) == 1 else True
        elif eff == 'and_where':
            prev = target.get('Lambda')
            target['Lambda'] = args[0] if prev is None else ('AND', prev, args[0])
        elif eff == 'state_changes_only':
            target['IsStateChangesOnly'] = True
            if len(args) == 1:
                target['StateChangesOnlyDuration'] = args[0]
        elif eff == 'inhibit':
            target.setdefault('Inhibitors', []).append({'category': args[0], 'equalTags': list(args[1:])})
        elif eff == 'link':
            target.setdefault('Links', []).append({'href': args[0], 'text': args[1] if len(args) > 1 else ''})
        elif eff == 'snmp_data':
            target.setdefault('DataList', []).append({'oid': args[0], 'type': args[1], 'value': args[2]})
        elif eff == 'handler':
            return self.add_handler(obj, m, args)
        if m.returns == 'AlertNodeData':
            return Facet(obj.node, 'AlertNodeData')
        return obj

    def add_handler(self, obj: Facet, m: T.Method, args):
        go = m.returns
        hspec = T.SPECS[go]
        h = {k: f.default for k, f in hspec.fields.items() if f.default is not None}
        for i, fname in enumerate(m.fields[1:]):
            if fname.startswith('*'):
                h[fname[1:]] = list(args[i:])
            elif fname.startswith('+'):
                h[fname[1:]] = list(args)
            elif fname.startswith('?'):
                if args:
                    h[fname[1:]] = args[0]
            else:
                h[fname] = args[i]
        obj.node.props.setdefault('handlers', []).append((go, h))
        return Facet(obj.node, go, h)

    def set_udf_option(self, f, obj: Facet, name, args):
        info = self.udfs[obj.node.props['UDFName']]
        types = info.options[name]
        if len(types) != len(args):
            raise errorf(f, f'unexpected number of args to {name}, got {len(args)} expected {len(types)}')
        for a, t in zip(args, types):
            got = _UDF_TYPES.get(go_type(a), 'BOOL')  # Kapacitor leaves other values at the zero type
            if got != t:
                raise errorf(f, f'unexpected arg to {name}, got {got} expected {t}')
        obj.node.props['Options'].append((name, list(args)))
        return obj

    def validate(self):
        for n in self.pipeline.sorted():
            msg = validate_node(n)
            if msg:
                raise TickEvalError(msg)


_UDF_TYPES = {T.BOOL: 'BOOL', T.INT: 'INT', T.FLOAT: 'DOUBLE', T.STRING: 'STRING', T.DURATION: 'DURATION'}


class _GoPanic(Exception):
    """A panic inside a Go method call; Kapacitor wraps it as 'error calling func ...'."""


def check_call(m: T.Method, args) -> None:
    """Check arguments the way reflect.Value.Call does, with its panic texts."""
    n = len(m.params)
    if m.variadic is None and len(args) > n:
        raise _GoPanic('reflect: Call with too many input arguments')
    if len(args) < n:
        raise _GoPanic('reflect: Call with too few input arguments')
    for a, t in zip(args, m.params):
        if not assignable(a, t):
            raise _GoPanic(f'reflect: Call using {go_type(a)} as type {t}')
    for a in args[n:]:
        if not assignable(a, m.variadic):
            raise _GoPanic(f'reflect: cannot use {go_type(a)} as type {m.variadic} in Call')


def validate_node(n: PipelineNode) -> str | None:
    """Kapacitor's per-node validate(), run once the script is evaluated."""
    p, go = n.props, n.spec.go
    if go in ('FromNode', 'GroupByNode'):
        dims = p.get('Dimensions') or []
        star = False
        for d in dims:
            if isinstance(d, str):
                if not d:
                    return 'dimensions cannot not be the empty string'
            elif isinstance(d, Star):
                star = True
            else:
                return f'invalid dimension object of type {go_type(d)}'
        if star and len(dims) > 1:
            return "cannot group by both '*' and named dimensions."
        if not star and p.get('ExcludedDimensions'):
            return "exclude requires '*'"
    elif go == 'WindowNode':
        if p.get('PeriodCount') and p.get('Period'):
            return 'cannot specify both period and periodCount'
        if p.get('PeriodCount') and p.get('AlignFlag'):
            return 'can only align windows based off time, not count'
        if p.get('PeriodCount') and p.get('EveryCount', 0) <= 0:
            return 'everyCount must be greater than zero'
    elif go == 'EvalNode':
        as_list, lambdas = p.get('AsList') or [], p.get('Lambdas') or []
        if len(as_list) != len(lambdas):
            return (f'must specify same number of expressions and .as() names: got {len(as_list)} as names, '
                    f'and {len(lambdas)} expressions.')
        for tag in p.get('TagsList') or []:
            if tag not in as_list:
                return f'invalid tag name "{tag}", name is not present is .as() names'
    elif go in ('JoinNode', 'CombineNode'):
        what = 'join' if go == 'JoinNode' else 'combine'
        names = p.get('Names') or []
        count = len(n.parents) if go == 'JoinNode' else len(p.get('Lambdas') or [])
        if not names:
            return f'a call to {what}.as() is required to specify the output stream prefixes.'
        if len(names) != count:
            if go == 'JoinNode':
                return 'number of prefixes specified by join.as() must match the number of joined streams'
            return 'number of prefixes specified by combine.as() must match the number of combine expressions'
        seen = set()
        for name in names:
            if not name:
                return f'must provide a prefix name for the {what} node, see .as() property method'
            # Kapacitor's join skips the check for an empty delimiter; combine's does not
            if p['Delimiter'] in name and (p['Delimiter'] or go == 'CombineNode'):
                if go == 'JoinNode':
                    return f'cannot use name {name} as field prefix, it contains the delimiter "{p["Delimiter"]}"\t'
                return f'cannot use name {name} as field prefix, it contains the delimiter character {p["Delimiter"]}'
            if name in seen:
                return 'cannot use the same prefix name see .as() property method'
            seen.add(name)
    elif go == 'BarrierNode':
        idle, period = p.get('Idle', 0), p.get('Period', 0)
        if idle and period:
            return 'cannot specify both idle and period'
        if period == 0 and idle <= 0:
            return 'idle must be greater than zero'
        if period <= 0 and idle == 0:
            return 'period must be greater than zero'
    elif go == 'DefaultNode':
        for k, v in (p.get('Fields') or {}).items():
            if go_type(v) not in (T.FLOAT, T.INT, T.STRING, T.BOOL):
                return (f'unsupported type {go_type(v)} for field "{k}", field default values must be '
                        'float,int,string or bool')
    elif go == 'HTTPPostNode':
        urls, eps = p.get('URLs') or [], p.get('Endpoints') or []
        if len(urls) > 1:
            return f'httpPost expects 0 or 1 arguments, got {len(urls)}'
        if len(eps) > 1:
            return f'httpPost expects 0 or 1 endpoints, got {len(eps)}'
        if not urls and not eps:
            return 'must provide url or endpoint'
        if urls and eps:
            return 'only one endpoint and url may be specified'
        if any(k.lower() == 'authenticate' for k in p.get('Headers') or {}):
            return "cannot set 'authenticate' header"
    elif go == 'KapacitorLoopbackNode':
        if not p.get('Database'):
            return 'must specify a database'
        if not p.get('RetentionPolicy'):
            return 'must specify a retention policy'
    elif go in ('K8sAutoscaleNode', 'SwarmAutoscaleNode', 'Ec2AutoscaleNode'):
        a, b = {'K8sAutoscaleNode': ('ResourceName', 'ResourceNameTag'),
                'SwarmAutoscaleNode': ('ServiceName', 'ServiceNameTag'),
                'Ec2AutoscaleNode': ('GroupName', 'GroupNameTag')}[go]
        if bool(p.get(a)) == bool(p.get(b)):
            return f'must specify exactly one of {a} or {b}'
        if go == 'K8sAutoscaleNode' and p.get('Kind') not in ('deployments', 'replicasets',
                                                             'replicationcontrollers'):
            return ("invalid Kind, must be 'deployments', 'replicasets' or 'replicationcontrollers', "
                    f"got {p.get('Kind')}")
        if p.get('Min', 0) < 1:
            return f'min must be >= 1, got {p.get("Min", 0)}'
        if p.get('Replicas') is None:
            return 'must provide a replicas lambda expression'
    elif go == 'AlertNode':
        for hgo, h in p.get('handlers') or []:
            if hgo == 'SNMPTrapHandler':
                if not h.get('TrapOid'):
                    return f'invalid SNMP trap "{h.get("TrapOid", "")}": you must supply a trap Oid'
                for d in h.get('DataList') or []:
                    if d['type'] not in ('c', 'd', 'i', 'n', 's', 't', 'a', 'o', 'u'):
                        return (f'invalid SNMP trap "{h["TrapOid"]}": unsupported data type "{d["type"]}" '
                                f'for data entry "{d["oid"]}"')
            if hgo == 'AlertHTTPPostHandler' and any(k.lower() == 'authenticate'
                                                     for k in h.get('Headers') or {}):
                return "invalid post: cannot set 'authenticate' header"
    return None


# -- helpers ------------------------------------------------------------------------------------------

def _spec_of(v):
    if isinstance(v, Facet):
        return T.SPECS[v.go]
    return None


def _read_field(obj: Facet, name: str):
    if obj.handler is not None and name in obj.handler:
        return obj.handler[name]
    if name in obj.node.props:
        return obj.node.props[name]
    return T.lookup(_spec_of(obj), name, 'property').default


def _edge(kind: str) -> str:
    return {'STREAM': 'stream', 'BATCH': 'batch'}.get(str(kind).upper(), 'none')


def _comment(n) -> str:
    c = getattr(n, 'comment', None)
    if c is None:
        return ''
    if isinstance(c, str):
        return c
    if hasattr(c, 'comment_string'):
        return c.comment_string()
    return '\n'.join(getattr(c, 'comments', []))


_OP_TEXT = {'PLUS': '+', 'MINUS': '-', 'MULT': '*', 'DIV': '/', 'MOD': '%', 'AND': 'AND', 'OR': 'OR',
            'EQUAL': '==', 'NOT_EQUAL': '!=', 'LESS': '<', 'GREATER': '>', 'LESS_EQUAL': '<=',
            'GREATER_EQUAL': '>=', 'REGEX_EQUAL': '=~', 'REGEX_NOT_EQUAL': '!~', 'NOT': '!'}


def _tw(type_name) -> str:
    """ast.ValueType's String(): 'boolean' for bool, 'invalid type' for a non-value."""
    return {'bool': 'boolean', None: 'invalid type'}.get(type_name, type_name)


def _op(op) -> str:
    """The text of an operator token (the parser's TokenType or a plain string)."""
    return _OP_TEXT.get(getattr(op, 'name', None), str(op))


def _go_repr(v) -> str:
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, Duration):
        return format_duration(v)
    return str(v)


def _duration_ns(n) -> int:
    for attr in ('dur', 'duration', 'nanoseconds', 'ns'):
        v = getattr(n, attr, None)
        if v is not None:
            return int(v.total_seconds() * 10**9) if hasattr(v, 'total_seconds') else int(v)
    raise TickEvalError('duration literal without a value')


def literal_node(pos, v):
    """Kapacitor's ValueToLiteralNode: a script value as an AST literal at ``pos``."""
    if isinstance(v, bool):
        return ast.BoolNode(pos, bool=v)
    if isinstance(v, Duration):
        return ast.DurationNode(pos, dur=int(v))
    if isinstance(v, int):
        return ast.NumberNode(pos, is_int=True, int64=v, base=10)
    if isinstance(v, float):
        return ast.NumberNode(pos, is_float=True, float64=v)
    if isinstance(v, str):
        return ast.StringNode(pos, literal=v)
    if isinstance(v, Regex):
        return ast.RegexNode(pos, pattern=v.pattern, literal=v.pattern)
    if kind_of(v) == 'LambdaNode':
        return ast.LambdaNode(pos, expression=v.expression)
    if isinstance(v, Star):
        return ast.StarNode(pos)
    if isinstance(v, list):
        return ast.ListNode(pos, nodes=[literal_node(pos, x) for x in v])
    raise TickEvalError(f'unsupported literal type {go_type(v)}')


def zero_value(type_name: str):
    """Kapacitor's ast.ZeroValue for a template var that has no value yet."""
    if type_name == 'lambda':
        return ast.LambdaNode(None, None, None)   # Go's typed nil *LambdaNode: a lambda without expression
    return {'int': 0, 'float': 0.0, 'bool': False, 'string': '', 'regex': Regex(''), 'duration': Duration(0),
            'list': [], 'star': Star()}.get(type_name)


def format_duration(ns: int) -> str:
    """Go's time.Duration.String()."""
    if ns == 0:
        return '0s'
    neg, ns = ns < 0, abs(ns)
    if ns < 10**9:
        for unit, size in (('ms', 10**6), ('µs', 10**3), ('ns', 1)):
            if ns >= size:
                s = f'{ns / size:.9f}'.rstrip('0').rstrip('.')
                return ('-' if neg else '') + s + unit
    h, rem = divmod(ns, 3600 * 10**9)
    m, rem = divmod(rem, 60 * 10**9)
    s = f'{rem / 10**9:.9f}'.rstrip('0').rstrip('.')
    out = (f'{h}h' if h else '') + (f'{m}m' if h or m else '') + f'{s}s'
    return ('-' if neg else '') + out


# -- constant expressions outside lambdas (``var x = 5 * 2m``, ``name + '-suffix'``) ------------------

_TYPE_WORD = {T.INT: 'int', T.FLOAT: 'float', T.STRING: 'string', T.BOOL: 'bool', T.DURATION: 'duration'}


def fold(n, ev: Evaluator):
    """Evaluate a binary expression of literals and vars, with the lambda engine's type rules."""
    def value(x):
        k = kind_of(x)
        if k == 'BinaryNode':
            return fold(x, ev)
        if k == 'IdentifierNode':
            return ev.get(x.ident)
        ev.eval(x)
        return ev.resolve(ev.stack.pop())

    left, right = value(n.left), value(n.right)
    op = _op(n.operator).upper()
    lt, rt = go_type(left), go_type(right)
    if op in ('AND', 'OR'):
        if lt == rt == T.BOOL:
            return (left and right) if op == 'AND' else (left or right)
    elif op in ('==', '!=', '<', '<=', '>', '>='):
        numeric = {T.INT, T.FLOAT}
        if lt == rt or (lt in numeric and rt in numeric):
            import operator as o
            return {'==': o.eq, '!=': o.ne, '<': o.lt, '<=': o.le, '>': o.gt, '>=': o.ge}[op](left, right)
    else:
        if lt == rt and lt in (T.INT, T.FLOAT, T.DURATION) or (lt == rt == T.STRING and op == '+'):
            return _arith(n, op, left, right, lt)
        if T.DURATION in (lt, rt) and {lt, rt} <= {T.DURATION, T.INT, T.FLOAT} and op in ('*', '/'):
            res = left * right if op == '*' else left / right if lt == T.DURATION else None
            if res is not None:
                return Duration(int(res))
    raise errorf(n, f'mismatched type to binary operator. got {_TYPE_WORD.get(lt, lt)} {_op(n.operator)} '
                    f'{_TYPE_WORD.get(rt, rt)}. see bool(), int(), float(), string(), duration()')


def _arith(n, op, a, b, t):
    if op == '+':
        r = a + b
    elif op == '-':
        r = a - b
    elif op == '*':
        r = a * b
    elif op == '/':
        if t == T.FLOAT:
            r = a / b
        else:
            if b == 0:
                raise errorf(n, 'integer divide by zero')
            r = int(a / b)
    elif op == '%' and t == T.INT:
        r = a - b * int(a / b)
    else:
        raise errorf(n, f'invalid operator {op} for type {_TYPE_WORD.get(t, t)}')
    return Duration(r) if t == T.DURATION else type(a)(r) if t != T.STRING else r


# -- the public surface ------------------------------------------------------------------------------

def task_type_of(program) -> str:
    """Kapacitor's taskTypeFromProgram: 'stream', 'batch' or 'invalid'."""
    found = []
    for stmt in program.nodes:
        k = kind_of(stmt)
        n = stmt.right if k == 'DeclarationNode' else stmt.left if k == 'ChainNode' else None
        while n is not None:
            if kind_of(n) == 'ChainNode':
                n = n.left
                continue
            if kind_of(n) == 'IdentifierNode' and n.ident in ('stream', 'batch'):
                found.append(n.ident)
            break
    if not found or any(t != found[0] for t in found):
        return 'invalid'
    return found[0]


def dbrps_of(program) -> list[dict]:
    """The ``dbrp "db"."rp"`` statements of a program, in order."""
    out = []
    for stmt in program.nodes:
        if kind_of(stmt) == 'DBRPNode':
            out.append({'db': stmt.db.reference, 'rp': stmt.rp.reference})
    return out


def evaluate(program, source_edge: str, *, predefined: dict | None = None, ignore_missing: bool = False,
             udfs: dict | None = None, deadman: dict | None = None) -> Evaluation:
    """Evaluate ``program`` (a parsed ProgramNode) for a stream or batch task."""
    ev = Evaluator(source_edge, predefined, ignore_missing, udfs, deadman)
    return ev.run(program)


def template_vars(program, source_edge: str, udfs: dict | None = None) -> dict:
    """The vars of a template (missing typed vars allowed), as ``{name: Var}``."""
    return evaluate(program, source_edge, ignore_missing=True, udfs=udfs).vars
