"""Go's ``html/template`` escaping for templates whose actions all print into HTML text.

Kapacitor renders an alert's ``.details()`` with ``html/template``, not ``text/template``:
Go's contextual autoescaper rewrites every action that prints (``{{ .Message }}``,
``{{ json . }}``) so its output passes through ``_html_template_htmlescaper``, which turns
``" & ' + < >`` and NUL into ``&#34; &amp; &#39; &#43; &lt; &gt;`` and U+FFFD, prints a nil
value (a missing map key) as nothing, and lets only ``template.HTML`` values through unchanged
(Kapacitor's ``json`` helper returns ``template.JS``, so its quotes are escaped too:
``{&#34;Name&#34;:...}``).  HTML comments in the template text are removed, as Go removes them.

Go's escaper also knows tags, attributes, URLs, ``<script>`` and ``<style>``, each with its
own escaping.  Only the text context is done here: a template with an action anywhere else
(inside a tag, an attribute, a comment, a script, style, title or textarea element) is refused
when it is parsed, with :class:`~.errors.TemplateParseError`, rather than escaped wrongly.
"""
from __future__ import annotations

import re

from . import gofmt
from .ast import ActionNode, CommandNode, IdentifierNode, IfNode, ListNode, RangeNode, TemplateNode, TextNode, WithNode
from .errors import TemplateParseError
from .template import Template

__all__ = ["ESCAPER", "html_escape", "html_template"]

ESCAPER = "_html_template_htmlescaper"

# "&" first: the other replacements bring their own "&" that must stay as it is
_REPLACE = (("&", "&amp;"), ("\0", "\ufffd"), ('"', "&#34;"), ("'", "&#39;"), ("+", "&#43;"), ("<", "&lt;"),
            (">", "&gt;"))
_SPECIAL = re.compile("[\0\"&'+<>]")


def html_escape(text: str) -> str:
    """``htmlReplacer(s, htmlReplacementTable, true)``: the escaping of HTML text."""
    if _SPECIAL.search(text) is None:
        return text
    for old, new in _REPLACE:  # PERF: str.replace runs in C; a translate table with strings does not
        text = text.replace(old, new)
    return text


def _htmlescaper(*args):
    """Go's ``htmlEscaper``: stringify the arguments (nil ones skipped), then escape."""
    parts = [a for a in args if a is not None]
    if len(parts) == 1 and type(parts[0]) is str:
        return html_escape(parts[0])
    return html_escape("".join(gofmt.format_value(a, gofmt.PLAIN) for a in parts))


# -- contexts ---------------------------------------------------------------------------------
TEXT = "text"
_RAW_ELEMENTS = ("script", "style", "textarea", "title")
_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


class _Scanner:
    """Follows the HTML context through the template text; drops comments as Go does."""

    def __init__(self, name):
        self.name = name

    def text(self, ctx: str, text: str) -> tuple[str, str]:
        """``(context after, text to keep)`` for ``text`` entered in ``ctx``."""
        out, i, n = [], 0, len(text)
        while i < n:
            if ctx == TEXT:
                lt = text.find("<", i)
                if lt < 0:
                    out.append(text[i:])
                    break
                out.append(text[i:lt])
                if text.startswith("<!--", lt):
                    ctx, i = "comment", lt + 4
                    continue
                m = _TAG_START.match(text, lt)
                if m is None:
                    out.append("<")
                    i = lt + 1
                    continue
                ctx = "tag:" + ("" if m.group(1) else m.group(2).lower())
                out.append(m.group())
                i = m.end()
            elif ctx == "comment":
                end = text.find("-->", i)
                if end < 0:
                    return ctx, "".join(out)
                ctx, i = TEXT, end + 3
            elif ctx.startswith(("tag:", "attr")):
                j = i
                quote = ctx[-1] if ctx.startswith("attr") else ""
                while j < n:
                    c = text[j]
                    if quote:
                        if c == quote:
                            quote = ""
                            ctx = ctx.split("|")[0].replace("attr", "tag", 1)
                    elif c in "\"'":
                        quote = c
                        ctx = "attr" + ctx[3:] + "|" + c
                    elif c == ">":
                        element = ctx.split("|")[0][4:]
                        ctx = "raw:" + element if element in _RAW_ELEMENTS else TEXT
                        j += 1
                        break
                    j += 1
                out.append(text[i:j])
                i = j
            elif ctx.startswith("raw:"):
                element = ctx[4:]
                end = re.compile(r"</" + element + r"[\s/>]", re.IGNORECASE).search(text, i)
                if end is None:
                    out.append(text[i:])
                    break
                out.append(text[i:end.start()])
                ctx, i = TEXT, end.start()
        return ctx, "".join(out)

    def refuse(self, node, ctx):
        where = {"comment": "an HTML comment"}.get(ctx)
        if where is None:
            if ctx.startswith("raw:"):
                where = f"a <{ctx[4:]}> element"
            elif ctx.startswith("attr"):
                where = "an attribute value"
            else:
                where = "an HTML tag"
        raise TemplateParseError(
            f"html/template:{self.name}: {node} is in {where}: machstore escapes actions in HTML "
            "text only (not supported yet elsewhere)")

    def walk(self, node, ctx: str) -> str:
        """Escape the actions of ``node`` (a list) entered in ``ctx``; return the context after."""
        kept = []
        for child in node.nodes:
            if isinstance(child, TextNode):
                ctx, child.text = self.text(ctx, child.text)
                if child.text:
                    kept.append(child)
                continue
            kept.append(child)
            if isinstance(child, ActionNode):
                if child.pipe.decl:
                    continue
                if ctx != TEXT:
                    self.refuse(child, ctx)
                for cmd in child.pipe.cmds:
                    first = cmd.args[0] if cmd.args else None
                    if isinstance(first, IdentifierNode) and first.ident in ("html", "urlquery"):
                        raise TemplateParseError(
                            f"html/template:{self.name}: predefined escaper {first.ident!r} in {child} "
                            "is not supported by machstore yet")
                child.pipe.cmds.append(CommandNode(child.pos, [IdentifierNode(child.pos, ESCAPER)]))
            elif isinstance(child, (IfNode, RangeNode, WithNode)):
                if ctx != TEXT:
                    self.refuse(child, ctx)
                after = self.walk(child.list, ctx)
                other = self.walk(child.else_list, ctx) if child.else_list is not None else ctx
                if after != ctx or other != ctx:
                    raise TemplateParseError(
                        f"html/template:{self.name}: {{{{{child.keyword}}}}} branches end in different "
                        "contexts (machstore escapes HTML text only)")
            elif isinstance(child, TemplateNode) and ctx != TEXT:
                self.refuse(child, ctx)
        node.nodes = kept
        return ctx


def html_template(name: str, text: str, funcs: dict | None = None) -> Template:
    """Parse ``text`` as ``html/template`` would and return a template that escapes its output.

    Every template of the set (``define``\\ d ones too) starts and must end in HTML text.
    """
    tmpl = Template(name, funcs={**(funcs or {}), ESCAPER: _htmlescaper}).parse(text)
    for tname, tree in tmpl._common.trees.items():  # the set's own trees (same package)
        scanner = _Scanner(tname)
        if isinstance(tree.root, ListNode):
            end = scanner.walk(tree.root, TEXT)
            if end not in (TEXT, "comment"):
                raise TemplateParseError(
                    f"html/template:{tname}: ends in a non-text context: {end.split('|')[0]} "
                    "(machstore escapes HTML text only)")
    tmpl._common.compiled.clear()
    return tmpl
