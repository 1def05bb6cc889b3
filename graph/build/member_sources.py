"""The sources of the member evidence (`network-member-sources.csv`) as `gg:Source` descriptions.

Each row names a source by id, URL and a short German description such as
"„Kurzporträt“; Netzwerk Innenstadt NRW; undatiert (nach 2020)." — title,
publisher and date, as far as the stored copy shows them, separated by
semicolons. The description is kept verbatim (dcterms:description); title,
publisher and date are read from it only where it gives them plainly, so a
vague date ("ca. 2017/18", "undatiert (nach 2020)") stays a text and never
becomes a precise one.

>>> source = describe_source(SourceRecord("I14", "https://example.org/tagung", "„Tagung des Netzwerks Innenstadt NRW“; Stadt Mülheim an der Ruhr; 22.05.2023."))
>>> source.title, source.publisher, source.date
('Tagung des Netzwerks Innenstadt NRW', 'Stadt Mülheim an der Ruhr', '2023-05-22')
>>> describe_source(SourceRecord("Z04", "https://example.org/nrw", "BAG Soziale Stadtentwicklung; ca. 2017/18.")).date is None
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from graph.errors import BuildError

SOURCES_FILE = "network-member-sources.csv"
MONTHS = {
    "januar": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}
# Remarks in a title that say how the title was found, not what it is.
TITLE_REMARKS = re.compile(r"\s*\((?:Slug|Titel aus URL-Slug)\)")
# A segment that speaks about the date without giving one plainly.
UNDATED = re.compile(r"^(undatiert|Datum nicht angegeben|vor \d|ca\.|©|MV |Mitglieder Stand|\d{4}/\d{2,4}|zwei gespeicherte)", re.I)


@dataclass(frozen=True)
class SourceRecord:
    """One row of network-member-sources.csv."""

    id: str
    url: str
    description: str


@dataclass(frozen=True)
class SourceDescription:
    """What the description says plainly: title (and how it was found), publisher, date."""

    record: SourceRecord
    title: str
    title_from: str  # "description", "url" or "text"
    publisher: str | None
    date: str | None  # xsd:date, xsd:gYearMonth or xsd:gYear lexical form

    @property
    def local_name(self) -> str:
        """The source's IRI below `<base>/id/source/` and the name of its named graph."""
        return self.record.id.lower()


def read_source_records(directory: Path) -> dict[str, SourceRecord]:
    """id -> record; a missing file or a repeated id is a BuildError."""
    path = Path(directory) / SOURCES_FILE
    if not path.is_file():
        raise BuildError(f"member sources not found: {path} (set GOVGRAPH_MEMBER_SOURCES, see README)")
    records: dict[str, SourceRecord] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            record = SourceRecord(row["id"].strip(), row["url"].strip(), row["description"].strip())
            if not record.id or not record.url:
                raise BuildError(f"{path}:{line}: a source needs an id and a URL")
            if record.id in records:
                raise BuildError(f"{path}:{line}: source id {record.id} appears twice")
            records[record.id] = record
    return records


def split_segments(description: str) -> list[str]:
    """The description's parts, split at semicolons outside parentheses."""
    segments, depth, current = [], 0, ""
    for character in description.strip().rstrip("."):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == ";" and depth == 0:
            segments.append(current.strip())
            current = ""
        else:
            current += character
    segments.append(current.strip())
    return [segment for segment in segments if segment]


def parse_date(segment: str) -> str | None:
    """A date the segment gives plainly, at its precision; None for anything vaguer.

    >>> [parse_date(text) for text in ("13.12.2023", "11. Juni 2015", "2023-06", "Stand April 2013", "2024 (Vorlagennummer)", "ca. 2017/18")]
    ['2023-12-13', '2015-06-11', '2023-06', '2013-04', '2024', None]
    """
    text = re.sub(r"\s*\([^)]*\)$", "", segment.strip()).strip()
    if match := re.fullmatch(r"(?:.* vom )?(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
    if match := re.fullmatch(r"(\d{1,2})\. (\w+) (\d{4})", text):
        if match[2].lower() in MONTHS:
            return f"{match[3]}-{MONTHS[match[2].lower()]:02d}-{int(match[1]):02d}"
    if match := re.fullmatch(r"(?:Stand )?(\w+) (\d{4})", text):
        if match[1].lower() in MONTHS:
            return f"{match[2]}-{MONTHS[match[1].lower()]:02d}"
    if match := re.fullmatch(r"(?:\d+\. Auflage )?(\d{4})(-\d{2})?(-\d{2})?", text):
        return match[0].rsplit(" ", 1)[-1]
    return None


def _is_about_date(segment: str) -> bool:
    return parse_date(segment) is not None or bool(UNDATED.match(segment))


def _title_from_url(url: str) -> str | None:
    """A readable title from the page's last path segment, if it has words (not "index.php" or "98")."""
    last = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    # Words only: no numbers, article ids ("aid-91319609", "id10817383") or file extensions.
    words = [word for word in re.split(r"[-_]+", re.sub(r"\.\w+$", "", last)) if word and word != "aid" and not re.search(r"\d", word)]
    if len(words) < 4:
        return None
    text = " ".join(words)
    return text[0].upper() + text[1:]


def describe_source(record: SourceRecord) -> SourceDescription:
    """Read title, publisher and date from a source's description."""
    segments = split_segments(record.description)
    date = next((parse_date(segment) for segment in segments if parse_date(segment)), None)
    publisher_in_text = re.search(r"Hrsg\. ([^,;)]+)", record.description)
    if date is None and (imprint_year := re.search(r"\(Hrsg\.[^)]*?\b(\d{4})\b", record.description)):
        date = imprint_year[1]  # "(Hrsg. Forum …, Dortmund 2003, ISBN …)": the year of publication
    others = [segment for segment in segments if not _is_about_date(segment)]
    titled = [segment for segment in others if "„" in segment]
    title = publisher = None
    if titled:
        title = titled[0]
        rest = [segment for segment in others if segment is not titled[0]]
        publisher = rest[0] if rest else None
    elif len(others) >= 2:
        title, publisher = others[0], others[1]
    elif others:
        publisher = others[0]
    if publisher_in_text and (publisher is None or publisher.startswith("Hrsg.")):
        publisher = publisher_in_text[1].strip()
    if publisher and publisher.startswith("Hrsg. "):
        publisher = publisher.removeprefix("Hrsg. ")
    if title is not None:
        title_from = "description"
        title = re.sub(r"\s*\(Hrsg\..*\)$", "", TITLE_REMARKS.sub("", title)).replace("„", "").replace("“", "").strip()
        if TITLE_REMARKS.search(record.description):
            title_from = "url"
    elif url_title := _title_from_url(record.url):
        title, title_from = url_title, "url"
    else:
        title, title_from = (publisher or record.description).strip(), "text"
    return SourceDescription(record, title, title_from, publisher, date)
