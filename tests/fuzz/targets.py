"""What to fuzz, found rather than listed: every named URL pattern of the app (from the
resolver), real values for its path parameters (from the links and forms of the pages a
signed-in user reaches), and the fields of every form those pages render."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Namespaces that are not the app's pages (the admin has its own tests and permissions).
SKIPPED_NAMESPACES = {"admin"}
# Sending these would end the fuzzing user's session, not test input handling.
SESSION_ENDING = {"logout", "login"}


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    converters: tuple[tuple[str, str], ...]  # (parameter, converter class name)


def app_patterns(patterns=None, prefix="") -> list[Pattern]:
    found = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.namespace in SKIPPED_NAMESPACES:
                continue
            found += app_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            converters = getattr(p.pattern, "converters", {})
            found.append(
                Pattern(
                    p.name,
                    prefix + str(p.pattern),
                    tuple((k, type(v).__name__) for k, v in converters.items()),
                )
            )
    return sorted(found, key=lambda p: p.name)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> known good values


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("action") or "", (a.get("method") or "get").lower()))
        elif not self.forms or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "reset", "image"):
            self.forms[-1].fields.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag in ("textarea", "select"):
            self.forms[-1].fields.setdefault(a["name"], [])
            self._select = a["name"] if tag == "select" else None
        if tag == "option" and self._select and a.get("value"):
            self.forms[-1].fields[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def parse_page(body: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(body)
    return parser


def local_path(url: str, base: str) -> str | None:
    parts = urlsplit(urljoin(base, url))
    if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Discovered:
    """Per URL name: the path arguments seen in links, the GET parameter names seen in links
    and GET forms, and the forms found on its pages (with the page they came from)."""

    kwargs: dict[str, list[dict]] = field(default_factory=dict)
    get_params: dict[str, set[str]] = field(default_factory=dict)
    forms: list[tuple[str, Form]] = field(default_factory=list)


def crawl(client, start: str = "/", limit: int = 60, per_name: int = 3) -> Discovered:
    """Breadth-first over the links a signed-in user sees, one page per distinct path and
    at most ``per_name`` pages of each URL pattern (the forms of one case page are those
    of the next)."""
    found, seen_paths, queue = Discovered(), set(), [start]
    pages_of: dict[tuple[str, str], int] = {}
    seen_forms: set[tuple[str, tuple]] = set()
    while queue and len(seen_paths) < limit:
        url = queue.pop(0)
        path = _page_key(url)
        if path in seen_paths:
            continue
        try:
            match = resolve(path.partition("?")[0])
        except Resolver404:
            continue
        if match.url_name in SESSION_ENDING or match.namespace in SKIPPED_NAMESPACES:
            continue
        kind = (match.url_name, path.partition("?")[2])
        if pages_of.get(kind, 0) >= per_name:
            continue
        pages_of[kind] = pages_of.get(kind, 0) + 1
        seen_paths.add(path)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = parse_page(response.content.decode())
        for link in page.links:
            _note(found, link, url, queue)
        for form in page.forms:
            target = local_path(form.action or url, url)
            if not target:
                continue
            if form.method == "get":
                _note(found, target + "?" + "&".join(f"{k}=" for k in form.fields), url, queue)
            key = (target.partition("?")[0], tuple(sorted(form.fields)))
            if form.method == "post" and key not in seen_forms:
                seen_forms.add(key)
                found.forms.append((url, Form(target, "post", form.fields)))
    return found


# Parameters that select another part of a page, whose forms and links differ: each value
# is a page of its own (the case page's tabs). Other parameters (filters, sorting) are not.
PAGE_SELECTING_PARAMS = {"tab"}


def _page_key(url: str) -> str:
    """The path, with the parameters that select a part of the page."""
    path, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, True) if k in PAGE_SELECTING_PARAMS]
    return path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(kept)) if kept else "")


def _note(found: Discovered, link: str, base: str, queue: list[str]) -> None:
    url = local_path(link, base)
    if url is None:
        return
    path, _, query = url.partition("?")
    try:
        match = resolve(path)
    except Resolver404:
        return
    if match.namespace in SKIPPED_NAMESPACES:
        return
    name = match.url_name
    if match.kwargs not in found.kwargs.setdefault(name, []):
        found.kwargs[name].append(match.kwargs)
    found.get_params.setdefault(name, set()).update(k for k, _ in parse_qsl(query, True))
    queue.append(url)
