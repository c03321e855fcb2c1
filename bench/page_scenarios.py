"""The page scenarios: the floor F1 with the dashboard (S1), the case page (S2) and the journal
list (S3) measured together, and T3, counselor A's pages against the latest run on size S."""

from __future__ import annotations

import json
import re

from bench.bench_core import BenchBase
from bench.client import Visitor, parse
from bench.measure import Job, Row
from bench.report import latest_name
from bench.server import RESULTS


class PagesPart(BenchBase):
    """F1, S1, S2, S3 and T3."""

    # -- pages: F1, S1, S2, S3 measured together -----------------------------------------

    def pages(self) -> None:
        """F1 and every page scenario, interleaved; then their rows."""
        a = self.visitor(self.t.counselor_a)
        jobs: dict[str, Job] = {"F1": self.page_job(a, self.t.floor)}
        jobs["S1"] = self.page_job(a, self.t.dashboard)
        if self.t.counselor_big:
            jobs["S1-150"] = self.page_job(self.visitor(self.t.counselor_big), self.t.dashboard)
        if self.t.case_page:
            jobs["S2"] = self.page_job(a, self.t.case_page)
        depth = 0
        if self.t.journal_list:
            c = self.visitor(self.t.journal_client)
            jobs["S3-first"] = self.page_job(c, self.t.journal_list)
            deep_path, depth = self._deepest(c, self.t.journal_list)
            if depth:
                jobs["S3-deep"] = self.page_job(c, deep_path)
                self.extra["s3_deep_path"] = deep_path
        self.together(jobs, self.args.requests)
        self._page_rows(depth)

    def _page_rows(self, depth: int) -> None:
        m, f1 = self.m, self.m["F1"]
        self.rows.append(
            Row(
                "F1 floor page (1 PK query)",
                f1.p50,
                f1.p95,
                "1.0×F1",
                f1.queries_text,
                "floor",
                "-",
                "queries include the login-session lookup",
            )
        )
        s1 = m["S1"]
        ratio = s1.p95 / f1.p95
        q = s1.query_count
        self.rows.append(
            Row(
                "S1 dashboard, 40 clients",
                s1.p50,
                s1.p95,
                f"{ratio:.1f}×F1 p95",
                s1.queries_text,
                "T1 ≤8 q; T2 p95 ≤10×F1",
                "pass" if ratio <= 10 and q is not None and q <= 8 else "FAIL",
            )
        )
        if "S1-150" in m:
            big = m["S1-150"]
            ratio = big.p50 / s1.p50
            same = big.query_count == s1.query_count
            self.rows.append(
                Row(
                    "S1 dashboard, 150 clients",
                    big.p50,
                    big.p95,
                    f"{ratio:.2f}×S1 p50",
                    big.queries_text,
                    "T1 same q as 40; T4 ≤4×S1",
                    "pass" if ratio <= 4 and same else "FAIL",
                )
            )
        else:
            self.rows.append(
                Row("S1 dashboard, 150 clients", target="T4 ≤4×S1", note="only fixture L has one")
            )
        if "S2" in m:
            s2 = m["S2"]
            q = s2.query_count
            self.rows.append(
                Row(
                    "S2 case page",
                    s2.p50,
                    s2.p95,
                    f"{s2.p95 / f1.p95:.1f}×F1 p95",
                    s2.queries_text,
                    "T1 ≤8 q",
                    "pass" if q is not None and q <= 8 else "FAIL",
                )
            )
        else:
            self.rows.append(Row("S2 case page", target="T1 ≤8 q", note="no case page route"))
        if "S3-first" not in m:
            self.rows.append(Row("S3 journal list", target="T3", note="no journal list route"))
            return
        first = m["S3-first"]
        self.rows.append(
            Row(
                "S3 journal list, first page",
                first.p50,
                first.p95,
                f"{first.p95 / f1.p95:.1f}×F1 p95",
                first.queries_text,
            )
        )
        if "S3-deep" not in m:
            self.rows.append(
                Row("S3 journal list, deep page", target="T3 ≤1.5×first", note="no older page link")
            )
            return
        deep = m["S3-deep"]
        ratio = deep.p50 / first.p50
        self.rows.append(
            Row(
                f"S3 journal list, page {depth + 1} (last)",
                deep.p50,
                deep.p95,
                f"{ratio:.2f}×first p50",
                deep.queries_text,
                "T3 ≤1.5×first page",
                "pass" if ratio <= 1.5 else "FAIL",
            )
        )

    def _deepest(self, visitor: Visitor, path: str) -> tuple[str, int]:
        """Follow "older" links of a list to its last page."""
        current, depth = path, 0
        base = path.split("?")[0]
        seen = {path}
        while depth < 200:
            links = [
                link.replace("&amp;", "&")
                for link in parse(self.fetch(visitor, current).text).links
                if link.split("?")[0] == base and PAGING.search(link) and link not in seen
            ]
            # The last paging link on the page is the "older"/"next" one in every layout.
            if not links:
                return current, depth
            current = links[-1]
            seen.add(current)
            depth += 1
        return current, depth

    def t3_across_sizes(self, size: str) -> None:
        """T3: counselor A's pages on this size against the latest run on S."""
        if size == "S":
            return
        latest = RESULTS / latest_name(self.db_kind, "S")
        if not latest.exists():
            self.rows.append(Row(f"T3 counselor A, {size} vs S", note="run size S first"))
            return
        previous = json.loads(latest.read_text())["medians_ms"]
        ratios = {}
        for name in ("S1", "S2", "S3-first"):
            if name in self.m and name in previous:
                ratios[name] = self.m[name].p50 / previous[name]["p50"]
        if not ratios:
            return
        worst = max(ratios, key=ratios.get)
        self.rows.append(
            Row(
                f"T3 counselor A's pages, {size} vs S",
                ratio=f"{ratios[worst]:.2f}×S p50 ({worst})",
                queries="-",
                target="T3 ≤1.5×S" if size == "L" else "T3 (L ≤1.5×S), shown for M",
                result="pass" if ratios[worst] <= 1.5 else "FAIL",
                note=", ".join(f"{k} {v:.2f}" for k, v in ratios.items()),
            )
        )


PAGING = re.compile(r"[?&](after|before|cursor|page)=")
