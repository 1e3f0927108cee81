"""The default catalog: coverage of THEORY.md section 5 and of every Hessian rule, and
honest provenance of every number."""
import math

import pytest

from gnsverify import catalog

CLASSES_REQUIRED = {"holder_hessian", "lipschitz_hessian", "bounded_hessian_variation",
                    "first_order", "holder_third", "qsc", "l0l1"}
RULES_REQUIRED = {"exact", "fisher", "gauss_newton", "fisher_term", "weighted_gn", "perturbed",
                  "perturbed_psd", "zero"}


@pytest.fixture(scope="module")
def cases():
    return catalog.default_cases()


def test_names_are_unique_and_resolvable(cases):
    names = [c.name for c in cases]
    assert len(names) == len(set(names)) == len(catalog.NAMES)
    assert names == list(catalog.NAMES)            # get_case(case.name) round-trips
    assert catalog.get_case(names[0]).name == names[0]


def test_every_class_and_rule_is_covered(cases):
    assert CLASSES_REQUIRED <= {c.claim.name for c in cases}
    assert RULES_REQUIRED <= {c.hessian for c in cases}
    nus = {c.params.get("nu") for c in cases if c.name.startswith("holder_1d")}
    assert len(nus) >= 3                                   # the Hölder family across nu
    names = set(catalog.NAMES)
    for required in ("logistic_breast_cancer_fisher", "softmax_digits_fisher",
                     "logsumexp_weighted_gn", "chebyshev_rosenbrock_gn", "rosenbrock_equations_gn",
                     "cosh_l0l1_zero", "quartic_n3"):
        assert required in names


def test_every_case_is_consistent(cases):
    for c in cases:
        p = c.get_problem()
        assert c.hessian in p.hessians, c.name
        b = c.bound()
        assert all(0 <= m.alpha_f <= 1 and m.M_f >= 0 for m in b.monomials), c.name
        assert c.undecided_constants() == [], (c.name, c.provenance())
        if c.is_convex:
            assert c.D is not None and c.D_how in ("construction", "certified"), c.name
        fs = c.f_star_bounds()
        assert fs is not None and fs[0] <= fs[1], c.name
        assert c.description, c.name
        assert math.isfinite(p.value(c.start())), c.name


def test_flagship_fisher_claims_compose_qsc_with_the_fisher_error(cases):
    c = next(c for c in cases if c.name == "logistic_breast_cancer_fisher")
    by_alpha = {m.alpha_f: m.source for m in c.bound().monomials}
    # QSC (alpha = 0) and the Fisher C2 term (beta = 0) share the exponent 0; C1 gives alpha = 1
    assert set(by_alpha) == {0.0, 1.0}
    assert "smoothness" in by_alpha[0.0] and "approximation:C2" in by_alpha[0.0]
    assert "approximation:C1" in by_alpha[1.0]
    assert c.f_star_how_resolved() == "computed" and c.f_star_err < 1e-8


@pytest.mark.parametrize("name", sorted(catalog.families()))
def test_every_family_builds_instances_that_pass_every_check(name):
    """Each family's builder derives its constants per instance; a generated instance
    must pass the audit, the invariants, the global bound and the gamma search."""
    from hypothesis import given, settings
    from gnsverify.falsify import check_instance
    fam = catalog.families()[name]

    @settings(max_examples=3, deadline=None)
    @given(fam.strategy)
    def prop(params):
        case = fam.build(params)
        assert case.bound() is not None
        found = []
        assert check_instance(case, found) is None
        assert all(t >= 1.0 for t, _ in found)      # a threshold is a factor >= 1
    prop()


def test_every_catalog_case_with_a_family_is_one_of_its_instances():
    for c in catalog.default_cases():
        if c.family is not None:
            assert c.family.name in catalog.families()


def test_unknown_name_raises():
    with pytest.raises(ValueError, match="name must be one of"):
        catalog.get_case("no_such_case")
    with pytest.raises(ValueError, match="x0 must be nonzero"):
        catalog.holder_1d_case(dict(nu=0.5, x0=0.0))
