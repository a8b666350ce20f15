"""`make train` (scripts/stack.py): a changed component never comes back from Rasa's cache."""
from scripts import stack


def test_changed_component_code_trains_with_a_cache_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(stack, "ROOT", tmp_path)
    (tmp_path / "nlu").mkdir()
    component = tmp_path / "nlu" / "linear_classifier.py"
    component.write_text("C = 10\n")
    first_cache, first_model = stack.training_cache(), stack.training_fingerprint()

    component.write_text("C = 30\n")  # same config and data, other code
    second_cache = stack.training_cache()
    assert second_cache != first_cache
    assert second_cache.parent == tmp_path / ".rasa"
    second_model = stack.training_fingerprint()
    assert second_model != first_model  # and the model is trained again

    # Other data, same code: a new model, but unchanged components still come from the cache.
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    assert stack.training_fingerprint() != second_model
    assert stack.training_cache() == second_cache
