"""Pyvis networks written as self-contained pages: vis-network's JavaScript and CSS read from the
installed pyvis package and inlined into kjgraph's template with the view's data as JSON; a
Content-Security-Policy forbids any request (:func:`write_network`).

>>> from kjgraph.render.network import new_network
>>> net = new_network(); net.add_node("a", label="Nara")
>>> "Nara" in network_html(net)
True
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kjgraph.i18n import messages
from kjgraph.labels import LANGUAGES, check_language
from kjgraph.namespaces import BASE
from kjgraph.render.model import RenderError

if TYPE_CHECKING:
    from pyvis.network import Network

def _asset(name: str) -> str:
    return (Path(str(files("kjgraph"))) / "templates" / name).read_text(encoding="utf-8")


def _vis_asset(name: str) -> str:
    try:
        root = Path(str(files("pyvis")))
    except ModuleNotFoundError as exc:
        raise RenderError("rendering needs the pyvis package (pip install pyvis)") from exc
    return (root / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>``, ``&`` and ``'`` are escaped, so
    data can neither close the element (``</script>``) nor open a comment (``<!--``). Jinja's
    ``tojson`` escaping, compact and with the text unescaped otherwise.

    >>> safe_json({"label": "</script><!--"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    from jinja2.utils import htmlsafe_json_dumps

    return str(htmlsafe_json_dumps(value, ensure_ascii=False, separators=(",", ":")))


#: Message ids the page's script and template use: ``t("…")`` calls and ``data-i18n="…"``.
_MESSAGE_ID = re.compile(r'\bt\("((?:[^"\\]|\\.)*)"|data-i18n="([^"]*)"')


def page_messages(net: Network) -> dict[str, dict[str, str]]:
    """The interface texts a page needs, in every language (:func:`kjgraph.i18n.messages`)."""
    meta = getattr(net, "kjgraph", {})
    ids = {a or b for text in (_asset("render.js"), _asset("render.html.j2")) for a, b in _MESSAGE_ID.findall(text)}
    ids |= {g["name"] for g in meta.get("groups", {}).values()}
    ids |= set(meta.get("relations", {}).values()) | set(meta.get("messages", ()))
    return messages(i.encode().decode("unicode_escape") if "\\" in i else i for i in ids)


def network_data(net: Network, lang: str | None = None) -> dict[str, Any]:
    """The JSON a page is built from (``window.kjgraph.data`` in the page): kjgraph's ``meta``,
    vis-network's ``nodes``, ``edges`` and ``options`` as pyvis holds them, and the interface
    ``messages`` in every language."""
    meta = dict(getattr(net, "kjgraph", {}) or {})
    meta.setdefault("view", "graph")
    meta["lang"] = check_language(lang or meta.get("lang") or "en")
    meta.setdefault("languages", list(LANGUAGES))
    meta.setdefault("titles", dict.fromkeys(LANGUAGES, net.heading or "kjgraph"))
    meta.setdefault("groups", {})
    meta.setdefault("relations", {})
    meta.setdefault("sources", {})
    meta.setdefault("idBase", BASE)
    options = json.loads(net.get_network_data()[5])
    meta["physics"] = bool(options.get("physics", {}).get("enabled", True))
    meta.setdefault("edgeLabels", True)
    edges = []
    for i, e in enumerate(net.edges):
        item = dict(e)
        item.setdefault("id", f"e{i}")
        edges.append(item)
    return {"meta": meta, "nodes": [dict(n) for n in net.nodes], "edges": edges, "options": options,
            "messages": page_messages(net)}


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def network_html(net: Network, lang: str | None = None) -> str:
    """The self-contained page of a pyvis network (no request leaves the page)."""
    from jinja2 import Environment

    from kjgraph.i18n import translations

    vis_js, app_js = _vis_asset("vis-network.min.js"), _asset("render.js")
    for name, script in (("vis-network.min.js", vis_js), ("render.js", app_js)):
        if re.search(r"</script|<!--", script, re.IGNORECASE):
            raise RenderError(f"{name} cannot be inlined: it contains '</script' or '<!--'")
    data = network_data(net, lang)
    lang = data["meta"]["lang"]
    env = Environment(autoescape=True, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    template = env.from_string(_asset("render.html.j2"))
    titles = data["meta"]["titles"]
    return template.render(title=titles.get(lang) or titles.get("en") or "kjgraph", lang=lang,
                           data_json=safe_json(data), vis_js=vis_js, app_js=app_js,
                           vis_css=_vis_asset("vis-network.css"), app_css=_asset("render.css"),
                           script_hashes=f"{_csp_hash(vis_js)} {_csp_hash(app_js)}")


def write_network(net: Network, out: Path | str, lang: str | None = None) -> Path:
    """Write ``net`` (a pyvis network, kjgraph's or your own) as a self-contained page to ``out``.

    >>> import tempfile, pathlib
    >>> from kjgraph.render.network import new_network
    >>> net = new_network(); net.add_node("a", label="Nara"); net.add_node("b", label="Seoul")
    >>> net.add_edge("a", "b")
    >>> write_network(net, pathlib.Path(tempfile.mkdtemp()) / "n.html").suffix
    '.html'
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(network_html(net, lang), encoding="utf-8")
    return out

