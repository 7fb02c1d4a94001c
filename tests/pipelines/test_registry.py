import pytest
from sklearn.base import clone, is_classifier
from sklearn.pipeline import Pipeline

from kagglekit import list_pipelines, make_pipeline
from kagglekit.errors import KagglekitError
from kagglekit.pipelines import get_spec

NAMES = ["titanic-dnn", "titanic-logreg", "titanic-rf", "titanic-hgb"]


def test_registry_lists_titanic_pipelines_with_descriptions():
    specs = {s.name: s for s in list_pipelines()}
    assert set(NAMES) <= set(specs)
    for spec in specs.values():
        assert spec.description and "\n" not in spec.description
        if spec.task.dataset == "titanic":
            assert spec.task.target == "Survived" and spec.task.id_column == "PassengerId"


@pytest.mark.parametrize("name", NAMES)
def test_factories_return_unfitted_cloneable_classifier_pipelines(name):
    pipe = make_pipeline(name)
    assert isinstance(pipe, Pipeline) and is_classifier(pipe)
    assert [s for s, _ in pipe.steps] == ["input", "features", "model"]
    clone(pipe)
    assert not hasattr(pipe.steps[-1][1], "classes_")


def test_unknown_name_suggests_the_closest():
    with pytest.raises(KagglekitError, match="did you mean 'titanic-dnn'"):
        get_spec("titanic-dn")


def test_params_full_names_and_scikeras_style():
    pipe = make_pipeline("titanic-dnn", epochs=3, model__hidden=(4,),
                         optimizer__learning_rate=0.01, model__batch_size=16)
    net = pipe.named_steps["model"]
    assert net.epochs == 3 and net.model__hidden == (4,) and net.batch_size == 16
    assert net.optimizer__learning_rate == 0.01
    assert make_pipeline("titanic-logreg", model__C=0.5).named_steps["model"].C == 0.5


def test_typo_in_param_gets_a_suggestion():
    with pytest.raises(KagglekitError, match="did you mean 'model__hidden'"):
        make_pipeline("titanic-dnn", model__hiden=(4,))
    with pytest.raises(KagglekitError, match="unknown parameter"):
        make_pipeline("titanic-logreg", nonsense=1)


def test_list_order_does_not_depend_on_which_module_was_imported_first():
    code = ("import kagglekit.pipelines.regression, kagglekit.pipelines.car\n"
            "from kagglekit.pipelines import list_pipelines\n"
            "print([s.name for s in list_pipelines()][:2])")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120).stdout
    assert out.strip() == "['titanic-dnn', 'titanic-logreg']"
