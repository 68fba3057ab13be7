"""The commitments, the other way round: what the State committed to, and where it stands.

The gap analysis goes from recommendations to the commitments behind them. Readers who report
on commitments (an NGO quoting them, a ministry's foreign-affairs colleagues) need the converse:
each commitment document of the checklist, each of its provisions quoted as the checklist holds
it, and for each the criteria that implement it with the level they were answered at.

How a provision maps to criteria
    The checklist links commitments to *recommendations* (``Recommendation.commitment_ids``),
    not to single criteria, so a provision is implemented by every criterion of every
    recommendation that cites it, in checklist order, each criterion once (a recommendation
    citing a provision twice adds nothing). Nothing is inferred beyond those links: a provision
    no recommendation cites has no criteria and is "not measured by this checklist".

What is summarised per provision
    The criteria with their code and level label (and, from scoring, whether *Fully in place*
    is claimed without evidence), grouped by the recommendation they belong to and, within it,
    by level, so a printed annex can name them compactly by code under their recommendation
    while the theme chapters hold their text; and a count per level in :data:`STANDING_ORDER`
    (best first, then the answers that say nothing about the State: *Don't know*, unanswered,
    *Not applicable*), listing only the levels that occur. No score is computed: a provision's
    criteria belong to recommendations of different weights, and a number would suggest a
    precision the links do not have.

Pure: no Flask, no database, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessor.checklist import Commitment, CommitmentDocument, Recommendation
from assessor.levels import FULL, NOT_APPLICABLE, NOT_IN_PLACE, PARTIAL, PLANNED, UNKNOWN, label_of
from assessor.scoring import CriterionResult, GapAnalysis

#: The order in which levels are counted for a provision; ``None`` stands for unanswered.
STANDING_ORDER: tuple[str | None, ...] = (
    FULL.key,
    PARTIAL.key,
    PLANNED.key,
    NOT_IN_PLACE.key,
    UNKNOWN.key,
    None,
    NOT_APPLICABLE.key,
)


@dataclass(frozen=True)
class LevelCount:
    """How many of a provision's criteria stand at one level."""

    level: str | None
    count: int

    @property
    def label(self) -> str:
        """The level's label ("Fully in place", ..., "Unanswered")."""
        return label_of(self.level)


@dataclass(frozen=True)
class LevelGroup:
    """The criteria of one recommendation that stand at one level, in checklist order."""

    level: str | None
    criteria: tuple[CriterionResult, ...]

    @property
    def label(self) -> str:
        """The level's label ("Fully in place", ..., "Unanswered")."""
        return label_of(self.level)


@dataclass(frozen=True)
class RecommendationStanding:
    """A recommendation citing a provision, with its criteria grouped by level."""

    recommendation: Recommendation
    criteria: tuple[CriterionResult, ...]

    @property
    def groups(self) -> tuple[LevelGroup, ...]:
        """The criteria grouped by level, in :data:`STANDING_ORDER`; empty levels left out."""
        return tuple(
            LevelGroup(level, found)
            for level in STANDING_ORDER
            if (found := tuple(r for r in self.criteria if r.level == level))
        )


@dataclass(frozen=True)
class ProvisionStanding:
    """One provision, the recommendations citing it and their criteria as answered."""

    commitment: Commitment
    recommendations: tuple[Recommendation, ...]
    criteria: tuple[CriterionResult, ...]

    @property
    def by_recommendation(self) -> tuple[RecommendationStanding, ...]:
        """The criteria under the recommendation each belongs to, in checklist order."""
        return tuple(
            RecommendationStanding(
                rec, tuple(r for r in self.criteria if r.recommendation.id == rec.id)
            )
            for rec in self.recommendations
        )

    @property
    def measured(self) -> bool:
        """Whether any criterion of the checklist implements this provision."""
        return bool(self.criteria)

    @property
    def counts(self) -> tuple[LevelCount, ...]:
        """The number of criteria at each level that occurs, in :data:`STANDING_ORDER`."""
        found = [result.level for result in self.criteria]
        return tuple(
            LevelCount(level, found.count(level)) for level in STANDING_ORDER if level in found
        )

    @property
    def summary(self) -> str:
        """The counts in words: "2 fully in place, 1 not in place" ("" if not measured)."""
        return ", ".join(f"{c.count} {c.label[0].lower()}{c.label[1:]}" for c in self.counts)


@dataclass(frozen=True)
class DocumentStanding:
    """A commitment document with every one of its provisions, measured or not."""

    document: CommitmentDocument
    provisions: tuple[ProvisionStanding, ...]

    @property
    def measured(self) -> tuple[ProvisionStanding, ...]:
        """The provisions some criterion implements, in document order."""
        return tuple(p for p in self.provisions if p.measured)

    @property
    def unmeasured(self) -> tuple[ProvisionStanding, ...]:
        """The provisions no recommendation of the checklist cites, in document order."""
        return tuple(p for p in self.provisions if not p.measured)


def commitment_standing(analysis: GapAnalysis) -> tuple[DocumentStanding, ...]:
    """Every commitment document of the analysed checklist, in checklist order, each provision
    with the criteria that implement it (through the recommendations citing it) as answered."""
    checklist = analysis.checklist
    by_rec: dict[str, list[CriterionResult]] = {}
    for result in analysis.criteria:
        by_rec.setdefault(result.recommendation.id, []).append(result)
    citing: dict[str, list[Recommendation]] = {}
    for rec in checklist.recommendations:
        for commitment_id in dict.fromkeys(rec.commitment_ids):
            citing.setdefault(commitment_id, []).append(rec)

    def standing(commitment: Commitment) -> ProvisionStanding:
        recs = tuple(citing.get(commitment.id, ()))
        seen: dict[str, CriterionResult] = {}
        for rec in recs:
            for result in by_rec.get(rec.id, ()):
                seen.setdefault(result.criterion.id, result)
        return ProvisionStanding(commitment, recs, tuple(seen.values()))

    return tuple(
        DocumentStanding(doc, tuple(standing(c) for c in doc.provisions))
        for doc in checklist.commitment_documents
    )
