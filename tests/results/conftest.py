"""The small hand-checked edition and the certificates stand-in of tests/ranking, for the results tests."""

from tests.ranking.conftest import fake_certificates, small  # noqa: F401  (fixtures shared with tests/ranking)
