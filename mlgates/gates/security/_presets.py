"""The globals of the allowlist presets: exact ``(module, qualname)`` pairs, never prefixes.

A pair that names nothing in the installed version is harmless (the loader cannot import it),
so the lists carry the names of several library versions (numpy 1.x ``numpy.core`` and 2.x
``numpy._core``, pandas' public and internal paths). Every entry is a class, or a function
that only rebuilds a value from its arguments; none can import, open, run or fetch
anything. scikit-learn's estimator classes come from ``sklearn.utils.all_estimators()`` of the
installed version; the internal classes fitted estimators hold are listed here (collected by
pickling every estimator of scikit-learn 1.9 fitted on small data, and common meta-estimators).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache

__all__ = ["PRESETS", "preset_pairs"]

_PYTHON = {
    "builtins": (
        "bool bytearray bytes complex dict float frozenset int list object range set slice str tuple "
        "Ellipsis NotImplemented"
    ),
    "collections": "OrderedDict defaultdict Counter deque",
    "copyreg": "_reconstructor",
    "_codecs": "encode",
    "datetime": "date datetime time timedelta timezone",
    "decimal": "Decimal",
    "fractions": "Fraction",
    "uuid": "UUID",
}

_NUMPY = {
    "numpy": (
        "dtype ndarray matrix bool_ int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 "
        "float64 longdouble complex64 complex128 str_ bytes_ object_ datetime64 timedelta64 mean median"
    ),
    "numpy.core.multiarray": "_reconstruct scalar",
    "numpy._core.multiarray": "_reconstruct scalar",
    "numpy.core.numeric": "_frombuffer",
    "numpy._core.numeric": "_frombuffer",
    "numpy.ma": "MaskedArray",
    "numpy.ma.core": "MaskedArray _mareconstruct",
    "numpy.matrixlib.defmatrix": "matrix",
    "numpy.random._pickle": "__randomstate_ctor __bit_generator_ctor __generator_ctor",
    "numpy.random.mtrand": "RandomState",
    "numpy.random._generator": "Generator",
    "numpy.random._mt19937": "MT19937",
    "numpy.random._pcg64": "PCG64 PCG64DXSM",
    "numpy.random._philox": "Philox",
    "numpy.random._sfc64": "SFC64",
    "numpy.random.bit_generator": "SeedSequence __pyx_unpickle_SeedSequence",
}

_SCIPY = {
    "scipy.sparse._csr": "csr_matrix csr_array",
    "scipy.sparse._csc": "csc_matrix csc_array",
    "scipy.sparse._coo": "coo_matrix coo_array",
    "scipy.sparse._bsr": "bsr_matrix bsr_array",
    "scipy.sparse._dia": "dia_matrix dia_array",
    "scipy.sparse._dok": "dok_matrix dok_array",
    "scipy.sparse._lil": "lil_matrix lil_array",
    "scipy.sparse.csr": "csr_matrix",
    "scipy.sparse.csc": "csc_matrix",
    "scipy.sparse.coo": "coo_matrix",
    "scipy.interpolate._bsplines": "BSpline",
}

_PANDAS = {
    "pandas": (
        "DataFrame Series Index RangeIndex MultiIndex CategoricalIndex DatetimeIndex TimedeltaIndex "
        "PeriodIndex IntervalIndex Categorical CategoricalDtype DatetimeTZDtype PeriodDtype IntervalDtype "
        "StringDtype BooleanDtype Int8Dtype Int16Dtype Int32Dtype Int64Dtype UInt8Dtype UInt16Dtype "
        "UInt32Dtype UInt64Dtype Float32Dtype Float64Dtype ArrowDtype Timestamp Timedelta Period NA NaT"
    ),
    "pandas.arrays": (
        "ArrowStringArray StringArray DatetimeArray TimedeltaArray PeriodArray IntegerArray FloatingArray "
        "BooleanArray Categorical IntervalArray NumpyExtensionArray SparseArray ArrowExtensionArray"
    ),
    "pandas.core.frame": "DataFrame",
    "pandas.core.series": "Series",
    "pandas.core.indexes.base": "Index _new_Index",
    "pandas.core.indexes.range": "RangeIndex",
    "pandas.core.indexes.multi": "MultiIndex",
    "pandas.core.indexes.category": "CategoricalIndex",
    "pandas.core.indexes.datetimes": "DatetimeIndex _new_DatetimeIndex",
    "pandas.core.indexes.timedeltas": "TimedeltaIndex",
    "pandas.core.indexes.period": "PeriodIndex _new_PeriodIndex",
    "pandas.core.indexes.interval": "IntervalIndex _new_IntervalIndex",
    "pandas.core.internals.managers": "BlockManager SingleBlockManager",
    "pandas.core.internals.blocks": "Block NumpyBlock ExtensionBlock DatetimeLikeBlock new_block",
    "pandas._libs.internals": "_unpickle_block BlockPlacement",
    "pandas._libs.arrays": "__pyx_unpickle_NDArrayBacked",
    "pandas.core.arrays.categorical": "Categorical",
    "pandas.core.arrays.datetimes": "DatetimeArray",
    "pandas.core.arrays.timedeltas": "TimedeltaArray",
    "pandas.core.arrays.integer": "IntegerArray",
    "pandas.core.arrays.floating": "FloatingArray",
    "pandas.core.arrays.boolean": "BooleanArray",
    "pandas.core.arrays.string_": "StringArray StringDtype",
    "pandas.core.arrays.string_arrow": "ArrowStringArray",
    "pandas.core.dtypes.dtypes": "CategoricalDtype DatetimeTZDtype PeriodDtype IntervalDtype",
    "pandas.core.arrays.integer_dtypes": "Int64Dtype",
    "pandas._libs.tslibs.timestamps": "_unpickle_timestamp Timestamp",
    "pandas._libs.tslibs.timedeltas": "_timedelta_unpickle Timedelta",
    "pandas._libs.tslibs.nattype": "_nat_unpickle __nat_unpickle",
    "pandas._libs.tslibs.period": "Period",
    "pandas._libs.missing": "NA",
    "pyarrow.lib": "_restore_array py_buffer type_for_alias",
}

_SKLEARN_INTERNAL = {
    "sklearn._loss._loss": (
        "CyHalfBinomialLoss CyHalfPoissonLoss CyHalfSquaredError CyHalfTweedieLossIdentity CyHalfTweedieLoss "
        "CyHalfGammaLoss CyHalfMultinomialLoss CyAbsoluteError CyPinballLoss CyHuberLoss "
        "CyExponentialLoss"
    ),
    "sklearn._loss.link": "IdentityLink Interval LogLink LogitLink MultinomialLogit HalfLogitLink",
    "sklearn._loss.loss": (
        "HalfBinomialLoss HalfPoissonLoss HalfSquaredError HalfTweedieLossIdentity HalfTweedieLoss "
        "HalfGammaLoss HalfMultinomialLoss AbsoluteError PinballLoss HuberLoss ExponentialLoss"
    ),
    "sklearn.calibration": "_CalibratedClassifier _SigmoidCalibration",
    "sklearn.cluster._birch": "_CFNode _CFSubcluster",
    "sklearn.cluster._bisect_k_means": "_BisectingTree",
    "sklearn.cluster._kmeans": "_kmeans_single_lloyd _kmeans_single_elkan",
    "sklearn.compose._column_transformer": "_RemainderColsList",
    "sklearn.ensemble._hist_gradient_boosting.binning": "_BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor": "TreePredictor",
    "sklearn.ensemble._gb": "_init_raw_predictions",
    "sklearn.feature_selection._univariate_selection": "f_classif f_regression chi2",
    "sklearn.gaussian_process._gpc": "_BinaryGaussianProcessClassifierLaplace",
    "sklearn.gaussian_process.kernels": (
        "ConstantKernel Product Sum RBF Matern RationalQuadratic ExpSineSquared DotProduct WhiteKernel "
        "Exponentiation PairwiseKernel Hyperparameter"
    ),
    "sklearn.linear_model._sgd_fast": (
        "Hinge ModifiedHuber Log SquaredLoss Huber EpsilonInsensitive SquaredEpsilonInsensitive SquaredHinge"
    ),
    "sklearn.metrics._dist_metrics": "EuclideanDistance64 EuclideanDistance32 newObj",
    "sklearn.metrics._scorer": "_PassthroughScorer _Scorer",
    "sklearn.model_selection._split": "StratifiedKFold KFold",
    "sklearn.neighbors._kd_tree": "KDTree newObj",
    "sklearn.neighbors._ball_tree": "BallTree newObj",
    "sklearn.neural_network._stochastic_optimizers": "AdamOptimizer SGDOptimizer",
    "sklearn.tree._tree": "Tree",
    "sklearn.utils._bunch": "Bunch",
    "sklearn.utils.validation": "check_array",
    "functools": "partial",  # HistGradientBoosting keeps partial(check_array, ...)
}

_XGBOOST = {
    "xgboost.sklearn": "XGBClassifier XGBRegressor XGBRanker XGBRFClassifier XGBRFRegressor XGBModel",
    "xgboost.core": "Booster",
}
_LIGHTGBM = {
    "lightgbm.sklearn": "LGBMClassifier LGBMRegressor LGBMRanker LGBMModel",
    "lightgbm.basic": "Booster",
}


def _pairs(table: dict[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset((module, name) for module, names in table.items() for name in names.split())


@lru_cache(maxsize=1)
def _sklearn_estimators() -> frozenset[tuple[str, str]]:
    import warnings

    from sklearn.utils import all_estimators

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        classes = all_estimators()
    return frozenset((cls.__module__, cls.__qualname__) for _, cls in classes)


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def preset_pairs(name: str) -> frozenset[tuple[str, str]]:
    """The pairs of preset ``name`` (one of :data:`PRESETS`)."""
    if name == "python":
        return _pairs(_PYTHON)
    if name == "numpy":
        return _pairs(_PYTHON) | _pairs(_NUMPY)
    if name == "scipy":
        return _pairs(_SCIPY)
    if name == "pandas":
        return _pairs(_PYTHON) | _pairs(_NUMPY) | _pairs(_PANDAS)
    if name == "xgboost":
        return _pairs(_XGBOOST) if _installed("xgboost") else frozenset()
    if name == "lightgbm":
        return _pairs(_LIGHTGBM) if _installed("lightgbm") else frozenset()
    if name == "sklearn":
        out = _pairs(_PYTHON) | _pairs(_NUMPY) | _pairs(_SCIPY) | _pairs(_PANDAS) | _pairs(_SKLEARN_INTERNAL)
        out |= _sklearn_estimators()
        return out | preset_pairs("xgboost") | preset_pairs("lightgbm")
    raise KeyError(name)


#: Preset globals that can return an exact ``str`` (a global name built at load time).
STR_CAPABLE = frozenset(
    {("builtins", "str"), ("_codecs", "encode"), ("copyreg", "_reconstructor"), ("functools", "partial")}
)


@lru_cache(maxsize=1)
def never_str() -> frozenset[tuple[str, str]]:
    """Preset globals whose calls never return an exact ``str`` (classes whose instances are
    not ``str``, and value-rebuilding functions); user additions are not among them."""
    tables = (_PYTHON, _NUMPY, _SCIPY, _PANDAS, _SKLEARN_INTERNAL, _XGBOOST, _LIGHTGBM)
    out: set[tuple[str, str]] = set()
    for table in tables:
        out |= _pairs(table)
    if _installed("sklearn"):
        out |= _sklearn_estimators()
    return frozenset(out - STR_CAPABLE)


#: Names accepted by :meth:`Allowlist.preset`.
PRESETS = ("lightgbm", "numpy", "pandas", "python", "scipy", "sklearn", "xgboost")
