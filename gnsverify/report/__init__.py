"""Everything gnsverify writes: formatting (:mod:`~gnsverify.report.format`), the
campaign report (:mod:`~gnsverify.report.campaign`), the files of one run
(:mod:`~gnsverify.report.run`), of a falsification search
(:mod:`~gnsverify.report.check`), of an exploration (:mod:`~gnsverify.report.explore`),
the class and rate listings (:mod:`~gnsverify.report.listing`), what each PASS is
worth (:mod:`~gnsverify.report.worth`), what the checker is shown to catch
(:mod:`~gnsverify.report.selftest`) and which code paths the runs took
(:mod:`~gnsverify.report.paths`). The names below
are the ones the rest of the package and users call."""
from gnsverify.report.format import (dumps, fmt, jsonable, markdown_table, slug, text_table,
                                     write_csv)
from gnsverify.report import instance_constants, paths, selftest, tightness, worth
from gnsverify.report.campaign import (DISPLAY_COLUMNS, RATE_COLUMNS, RECORD_KEYS, case_name,
                                       claim_section, counts, counts_text, overall, phase_finding,
                                       phase_section, rate_rows, rate_table, records,
                                       report_markdown, summary_table, theory_not_shown_note,
                                       write_campaign, write_rates, write_records)

__all__ = ["instance_constants", "paths", "selftest", "tightness", "worth", "dumps", "fmt", "jsonable", "markdown_table", "slug", "text_table", "write_csv",
           "DISPLAY_COLUMNS", "RATE_COLUMNS", "RECORD_KEYS", "case_name", "claim_section",
           "counts", "counts_text", "overall", "phase_finding", "phase_section", "rate_rows", "rate_table",
           "records", "report_markdown", "summary_table", "theory_not_shown_note",
           "write_campaign", "write_rates", "write_records"]
