"""The recommender's own data: each entry's analysed terms (the index) and the coordinators' synonym groups.

The index rows are derived data: `matching.recommender.index.entry_index` rewrites one row whenever its
entry changes, and a worker keeps them in memory as a sparse matrix (see that module).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clusternet.core.models import TimeStampedModel
from matching.models.entries import Need, Seed, TechField


class EntryIndex(models.Model):
    # Field-weighted term frequencies by feature ("w:剥離", "y:b12", "k:剥", "g:剥離").
    terms = models.JSONField(default=dict)
    # The words as written in the entry, by feature, for the reasons shown to users.
    surfaces = models.JSONField(default=dict)
    # The normalised content words, so a synonym change finds the entries it affects.
    words = models.JSONField(default=list)
    # Active and visible to all members: only such entries count in document frequencies.
    public = models.BooleanField(default=False)
    active = models.BooleanField(default=False)
    field = models.CharField(max_length=32, choices=TechField.choices)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class SeedIndex(EntryIndex):
    seed = models.OneToOneField(Seed, on_delete=models.CASCADE, primary_key=True, related_name="index")

    def __str__(self) -> str:
        return f"seed {self.pk}"


class NeedIndex(EntryIndex):
    need = models.OneToOneField(Need, on_delete=models.CASCADE, primary_key=True, related_name="index")

    def __str__(self) -> str:
        return f"need {self.pk}"


class SynonymGroup(TimeStampedModel):
    """Words the coordinators count as the same thing (e.g. はがす, 剥離); added to the built-in groups."""

    terms = models.JSONField(_("words"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["pk"]

    def __str__(self) -> str:
        return " / ".join(self.terms)
