from sklearn.utils.estimator_checks import parametrize_with_checks
from tests.fusion.estimator_instances import INSTANCES, EXPECTED_FAILED_CHECKS


@parametrize_with_checks(
    INSTANCES,
    expected_failed_checks=lambda e: EXPECTED_FAILED_CHECKS.get(type(e).__name__, {}),
)
def test_sk(estimator, check):
    check(estimator)
