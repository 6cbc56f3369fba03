"""Stance and sentiment toward Russia's foreign policy and the war in Ukraine.

The package holds every piece of logic the notebooks use, once: text normalisation and quote
extraction (:mod:`stance.text`), the dataset (:mod:`stance.data`, with its schema in
:mod:`stance.schema`, splits in :mod:`stance.splits`, summaries in :mod:`stance.describe` and
card in :mod:`stance.dataset_card`), the models (:mod:`stance.models`), their evaluation
(:mod:`stance.evaluate`), figures (:mod:`stance.plots`) and the command line (:mod:`stance.cli`).
"""

__version__ = "0.1.0"
