"""MIRACL-format benchmarks, one language at a time: a topics TSV (qid, query), a qrels TSV (qid, Q0,
docid, relevance) and a JSONL corpus (docid, title, text), read through `datasets`; candidates are
passages. The corpus (57.5M passages over MIRACL's languages) is streamed in chunks of CHUNK_ROWS
candidates, never held whole; with `limit`, every judged passage is kept plus the first `limit`
others. A query id, a (query, passage) judgement or a docid repeated in its file is an error naming
the file and both lines; a judged passage that the corpus lacks is handled by
hybridir.fetch.judgements.judged_in_candidates once the corpus is read.
"""

from collections.abc import Iterator, Mapping

import pandas as pd
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.fetch.judgements import LEDGER_COLUMNS, FirstPlaces, RowKeys, judged_in_candidates
from hybridir.fetch.shapes import CANDIDATE_COLUMNS, CHUNK_ROWS, QRELS_COLUMNS, QUERY_COLUMNS
from hybridir.fetch.values import TextFields
from hybridir.locations import fill_template
from hybridir.sources import stream_columns, stream_rows


def _relevance(row: Mapping[str, str], path: str, line: int) -> int:
    try:
        return int(row["relevance"])
    except ValueError:
        raise DataError(
            f"{path}: line {line}: query {row['qid']}: relevance {row['relevance']!r} is not an integer"
        ) from None


class MiraclLanguage:
    """One language of a MIRACL-format benchmark: its queries and judgements read at once, its corpus
    as `passages()` chunks; `judgements()`, once the corpus is read, gives the qrels and ledger."""

    def __init__(
        self, source: Mapping[str, str], lang: str, split: str, limit: int | None, missing_judged: str = "error",
        key: str = "benchmarks[]",
    ):  # fmt: skip
        self.lang, self.limit, self.missing_judged, self.key = lang, limit, missing_judged, key
        self.paths = {
            kind: fill_template(source[kind], f"{key}.source.{kind}", lang=lang, split=split)
            for kind in ("topics", "qrels", "corpus")
        }
        self.queries = self._queries()
        self.judged = self._judged()
        self.result: tuple[pd.DataFrame, pd.DataFrame] | None = None

    def _queries(self) -> pd.DataFrame:
        path, rows = self.paths["topics"], []
        seen = FirstPlaces(path, "query id")
        for number, row in enumerate(stream_columns(path, "qid", "query")):
            seen.add(row["qid"], f"line {number + 1}")
            qid = f"{self.lang}/{row['qid']}"
            rows.append((qid, qid, self.lang, row["query"].strip(), None))
        return pd.DataFrame(rows, columns=QUERY_COLUMNS)

    def _judged(self) -> pd.DataFrame:
        """Every qrels line as a ledger row with its relevance."""
        path, rows = self.paths["qrels"], []
        seen = FirstPlaces(path, "judgement (query, docid)")
        for number, row in enumerate(stream_columns(path, "qid", "q0", "docid", "relevance")):
            seen.add((row["qid"], row["docid"]), f"line {number + 1}")
            relevance = _relevance(row, path, number + 1)
            rows.append((f"{self.lang}/{row['qid']}", f"{self.lang}/{row['docid']}", relevance, number))
        frame = pd.DataFrame(rows, columns=["question_id", "candidate_id", "relevance", "source_row"])
        return frame.assign(benchmark=None, lang=self.lang, source=path)

    def passages(self) -> Iterator[pd.DataFrame]:
        """The corpus passages as candidate chunks, in corpus order (see the module docstring)."""
        corpus, lang = self.paths["corpus"], self.lang
        docids = {candidate.removeprefix(f"{lang}/") for candidate in self.judged["candidate_id"]}
        missing, others, rows, numbers = set(docids), 0, [], []
        keys, texts = RowKeys(), TextFields(f"{self.key}.source.corpus")
        for number, doc in enumerate(tqdm(stream_rows(corpus), desc=f"fetch miracl {lang} corpus", unit=" passages")):
            docid = str(doc["docid"])
            if docid in missing:
                missing.discard(docid)
            elif self.limit is not None and others >= self.limit:
                if not missing:
                    break
                continue
            else:
                others += 1
            text = texts.text(doc.get("text"), f"{corpus}: row {number}", "text") or ""
            title = texts.text(doc.get("title"), f"{corpus}: row {number}", "title")
            rows.append((f"{lang}/{docid}", lang, docid.split("#")[0], 0, text, title, None))
            numbers.append(number)
            if len(rows) == CHUNK_ROWS:
                yield self._chunk(rows, numbers, keys)
                rows, numbers = [], []
        if rows:
            yield self._chunk(rows, numbers, keys)
        self._check_repeated(keys)
        present = {f"{lang}/{docid}" for docid in docids - missing}
        self.result = judged_in_candidates(self.judged, present, self.missing_judged, self.key, corpus)

    def _chunk(self, rows: list[tuple], numbers: list[int], keys: RowKeys) -> pd.DataFrame:
        keys.add(numbers, [row[0] for row in rows])
        return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)

    def _check_repeated(self, keys: RowKeys) -> None:
        """A docid kept twice is an error naming both rows (hash matches confirmed on a second read)."""
        pairs = list(keys.repeated())
        if not pairs:
            return
        wanted = {row for pair in pairs for row in pair}
        docids = {}
        for number, doc in enumerate(stream_rows(self.paths["corpus"])):
            if number in wanted:
                docids[number] = str(doc["docid"])
            if number >= max(wanted):
                break
        for first, later in pairs:
            if docids[first] == docids[later]:
                raise DataError(
                    f"{self.paths['corpus']}: docid {docids[first]!r} at row {later} repeats the one at row {first}"
                )

    def judgements(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The `qrels` table of the judged passages found in the corpus, and the ledger of every qrels
        line; only once `passages()` has been read to its end."""
        if self.result is None:
            raise RuntimeError("judgements() before the corpus was read")
        kept, ledger = self.result
        return kept[QRELS_COLUMNS].reset_index(drop=True), ledger[LEDGER_COLUMNS]
