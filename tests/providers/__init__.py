import pytest

# The wires' shared checks (_speccheck) say what differs, as a test's own assert does.
pytest.register_assert_rewrite("tests.providers._speccheck")
