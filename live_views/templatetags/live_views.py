"""``{% load live_views %}``: thin tags over the functions of ``live_views.render.markup``."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.utils.safestring import SafeString

from live_views.components.host import render_component
from live_views.connect.csp import page_nonce
from live_views.events import EVENT_NAME_RE
from live_views.render.blocks import TAG_RE, VOID_TAGS, LiveBlockNode
from live_views.render.markup import (
    connect_attributes,
    event_attributes,
    form_attributes,
    script_tags,
)
from live_views.render.stream import LiveStreamNode
from live_views.uploads.store import StoredUpload

register = template.Library()
_DOTTED_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")


@register.simple_tag(takes_context=True)
def live_scripts(context: template.Context) -> SafeString:
    return script_tags(context)


@register.simple_tag(takes_context=True)
def live_connect(context: template.Context) -> SafeString:
    return connect_attributes(context.get("view"), page_nonce(context))


@register.simple_tag(takes_context=True)
def live_form(context: template.Context, form: Any = None) -> SafeString:
    return form_attributes(form if form is not None else context.get("form"))


@register.filter
def live_uploads(field: Any) -> list[StoredUpload]:
    """``{% for f in form.attachments|live_uploads %}``: the files the form's file field has
    uploaded and not submitted, in the order they came, each with ``name``, ``size`` and the
    ``ref`` a ``data-live-upload-cancel`` button sends (docs/howto/uploads.md). Empty over HTTP,
    before the field's first upload validates, and after a refused file (the server forgets
    its selection's other files with it)."""
    name = getattr(field, "html_name", None)
    getlist = getattr(getattr(getattr(field, "form", None), "files", None), "getlist", None)
    if name is None or getlist is None:
        return []
    return [f for f in getlist(name) if isinstance(f, StoredUpload)]


class LiveOnNode(template.Node):
    live_output_only = True  # writes attributes, assigns nothing: pruned from block-only renders

    def __init__(
        self, event: FilterExpression, args: dict[str, FilterExpression], literal: str | None
    ) -> None:
        self.event = event
        self.args = args
        # Once per template, not per render (a list writes the tag in every row): the name the
        # tag wrote in quotes (checked by do_live_on), and each argument as written.
        self.literal = literal
        self.sources = {name: value.token for name, value in args.items()}

    def render(self, context: template.Context) -> str:
        args = {name: value.resolve(context) for name, value in self.args.items()}
        name = self.literal if self.literal is not None else self._event_name(context)
        return event_attributes(name, args, self.sources)

    def _event_name(self, context: template.Context) -> str:
        # A name from a variable: {% live_on increment %} looks one up, and rendered
        # data-live-event="" for a name meant as text, whose click was a bad frame. (Any other
        # value renders escaped: a name the view lacks is an unknown_event when clicked.)
        value = self.event.resolve(context)
        name = "" if value is None else str(value)
        if not name:
            source = self.event.token
            hint = (
                f' To name the event {source!r}, quote it: {{% live_on "{source}" %}}.'
                if EVENT_NAME_RE.fullmatch(source)
                else ""
            )
            raise template.TemplateSyntaxError(
                f"{{% live_on {source} %}}: the template variable {source!r} is empty or not "
                f"set here, so there is no event name.{hint}"
            )
        return name


@register.tag("live_on")
def do_live_on(parser: Parser, token: Token) -> LiveOnNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            '{% live_on %} needs an event name, e.g. {% live_on "increment" amount=1 %}.'
        )
    event = parser.compile_filter(bits[1])
    literal = bits[1][1:-1] if bits[1][:1] in "\"'" and bits[1][-1:] == bits[1][:1] else None
    if literal is not None and not EVENT_NAME_RE.fullmatch(literal):
        raise template.TemplateSyntaxError(
            f"{{% live_on %}}: {literal!r} is not a valid event name."
        )
    return LiveOnNode(event, _keyword_args(parser, bits[2:], "live_on"), literal)


class LiveComponentNode(template.Node):
    def __init__(
        self, path: str, ident: FilterExpression, args: dict[str, FilterExpression]
    ) -> None:
        self.path = path
        self.ident = ident
        self.args = args

    def __repr__(self) -> str:
        return f"<LiveComponentNode {self.path!r}>"

    def render(self, context: template.Context) -> str:
        def args() -> dict[str, Any]:
            return {name: value.resolve(context) for name, value in self.args.items()}

        return render_component(context, self.path, str(self.ident.resolve(context)), args)


