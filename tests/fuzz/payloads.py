"""Hostile values for fuzzing. Every HTML payload carries a per-run marker, so a response
holding the marker unescaped proves the payload was rendered raw."""

import secrets

from hypothesis import strategies as st

TOKEN = secrets.token_hex(4)
# What must never appear in a response as it was sent: escaped, it reads "&lt;script&gt;…".
RAW_MARKERS = [f"<script>x-{TOKEN}", f"<img src=x onerror=x-{TOKEN}", f"<svg onload=x-{TOKEN}"]

HOSTILE = [
    "",
    " ",
    "A" * 10_000,
    "ب" * 3_000,
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "line\r\nSet-Cookie: x=1",
    "\u202egnp.exe",
    "abc\u202edef\u202c",
    "\ufeff\u200b\u200d",
    f"<script>x-{TOKEN}</script>",
    f'"><script>x-{TOKEN}</script>',
    f"'><img src=x onerror=x-{TOKEN}>",
    f"</textarea><svg onload=x-{TOKEN}>",
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
    "' OR '1'='1' --",
    "1; DROP TABLE casemgmt_case; --",
    "%' AND 1=1 --",
    "\\",
    "%00",
    "😀" * 20,
    "👩‍👩‍👧‍👦",
    "2026-02-30",
    "0000-00-00",
    "99999-12-31",
    "-0001-01-01",
    "31/12/2026",
    "-1",
    "0",
    "-9223372036854775809",
    "9223372036854775808",
    "9" * 40,
    "1e309",
    "NaN",
    "-inf",
    "٣",
    "²",
    "１２３",
    "߁߂",
    "../../etc/passwd",
    "http://evil.example/",
    "//evil.example/",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8).map(
        lambda s: f"<script>x-{TOKEN}</script>{s}"
    ),
)
hostile_path_segment = st.sampled_from(
    ["0", "-1", "9" * 30, "٣", "<script>", "a b", "😀", "..", "CS-1900-000000", "'--"]
)


def raw_markers_in(body: str) -> list[str]:
    return [m for m in RAW_MARKERS if m in body]
