"""Python stand-ins for the data of Go's ``text/template/exec_test.go`` (``tVal`` and its funcs).

Go's ``T`` struct becomes a dataclass with the same exported fields and methods; Go-only
kinds (unsigned ints, pointers, channels, typed function parameters) have no Python
counterpart, so the cases that test them are not restated.
"""
import dataclasses

from machstore.gotemplate import values as gv


@dataclasses.dataclass
class U:
    V: str = ""

    def TrueFalse(self, b):
        return "true" if b else ""


@dataclasses.dataclass
class T:
    TRUE: bool = True
    I: int = 17
    U16: int = 16
    X: str = "x"
    FloatZero: float = 0.0
    ComplexZero: complex = 0j
    U: U = dataclasses.field(default_factory=lambda: U("v"))
    SI: list = dataclasses.field(default_factory=lambda: [3, 4, 5])
    SIEmpty: list = dataclasses.field(default_factory=list)
    SB: list = dataclasses.field(default_factory=lambda: [True, False])
    MSI: dict = dataclasses.field(default_factory=lambda: {"one": 1, "two": 2, "three": 3})
    MSIone: dict = dataclasses.field(default_factory=lambda: {"one": 1})
    MSIEmpty: dict = dataclasses.field(default_factory=dict)
    MII: dict = dataclasses.field(default_factory=lambda: {1: 1})
    MI64S: dict = dataclasses.field(default_factory=lambda: {2: "i642", 3: "i643"})
    SMSI: list = dataclasses.field(default_factory=lambda: [{"one": 1, "two": 2}, {"eleven": 11, "twelve": 12}])
    Empty0: object = None
    Empty1: object = 3
    Empty2: object = "empty2"
    Empty3: object = dataclasses.field(default_factory=lambda: [7, 8])
    Empty4: object = dataclasses.field(default_factory=lambda: U("UinEmpty"))
    PSI: list = dataclasses.field(default_factory=lambda: [21, 22, 23])
    BinaryFunc: object = lambda a, b: f"[{a}={b}]"
    VariadicFunc: object = lambda *s: "<" + "+".join(s) + ">"
    VariadicFuncInt: object = lambda a, *s: f"{a}=<" + "+".join(s) + ">"
    NilOKFunc: object = lambda s: s is None
    ErrFunc: object = lambda: "bla"
    unexported: int = 0

    def Method0(self):
        return "M0"

    def Method1(self, a):
        return a

    def Method2(self, a, b):
        return f"Method2: {a} {b}"

    def Method3(self, v):
        from machstore.gotemplate.gofmt import sprintf
        return sprintf("Method3: %v", [v])

    def Copy(self):
        return dataclasses.replace(self)

    def MAdd(self, a, b):
        return [x + a for x in b]

    def MyError(self, error):
        if error:
            raise ValueError("my error")
        return False

    def GetU(self):
        return self.U


# NOTE: Go's field is called True, which cannot be a Python attribute; the cases use .TRUE.
TVAL = T()


def _add(*args):
    return sum(args)


def _makemap(*args):
    return {args[i]: args[i + 1] for i in range(0, len(args), 2)}


FUNCS = {
    "add": _add,
    "echo": lambda arg: arg,
    "makemap": _makemap,
    "mapOfThree": lambda: {"three": 3},
    "oneArg": lambda a: "oneArg=" + a,
    "twoArgs": lambda a, b: "twoArgs=" + a + b,
    "returnInt": lambda: 7,
    "typeOf": gv.go_type_name,
    "zeroArgs": lambda: "zeroArgs",
    "count": lambda n: [chr(ord("a") + i) for i in range(n)],
}
