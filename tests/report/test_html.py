"""The report's HTML: escaped user text, links that resolve, and the shared chart."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest
from report_helpers import GENERATED_ON, normalise

from assessor.checklist import Theme
from assessor.report.chart import theme_chart_svg
from assessor.report.content import Anchors
from assessor.report.html import render_html


@pytest.fixture(scope="module")
def html(analysis, answers_file) -> str:
    return render_html(analysis, answers_file, generated_on=GENERATED_ON)


def test_user_text_is_escaped(html):
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="file:' not in html
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=&#34;http://evil.example/pixel.png&#34;&gt;" in html
    assert "Libraries review &lt;2026&gt; &amp; beyond" in html


def test_no_external_resources(html):
    assert not re.search(r'(src|href)="(?!#)', html)
    assert "url(" not in html


def test_ids_are_unique_and_every_link_resolves(html):
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets
    assert targets <= set(ids), targets - set(ids)


def test_commitments_annex_holds_only_cited_provisions(html):
    assert "Libraries shall be open at times" in html
    assert "Libraries shall keep their buildings in good repair" not in html
    assert "1 further provision that no recommendation cites" in normalise(html)


def test_the_brief_is_its_own_document_with_the_same_facts(analysis, answers_file, html):
    ngo = render_html(analysis, answers_file, audience="ngo", generated_on=GENERATED_ON)
    assert "Advocacy brief" in ngo and "Advocacy brief" not in html
    assert "Key asks" in ngo and "Key asks" not in html
    assert "Status matrix" in ngo and "Status matrix" not in html
    assert "Top priority gaps" in html and "Top priority gaps" not in ngo
    for result in analysis.criteria:  # every criterion's text: in the theme chapter; its code
        assert result.criterion.text in html  # and level: in the brief's status matrix
        assert f'id="{Anchors.crit(result.criterion)}"' in ngo
    for gap in analysis.top_gaps:  # the brief's findings name what is not in place
        if gap.level == "not_in_place":
            assert gap.criterion.text.rstrip(".") in ngo


def test_unknown_audience(analysis, answers_file):
    with pytest.raises(ValueError, match="unknown audience"):
        render_html(analysis, answers_file, audience="press", generated_on=GENERATED_ON)


def test_chart_is_accessible_and_escaped(analysis):
    hostile = Theme(id="x", title='<b onload="x">Bold & brave</b>', recommendations=())
    themes = (replace(analysis.themes[0], theme=hostile), *analysis.themes[1:])
    svg = str(theme_chart_svg(replace(analysis, themes=themes), element_id="c1"))
    assert svg.startswith("<svg")
    assert 'role="img"' in svg and 'aria-labelledby="c1-title"' in svg
    assert '<title id="c1-title">' in svg
    assert "<b " not in svg
    assert "&lt;b onload=&#34;x&#34;&gt;Bold &amp; brave&lt;/b&gt;" in svg
    assert f"Overall: {analysis.overall:.1f}" in svg
