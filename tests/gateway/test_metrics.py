"""The metrics' label sets stay bounded whatever the clients send."""

from __future__ import annotations

from gateway.metrics import _OperationLabels, operation_label


def test_operation_names_past_the_limit_are_counted_as_other() -> None:
    labels = _OperationLabels(limit=2)
    assert labels.label(["First"], validated=True) == "First"
    assert labels.label(["Second"], validated=True) == "Second"
    assert labels.label(["Third"], validated=True) == "other"
    assert labels.label(["First"], validated=True) == "First"


def test_unvalidated_unnamed_and_batched_operations_have_labels_of_their_own() -> None:
    labels = _OperationLabels(limit=0)
    assert labels.label(["Anything"], validated=False) == "invalid"
    assert labels.label(["anonymous"], validated=True) == "anonymous"
    assert labels.label(["A", "B"], validated=True) == "batch"


def test_an_operation_name_that_is_not_a_graphql_name_is_not_repeated() -> None:
    assert operation_label(None) == "anonymous"
    assert operation_label("CompanySheet") == "CompanySheet"
    assert operation_label("siret 84215637400014\n") == "other"