@register.tag("live_component")
def do_live_component(parser: Parser, token: Token) -> LiveComponentNode:
    bits = token.split_contents()
    usage = '{% live_component "app.components.Class" id="..." [arg=value ...] %}'
    path = bits[1][1:-1] if len(bits) > 1 and bits[1][:1] in "\"'" else ""
    if not path or bits[1][-1:] != bits[1][:1] or not _DOTTED_RE.fullmatch(path):
        raise template.TemplateSyntaxError(
            f"{{% live_component %}} needs the dotted path of a LiveComponent class as a "
            f"quoted string: {usage}"
        )
    args = _keyword_args(parser, bits[2:], "live_component")
    ident = args.pop("id", None)
    if ident is None:
        raise template.TemplateSyntaxError(
            f"{{% live_component {path!r} %}} needs an id, unique for that class on a page: {usage}"
        )
    return LiveComponentNode(path, ident, args)


@register.tag("liveblock")
def do_liveblock(parser: Parser, token: Token) -> LiveBlockNode:
    bits = token.split_contents()
    usage = '{% liveblock NAME [key=EXPR] [tag="div"] [class="..."] [remove="..."] %}'
    if len(bits) < 2 or "=" in bits[1]:
        raise template.TemplateSyntaxError(f"{{% liveblock %}} needs a name: {usage}")
    if not EVENT_NAME_RE.fullmatch(bits[1]):
        bare = bits[1].strip("\"'")
        example = bare if EVENT_NAME_RE.fullmatch(bare) else "counter"
        raise template.TemplateSyntaxError(
            f"{{% liveblock {bits[1]} %}}: a liveblock's name is a bare word, not quoted, that "
            "starts with a letter and has only letters, digits and underscores (at most 64), "
            f"e.g. {{% liveblock {example} %}}. Usage: {usage}"
        )
    name = bits[1]
    options = _keyword_args(parser, bits[2:], "liveblock")
    unknown = sorted(set(options) - {"key", "tag", "class", "remove"})
    if unknown:
        raise template.TemplateSyntaxError(
            f"{{% liveblock {name} %}}: unknown option {unknown[0]!r}; usage: {usage}"
        )
    tag = "div"
    if "tag" in options:
        expression = options["tag"]
        literal = not expression.is_var and not expression.filters
        tag_value = expression.resolve({}) if literal else None
        if (
            not isinstance(tag_value, str)
            or not TAG_RE.fullmatch(tag_value)
            or tag_value in VOID_TAGS
        ):
            raise template.TemplateSyntaxError(
                f"{{% liveblock {name} %}}: tag must be the literal name of an HTML element "
                'that holds content, like "tr" or "li".'
            )
        tag = tag_value
    nodelist = parser.parse(("endliveblock",))
    parser.delete_first_token()
    return LiveBlockNode(
        name, nodelist, options.get("key"), tag, options.get("class"), options.get("remove")
    )


@register.tag("live_stream")
def do_live_stream(parser: Parser, token: Token) -> LiveStreamNode:
    bits = token.split_contents()
    usage = '{% live_stream NAME as ITEM [tag="div"] [item_tag="div"] [class="..."] %}'
    if len(bits) < 4 or not EVENT_NAME_RE.fullmatch(bits[1]) or bits[2] != "as":
        raise template.TemplateSyntaxError(
            f"{{% live_stream %}} needs a name and a variable: {usage}"
        )
    name, var = bits[1], bits[3]
    if not var.isidentifier():
        raise template.TemplateSyntaxError(f"{{% live_stream {name} %}}: {var!r} is not a name.")
    options = _keyword_args(parser, bits[4:], "live_stream")
    unknown = sorted(set(options) - {"tag", "item_tag", "class"})
    if unknown:
        raise template.TemplateSyntaxError(
            f"{{% live_stream {name} %}}: unknown option {unknown[0]!r}; usage: {usage}"
        )
    tags = {
        option: _literal_tag(options, option, f"live_stream {name}") or "div"
        for option in ("tag", "item_tag")
    }
    nodelist = parser.parse(("endlive_stream",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(LiveBlockNode):
        raise template.TemplateSyntaxError(
            f"{{% live_stream {name} %}}: an item cannot hold a {{% liveblock %}}; "
            "update an item with self.live_stream_insert()."
        )
    return LiveStreamNode(name, var, nodelist, tags["tag"], tags["item_tag"], options.get("class"))


def _literal_tag(options: dict[str, Any], option: str, where: str) -> str | None:
    if option not in options:
        return None
    expression = options[option]
    literal = not expression.is_var and not expression.filters
    value = expression.resolve({}) if literal else None
    if not isinstance(value, str) or not TAG_RE.fullmatch(value) or value in VOID_TAGS:
        raise template.TemplateSyntaxError(
            f"{{% {where} %}}: {option} must be the literal name of an HTML element "
            'that holds content, like "tr" or "li".'
        )
    return value


def _keyword_args(parser: Parser, bits: list[str], tag: str) -> dict[str, Any]:
    args: dict[str, FilterExpression] = {}
    for bit in bits:
        name, sep, value = bit.partition("=")
        if not sep or not name.isidentifier():
            raise template.TemplateSyntaxError(f"{{% {tag} %}}: expected name=value, got {bit!r}.")
        args[name] = parser.compile_filter(value)
    return args
